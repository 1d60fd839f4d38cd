package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(AzureVMDisks{}) }

// AzureVMDisks warns on failed-over VMs that have more disks in Azure than Site Recovery protects:
// disks added after failover do not come back on-premises.
type AzureVMDisks struct{}

// Info describes the check.
func (AzureVMDisks) Info() Info {
	return Info{
		ID:     "azure.vm-disks",
		Kind:   VMKind,
		Title:  "Every disk of the Azure VM is one Site Recovery replicates back",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{Azure, Vault},
		Cause:  "Only the disks that replicated to Azure come back on-premises: a disk added to the Azure VM after failover is not reprotected, and its data stays behind at failback.",
		Fix:    "Copy the data of the added disks elsewhere before failback, or move it onto a protected disk; to keep such a disk, protect the machine again after failback.",
		DocURL: docModernized,
	}
}

// Run compares the Azure VM's disks (its OS disk and data disks) with the item's protected disks.
func (AzureVMDisks) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		r := Result{Target: vm.Name}
		it, az := vm.Item, vm.AzureVM
		switch {
		case az == nil:
			r.Status, r.Message = Skip, fmt.Sprintf("the Azure VM of %s is not found (see azure.vm-exists)", vm.Name)
		case az.DataDisks == nil:
			r.Status, r.Message = Skip, fmt.Sprintf("the disks of Azure VM %s were not read", vm.Azure)
		case it.DetailError != "":
			r.Status, r.Message = Error, fmt.Sprintf("Site Recovery's protected disks of %s are unknown: %s", vm.Name, it.DetailError)
		case !it.DisksKnown() || len(it.Disks) == 0:
			why := "the item was only listed"
			if !it.Modernized() {
				why = "the classic item lists none"
			}
			r.Status, r.Message = Skip, fmt.Sprintf("Site Recovery's protected disks of %s are not known (%s)", vm.Name, why)
		case 1+*az.DataDisks > len(it.Disks):
			r.Status = Warn
			r.Message = fmt.Sprintf("Azure VM %s has %d disk(s) (OS and %d data), Site Recovery protects %d: %d added after failover will not come back on-premises",
				vm.Azure, 1+*az.DataDisks, *az.DataDisks, len(it.Disks), 1+*az.DataDisks-len(it.Disks))
		default:
			r.Status, r.Message = Pass, fmt.Sprintf("Azure VM %s has %d disk(s), all %d protected by Site Recovery", vm.Azure, 1+*az.DataDisks, len(it.Disks))
		}
		return []Result{r}
	})
}
