package derive

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// RecoveryPlan is what is known of one recovery plan the plan names: the vault's plan and its
// groups, with each item found among the vault's protected items.
type RecoveryPlan struct {
	Name    string                  // as the plan names it
	Plan    *inventory.RecoveryPlan // nil when the vault has no plan of the name, or its plans were not read
	Groups  []PlanGroup
	Missing []inventory.RecoveryPlanItem // the items the vault does not protect (any more)
}

// PlanGroup is one group of a recovery plan, with the items found.
type PlanGroup struct {
	Name  string // "Group 1"… for the Boot groups, "All groups shutdown", "All groups failover", as the portal names them
	Boot  bool   // a Boot group: one that holds machines, not the plan-wide Shutdown or Failover group
	Group *inventory.RecoveryPlanGroup
	Items []*inventory.ProtectedItem
}

// VMs are the on-premises machines of the group's items (their friendly names), in order.
func (g PlanGroup) VMs() []string {
	out := []string{}
	for _, it := range g.Items {
		out = append(out, it.FriendlyName)
	}
	return out
}

// Items are the plan's items found in the vault, in group order, each once.
func (p RecoveryPlan) Items() []*inventory.ProtectedItem {
	var out []*inventory.ProtectedItem
	seen := map[*inventory.ProtectedItem]bool{}
	for _, g := range p.Groups {
		for _, it := range g.Items {
			if !seen[it] {
				seen[it] = true
				out = append(out, it)
			}
		}
	}
	return out
}

// RecoveryPlans finds the recovery plans the snapshot's plan names among the vault's, and their
// items among its protected items: by ID, else by the VM ID the plan names them by. It needs only
// the plan and the Azure part, so that the pipeline takes the plans' VMs from it before anything else.
func RecoveryPlans(s *inventory.Snapshot) []RecoveryPlan {
	if s.Plan == nil || len(s.Plan.RecoveryPlans) == 0 {
		return nil
	}
	var plans []inventory.RecoveryPlan
	var items []inventory.ProtectedItem
	if s.Azure != nil && s.Parts[inventory.RecoveryPlansPart].Collected {
		plans = s.Azure.RecoveryPlans
	}
	if s.Azure != nil && s.Parts[inventory.VaultPart].Collected {
		items = s.Azure.ProtectedItems
	}
	byID, byVM := map[string]*inventory.ProtectedItem{}, map[string]*inventory.ProtectedItem{}
	for i := range items {
		byID[strings.ToLower(items[i].ID)] = &items[i]
		if items[i].VMID != "" {
			byVM[strings.ToLower(items[i].VMID)] = &items[i]
		}
	}
	var out []RecoveryPlan
	for _, name := range s.Plan.RecoveryPlans {
		rp := RecoveryPlan{Name: name, Plan: inventory.FindRecoveryPlan(plans, name)}
		if rp.Plan == nil {
			out = append(out, rp)
			continue
		}
		boot := 0
		for i := range rp.Plan.Groups {
			g := &rp.Plan.Groups[i]
			pg := PlanGroup{Group: g}
			pg.Name, pg.Boot = groupName(g.Type, &boot)
			for _, ri := range g.Items {
				it := byID[strings.ToLower(ri.ID)]
				if it == nil && ri.VirtualMachineID != "" {
					it = byVM[strings.ToLower(ri.VirtualMachineID)]
				}
				if it == nil || it.FriendlyName == "" {
					rp.Missing = append(rp.Missing, ri)
					continue
				}
				pg.Items = append(pg.Items, it)
			}
			rp.Groups = append(rp.Groups, pg)
		}
		out = append(out, rp)
	}
	return out
}

// groupName names a group as the portal does — the Boot groups (and any other type) "Group 1",
// "Group 2"… in order — and says whether it is one: it holds machines, not the plan-wide Shutdown
// or Failover group.
func groupName(kind string, boot *int) (string, bool) {
	switch {
	case strings.EqualFold(kind, "Shutdown"):
		return "All groups shutdown", false
	case strings.EqualFold(kind, "Failover"):
		return "All groups failover", false
	}
	*boot++
	return fmt.Sprintf("Group %d", *boot), true
}

// planScopes are the recovery plans' groups and VMs, for their verdicts.
func planScopes(plans []RecoveryPlan) []result.PlanScope {
	var out []result.PlanScope
	for _, rp := range plans {
		ps := result.PlanScope{Name: rp.Name, Groups: []result.Group{}}
		for _, g := range rp.Groups {
			ps.Groups = append(ps.Groups, result.Group{Name: g.Name, Type: g.Group.Type, VMs: g.VMs()})
		}
		out = append(out, ps)
	}
	return out
}
