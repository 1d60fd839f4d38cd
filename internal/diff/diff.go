// Package diff compares two reports of the same plan and phase: the VMs and recovery plans whose
// verdict changed, and the problems that are new, resolved, or say something else now. It is a pure
// function of the two reports.
package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// Diff is what changed from one report to the next.
type Diff struct {
	Phase         result.Phase `json:"phase"`
	From          time.Time    `json:"from"` // when the old report's run started
	To            time.Time    `json:"to"`
	VMs           []Change     `json:"vms"`           // worse first
	RecoveryPlans []Change     `json:"recoveryPlans"` // worse first
	New           []Problem    `json:"new"`           // worst first
	Changed       []Problem    `json:"changed"`       // same problem, another message or status
	Resolved      []Problem    `json:"resolved"`
}

// Change is a VM's (or a recovery plan's) verdict before and after; "" where it was not in that
// report.
type Change struct {
	Name string         `json:"name"`
	From result.Verdict `json:"from"`
	To   result.Verdict `json:"to"`
}

// Problem is a failure, error or warning, known by its check, target and code.
type Problem struct {
	Check   string        `json:"check"`
	Kind    result.Kind   `json:"kind"`
	Target  string        `json:"target"`
	Code    string        `json:"code"`
	Status  result.Status `json:"status"`
	Message string        `json:"message"`
	// Was is the status and message before, for a changed problem.
	WasStatus  result.Status `json:"wasStatus,omitempty"`
	WasMessage string        `json:"wasMessage,omitempty"`
}

// key is what makes two reports' problems the same problem: its check, target and code, and the
// VMs it narrows itself to (datastore.access reports a datastore once per VM out of reach).
type key struct {
	check  string
	kind   result.Kind
	target string
	code   string
	vms    string
}

// Valid says what in a report read from a file is not a report's: a phase, verdict, status or kind
// that does not exist. Compare trusts them; a renderer prints them.
func Valid(r report.Report) error {
	if !slices.Contains(result.Phases, r.Phase) {
		return fmt.Errorf("phase %q is not reprotect or failback", report.Printable(string(r.Phase)))
	}
	for i, vm := range r.VMs {
		if !slices.Contains(result.Verdicts, vm.Verdict) {
			return fmt.Errorf("vms[%d].verdict %q is not a verdict", i, report.Printable(string(vm.Verdict)))
		}
	}
	for i, p := range r.RecoveryPlans {
		if !slices.Contains(result.Verdicts, p.Verdict) {
			return fmt.Errorf("recoveryPlans[%d].verdict %q is not a verdict", i, report.Printable(string(p.Verdict)))
		}
	}
	for i, res := range r.Results {
		if !slices.Contains(result.Statuses, res.Status) || !slices.Contains(result.Kinds, res.Kind) {
			return fmt.Errorf("results[%d]: status %q or kind %q does not exist", i, report.Printable(string(res.Status)), report.Printable(string(res.Kind)))
		}
	}
	return nil
}

// Compare is the diff from old to new.
func Compare(old, new report.Report) Diff {
	d := Diff{Phase: new.Phase, From: old.StartedAt, To: new.StartedAt, VMs: []Change{}, RecoveryPlans: []Change{},
		New: []Problem{}, Changed: []Problem{}, Resolved: []Problem{}}
	d.VMs = changes(verdicts(old.VMs), verdicts(new.VMs))
	d.RecoveryPlans = changes(planVerdicts(old.RecoveryPlans), planVerdicts(new.RecoveryPlans))
	before, after := problems(old), problems(new)
	for k, p := range after {
		switch was, ok := before[k]; {
		case !ok:
			d.New = append(d.New, p)
		case was.Message != p.Message || was.Status != p.Status:
			p.WasStatus, p.WasMessage = was.Status, was.Message
			d.Changed = append(d.Changed, p)
		}
	}
	for k, p := range before {
		if _, ok := after[k]; !ok {
			d.Resolved = append(d.Resolved, p)
		}
	}
	for _, list := range [][]Problem{d.New, d.Changed, d.Resolved} {
		slices.SortFunc(list, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(rank(a.Status), rank(b.Status)), strings.Compare(a.Check, b.Check), strings.Compare(string(a.Kind), string(b.Kind)),
				strings.Compare(a.Target, b.Target), strings.Compare(a.Code, b.Code))
		})
	}
	return d
}

// Exit codes of a diff: nothing worse, something worse (a warning), something blocked or unknown.
const (
	ExitSame    = report.ExitOK
	ExitWorse   = report.ExitWarnings
	ExitBlocked = report.ExitFailed
)

// ExitCode is 3 when a VM or recovery plan became blocked or unknown (from any other verdict, or
// new), 4 when one got worse otherwise (ready → warn, or a new VM that warns), else 0.
func (d Diff) ExitCode() int {
	code := ExitSame
	for _, c := range slices.Concat(d.VMs, d.RecoveryPlans) {
		switch {
		case c.To == result.Blocked || c.To == result.Unknown:
			return ExitBlocked
		case c.Worse():
			code = ExitWorse
		}
	}
	return code
}

// Worse tells whether the verdict got worse: blocked is worst, then unknown, then warn; a VM new in
// the report is worse unless ready, and one gone is not.
func (c Change) Worse() bool {
	if c.To == "" {
		return false
	}
	return c.From == "" && c.To != result.Ready || c.From != "" && severity(c.To) > severity(c.From)
}

// severity orders the verdicts, ready 0 to blocked 3.
func severity(v result.Verdict) int {
	return len(result.Verdicts) - 1 - slices.Index(result.Verdicts, v)
}

// rank orders statuses, fail first.
func rank(s result.Status) int {
	return slices.Index([]result.Status{result.Fail, result.Error, result.Warn}, s)
}

// verdicts are the VMs' verdicts by name.
func verdicts(vms []result.VM) map[string]result.Verdict {
	m := make(map[string]result.Verdict, len(vms))
	for _, vm := range vms {
		m[vm.Name] = vm.Verdict
	}
	return m
}

// planVerdicts are the recovery plans' verdicts by name.
func planVerdicts(plans []result.RecoveryPlan) map[string]result.Verdict {
	m := make(map[string]result.Verdict, len(plans))
	for _, p := range plans {
		m[p.Name] = p.Verdict
	}
	return m
}

// changes are the names whose verdict differs, worse first (the new verdict's severity, then
// the name).
func changes(before, after map[string]result.Verdict) []Change {
	out := []Change{}
	for name, to := range after {
		if from := before[name]; from != to {
			out = append(out, Change{Name: name, From: from, To: to})
		}
	}
	for name, from := range before {
		if _, ok := after[name]; !ok {
			out = append(out, Change{Name: name, From: from})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(boolRank(b.Worse()), boolRank(a.Worse())), cmp.Compare(severity(b.To), severity(a.To)), strings.Compare(a.Name, b.Name))
	})
	return out
}

// boolRank is 1 for true: worse changes sort first.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// counts tells whether a result is a problem the diff counts: a failure, error or warning that no
// live waiver sets aside.
func counts(r result.Result) bool { return r.IsProblem() && r.Waived == nil }

// problems are a report's failures, errors and warnings that no live waiver sets aside, by key.
func problems(r report.Report) map[key]Problem {
	m := map[key]Problem{}
	for _, res := range r.Results {
		if !counts(res) {
			continue
		}
		m[key{res.Check, res.Kind, res.Target, res.Code, strings.Join(res.VMs, ",")}] = Problem{Check: res.Check, Kind: res.Kind, Target: res.Target, Code: res.Code,
			Status: res.Status, Message: res.Message}
	}
	return m
}

// Essentials is what Compare reads of a report — its phase and start, the verdicts, and the
// problems no waiver sets aside — so that a history of reports stays small.
func Essentials(r report.Report) report.Report {
	e := report.Report{Phase: r.Phase, StartedAt: r.StartedAt, VMs: make([]result.VM, len(r.VMs))}
	for i, vm := range r.VMs {
		e.VMs[i] = result.VM{Name: vm.Name, Verdict: vm.Verdict}
	}
	for _, p := range r.RecoveryPlans {
		e.RecoveryPlans = append(e.RecoveryPlans, result.RecoveryPlan{Name: p.Name, Verdict: p.Verdict})
	}
	for _, res := range r.Results {
		if counts(res) {
			e.Results = append(e.Results, result.Result{Check: res.Check, Kind: res.Kind, Target: res.Target, Code: res.Code, Status: res.Status, Message: res.Message, VMs: res.VMs})
		}
	}
	return e
}
