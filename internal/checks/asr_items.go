package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() {
	Register(ASRProtectedItem{})
	Register(ASRHealth{})
	Register(OSSupport{})
}

// ASRProtectedItem reports plan VMs whose Site Recovery item is missing or not ready for the phase.
type ASRProtectedItem struct{}

// Info describes the check.
func (ASRProtectedItem) Info() Info {
	return Info{
		ID:               "asr.protected-item",
		Kind:             VMKind,
		Title:            "Site Recovery protects the VM and allows the next step",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{Azure, Vault},
		Cause:            "Reprotect needs a failed-over item (committed, or with the commit pending) that allows reprotect (SwitchProtection); failback needs a reprotected item (InMage or InMageRcmFailback, protected, health Normal — or, modernized, Critical only for want of an app-consistent recovery point while its failover health is Normal) that allows the failback operation: PlannedFailover for modernized items, UnplannedFailover for classic ones. No job may be running on the item. Without a protected item (protection disabled, or a VM created by hand) there is nothing to fail back.",
		Fix:              "Finish the previous step first (fail over, then reprotect, and wait until the item is protected and its initial replication back is complete; commit or cancel a finished planned failover); wait for the item's running job to end and for replication health to return to Normal. A VM without a protected item cannot fail back.",
		DocURL:           docBase + "vmware-azure-failback",
		ModernizedDocURL: docModernized,
	}
}

// Run evaluates each plan VM's protected item for the phase.
func (ASRProtectedItem) Run(s *Input) []Result {
	var out []Result
	for _, vm := range s.Facts.VMs {
		r := Result{Target: vm.Name}
		it := vm.Item
		if it == nil {
			r.Status = Fail
			r.Message = fmt.Sprintf("vault %s has no protected item for %s: protection was disabled, or the Azure VM was created by hand; it cannot fail back", vaultName(s.Plan), vm.Name)
			out = append(out, r)
			continue
		}
		seen := fmt.Sprintf("item %s: %s, state %s, %s, active location %s, health %s, allowed operations %s",
			it.Name, it.Stage(), it.ProtectionState, it.InstanceType, it.ActiveLocation, it.ReplicationHealth, strings.Join(it.AllowedOperations, ", "))
		var problems []string
		if jobRunning(*it) {
			problems = append(problems, fmt.Sprintf("job %s is running on the item%s: wait for it to finish", it.Job, since(it.JobStarted)))
		}
		if s.Phase == Reprotect {
			problems = append(problems, reprotectProblems(*it)...)
		} else {
			problems = append(problems, failbackProblems(*it)...)
		}
		if len(problems) == 0 {
			r.Status, r.Message = Pass, seen
			if s.Phase == Reprotect && !it.FailoverCommitted() {
				r.Message += "; the failover is not committed yet: Site Recovery accepts reprotect, but commit it first if you may still want another recovery point"
			}
			if s.Phase == Failback && appConsistencyOnly(*it) {
				r.Message += fmt.Sprintf("; replication health is %s only for want of a recent app-consistent recovery point (failover health Normal): failback will use a crash-consistent one (see asr.health)", it.ReplicationHealth)
			}
		} else {
			r.Status, r.Message = Fail, seen+"; "+strings.Join(problems, "; ")
		}
		out = append(out, r)
	}
	return out
}

// reprotectProblems says why a failed-over item cannot be reprotected now.
func reprotectProblems(it inventory.ProtectedItem) []string {
	if p := stageProblem(Reprotect, it); p != "" {
		return []string{p}
	}
	if !it.Allows(inventory.OpSwitchProtection) {
		return []string{"Site Recovery does not allow reprotect (SwitchProtection) now; wait for the failover job to finish"}
	}
	return nil
}

// stageProblem says why the item is not at the stage the phase needs — failed over for reprotect,
// reprotected for failback — or "" when it is.
func stageProblem(phase Phase, it inventory.ProtectedItem) string {
	st := it.Stage()
	if phase == Reprotect {
		switch st {
		case inventory.FailedOver:
			return ""
		case inventory.Replicating:
			return "it was never failed over: it still replicates to Azure, and reprotect follows a failover"
		case inventory.Reprotected, inventory.Reprotecting:
			return "it is already reprotected: failback is the next step"
		case inventory.FailbackPending:
			return "it has already failed back (planned failover finished): commit or cancel the failover first"
		case inventory.FailedBack:
			return "it has already failed back: the VM is back on-premises"
		}
		return "reprotect needs a failed-over item that allows SwitchProtection"
	}
	switch st {
	case inventory.Reprotected:
		return ""
	case inventory.Reprotecting:
		return "reprotect is still replicating: " + percent(it.InitialReplicationPercent) + "; failback waits for its initial replication to finish"
	case inventory.FailbackPending:
		return "a planned failover back finished and is not committed: commit or cancel the failover first"
	case inventory.FailedBack:
		return "it has already failed back: the VM is back on-premises (active site OnPrem), so there is nothing to fail back"
	case inventory.FailedOver:
		return "it is not reprotected yet: run reprotect first"
	case inventory.Replicating:
		return "it was never failed over: it still replicates to Azure"
	}
	return "failback needs a reprotected item (InMage or InMageRcmFailback) in state Protected"
}

// failbackProblems says why a reprotected item cannot fail back now.
func failbackProblems(it inventory.ProtectedItem) []string {
	if p := stageProblem(Failback, it); p != "" {
		return []string{p}
	}
	var problems []string
	if !strings.EqualFold(it.ReplicationHealth, "Normal") && !appConsistencyOnly(it) {
		problems = append(problems, "its replication health must be Normal")
	}
	switch {
	case it.Modernized() && !it.Allows(inventory.OpPlannedFailover): // modernized failback is a planned failover, in every recording
		problems = append(problems, "modernized failback is a planned failover: PlannedFailover must be among the allowed operations")
	case !it.Modernized() && !it.Allows(inventory.OpPlannedFailover) && !it.Allows(inventory.OpUnplannedFailover):
		problems = append(problems, "failback needs UnplannedFailover (classic) among the allowed operations")
	}
	return problems
}

// jobRunning reports whether a job runs on the item now: its current scenario, unless the item's
// state says that job failed (an EnablingFailed item keeps its EnableProtection scenario; a
// failed planned failover its PlannedFailover).
func jobRunning(it inventory.ProtectedItem) bool {
	switch {
	case it.Job == "" || strings.HasSuffix(it.ProtectionState, "Failed"):
		return false
	case strings.EqualFold(it.Job, inventory.OpPlannedFailover) && it.LastPlannedFailover == "Failed":
		return false
	}
	return true
}

// appConsistency are the health codes that say only that no recent app-consistent recovery point
// exists (531006 on reprotected items, its sibling 325092).
var appConsistency = []string{"531006", "325092"}

// appConsistencyOnly reports whether a reprotected item can fail back although its replication
// health is not Normal: it allows PlannedFailover, its failover health is Normal, and its only
// errors say no app-consistent recovery point is recent — failback then uses a crash-consistent
// one (as recorded from a live vault). Warnings (161011, no test failover) do not change that.
func appConsistencyOnly(it inventory.ProtectedItem) bool {
	if !it.Allows(inventory.OpPlannedFailover) || !strings.EqualFold(it.FailoverHealth, "Normal") {
		return false
	}
	found := false
	for _, e := range it.HealthErrors {
		switch {
		case slices.Contains(appConsistency, e.Code):
			found = true
		case levelStatus(e.Level) == Fail:
			return false
		}
	}
	return found
}

// percent says a progress: "92 %", or "progress not reported".
func percent(p *int) string {
	if p == nil {
		return "progress not reported"
	}
	return fmt.Sprintf("%d %%", *p)
}

// since says when a job began: " since 2021-08-26 06:31 UTC", or "" when not said.
func since(t time.Time) string {
	if t.IsZero() || t.Year() < 2000 { // Site Recovery says 1753-01-01 for none
		return ""
	}
	return " since " + t.UTC().Format("2006-01-02 15:04 UTC")
}

// ASRHealth turns every health error Site Recovery reports on a plan VM's item into a result.
type ASRHealth struct{}

// Info describes the check.
func (ASRHealth) Info() Info {
	return Info{
		ID:               "asr.health",
		Kind:             VMKind,
		Title:            "Site Recovery reports no health error on the VM's protected item",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{Azure, Vault},
		Cause:            "Site Recovery has already seen a problem with this item; the job will fail on it.",
		Fix:              "Follow Site Recovery's recommended action for the error, then wait for the item's health to clear.",
		DocURL:           docReplication,
		ModernizedDocURL: docArchModern,
	}
}

// Run reports each health error with ASR's code: our cause and fix for codes the catalog knows,
// ASR's own message and recommended action for the others.
func (ASRHealth) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		it := vm.Item
		if len(it.HealthErrors) == 0 {
			return []Result{{Target: vm.Name, Status: Pass, Message: fmt.Sprintf("item %s reports no health errors (health %s)", it.Name, it.ReplicationHealth)}}
		}
		var out []Result
		for _, e := range it.HealthErrors {
			st := levelStatus(e.Level)
			if st == Pass { // information, never a failure (548004 on a healthy item)
				out = append(out, Result{Target: vm.Name, Status: Pass,
					Message: fmt.Sprintf("Site Recovery reports information %s on %s, not a failure: %s", e.Code, vm.Name, e.Message)})
				continue
			}
			r := Result{Target: vm.Name, Status: st, Code: e.Code, Message: fmt.Sprintf("Site Recovery reports error %s on %s: %s", e.Code, vm.Name, e.Message)}
			if slices.Contains(appConsistency, e.Code) && appConsistencyOnly(*it) {
				r.Status = Warn
				r.Message += "; its failover health is Normal and PlannedFailover is allowed: failback works, to the latest crash-consistent recovery point (not an app-consistent one)"
			}
			if e.PossibleCauses != "" {
				r.Message += " (possible causes: " + e.PossibleCauses + ")"
			}
			if _, known := Codes[e.Code]; !known {
				r.Fix = e.RecommendedAction
			}
			out = append(out, r)
		}
		return out
	})
}

// levelStatus is what a Site Recovery health error of the level means: Info is information (pass),
// Warning a warning, any other level a failure.
func levelStatus(level string) Status {
	switch {
	case strings.EqualFold(level, "Info"):
		return Pass
	case strings.EqualFold(level, "Warning"):
		return Warn
	}
	return Fail
}

// OSSupport reports Windows Server 2008 R2 machines protected as physical servers.
type OSSupport struct{}

// Info describes the check.
func (OSSupport) Info() Info {
	return Info{
		ID:               "guest.os-support",
		Kind:             VMKind,
		Title:            "The machine is not Windows Server 2008 R2 protected as a physical server",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{Azure, Vault},
		Cause:            "A Windows Server 2008 R2 SP1 server protected as a physical on-premises server cannot fail back from Azure.",
		Fix:              "Such a machine cannot fail back: plan to migrate its workload, or protect it as a VMware VM discovered through vCenter.",
		DocURL:           docFailback + "#common-issues",
		ModernizedDocURL: docSupportMatrx,
	}
}

// Run reads each item's discovery type and operating system.
func (OSSupport) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		it := vm.Item
		seen := fmt.Sprintf("%s was discovered as %s, OS %s", vm.Name, cmp.Or(it.DiscoveryType, "unknown"), cmp.Or(strings.TrimSpace(it.OSType+" "+it.OSName), "unknown"))
		if strings.Contains(strings.ToLower(it.DiscoveryType), "physical") && strings.Contains(it.OSName, "2008 R2") {
			return []Result{{Target: vm.Name, Status: Fail, Message: seen + ": Windows Server 2008 R2 protected as a physical server cannot fail back"}}
		}
		return []Result{{Target: vm.Name, Status: Pass, Message: seen}}
	})
}
