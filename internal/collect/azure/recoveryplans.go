package azure

import (
	"context"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// recoveryPlans reads the vault's recovery plans, one listing.
func recoveryPlans(ctx context.Context, sub string, cred azcore.TokenCredential, opts *arm.ClientOptions, vault Resource) ([]inventory.RecoveryPlan, error) {
	c, err := asr.NewReplicationRecoveryPlansClient(sub, cred, opts)
	if err != nil {
		return nil, err
	}
	out := []inventory.RecoveryPlan{}
	// v2.2.0 takes (vault name, resource group); v2.4.0 swapped them.
	pager := c.NewListPager(vault.Name, vault.ResourceGroup, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Value {
			if p != nil {
				out = append(out, decodeRecoveryPlan(p))
			}
		}
	}
	return out, nil
}

// decodeRecoveryPlan keeps what the checks need of a recovery plan: its operations, its job, its
// groups' items and the names and kinds of their actions (never a script's path or a runbook).
func decodeRecoveryPlan(p *asr.RecoveryPlan) inventory.RecoveryPlan {
	out := inventory.RecoveryPlan{ID: deref(p.ID), Name: deref(p.Name), AllowedOperations: []string{}, Groups: []inventory.RecoveryPlanGroup{}}
	pp := p.Properties
	if pp == nil {
		return out
	}
	out.FriendlyName, out.FailoverDeploymentModel = deref(pp.FriendlyName), deref(pp.FailoverDeploymentModel)
	out.PrimaryFabric, out.RecoveryFabric = deref(pp.PrimaryFabricFriendlyName), deref(pp.RecoveryFabricFriendlyName)
	out.AllowedOperations = strs(pp.AllowedOperations)
	out.Providers = strs(pp.ReplicationProviders)
	if cs := pp.CurrentScenario; cs != nil && !strings.EqualFold(deref(cs.ScenarioName), "None") {
		out.Job, out.JobStarted = deref(cs.ScenarioName), deref(cs.StartTime)
	}
	out.JobStatus = deref(pp.CurrentScenarioStatus)
	out.LastPlannedFailover, out.LastUnplannedFailover, out.LastTestFailover =
		deref(pp.LastPlannedFailoverTime), deref(pp.LastUnplannedFailoverTime), deref(pp.LastTestFailoverTime)
	for _, g := range pp.Groups {
		if g == nil {
			continue
		}
		group := inventory.RecoveryPlanGroup{Type: string(deref(g.GroupType)), Items: []inventory.RecoveryPlanItem{},
			StartActions: actions(g.StartGroupActions), EndActions: actions(g.EndGroupActions)}
		for _, it := range g.ReplicationProtectedItems {
			if it != nil {
				group.Items = append(group.Items, inventory.RecoveryPlanItem{ID: deref(it.ID), VirtualMachineID: deref(it.VirtualMachineID)})
			}
		}
		out.Groups = append(out.Groups, group)
	}
	return out
}

// actions keeps each action's name, kind, failover types and directions.
func actions(list []*asr.RecoveryPlanAction) []inventory.RecoveryPlanAction {
	var out []inventory.RecoveryPlanAction
	for _, a := range list {
		if a == nil {
			continue
		}
		act := inventory.RecoveryPlanAction{Name: deref(a.ActionName)}
		if a.CustomDetails != nil {
			act.Kind = deref(a.CustomDetails.GetRecoveryPlanActionDetails().InstanceType)
		}
		for _, d := range a.FailoverDirections {
			act.Directions = append(act.Directions, string(deref(d)))
		}
		for _, t := range a.FailoverTypes {
			act.FailoverTypes = append(act.FailoverTypes, string(deref(t)))
		}
		out = append(out, act)
	}
	return out
}

// strs is a list of optional strings, without the nil ones; never nil.
func strs(list []*string) []string {
	out := []string{}
	for _, s := range list {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}
