package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(RecoveryPlan{}) }

// RecoveryPlan reports, per recovery plan the plan names, whether Site Recovery can run the phase's
// job on the plan as a whole: one item that is not ready fails the whole job.
type RecoveryPlan struct{}

// Info describes the check.
func (RecoveryPlan) Info() Info {
	return Info{
		ID:     "asr.recovery-plan",
		Kind:   RecoveryPlanKind,
		Title:  "Site Recovery can run the phase's job on the recovery plan as a whole",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{Azure, Vault},
		Cause:  "A recovery plan's reprotect or failback is one job over all its items: it fails if the plan is busy with another job, if one item is not at the stage the job needs (never failed over, not reprotected, already failed back) or is no longer protected, or if Site Recovery does not offer the operation on the plan.",
		Fix:    "Wait for the plan's running job to end; bring every named item to the stage the phase needs (or take it out of the plan); remove items that are no longer protected from the plan, or protect the machines again.",
		DocURL: docBase + "site-recovery-create-recovery-plans",
	}
}

// preFailoverOps are the operations Site Recovery allows on a plan whose items were never failed
// over: all a recorded plan allows (rcm-recoveryplan-get.json).
var preFailoverOps = []string{inventory.OpUnplannedFailover, "TestFailover"}

// Run judges each named recovery plan for the phase.
func (RecoveryPlan) Run(s *Input) []Result {
	if len(s.Plan.RecoveryPlans) == 0 {
		return []Result{{Target: "-", Kind: CheckKind, Status: Skip, Message: "the plan names no recovery plan (recoveryPlans, or --recovery-plan)"}}
	}
	var out []Result
	st := s.Parts[RecoveryPlans]
	for _, rp := range s.Facts.RecoveryPlans {
		r := Result{Target: rp.Name}
		switch {
		case st.Error != "":
			r.Status, r.Message = Error, st.Error
		case !st.Collected:
			r.Status, r.Message = Error, "the vault's recovery plans were not read"
		case rp.Plan == nil:
			r.Status, r.Message = Fail, fmt.Sprintf("vault %s has no recovery plan %s; its plans: %s", vaultName(s.Plan), rp.Name, inventory.RecoveryPlanNames(s.Azure.RecoveryPlans))
		default:
			out = append(out, judgePlan(s.Phase, rp)...)
			continue
		}
		out = append(out, r)
	}
	return out
}

// judgePlan is one found plan's result, and its warnings.
func judgePlan(phase Phase, rp derive.RecoveryPlan) []Result {
	p := rp.Plan
	items := rp.Items()
	var problems []string
	if p.Job != "" {
		status := ""
		if p.JobStatus != "" {
			status = ", " + p.JobStatus
		}
		problems = append(problems, fmt.Sprintf("job %s is running on the plan%s%s: wait for it to finish", p.Job, since(p.JobStarted), status))
	}
	if why := planOperation(phase, *p, items); why != "" {
		problems = append(problems, why)
	}
	var names, whys []string
	for _, it := range items {
		if why := stageProblem(phase, *it); why != "" {
			names, whys = append(names, it.FriendlyName), append(whys, it.FriendlyName+": "+why)
		}
	}
	if len(names) > 0 { // the names first: the plans' table shows the start
		problems = append(problems, fmt.Sprintf("%s (%d of its %d items) not ready for %s, and the plan's job would fail on them — %s",
			strings.Join(names, ", "), len(names), len(items), phase, strings.Join(whys, "; ")))
	}
	for _, ri := range rp.Missing {
		problems = append(problems, fmt.Sprintf("item %s (VM ID %s) is not protected by the vault any more: remove it from the plan, or protect the machine again", lastSegment(ri.ID), ri.VirtualMachineID))
	}
	if len(items) == 0 && len(rp.Missing) == 0 {
		problems = append(problems, "it has no items: there is nothing to "+string(phase))
	}
	seen := fmt.Sprintf("%d items in %d boot groups (%s), allowed operations %s", len(items), bootGroups(rp), strings.Join(p.Providers, ", "), strings.Join(p.AllowedOperations, ", "))
	r := Result{Target: rp.Name, Status: Pass, Message: fmt.Sprintf("recovery plan %s: %s; every item is ready for %s and no job runs on the plan", rp.Name, seen, phase)}
	if len(problems) > 0 { // what blocks first: the table's reason column shows the start
		r.Status, r.Message = Fail, strings.Join(problems, "; ")+" (the plan: "+seen+")"
	}
	out := []Result{r}
	if w := mixedArchitectures(items); w != "" {
		out = append(out, Result{Target: rp.Name, Status: Warn, Message: w,
			Fix: "Move the classic machines to the modernized experience, or split the plan into one plan per architecture."})
	}
	if w := pausingActions(phase, rp); w != "" {
		out = append(out, Result{Target: rp.Name, Status: Warn, Message: w,
			Fix: "Have someone ready to complete each manual action in the portal while the job runs, or remove the actions failback does not need."})
	}
	return out
}

// planOperation says why the plan's own allowed operations rule the phase's job out, or "". Only
// names the recordings show are judged: a plan that allows the phase's operation, or operations
// never recorded on a plan, leaves the verdict to its items' stages.
func planOperation(phase Phase, p inventory.RecoveryPlan, items []*inventory.ProtectedItem) string {
	want := []string{inventory.OpSwitchProtection, "ReverseReplicate"} // reprotect
	if phase == Failback {
		want = nil
		for _, it := range items {
			op := inventory.OpUnplannedFailover // classic failback
			if it.Modernized() {
				op = inventory.OpPlannedFailover // modernized failback is a planned failover, in every recording
			}
			if !slices.Contains(want, op) {
				want = append(want, op)
			}
		}
	}
	if slices.ContainsFunc(want, p.Allows) {
		return ""
	}
	known := func(op string) bool {
		return slices.ContainsFunc(preFailoverOps, func(k string) bool { return strings.EqualFold(k, op) })
	}
	switch {
	case len(p.AllowedOperations) == 0:
		return "Site Recovery allows no operation on the plan now"
	case len(want) > 0 && !slices.ContainsFunc(p.AllowedOperations, func(op string) bool { return !known(op) }):
		return fmt.Sprintf("Site Recovery allows only %s on the plan, as on a plan whose items were never failed over, not %s",
			strings.Join(p.AllowedOperations, ", "), strings.Join(want, " or "))
	}
	return ""
}

// mixedArchitectures warns of a plan holding both classic and modernized items, "" otherwise.
func mixedArchitectures(items []*inventory.ProtectedItem) string {
	var classic, modern []string
	for _, it := range items {
		if it.Modernized() {
			modern = append(modern, it.FriendlyName)
		} else {
			classic = append(classic, it.FriendlyName)
		}
	}
	if len(classic) == 0 || len(modern) == 0 {
		return ""
	}
	return fmt.Sprintf("the plan mixes classic items (%s) and modernized ones (%s): they reprotect and fail back by different operations and servers (master target, or replication appliance)",
		strings.Join(classic, ", "), strings.Join(modern, ", "))
}

// pausingActions warns of the manual actions that will pause the failback job until someone marks
// them done, "" when none. Reprotect runs no action.
func pausingActions(phase Phase, rp derive.RecoveryPlan) string {
	if phase != Failback {
		return ""
	}
	ops := []string{inventory.OpPlannedFailover, inventory.OpUnplannedFailover}
	var manual []string
	for _, g := range rp.Groups {
		for _, when := range []struct {
			where   string
			actions []inventory.RecoveryPlanAction
		}{{"before", g.Group.StartActions}, {"after", g.Group.EndActions}} {
			for _, a := range when.actions {
				runs := slices.ContainsFunc(ops, func(op string) bool { return a.Runs(op, inventory.FailbackDirection) })
				if a.Kind == inventory.ManualAction && runs {
					manual = append(manual, fmt.Sprintf("%q (%s %s)", a.Name, when.where, g.Name))
				}
			}
		}
	}
	if len(manual) == 0 {
		return ""
	}
	return fmt.Sprintf("the failback job will pause at %d manual action(s) until someone completes each in the portal: %s", len(manual), strings.Join(manual, ", "))
}

// bootGroups counts a plan's Boot groups.
func bootGroups(rp derive.RecoveryPlan) int {
	n := 0
	for _, g := range rp.Groups {
		if g.Boot {
			n++
		}
	}
	return n
}

// lastSegment is the last segment of an ARM ID: an item's name.
func lastSegment(id string) string { return id[strings.LastIndex(id, "/")+1:] }
