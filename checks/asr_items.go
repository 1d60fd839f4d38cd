package checks

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/azure"
	"github.com/asr-preflight/asr-preflight/plan"
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
		ID:     "asr.protected-item",
		Title:  "Site Recovery protects the VM and allows the next step",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []Source{Azure, Vault},
		Cause:  "Reprotect needs a failed-over item that allows ReverseReplicate; failback needs a reprotected item (active location Recovery, health Normal) that allows a planned or unplanned failover. Without a protected item (protection disabled, or a VM created by hand) there is nothing to fail back.",
		Fix:    "Finish the previous step first (commit the failover, then reprotect); wait for replication health to return to Normal. A VM without a protected item cannot fail back.",
		DocURL: docBase + "vmware-azure-failback",
	}
}

// Run evaluates each plan VM's protected item for the phase.
func (ASRProtectedItem) Run(_ context.Context, s *Snapshot) []Result {
	var out []Result
	for _, vm := range s.Plan.VMs {
		r := Result{Target: vm.Name}
		it, ok := s.Azure.Item(vm.Name)
		if !ok {
			r.Status = Fail
			r.Message = fmt.Sprintf("vault %s has no protected item for %s: protection was disabled, or the Azure VM was created by hand; it cannot fail back", vaultName(s.Plan), vm.Name)
			out = append(out, r)
			continue
		}
		seen := fmt.Sprintf("item %s: state %s, %s, active location %s, health %s, allowed operations %s",
			it.Name, it.ProtectionState, it.InstanceType, it.ActiveLocation, it.ReplicationHealth, strings.Join(it.AllowedOperations, ", "))
		var problems []string
		if s.Phase == Reprotect {
			if !slices.Contains(it.AllowedOperations, "ReverseReplicate") {
				problems = append(problems, "reprotect needs ReverseReplicate among the allowed operations")
			}
		} else {
			if it.InstanceType != "InMage" && it.InstanceType != "InMageRcmFailback" {
				problems = append(problems, "it is not reprotected yet")
			}
			if !strings.EqualFold(it.ActiveLocation, "Recovery") {
				problems = append(problems, "its active location must be Recovery")
			}
			if !strings.EqualFold(it.ReplicationHealth, "Normal") {
				problems = append(problems, "its replication health must be Normal")
			}
			if !slices.Contains(it.AllowedOperations, "PlannedFailover") && !slices.Contains(it.AllowedOperations, "UnplannedFailover") {
				problems = append(problems, "failback needs PlannedFailover or UnplannedFailover among the allowed operations")
			}
		}
		if len(problems) == 0 {
			r.Status, r.Message = Pass, seen
		} else {
			r.Status, r.Message = Fail, seen+"; "+strings.Join(problems, "; ")
		}
		out = append(out, r)
	}
	return out
}

// ASRHealth turns every health error Site Recovery reports on a plan VM's item into a result.
type ASRHealth struct{}

// Info describes the check.
func (ASRHealth) Info() Info {
	return Info{
		ID:     "asr.health",
		Title:  "Site Recovery reports no health error on the VM's protected item",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []Source{Azure, Vault},
		Cause:  "Site Recovery has already seen a problem with this item; the job will fail on it.",
		Fix:    "Follow Site Recovery's recommended action for the error, then wait for the item's health to clear.",
		DocURL: docReplication,
	}
}

// Run reports each health error with ASR's code: our cause and fix for codes the catalog knows,
// ASR's own message and recommended action for the others.
func (ASRHealth) Run(_ context.Context, s *Snapshot) []Result {
	return perItem(s, func(vm plan.VM, it azure.ProtectedItem) []Result {
		if len(it.HealthErrors) == 0 {
			return []Result{{Target: vm.Name, Status: Pass, Message: fmt.Sprintf("item %s reports no health errors (health %s)", it.Name, it.ReplicationHealth)}}
		}
		var out []Result
		for _, e := range it.HealthErrors {
			r := Result{Target: vm.Name, Status: Fail, Code: e.Code, Message: fmt.Sprintf("Site Recovery reports error %s on %s: %s", e.Code, vm.Name, e.Message)}
			if strings.EqualFold(e.Level, "Warning") {
				r.Status = Warn
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

// OSSupport reports Windows Server 2008 R2 machines protected as physical servers.
type OSSupport struct{}

// Info describes the check.
func (OSSupport) Info() Info {
	return Info{
		ID:     "guest.os-support",
		Title:  "The machine is not Windows Server 2008 R2 protected as a physical server",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []Source{Azure, Vault},
		Cause:  "A Windows Server 2008 R2 SP1 server protected as a physical on-premises server cannot fail back from Azure.",
		Fix:    "Such a machine cannot fail back: plan to migrate its workload, or protect it as a VMware VM discovered through vCenter.",
		DocURL: docFailback + "#common-issues",
	}
}

// Run reads each item's discovery type and operating system.
func (OSSupport) Run(_ context.Context, s *Snapshot) []Result {
	return perItem(s, func(vm plan.VM, it azure.ProtectedItem) []Result {
		seen := fmt.Sprintf("%s was discovered as %s, OS %s", vm.Name, cmp.Or(it.DiscoveryType, "unknown"), cmp.Or(strings.TrimSpace(it.OSType+" "+it.OSName), "unknown"))
		if strings.Contains(strings.ToLower(it.DiscoveryType), "physical") && strings.Contains(it.OSName, "2008 R2") {
			return []Result{{Target: vm.Name, Status: Fail, Message: seen + ": Windows Server 2008 R2 protected as a physical server cannot fail back"}}
		}
		return []Result{{Target: vm.Name, Status: Pass, Message: seen}}
	})
}
