package azure

import (
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// PlanVMs derives plan VMs from the vault's protected items: failed-over items for reprotect,
// reprotected items for failback, with the Azure VM, resource group and memory ASR recorded.
func PlanVMs(inv *Inventory, reprotect bool) []plan.VM {
	var out []plan.VM
	want := Reprotected
	if reprotect {
		want = FailedOver
	}
	for _, it := range inv.ProtectedItems {
		if it.Stage() != want || it.FriendlyName == "" {
			continue
		}
		vm := plan.VM{Name: it.FriendlyName, MemoryMB: int(it.MemoryMB)}
		if it.RecoveryVMName != "" && it.RecoveryResourceGroup != "" {
			vm.AzureVM = &plan.Resource{ResourceGroup: it.RecoveryResourceGroup, Name: it.RecoveryVMName}
		}
		out = append(out, vm)
	}
	return out
}
