package checks

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// azureRef is the Azure VM a plan VM failed over to, and who said so.
type azureRef struct {
	ResourceGroup, Name string
	ID                  string // Site Recovery's recorded VM ID, when known
	From                string // "the plan" or "Site Recovery"; "" when nobody knows
}

func (r azureRef) String() string { return r.ResourceGroup + "/" + r.Name }

// protectedItem returns the vault's item for an on-premises VM, when the vault was read.
func protectedItem(s *Snapshot, name string) (azure.ProtectedItem, bool) {
	if s.Azure == nil || s.unavailable(Vault) != nil {
		return azure.ProtectedItem{}, false
	}
	return s.Azure.Item(name)
}

// azureTarget resolves a plan VM's Azure VM: the plan's azureVM, else the one Site Recovery recorded.
func azureTarget(s *Snapshot, vm plan.VM) azureRef {
	it, ok := protectedItem(s, vm.Name)
	ref := azureRef{}
	if ok {
		ref = azureRef{ResourceGroup: it.RecoveryResourceGroup, Name: it.RecoveryVMName, ID: it.RecoveryVMID, From: "Site Recovery"}
	}
	if vm.AzureVM != nil && !(strings.EqualFold(vm.AzureVM.Name, ref.Name) && strings.EqualFold(vm.AzureVM.ResourceGroup, ref.ResourceGroup)) {
		ref.ResourceGroup, ref.Name, ref.ID, ref.From = vm.AzureVM.ResourceGroup, vm.AzureVM.Name, "", "the plan"
	}
	if ref.Name == "" {
		ref.From = ""
	}
	return ref
}

// locate finds the Azure VM: in its resource group, or elsewhere by name or recorded ID.
func locate(inv *azure.Inventory, ref azureRef) (found *azure.VM, elsewhere []azure.VM) {
	for i, vm := range inv.VMs {
		sameName := strings.EqualFold(vm.Name, ref.Name)
		switch {
		case sameName && strings.EqualFold(vm.ResourceGroup, ref.ResourceGroup):
			found = &inv.VMs[i]
		case sameName || (ref.ID != "" && strings.EqualFold(vm.ID, ref.ID)):
			elsewhere = append(elsewhere, vm)
		}
	}
	return found, elsewhere
}

// perAzureVM runs f for every plan VM whose Azure VM is known, and says skip for the others.
func perAzureVM(s *Snapshot, f func(vm plan.VM, ref azureRef) Result) []Result {
	out := make([]Result, 0, len(s.Plan.VMs))
	for _, vm := range s.Plan.VMs {
		ref := azureTarget(s, vm)
		if ref.From == "" {
			out = append(out, Result{Target: vm.Name, Status: Skip,
				Message: fmt.Sprintf("no Azure VM known for %s: set azureVM in the plan, or azure.vault so Site Recovery names it", vm.Name)})
			continue
		}
		r := f(vm, ref)
		r.Target = vm.Name
		out = append(out, r)
	}
	return out
}

// perItem runs f for every plan VM's protected item, and fails those without one.
func perItem(s *Snapshot, f func(vm plan.VM, it azure.ProtectedItem) []Result) []Result {
	var out []Result
	for _, vm := range s.Plan.VMs {
		it, ok := s.Azure.Item(vm.Name)
		if !ok {
			out = append(out, Result{Target: vm.Name, Status: Skip, Message: "no protected item for " + vm.Name + " (see asr.protected-item)"})
			continue
		}
		out = append(out, f(vm, it)...)
	}
	return out
}

// vaultName names the plan's vault: "rg-asr/vault01".
func vaultName(p *plan.Plan) string {
	if p.Azure == nil {
		return ""
	}
	return p.Azure.Vault.ResourceGroup + "/" + p.Azure.Vault.Name
}
