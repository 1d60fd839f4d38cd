package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

// The views below are what the human-readable renderers share: the verdict table, the problems
// grouped by what they are about, and the passes and skips counted per check.

// foldReady is the number of ready VMs above which the verdict table gives their count, not their
// lines (unless verbose).
const foldReady = 50

// row is one line of the verdict table.
type row struct {
	VM     result.VM
	Codes  string // the ASR codes of its worst reasons, "-" if none
	Reason string // its first reason, in a few words ("" when ready)
	Whole  string // that reason uncut, for a renderer that fits it to its width
}

// table is the verdict table: the VMs that need action first.
type table struct {
	Rows   []row
	Folded int // ready VMs counted, not listed
}

// verdictTable orders the VMs blocked, unknown, warn, ready (by name within each), folding the
// ready ones when there are many and the report is not verbose.
func verdictTable(r Report, verbose bool) table { return tableOf(r.VMs, verbose) }

// tableOf is the verdict table of some VMs.
func tableOf(vms []result.VM, verbose bool) table {
	var t table
	ready := 0
	for _, vm := range vms {
		if vm.Verdict == result.Ready {
			ready++
		}
	}
	fold := !verbose && ready > foldReady
	for _, v := range result.Verdicts {
		for _, vm := range vms {
			if vm.Verdict != v {
				continue
			}
			if v == result.Ready && fold {
				t.Folded++
				continue
			}
			rw := row{VM: vm, Codes: codes(vm)}
			if len(vm.Reasons) > 0 {
				rw.Whole = firstReason(vm.Name, vm.Reasons[0])
				rw.Reason = brief(rw.Whole, briefRunes)
			}
			t.Rows = append(t.Rows, rw)
		}
	}
	return t
}

// planRow is one line of the recovery plans' table.
type planRow struct {
	Plan   result.RecoveryPlan
	Codes  string // the ASR codes of its worst reasons, "-" if none
	Reason string // its first reason, in a few words ("" when ready)
	Whole  string // that reason uncut
}

// planSection is a recovery plan's VMs, by group in boot order, each group a verdict table.
type planSection struct {
	planRow
	Groups []groupTable
}

// groupTable is one group's verdict table.
type groupTable struct {
	Name  string
	Table table
}

// planSections are the recovery plans, in the plan's order, with their groups that hold VMs.
func planSections(r Report, verbose bool) []planSection {
	byName := vmsByName(r)
	var out []planSection
	for _, p := range r.RecoveryPlans {
		sec := planSection{planRow: planRow{Plan: p, Codes: codes(result.VM{Reasons: p.Reasons})}}
		if len(p.Reasons) > 0 {
			sec.Whole = firstReason(p.Name, p.Reasons[0])
			sec.Reason = brief(sec.Whole, briefRunes)
		}
		for _, g := range p.Groups {
			if vms := groupVMs(byName, g); len(vms) > 0 {
				sec.Groups = append(sec.Groups, groupTable{Name: g.Name, Table: tableOf(vms, verbose)})
			}
		}
		out = append(out, sec)
	}
	// What needs action first, as the VMs; the plan's order within a verdict.
	slices.SortStableFunc(out, func(a, b planSection) int {
		return slices.Index(result.Verdicts, a.Plan.Verdict) - slices.Index(result.Verdicts, b.Plan.Verdict)
	})
	return out
}

// vmsByName indexes the report's VMs by name, for the recovery plans' groups.
func vmsByName(r Report) map[string]result.VM {
	byName := make(map[string]result.VM, len(r.VMs))
	for _, vm := range r.VMs {
		byName[vm.Name] = vm
	}
	return byName
}

// groupVMs are the verdicts of a recovery plan group's VMs, in its order.
func groupVMs(byName map[string]result.VM, g result.Group) []result.VM {
	var vms []result.VM
	for _, name := range g.VMs {
		if vm, ok := byName[name]; ok {
			vms = append(vms, vm)
		}
	}
	return vms
}

// firstReason is a VM's first reason — its short form, else its message — naming its target
// once, unless that is the VM.
func firstReason(vm string, rs result.Reason) string {
	msg := cmp.Or(rs.Short, strings.TrimPrefix(rs.Message, vm+": "))
	if rs.Kind == result.RecoveryPlanKind && rs.Target == vm { // a plan's own result, on the plan's row
		msg = strings.TrimPrefix(msg, heading(rs.Kind, rs.Target)+": ")
	} else if (rs.Kind != result.VMKind || rs.Target != vm) && !strings.HasPrefix(msg, rs.Target+" ") && !strings.HasPrefix(msg, rs.Target+":") &&
		!strings.Contains(msg, heading(rs.Kind, rs.Target)) {
		msg = heading(rs.Kind, rs.Target) + ": " + msg
	}
	return msg
}

// codes lists the distinct ASR codes of a VM's worst reasons.
func codes(vm result.VM) string {
	var list []string
	for _, rs := range vm.Reasons {
		if rs.Status == vm.Reasons[0].Status && rs.Code != "" && !slices.Contains(list, rs.Code) {
			list = append(list, rs.Code)
		}
	}
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ",")
}

// briefRunes is how long the Markdown and HTML verdict tables' reason may be.
const briefRunes = 60

// brief shortens a message to at most n runes, "…" included, cut at a space — never inside a word
// or a number; a message without a space to cut at is cut before the number it would split.
func brief(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:max(n-1, 1)])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
		// a number keeps its unit: "24 GiB" goes whole or not at all
		if j := strings.LastIndexByte(cut, ' '); j > 0 && strings.IndexFunc(strings.TrimLeft(cut[j+1:], "([{\"'"), unicode.IsDigit) == 0 {
			cut = cut[:j]
		}
	} else {
		cut = strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsDigit(r) || r == '.' || r == ',' })
	}
	return strings.TrimRight(cut, " ,;:—-") + "…"
}

// waivedBy says which waiver sets a result aside: "waived until 2027-01-31 by ops-team: the
// template is kept on purpose (waivers.yaml:3)".
func waivedBy(w result.Waived) string {
	return fmt.Sprintf("waived until %s by %s: %s (%s)", w.Expires, w.Owner, w.Reason, w.At)
}

// foldAt is how many VMs with the very same reasons the text report folds into one row.
const foldAt = 3

// sameReasons is a row of the text report's verdict table: VMs whose reasons are all the same,
// or one VM.
type sameReasons struct {
	row
	Names []string // the VMs folded in, in the table's order; one for a row of its own
}

// foldSame folds the rows of VMs whose reasons are all the same — check, target, status, code and
// message — into one, where there are foldAt or more; a VM with reasons of its own keeps its row,
// and so does every VM when verbose.
func foldSame(rows []row, verbose bool) []sameReasons {
	key := func(vm result.VM) string {
		var b strings.Builder
		fmt.Fprint(&b, vm.Verdict)
		for _, rs := range vm.Reasons {
			fmt.Fprintf(&b, "\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", rs.Check, rs.Kind, rs.Target, rs.Status, rs.Code, rs.Message)
		}
		return b.String()
	}
	keys, count := make([]string, len(rows)), map[string]int{}
	for i, rw := range rows {
		if keys[i] = key(rw.VM); len(rw.VM.Reasons) > 0 {
			count[keys[i]]++
		}
	}
	var out []sameReasons
	at := map[string]int{} // key → its row in out
	for i, rw := range rows {
		k := keys[i]
		if verbose || count[k] < foldAt {
			out = append(out, sameReasons{row: rw, Names: []string{rw.VM.Name}})
			continue
		}
		if i, ok := at[k]; ok {
			out[i].Names = append(out[i].Names, rw.VM.Name)
			continue
		}
		at[k] = len(out)
		out = append(out, sameReasons{row: rw, Names: []string{rw.VM.Name}})
	}
	return out
}

// kindOrder orders the problem groups: the recovery plans, what affects every VM, then the servers and objects VMs go
// through, then the VMs themselves.
var kindOrder = []result.Kind{result.RecoveryPlanKind, result.VCenterKind, result.DatacenterKind, result.AzureKind, result.CheckKind, result.ProbeKind,
	result.ConfigServerKind, result.ProcessServerKind, result.MasterTargetKind, result.ApplianceKind, result.HostKind,
	result.DatastoreKind, result.VMKind}

// entry is a problem, and the other checks that report the very same about the same target (a
// source down makes every check that needs it report one error).
type entry struct {
	result.Problem
	Checks []string // the problem's check first
}

// group is the problems about one target.
type group struct {
	Heading string // "host esx01", "vCenter", "VM db01"…
	Entries []entry
	rank    int // the kind's place in kindOrder
}

// groups gathers the problems by target, ordered by kind (others last) then by their worst
// problem, each problem once.
func groups(problems []result.Problem) []group {
	var list []group
	at := map[result.Ref]int{}
	for _, p := range problems {
		i, ok := at[p.Ref()]
		if !ok {
			i = len(list)
			at[p.Ref()] = i
			rank := slices.Index(kindOrder, p.Kind)
			if rank < 0 {
				rank = len(kindOrder)
			}
			list = append(list, group{Heading: heading(p.Kind, p.Target), rank: rank})
		}
		g := &list[i]
		if j := slices.IndexFunc(g.Entries, func(e entry) bool { return same(e.Problem, p) }); j >= 0 {
			g.Entries[j].Checks = append(g.Entries[j].Checks, p.Check)
			continue
		}
		g.Entries = append(g.Entries, entry{Problem: p, Checks: []string{p.Check}})
	}
	slices.SortStableFunc(list, func(a, b group) int { return a.rank - b.rank })
	return list
}

// same reports whether two problems say the same: status, code, message, fix and VMs.
func same(a, b result.Problem) bool {
	return a.Status == b.Status && a.Code == b.Code && a.Message == b.Message && a.Fix == b.Fix && a.DocURL == b.DocURL &&
		slices.Equal(a.VMs, b.VMs)
}

// heading names a target with its kind: "host esx01", "vCenter", "the master target"…
func heading(k result.Kind, target string) string {
	switch {
	case target == "-":
		return "the run as a whole"
	case k == result.MasterTargetKind && target == "master-target":
		return "the master target"
	case k == result.ProbeKind && target == "probe":
		return "the probes"
	case strings.EqualFold(target, string(k)):
		return k.Label()
	}
	return k.Label() + " " + target
}

// shownVMs is how many VM names a text or Markdown problem lists before "and N more".
const shownVMs = 10

// affects says which VMs a problem blocks, leaves unknown or concerns — "blocks 40 VMs: a, b, …"
// — or "" when it is about a single VM and that VM is its target.
func affects(p result.Problem, all bool) string {
	if len(p.VMs) == 0 || len(p.VMs) == 1 && p.Kind == result.VMKind && p.VMs[0] == p.Target {
		return ""
	}
	names := p.VMs
	more := ""
	if !all && len(names) > shownVMs {
		more = fmt.Sprintf(" and %d more", len(names)-shownVMs)
		names = names[:shownVMs]
	}
	noun := "VMs"
	if len(p.VMs) == 1 {
		noun = "VM"
	}
	format := map[result.Status]string{result.Fail: "blocks %d %s", result.Error: "leaves %d %s unknown", result.Warn: "concerns %d %s"}[p.Status]
	return fmt.Sprintf(format, len(p.VMs), noun) + ": " + strings.Join(names, ", ") + more
}

// tally counts one check's passes and skips.
type tally struct {
	Check   string
	Passed  int
	Skipped int
	Why     []string // the distinct reasons for the skips
}

// tallies counts passes and skips per check, in check order.
func tallies(results []result.Result) []tally {
	var list []tally
	at := map[string]int{}
	for _, r := range results {
		if r.Status != result.Pass && r.Status != result.Skip {
			continue
		}
		i, ok := at[r.Check]
		if !ok {
			i = len(list)
			at[r.Check] = i
			list = append(list, tally{Check: r.Check})
		}
		t := &list[i]
		if r.Status == result.Pass {
			t.Passed++
		} else {
			t.Skipped++
			if !slices.Contains(t.Why, r.Message) {
				t.Why = append(t.Why, r.Message)
			}
		}
	}
	return list
}

// counts is a tally as words: "197 passed, 3 skipped".
func (t tally) counts() string {
	var parts []string
	if t.Passed > 0 {
		parts = append(parts, fmt.Sprintf("%d passed", t.Passed))
	}
	if t.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", t.Skipped))
	}
	return strings.Join(parts, ", ")
}

// vmCounts is the verdict counts as words: "4 VMs: 1 blocked, 1 unknown, 1 warn, 1 ready".
func vmCounts(c VMCounts) string { return verdictCounts(c, "VM", "VMs") }

// planCounts is the recovery plans' verdict counts as words: "2 recovery plans: 1 blocked, 1 ready"; "" without plans.
func planCounts(s Summary) string {
	if s.RecoveryPlans == nil {
		return ""
	}
	return verdictCounts(*s.RecoveryPlans, "recovery plan", "recovery plans")
}

// verdictCounts is counts of things by verdict as words.
func verdictCounts(c VMCounts, one, many string) string {
	total := c.Ready + c.Warn + c.Blocked + c.Unknown
	noun := many
	if total == 1 {
		noun = one
	}
	var parts []string
	for _, v := range result.Verdicts {
		if n := c.Count(v); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", total, noun)
	}
	return fmt.Sprintf("%d %s: %s", total, noun, strings.Join(parts, ", "))
}

// statusCounts is the last line's counts: "1 pass, 1 warn, 2 fail, 1 error, 1 skip".
func statusCounts(s Summary) string {
	counts := fmt.Sprintf("%d pass, %d warn, %d fail, %d error, %d skip", s.Pass, s.Warn, s.Fail, s.Error, s.Skip)
	if s.Waived > 0 {
		counts += fmt.Sprintf(", %d waived", s.Waived)
	}
	return counts
}

// advice is one VM's suggestions, in words, and what they leave.
type advice struct {
	VM    string
	Tries []try
	Still []string // the unresolved reasons
}

// try is one suggestion in words: "try host esx07 (was esx03): 96.0 GB free; passes …", and what it clears.
type try struct {
	Change string
	Clears string
}

// advices are the VMs' suggestions (--suggest), the VMs that need action first; none without.
func advices(r Report) []advice {
	var out []advice
	for _, v := range result.Verdicts {
		for _, vm := range r.VMs {
			if vm.Verdict != v || len(vm.Suggestions)+len(vm.Unresolved) == 0 {
				continue
			}
			a := advice{VM: vm.Name, Still: vm.Unresolved}
			for _, s := range vm.Suggestions {
				change := fmt.Sprintf("try %s %s (was %s): %s", s.Field, s.To, s.From, s.Detail)
				if s.From == s.To {
					change = fmt.Sprintf("keep %s %s: %s", s.Field, s.To, s.Detail)
				}
				clears := s.Check
				if s.Code != "" {
					clears += " ASR " + s.Code
				}
				a.Tries = append(a.Tries, try{Change: change, Clears: clears + ": " + s.Reason})
			}
			out = append(out, a)
		}
	}
	return out
}
