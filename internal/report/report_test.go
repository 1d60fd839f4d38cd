package report

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a report with one result of every status, a host failure that blocks two VMs and a
// datastore error that leaves one unknown.
func sample() Report {
	rs := []result.Result{
		{Check: "datastore.capacity", Target: "ds1", Kind: result.DatastoreKind, Status: result.Error, Title: "Datastore has room",
			Message: "cannot read datastore ds1: permission denied", Fix: "Grant Datastore.Browse."},
		{Check: "esxi.memory", Target: "esx01", Kind: result.HostKind, Status: result.Fail, Title: "Enough memory on the host", Code: "",
			Message: "esx01 has 2 GiB of memory free; the 2 VMs that power on there need 24 GiB", Fix: "Free memory on esx01."},
		{Check: "vcenter.connection", Target: "vcenter", Kind: result.VCenterKind, Status: result.Pass, Title: "vCenter is reachable",
			Message: "connected to VMware vCenter Server 8.0.2 (API 8.0.2.0), datacenter DC1"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "app01", Status: result.Skip, Title: "No name collision", Message: "skipped by --skip"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "db01", Status: result.Fail, Code: "78052", Title: "No name collision",
			Message: "db01 (vm-48 on esx01, poweredOff) already on host esx01 | master target's host",
			Fix:     "Pick a master target on another host.", DocURL: "https://learn.microsoft.com/azure/site-recovery/x#error-code-78052"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "web01", Status: result.Warn, Title: "No name collision",
			Message: "2 VMs named web01 <in> DC1 & more", Fix: "Rename the copies.", DocURL: "https://example.com/doc"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "evil\x1b[2J\x00", Status: result.Fail, Code: "78052", Title: "No name collision",
			Message: "a VM named \"evil\x1b[2J\x00\nFAKE PASS\u202e\" from vCenter <script>alert(1)</script>", Fix: "Rename it.",
			Short: "a VM named evil\x1b[2J\x00\nFAKE PASS\u202e is already in DC0"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "file01", Status: result.Pass, Title: "No name collision", Message: "no other VM named file01"},
		{Check: "vm.name-collision", Kind: result.VMKind, Target: "log01", Status: result.Warn, Title: "No name collision", Message: "a template named log01", Ignored: true},
	}
	vm := func(name string) result.Ref { return result.Ref{Kind: result.VMKind, Name: name} }
	esx01 := result.Ref{Kind: result.HostKind, Name: "esx01"}
	sc := result.Scope{
		VMs:    []string{"db01", "web01", "app01", "evil\x1b[2J\x00", "file01", "log01"},
		Global: []result.Ref{{Kind: result.VCenterKind, Name: "vcenter"}},
		Depends: map[string][]result.Ref{"db01": {vm("db01"), esx01}, "web01": {vm("web01"), esx01},
			"app01": {vm("app01"), {Kind: result.HostKind, Name: "esx02"}, {Kind: result.DatastoreKind, Name: "ds1"}}},
	}
	for _, name := range []string{"evil\x1b[2J\x00", "file01", "log01"} {
		sc.Depends[name] = []result.Ref{vm(name)}
	}
	vms, problems := result.Judge(rs, sc)
	started := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	ctx := Context{Plan: "plan.yaml", VCenter: "vc.example.com:443", Vault: "rg-asr/vault01"}
	return New("1.2.3", result.Reprotect, ctx, started, 1234*time.Millisecond, rs, vms, problems)
}

// withPlans is the sample with two recovery plans: RP-Finance, which asr.recovery-plan blocks and
// whose db01 is blocked, and RP-Web, of VMs that pass or only warn.
func withPlans() Report {
	r := sample()
	planResult := result.Result{Check: "asr.recovery-plan", Target: "RP-Finance", Kind: result.RecoveryPlanKind, Status: result.Fail, Title: "The plan can run",
		Message: "recovery plan RP-Finance: job PlannedFailover is running on the plan since 2026-11-28 09:30 UTC: wait for it to finish", Fix: "Wait for the job."}
	r.Results = append(r.Results, planResult)
	sc := result.Scope{Plans: []result.PlanScope{
		{Name: "RP-Finance", Groups: []result.Group{{Name: "All groups shutdown", Type: "Shutdown", VMs: []string{}}, {Name: "Group 1", Type: "Boot", VMs: []string{"db01"}},
			{Name: "Group 2", Type: "Boot", VMs: []string{"web01", "app01"}}}},
		{Name: "RP-Web", Groups: []result.Group{{Name: "Group 1", Type: "Boot", VMs: []string{"file01", "log01"}}}},
	}}
	problems := append([]result.Problem{{Result: planResult}}, r.Problems...)
	r.Problems = problems
	r.Summary.Fail++
	r.SetRecoveryPlans(result.JudgePlans(sc, problems))
	return r
}

// withSuggestions is the sample run with --suggest: db01 moved to esx02, web01 kept where it is,
// and what remains.
func withSuggestions() Report {
	r := sample()
	for i := range r.VMs {
		switch r.VMs[i].Name {
		case "db01":
			r.VMs[i].Suggestions = []result.Suggestion{{Field: "host", From: "esx01", To: "esx02", Check: "esxi.memory", Code: "8038",
				Reason: "esx01 has 2 GiB of memory free; the 2 VMs that power on there need 24 GiB", Detail: "96.0 GB free; passes esxi.memory, esxi.host, esxi.license"}}
			r.VMs[i].Unresolved = []string{"fail vm.name-collision [db01]: db01 (vm-48 on esx01, poweredOff) already on host esx01 | master target's host"}
		case "web01":
			r.VMs[i].Suggestions = []result.Suggestion{{Field: "host", From: "esx01", To: "esx01", Check: "esxi.memory", Reason: "esx01 has 2 GiB of memory free",
				Detail: "it fits once db01 moves to another host; passes esxi.memory"}}
		}
	}
	return r
}

func TestGolden(t *testing.T) {
	for _, f := range Formats {
		for name, rep := range map[string]Report{"report": sample(), "report-plans": withPlans(), "report-suggest": withSuggestions()} {
			t.Run(name+"."+string(f), func(t *testing.T) { golden(t, f, name, rep) })
		}
	}
}

// golden compares the report in the format with testdata/NAME.FORMAT.golden.
func golden(t *testing.T, f Format, name string, rep Report) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+"."+string(f)+".golden")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s output differs from %s (go test ./report -update rewrites it):\n%s", f, path, buf.String())
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	var plain, color bytes.Buffer
	_ = Write(&plain, Text, sample(), Options{})
	_ = Write(&color, Text, sample(), Options{Color: true})
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) || !bytes.Contains(color.Bytes(), []byte("\x1b[31mFAIL\x1b[0m")) ||
		!bytes.Contains(color.Bytes(), []byte("\x1b[31mblocked\x1b[0m")) {
		t.Error("colour must appear only when asked for")
	}
}

// TestControlCharactersEscaped: names from vCenter or Azure never reach a terminal, a Markdown or
// an HTML file with their control characters raw; Markdown shows the escapes as written.
func TestControlCharactersEscaped(t *testing.T) {
	for _, tc := range []struct {
		f          Format
		name, text string
	}{
		{Text, `evil\x1b[2J\x00`, `\x0aFAKE PASS\u202e`},
		{Markdown, `evil\\x1b\[2J\\x00`, `\\x0aFAKE PASS\\u202e`},
		{HTML, `evil\x1b[2J\x00`, `\x0aFAKE PASS\u202e`},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, tc.f, sample(), Options{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\x00\u202e") || strings.Contains(out, "\nFAKE PASS") {
			t.Errorf("%s: raw control characters:\n%q", tc.f, out)
		}
		// Suggestions carry names from vCenter too.
		advised := withSuggestions()
		advised.VMs[0].Suggestions = []result.Suggestion{{Field: "host", From: "esx\x1b[2J", To: "esx\u202e02", Reason: "a\nFAKE PASS", Detail: "\x00"}}
		advised.VMs[0].Unresolved = []string{"b\nFAKE PASS\x1b"}
		var adv bytes.Buffer
		if err := Write(&adv, tc.f, advised, Options{}); err != nil {
			t.Fatal(err)
		}
		if out := adv.String(); strings.ContainsAny(out, "\x1b\x00\u202e") || strings.Contains(out, "\nFAKE PASS") || !strings.Contains(out, "Suggestions") {
			t.Errorf("%s: raw control characters in suggestions:\n%q", tc.f, out)
		}
		if !strings.Contains(out, tc.name) || !strings.Contains(out, tc.text) {
			t.Errorf("%s: escapes missing:\n%s", tc.f, out)
		}
	}
}

// TestMarkdownShowsNamesAsWritten: a name that Markdown would read as emphasis, a link or an
// image (loading it) shows as written.
func TestMarkdownShowsNamesAsWritten(t *testing.T) {
	r := sample()
	r.VMs[0].Name = "**bold** [evil](https://evil.example/x) ![i](https://evil.example/p.png) `c` ~~s~~ a\\|b_c&d"
	var buf bytes.Buffer
	if err := Write(&buf, Markdown, r, Options{}); err != nil {
		t.Fatal(err)
	}
	want := `\*\*bold\*\* \[evil\](https://evil.example/x) !\[i\](https://evil.example/p.png) \` + "`c\\`" + ` \~\~s\~\~ a\\\|b\_c&amp;d`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("want %s in\n%s", want, buf.String())
	}
}

func TestSummaryAndExitCode(t *testing.T) {
	r := sample()
	if r.Summary != (Summary{Pass: 2, Warn: 2, Fail: 3, Error: 1, Skip: 1, VMs: VMCounts{Ready: 1, Warn: 1, Blocked: 3, Unknown: 1}}) {
		t.Errorf("summary %+v", r.Summary)
	}
	tests := []struct {
		s    Summary
		want int
	}{
		{Summary{}, 0},
		{Summary{Pass: 3, Skip: 2}, 0},
		{Summary{Pass: 1, Warn: 1}, 4},
		{Summary{Warn: 1, Fail: 1}, 3},
		{Summary{Error: 1}, 3},
	}
	for _, tc := range tests {
		if got := tc.s.ExitCode(); got != tc.want {
			t.Errorf("%+v: exit %d, want %d", tc.s, got, tc.want)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || err.Error() != `unknown format "yaml"; expected one of text, json, junit, markdown, html` {
		t.Errorf("ParseFormat: %v", err)
	}
}

// many is a report of n ready VMs and one blocked by a host.
func many(n int) Report {
	esx09 := result.Ref{Kind: result.HostKind, Name: "esx09"}
	rs := []result.Result{{Check: "esxi.memory", Target: esx09.Name, Kind: esx09.Kind, Status: result.Fail, Message: "esx09 is short of memory"}}
	sc := result.Scope{Depends: map[string][]result.Ref{}}
	for i := range n + 1 {
		vm := fmt.Sprintf("vm%03d", i)
		sc.VMs = append(sc.VMs, vm)
		sc.Depends[vm] = []result.Ref{{Kind: result.VMKind, Name: vm}}
		rs = append(rs, result.Result{Check: "vm.name-collision", Target: vm, Kind: result.VMKind, Status: result.Pass, Message: "no other VM named " + vm})
	}
	sc.Depends["vm000"] = append(sc.Depends["vm000"], esx09)
	vms, problems := result.Judge(rs, sc)
	return New("1.2.3", result.Failback, Context{}, time.Time{}, time.Second, rs, vms, problems)
}

// TestTextFoldsReadyAndPasses: beyond 50 ready VMs their count replaces their lines, and passes
// are one line per check — unless verbose.
func TestTextFoldsReadyAndPasses(t *testing.T) {
	for _, tc := range []struct {
		ready      int
		verbose    bool
		rows       int // ready rows in the table
		passLines  int // "PASS vm.name-collision" lines
		folded     string
		passCounts string
	}{
		{50, false, 50, 0, "", "vm.name-collision: 51 passed"},
		{51, false, 0, 0, "ready    51 VMs (--ready-file lists them, -v prints them)", "vm.name-collision: 52 passed"},
		{51, true, 51, 52, "", ""},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, Text, many(tc.ready), Options{Verbose: tc.verbose}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if got := strings.Count(out, "\nready    vm"); got != tc.rows {
			t.Errorf("%d ready, verbose %v: %d ready rows, want %d:\n%s", tc.ready, tc.verbose, got, tc.rows, out)
		}
		if got := strings.Count(out, "PASS vm.name-collision"); got != tc.passLines {
			t.Errorf("%d ready, verbose %v: %d pass lines, want %d", tc.ready, tc.verbose, got, tc.passLines)
		}
		for _, want := range []string{tc.folded, tc.passCounts, "blocked  vm000", "blocks 1 VM: vm000"} {
			if !strings.Contains(out, want) {
				t.Errorf("%d ready, verbose %v: no %q in\n%s", tc.ready, tc.verbose, want, out)
			}
		}
		if !strings.HasSuffix(out, fmt.Sprintf("%d pass, 0 warn, 1 fail, 0 error, 0 skip in 1000 ms\n", tc.ready+1)) {
			t.Errorf("last line: %q", out[strings.LastIndex(out[:len(out)-1], "\n"):])
		}
	}
}

// TestHTMLSelfContained: the page loads nothing, its policy allows exactly its own style sheet and
// script, and what came from vCenter is escaped.
func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, HTML, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{" src=", "<link", "url(", "@import", "<script>alert", "\x1b", "\u202e"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	between := func(open, end string) string {
		i := strings.Index(page, open)
		j := strings.Index(page, end)
		if i < 0 || j < i {
			t.Fatalf("no %s…%s block", open, end)
		}
		return page[i+len(open) : j]
	}
	for _, block := range []string{between("<style>", "</style>"), between("<script>", "</script>")} {
		if !strings.Contains(html.UnescapeString(page), digest(block)) {
			t.Errorf("the policy does not allow the inline block starting %q", block[:40])
		}
	}
	for _, want := range []string{`data-verdict="blocked"`, "blocks 2 VMs: db01, web01", `href="https://example.com/doc"`,
		"from vCenter &lt;script&gt;alert(1)&lt;/script&gt;", "<dd>rg-asr/vault01</dd>", "asr-preflight 1.2.3"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// estate is the 200-VM estate: 196 VMs on a datastore short of space, and four with
// problems of their own (two on a host short of memory, one Azure VM stopped, one collision).
func estate() Report {
	ds := result.Ref{Kind: result.DatastoreKind, Name: "LocalDS_0"}
	host := result.Ref{Kind: result.HostKind, Name: "DC0_H1"}
	rs := []result.Result{
		{Check: "datastore.capacity", Target: ds.Name, Kind: ds.Kind, Status: result.Fail,
			Message: "datastore LocalDS_0 has 96.0 GB free of 1024.0 GB; the provisioned space of vm000 40.0 GB + … needs 6400.0 GB: 6304.0 GB short",
			Short:   "6,304 GB short (96.0 GB free, 6,400 GB needed)"},
		{Check: "esxi.memory", Target: host.Name, Kind: host.Kind, Status: result.Fail, Code: "8038",
			Message: "host DC0_H1 has 24.0 GB free (48.0 GB total, 24.0 GB in use); vm196 16.0 GB + vm197 12.0 GB need 28.0 GB together: 4.0 GB short",
			Short:   "4.0 GB of memory short (24.0 GB free, 28.0 GB needed)"},
		{Check: "azure.vm-running", Target: "vm198", Kind: result.VMKind, Status: result.Fail, Code: "78093",
			Message: "Azure VM rg-dr/vm198: power state deallocated, provisioning succeeded; it must be running with provisioning succeeded",
			Short:   "Azure VM rg-dr/vm198 deallocated, not running"},
		{Check: "vm.name-collision", Target: "vm199", Kind: result.VMKind, Status: result.Fail, Code: "78052",
			Message: "vm199 (vm-42 on DC0_H0, poweredOff) already in datacenter DC0; alternate-location failback creates a new VM named vm199 there"},
	}
	sc := result.Scope{Depends: map[string][]result.Ref{}}
	for i := range 200 {
		vm := fmt.Sprintf("vm%03d", i)
		sc.VMs = append(sc.VMs, vm)
		sc.Depends[vm] = []result.Ref{{Kind: result.VMKind, Name: vm}}
		switch {
		case i < 196:
			sc.Depends[vm] = append(sc.Depends[vm], ds)
		case i < 198:
			sc.Depends[vm] = append(sc.Depends[vm], host)
		}
	}
	vms, problems := result.Judge(rs, sc)
	return New("1.2.3", result.Reprotect, Context{}, time.Time{}, time.Second, rs, vms, problems)
}

// TestVerdictTableFitsAndFolds: the 196 VMs with the very same reason are one row, naming them;
// the four with reasons of their own keep theirs; every line fits the width, leads with the short
// fact, names its target once, and is never cut inside a number or between a number and its
// unit; -v prints every VM.
func TestVerdictTableFitsAndFolds(t *testing.T) {
	table := func(o Options) []string {
		var buf bytes.Buffer
		if err := Write(&buf, Text, estate(), o); err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(buf.String(), "\nProblems\n")
		_, rows, _ := strings.Cut(head, "REASON\n")
		return strings.Split(strings.TrimSpace(rows), "\n")
	}
	var names []string
	for i := range 196 {
		names = append(names, fmt.Sprintf("vm%03d", i))
	}
	want := []struct{ start, reason string }{ // each row's first columns, and its whole reason
		{"blocked  196 VMs  -          ", "datastore LocalDS_0: 6,304 GB short (96.0 GB free, 6,400 GB needed) — " + strings.Join(names, ", ")},
		{"blocked  vm196    8038       ", "host DC0_H1: 4.0 GB of memory short (24.0 GB free, 28.0 GB needed)"},
		{"blocked  vm197    8038       ", "host DC0_H1: 4.0 GB of memory short (24.0 GB free, 28.0 GB needed)"},
		{"blocked  vm198    78093      ", "Azure VM rg-dr/vm198 deallocated, not running"},
		{"blocked  vm199    78052      ", "vm199 (vm-42 on DC0_H0, poweredOff) already in datacenter DC0; alternate-location failback creates a new VM named vm199 there"},
	}
	bareNumber := regexp.MustCompile(`(^|[ (])[0-9][0-9.,]*$`)
	for width := range 171 {
		if width > 0 && width < 30 {
			continue
		}
		rows := table(Options{Width: width})
		if len(rows) != len(want) {
			t.Fatalf("width %d: %d rows, want %d:\n%s", width, len(rows), len(want), strings.Join(rows, "\n"))
		}
		limit := max(cmp.Or(width, DefaultWidth), len(want[0].start)+minReason)
		for i, line := range rows {
			reason, ok := strings.CutPrefix(line, want[i].start)
			kept, cut := strings.CutSuffix(reason, "…")
			switch {
			case !ok:
				t.Errorf("width %d: row %d does not start %q: %s", width, i, want[i].start, line)
			case i == 0 && cut: // the folded row: its fact whole, then the first names, where they fit
				fact := "datastore LocalDS_0: 6,304 GB short"
				if room := limit - len(want[i].start); room >= len(fact)+len(" — vm000…") && (!strings.HasPrefix(kept, fact) || !strings.Contains(kept, " — vm000")) ||
					bareNumber.MatchString(strings.Split(kept, "…")[0]) {
					t.Errorf("width %d: the folded row does not keep its fact and name its first VM, or cuts a number: %s", width, line)
				}
			case utf8.RuneCountInString(line) > limit:
				t.Errorf("width %d: a row of %d columns: %s", width, utf8.RuneCountInString(line), line)
			case !cut && reason != want[i].reason:
				t.Errorf("width %d: row %d reads %q, want %q", width, i, reason, want[i].reason)
			case cut && (!strings.HasPrefix(want[i].reason, kept) || !strings.HasPrefix(strings.TrimLeft(want[i].reason[len(kept):], ",;:"), " ") || bareNumber.MatchString(kept)):
				t.Errorf("width %d: row %d is cut inside a word or number, or a number from its unit: %s", width, i, line)
			}
		}
	}
	if all := table(Options{Verbose: true}); len(all) != 200 {
		t.Errorf("-v: %d rows, want every VM", len(all))
	}
}

// TestWaived: a waived failure keeps its status in the results but counts toward no verdict,
// summary count or exit code; summary.waived counts it; the text, Markdown and HTML reports show
// it in a section of its own with its waiver, JUnit marks it skipped, and the waivers to act on
// are named.
func TestWaived(t *testing.T) {
	w := &result.Waived{Reason: "the stray copy is kept", Owner: "dba-team", Expires: "2027-01-31", At: "waivers.yaml:2"}
	rs := []result.Result{
		{Check: "vm.name-collision", Target: "db01", Kind: result.VMKind, Status: result.Fail, Code: "78052", Message: "db01 collides", Waived: w},
		{Check: "vm.name-collision", Target: "web01", Kind: result.VMKind, Status: result.Pass, Message: "fine"},
	}
	sc := result.Scope{VMs: []string{"db01", "web01"}, Depends: map[string][]result.Ref{"db01": {{Kind: result.VMKind, Name: "db01"}}, "web01": {{Kind: result.VMKind, Name: "web01"}}}}
	vms, problems := result.Judge(rs, sc)
	rep := New("1.2.3", result.Failback, Context{}, time.Time{}, time.Second, rs, vms, problems)
	rep.Waivers = []result.WaiverOutcome{{Check: "vm.name-collision", VM: "db01", Waived: *w, State: result.WaiverLive, Matched: 1},
		{Check: "esxi.memory", Target: "host:esx01", Waived: result.Waived{Expires: "2026-12-01", At: "waivers.yaml:8"}, State: result.WaiverExpired, Matched: 1},
		{Check: "esxi.memory", VM: "x\u202eyz", Waived: result.Waived{Expires: "2027-01-31", At: "w\x1b[2J.yaml:9"}, State: result.WaiverUnused}} // from a snapshot, say
	if s := rep.Summary; s.Fail != 0 || s.Waived != 1 || s.Pass != 1 || s.VMs.Ready != 2 || s.ExitCode() != ExitOK || len(problems) != 0 {
		t.Errorf("summary %+v, exit %d, problems %d", s, s.ExitCode(), len(problems))
	}
	for f, want := range map[Format][]string{
		Text:     {"\nWaived (they count toward no verdict until their waiver ends)\n\n  FAIL vm.name-collision ASR 78052 [VM db01]\n    db01 collides\n    waived until 2027-01-31 by dba-team: the stray copy is kept (waivers.yaml:2)\n", "waiver of esxi.memory for host:esx01 (waivers.yaml:8) ended on 2026-12-01", "1 pass, 0 warn, 0 fail, 0 error, 0 skip, 1 waived"},
		Markdown: {"### Waived", "| VM db01 | ❌ fail | vm.name-collision | 78052 | db01 collides | waived until 2027-01-31 by dba-team", "ended on 2026-12-01"},
		HTML:     {`<section id="waived">`, "waived until 2027-01-31 by dba-team", "ended on 2026-12-01"},
		JUnit:    {`<skipped message="waived until 2027-01-31 by dba-team: the stray copy is kept (waivers.yaml:2) — `, `skipped="1"`},
		JSON:     {`"waived": {`, `"waived": 1,`, `"state": "expired"`},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, f, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, s := range want {
			if !strings.Contains(buf.String(), s) {
				t.Errorf("%s: no %q in\n%s", f, s, buf.String())
			}
		}
		if f != JSON && strings.ContainsAny(buf.String(), "\x1b\u202e") {
			t.Errorf("%s: a waiver's raw control characters:\n%q", f, buf.String())
		}
	}
}
