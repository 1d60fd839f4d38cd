package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func rep(vms map[string]result.Verdict, plans map[string]result.Verdict, rs ...result.Result) report.Report {
	r := report.Report{Phase: result.Reprotect, Results: rs}
	for name, v := range vms {
		r.VMs = append(r.VMs, result.VM{Name: name, Verdict: v})
	}
	for name, v := range plans {
		r.RecoveryPlans = append(r.RecoveryPlans, result.RecoveryPlan{Name: name, Verdict: v})
	}
	return r
}

var (
	collision = result.Result{Check: "vm.name-collision", Kind: result.VMKind, Target: "db01", Status: result.Fail, Code: "78052", Message: "2 VMs named db01"}
	memory    = result.Result{Check: "esxi.memory", Kind: result.HostKind, Target: "esx01", Status: result.Warn, Message: "4.0 GB left"}
)

// TestCompare: verdict changes worse first, problems new, changed (message or status) and
// resolved, matched by check, target and code; a waived problem is no problem; the exit code says
// whether anything got worse, and how.
func TestCompare(t *testing.T) {
	ready := map[string]result.Verdict{"db01": result.Ready, "web01": result.Ready}
	memoryLess := memory
	memoryLess.Message = "2.0 GB left"
	waived := collision
	waived.Waived = &result.Waived{Reason: "r", Owner: "o", Expires: "2027-01-31"}
	otherCode := collision
	otherCode.Code = "78093"
	for _, tc := range []struct {
		name                    string
		old, new                report.Report
		exit                    int
		vms                     string // "name:from>to,…"
		newP, changed, resolved int
	}{
		{"nothing", rep(ready, nil), rep(ready, nil), ExitSame, "", 0, 0, 0},
		{"newly blocked", rep(ready, nil), rep(map[string]result.Verdict{"db01": result.Blocked, "web01": result.Ready}, nil, collision), ExitBlocked, "db01:ready>blocked", 1, 0, 0},
		{"blocked, now unknown", rep(map[string]result.Verdict{"db01": result.Blocked, "web01": result.Ready}, nil, collision),
			rep(map[string]result.Verdict{"db01": result.Unknown, "web01": result.Ready}, nil), ExitBlocked, "db01:blocked>unknown", 0, 0, 1},
		{"newly unknown", rep(ready, nil), rep(map[string]result.Verdict{"db01": result.Unknown, "web01": result.Ready}, nil), ExitBlocked, "db01:ready>unknown", 0, 0, 0},
		{"warn", rep(ready, nil), rep(map[string]result.Verdict{"db01": result.Warned, "web01": result.Ready}, nil, memory), ExitWorse, "db01:ready>warn", 1, 0, 0},
		{"better", rep(map[string]result.Verdict{"db01": result.Blocked, "web01": result.Warned}, nil, collision, memory), rep(ready, nil),
			ExitSame, "db01:blocked>ready,web01:warn>ready", 0, 0, 2},
		{"worse first", rep(map[string]result.Verdict{"db01": result.Blocked, "web01": result.Ready}, nil, collision),
			rep(map[string]result.Verdict{"db01": result.Ready, "web01": result.Warned}, nil, memory), ExitWorse, "web01:ready>warn,db01:blocked>ready", 1, 0, 1},
		{"message changed", rep(ready, nil, memory), rep(ready, nil, memoryLess), ExitSame, "", 0, 1, 0},
		{"another code is another problem", rep(ready, nil, collision), rep(ready, nil, otherCode), ExitSame, "", 1, 0, 1},
		{"waived is no problem", rep(ready, nil, collision), rep(ready, nil, waived), ExitSame, "", 0, 0, 1},
		{"a new VM that warns", rep(ready, nil), rep(map[string]result.Verdict{"db01": result.Ready, "web01": result.Ready, "app01": result.Warned}, nil), ExitWorse, "app01:>warn", 0, 0, 0},
		{"a VM gone", rep(ready, nil), rep(map[string]result.Verdict{"db01": result.Ready}, nil), ExitSame, "web01:ready>", 0, 0, 0},
		{"a plan blocked", rep(ready, map[string]result.Verdict{"RP-Web": result.Ready}), rep(ready, map[string]result.Verdict{"RP-Web": result.Blocked}), ExitBlocked, "", 0, 0, 0},
	} {
		d := Compare(tc.old, tc.new)
		var vms []string
		for _, c := range d.VMs {
			vms = append(vms, c.Name+":"+string(c.From)+">"+string(c.To))
		}
		if got := strings.Join(vms, ","); got != tc.vms || d.ExitCode() != tc.exit || len(d.New) != tc.newP || len(d.Changed) != tc.changed || len(d.Resolved) != tc.resolved {
			t.Errorf("%s: vms %q exit %d new %d changed %d resolved %d; want %q %d %d %d %d", tc.name, got, d.ExitCode(), len(d.New), len(d.Changed), len(d.Resolved),
				tc.vms, tc.exit, tc.newP, tc.changed, tc.resolved)
		}
	}
}

// TestWrite: text leads with what got worse and escapes names; JSON and Markdown carry the same.
func TestWrite(t *testing.T) {
	evil := collision
	evil.Target, evil.Message, evil.Check, evil.Code = "db\x1b[2J01", "a VM named \"db\x1b[2J01\"\nFAKE", "vm.name\x1b]0;pwned\a-collision", "78052\x1b[2J"
	d := Compare(rep(map[string]result.Verdict{"web01": result.Blocked}, nil, memory),
		rep(map[string]result.Verdict{"db\x1b[2J01": result.Blocked, "web01": result.Ready}, nil, evil))
	for format, want := range map[string][]string{
		"text":     {"! db\\x1b[2J01", "blocked → ready", "New problems\n  FAIL vm.name\\x1b]0;pwned\\x07-collision ASR 78052\\x1b[2J [VM db\\x1b[2J01]", "Resolved problems\n  WARN esxi.memory [host esx01]"},
		"json":     {`"to": "blocked"`, `"resolved": [`},
		"markdown": {"| ⚠️ worse |", "| new | fail | vm.name\\\\x1b\\]0;pwned\\\\x07-collision |"},
	} {
		var b bytes.Buffer
		if err := Write(&b, format, d); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if format != "json" && (strings.ContainsAny(out, "\x1b\a") || strings.Contains(out, "\nFAKE")) {
			t.Errorf("%s: raw control characters:\n%q", format, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", format, w, out)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, "yaml", d); err == nil {
		t.Error("yaml: no error")
	}
}

// TestValid: a report read from a file may name only phases, verdicts, statuses and kinds that
// exist.
func TestValid(t *testing.T) {
	good := rep(map[string]result.Verdict{"db01": result.Blocked}, map[string]result.Verdict{"RP": result.Ready}, collision)
	if err := Valid(good); err != nil {
		t.Error(err)
	}
	for name, change := range map[string]func(*report.Report){
		"phase":        func(r *report.Report) { r.Phase = "" },
		"verdict":      func(r *report.Report) { r.VMs[0].Verdict = "nonsense" },
		"plan verdict": func(r *report.Report) { r.RecoveryPlans[0].Verdict = "ready\x1b[2J" },
		"status":       func(r *report.Report) { r.Results[0].Status = "ok" },
		"kind":         func(r *report.Report) { r.Results[0].Kind = "server" },
	} {
		r := rep(map[string]result.Verdict{"db01": result.Blocked}, map[string]result.Verdict{"RP": result.Ready}, collision)
		change(&r)
		if err := Valid(r); err == nil || strings.ContainsAny(err.Error(), "\x1b") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
