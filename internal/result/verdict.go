package result

import (
	"cmp"
	"slices"
	"strings"
)

// Verdict is what the results say of one VM for the phase.
type Verdict string

// The verdicts.
const (
	Ready   Verdict = "ready"   // nothing fails or errors for it
	Warned  Verdict = "warn"    // only warnings apply to it
	Blocked Verdict = "blocked" // a failure applies to it
	Unknown Verdict = "unknown" // no failure, but something that applies to it could not be evaluated
)

// Verdicts lists the verdicts as reports order them: what needs action first.
var Verdicts = []Verdict{Blocked, Unknown, Warned, Ready}

// VM is one plan VM's verdict and the results behind it.
type VM struct {
	Name    string   `json:"name"`
	Verdict Verdict  `json:"verdict"`
	Reasons []Reason `json:"reasons"` // the failures, errors and warnings that apply to it, worst first
	// Suggestions (--suggest) are the placement changes the checks accept for it; Unresolved the
	// reasons they leave, and why no placement fixed one. Advice: the verdict stays.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
	Unresolved  []string     `json:"unresolved,omitempty"`
}

// Suggestion is one change to a VM's placement — its host, datastore or target name — that the
// same checks, run again on the same snapshot, accept.
type Suggestion struct {
	Field  string `json:"field"` // host, datastore, name
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"` // the message of the result it clears
	Check  string `json:"check"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"` // why the new value fits: "96.0 GB free; passes esxi.memory, esxi.host"
}

// Reason is a result that applies to a VM.
type Reason struct {
	Check   string `json:"check"`
	Target  string `json:"target"`
	Kind    Kind   `json:"kind"`
	Status  Status `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Short   string `json:"short,omitempty"` // the result's Short
}

// Problem is a failure, error or warning, with the VMs it applies to.
type Problem struct {
	Result
	VMs []string // the plan VMs it applies to, in plan order
}

// Scope says which results apply to which VM.
type Scope struct {
	VMs     []string         // the plan VMs, in plan order
	Depends map[string][]Ref // per VM, the targets whose results apply to it: itself, its host, datastore, appliance…
	Global  []Ref            // targets whose results apply to every VM: vCenter, Azure, a check as a whole…
	Plans   []PlanScope      // the recovery plans checked, when the plan names any
}

// PlanScope is a recovery plan's groups and their VMs, in boot order.
type PlanScope struct {
	Name   string
	Groups []Group
}

// Group is one group of a recovery plan and its VMs, in order.
type Group struct {
	Name string   `json:"name"` // "Group 1"…, "All groups shutdown", "All groups failover"
	Type string   `json:"type"` // Boot, Shutdown, Failover
	VMs  []string `json:"vms"`
}

// rank orders statuses from the worst.
var rank = map[Status]int{Fail: 0, Error: 1, Warn: 2, Skip: 3, Pass: 4}

// Judge gives every VM its verdict from the results that apply to it, and lists each failure,
// error and warning once with the VMs it applies to, worst first. A result applies to the VMs that
// depend on its target, narrowed to its own VMs when it names them.
func Judge(results []Result, sc Scope) ([]VM, []Problem) {
	order := make(map[string]int, len(sc.VMs))
	byTarget := map[Ref][]string{} // target → the VMs its results apply to, in plan order
	for i, vm := range sc.VMs {
		order[vm] = i
		for _, t := range sc.Depends[vm] {
			if list := byTarget[t]; len(list) == 0 || list[len(list)-1] != vm {
				byTarget[t] = append(list, vm)
			}
		}
	}
	for _, t := range sc.Global {
		byTarget[t] = sc.VMs
	}
	var problems []Problem
	for _, r := range results {
		if !r.IsProblem() || r.Waived != nil {
			continue
		}
		p := Problem{Result: r, VMs: byTarget[r.Ref()]}
		if len(r.VMs) > 0 {
			p.VMs = nil
			for _, vm := range r.VMs {
				if _, planned := order[vm]; planned {
					p.VMs = append(p.VMs, vm)
				}
			}
			slices.SortFunc(p.VMs, func(a, b string) int { return order[a] - order[b] })
			p.VMs = slices.Compact(p.VMs)
		}
		problems = append(problems, p)
	}
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), strings.Compare(a.Check, b.Check), strings.Compare(a.Target, b.Target))
	})
	vms := make([]VM, len(sc.VMs))
	for i, name := range sc.VMs {
		vms[i] = VM{Name: name, Verdict: Ready, Reasons: []Reason{}}
	}
	for _, p := range problems {
		for _, name := range p.VMs {
			vm := &vms[order[name]]
			vm.Reasons = append(vm.Reasons, p.reason())
			vm.Verdict = vm.Verdict.with(p.Status)
		}
	}
	slices.SortFunc(vms, func(a, b VM) int { return strings.Compare(a.Name, b.Name) })
	return vms, problems
}

// RecoveryPlan is one recovery plan's verdict: the worst of its VMs' and of its own results.
type RecoveryPlan struct {
	Name    string   `json:"name"`
	Verdict Verdict  `json:"verdict"`
	VMs     []string `json:"vms"` // in boot order
	Groups  []Group  `json:"groups"`
	Reasons []Reason `json:"reasons"` // each failure, error and warning that applies to it or to one of its VMs, worst first
}

// JudgePlans gives every recovery plan of the scope its verdict: blocked when a failure applies
// to it or to one of its VMs, unknown when an error does (and no failure), warn when only warnings
// do, else ready. Problems come worst first, as Judge returns them; each counts once per plan.
func JudgePlans(sc Scope, problems []Problem) []RecoveryPlan {
	global := map[Ref]bool{}
	for _, r := range sc.Global {
		global[r] = true
	}
	out := make([]RecoveryPlan, 0, len(sc.Plans))
	for _, ps := range sc.Plans {
		p := RecoveryPlan{Name: ps.Name, Verdict: Ready, VMs: []string{}, Groups: ps.Groups, Reasons: []Reason{}}
		in := map[string]bool{}
		for _, g := range ps.Groups {
			for _, vm := range g.VMs {
				if !in[vm] {
					in[vm] = true
					p.VMs = append(p.VMs, vm)
				}
			}
		}
		for _, pr := range problems {
			applies := pr.Ref() == Ref{RecoveryPlanKind, ps.Name} || global[pr.Ref()] || slices.ContainsFunc(pr.VMs, func(vm string) bool { return in[vm] })
			if !applies {
				continue
			}
			p.Reasons = append(p.Reasons, pr.reason())
			p.Verdict = p.Verdict.with(pr.Status)
		}
		// The plan's own results first among those of a status: its row shows why the plan is blocked.
		slices.SortStableFunc(p.Reasons, func(a, b Reason) int {
			own := func(r Reason) int {
				if r.Kind == RecoveryPlanKind {
					return 0
				}
				return 1
			}
			return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), own(a)-own(b))
		})
		out = append(out, p)
	}
	return out
}

// reason is the problem as a reason of a VM or plan it applies to.
func (p Problem) reason() Reason {
	return Reason{Check: p.Check, Target: p.Target, Kind: p.Kind, Status: p.Status, Code: p.Code, Message: p.Message, Short: p.Short}
}

// with is the verdict once a result of the status applies too: a failure blocks, an error leaves
// unknown what nothing blocks, a warning warns what is ready.
func (v Verdict) with(s Status) Verdict {
	switch {
	case s == Fail:
		return Blocked
	case s == Error && v != Blocked:
		return Unknown
	case s == Warn && v == Ready:
		return Warned
	}
	return v
}
