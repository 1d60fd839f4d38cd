package azure

import (
	"strings"

	"github.com/asr-preflight/asr-preflight/plan"
)

// PlanVMs derives plan VMs from the vault's protected items: failed-over items for reprotect,
// reprotected items for failback, with the Azure VM, resource group and memory ASR recorded.
func PlanVMs(inv *Inventory, reprotect bool) []plan.VM {
	var out []plan.VM
	for _, it := range inv.ProtectedItems {
		reprotected := it.InstanceType == "InMage" || it.InstanceType == "InMageRcmFailback"
		failedOver := !reprotected && strings.EqualFold(it.ActiveLocation, "Recovery")
		if (reprotect && !failedOver) || (!reprotect && !reprotected) || it.FriendlyName == "" {
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
