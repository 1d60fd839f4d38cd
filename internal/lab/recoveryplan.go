package lab

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
)

// RecoveryPlan is a recovery plan of the fake vault. What it leaves out takes what Site Recovery
// records (rcm-recoveryplan-get.json): empty Shutdown and Failover groups before its Boot groups, no
// job (currentScenario null), and — unless given — the operations any of its items allows but
// DisableProtection, which on a plan of one never-failed-over item gives the recorded
// UnplannedFailover, TestFailover. (Site Recovery's operations on a plan after failover are not
// recorded: the lab assumes its items'.)
type RecoveryPlan struct {
	Name              string
	AllowedOperations []string // nil: the items' common operations
	Job               string   // the plan's current scenario, e.g. PlannedFailover; "" none
	JobStatus         string   // its status; default InProgress
	Groups            []PlanGroup
}

// PlanGroup is a Boot group of a lab recovery plan: its items by VM name (a name the vault protects
// no item of stands for an item removed from protection), and its actions.
type PlanGroup struct {
	VMs                      []string
	StartActions, EndActions []PlanAction
}

// PlanAction is a recovery plan action: its name, kind (ManualActionDetails, ScriptActionDetails,
// AutomationRunbookActionDetails), directions and failover types.
type PlanAction struct {
	Name, Kind                string
	Directions, FailoverTypes []string
}

func (a *Azure) listRecoveryPlans(vault, rg string, _ *asr.ReplicationRecoveryPlansClientListOptions) azfake.PagerResponder[asr.ReplicationRecoveryPlansClientListResponse] {
	a.mu.Lock()
	defer a.mu.Unlock()
	items := a.itemsByName() // once for every plan of the listing
	return vaultPages(a, vault, rg, len(a.RecoveryPlans), func(from, to int) (page asr.ReplicationRecoveryPlansClientListResponse) {
		for _, rp := range a.RecoveryPlans[from:to] {
			page.Value = append(page.Value, a.recoveryPlan(rp, items))
		}
		return page
	})
}

// itemsByName are the lab's items by name.
func (a *Azure) itemsByName() map[string]Item {
	out := make(map[string]Item, len(a.Items))
	for _, it := range a.Items {
		out[it.Name] = it.WithDefaults()
	}
	return out
}

// recoveryPlan turns a lab recovery plan into the ARM model, its items found among the vault's.
func (a *Azure) recoveryPlan(rp RecoveryPlan, items map[string]Item) *asr.RecoveryPlan {
	vaultID := fmt.Sprintf("/Subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s", a.Subscription, a.VaultGroup, a.Vault)
	p := &asr.RecoveryPlanProperties{FriendlyName: to.Ptr(rp.Name), PrimaryFabricID: to.Ptr(vaultID + "/replicationFabrics/" + labFabric),
		PrimaryFabricFriendlyName: to.Ptr(labFabric), RecoveryFabricID: to.Ptr("Microsoft Azure"), RecoveryFabricFriendlyName: to.Ptr("Microsoft Azure"),
		FailoverDeploymentModel: to.Ptr("ResourceManager"), ProviderSpecificDetails: []asr.RecoveryPlanProviderSpecificDetailsClassification{},
		Groups: []*asr.RecoveryPlanGroup{emptyGroup(asr.RecoveryPlanGroupTypeShutdown), emptyGroup(asr.RecoveryPlanGroupTypeFailover)}}
	var ops, providers []string
	for _, g := range rp.Groups {
		group := emptyGroup(asr.RecoveryPlanGroupTypeBoot)
		group.StartGroupActions, group.EndGroupActions = planActions(g.StartActions), planActions(g.EndActions)
		for _, name := range g.VMs {
			it, ok := items[name]
			if !ok { // removed from protection: the plan still names it
				it = Item{Name: name}
			}
			id := vaultID + "/replicationFabrics/" + labFabric + "/replicationProtectionContainers/" + labContainer + "/replicationProtectedItems/" + itemName(it)
			group.ReplicationProtectedItems = append(group.ReplicationProtectedItems, &asr.RecoveryPlanProtectedItem{ID: to.Ptr(id), VirtualMachineID: to.Ptr(vmID(it))})
			if !ok {
				continue
			}
			if !slices.Contains(providers, it.InstanceType) {
				providers = append(providers, it.InstanceType)
			}
			for _, op := range it.AllowedOperations {
				if !slices.Contains(ops, op) {
					ops = append(ops, op)
				}
			}
		}
		p.Groups = append(p.Groups, group)
	}
	ops = slices.DeleteFunc(ops, func(op string) bool { return op == "DisableProtection" })
	if rp.AllowedOperations != nil {
		ops = rp.AllowedOperations
	}
	for _, op := range ops {
		p.AllowedOperations = append(p.AllowedOperations, to.Ptr(op))
	}
	for _, pr := range providers {
		p.ReplicationProviders = append(p.ReplicationProviders, to.Ptr(pr))
	}
	if rp.Job != "" {
		p.CurrentScenario = &asr.CurrentScenarioDetails{ScenarioName: to.Ptr(rp.Job), StartTime: to.Ptr(time.Now().UTC().Add(-10 * time.Minute)),
			JobID: to.Ptr(vaultID + "/replicationJobs/lab-job")}
		p.CurrentScenarioStatus = to.Ptr(cmp.Or(rp.JobStatus, "InProgress"))
	}
	return &asr.RecoveryPlan{ID: to.Ptr(vaultID + "/replicationRecoveryPlans/" + rp.Name), Name: to.Ptr(rp.Name),
		Type: to.Ptr("Microsoft.RecoveryServices/vaults/replicationRecoveryPlans"), Properties: p}
}

// vmID is the ID a recovery plan names a lab item's machine by (its internalIdentifier).
func vmID(it Item) string {
	return "vm-" + strings.ToLower(it.Name)
}

func emptyGroup(t asr.RecoveryPlanGroupType) *asr.RecoveryPlanGroup {
	return &asr.RecoveryPlanGroup{GroupType: to.Ptr(t), ReplicationProtectedItems: []*asr.RecoveryPlanProtectedItem{},
		StartGroupActions: []*asr.RecoveryPlanAction{}, EndGroupActions: []*asr.RecoveryPlanAction{}}
}

// planActions turns lab actions into the ARM model, with the details of their kind.
func planActions(list []PlanAction) []*asr.RecoveryPlanAction {
	out := []*asr.RecoveryPlanAction{}
	for _, a := range list {
		act := &asr.RecoveryPlanAction{ActionName: to.Ptr(a.Name)}
		switch a.Kind {
		case "ScriptActionDetails":
			act.CustomDetails = &asr.RecoveryPlanScriptActionDetails{InstanceType: to.Ptr(a.Kind), Path: to.Ptr(`C:\scripts\lab.ps1`), FabricLocation: to.Ptr(asr.RecoveryPlanActionLocationPrimary)}
		case "AutomationRunbookActionDetails":
			act.CustomDetails = &asr.RecoveryPlanAutomationRunbookActionDetails{InstanceType: to.Ptr(a.Kind), FabricLocation: to.Ptr(asr.RecoveryPlanActionLocationRecovery)}
		default:
			act.CustomDetails = &asr.RecoveryPlanManualActionDetails{InstanceType: to.Ptr("ManualActionDetails"), Description: to.Ptr("do it by hand")}
		}
		for _, d := range a.Directions {
			act.FailoverDirections = append(act.FailoverDirections, to.Ptr(asr.PossibleOperationsDirections(d)))
		}
		for _, t := range a.FailoverTypes {
			act.FailoverTypes = append(act.FailoverTypes, to.Ptr(asr.ReplicationProtectedItemOperation(t)))
		}
		out = append(out, act)
	}
	return out
}
