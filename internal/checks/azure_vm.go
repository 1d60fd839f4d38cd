package checks

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() {
	Register(AzureVMExists{})
	Register(AzureResourceGroup{})
	Register(AzureVMRunning{})
}

// AzureVMExists reports failed-over VMs that no longer exist in Azure.
type AzureVMExists struct{}

// Info describes the check.
func (AzureVMExists) Info() Info {
	return Info{
		ID:               "azure.vm-exists",
		Kind:             VMKind,
		Title:            "The failed-over Azure VM exists",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{Azure},
		Cause:            "Failback needs the Azure VM that failover created. A VM that was deleted, migrated, or created by hand in Azure (not by failover) cannot fail back.",
		Fix:              "Correct azureVM in the plan if it names the wrong VM. A deleted or migrated VM cannot fail back: protect the on-premises machine again.",
		DocURL:           docFailback + "#common-issues",
		ModernizedDocURL: docModernized,
	}
}

// Run looks for each plan VM's Azure VM in the subscription.
func (AzureVMExists) Run(s *Input) []Result {
	return perAzureVM(s, func(vm *derive.VM) Result {
		ref := vm.Azure
		switch {
		case vm.AzureVM != nil:
			return Result{Status: Pass, Message: fmt.Sprintf("Azure VM %s (named by %s) exists", ref, ref.From)}
		case len(vm.Elsewhere) > 0:
			return Result{Status: Pass, Message: fmt.Sprintf("Azure VM %s (named by %s) exists, in resource group %s (see azure.resource-group)", ref.Name, ref.From, vm.Elsewhere[0].ResourceGroup)}
		}
		likely := "it was deleted, migrated, or never created by failover"
		switch {
		case vm.Item != nil:
			likely = fmt.Sprintf("Site Recovery still protects %s (state %s), so the VM was most likely deleted or migrated after failover", vm.Name, vm.Item.ProtectionState)
		case s.Parts[Vault].Collected:
			likely = fmt.Sprintf("vault %s has no protected item for %s: protection was disabled, or the VM was created by hand, never by failover", vaultName(s.Plan), vm.Name)
		}
		return Result{Status: Fail, Message: fmt.Sprintf("Azure VM %s (named by %s) does not exist in subscription %s: %s; it cannot fail back",
			ref, ref.From, s.Azure.SubscriptionID, likely)}
	})
}

// AzureResourceGroup reports failed-over VMs moved to another resource group.
type AzureResourceGroup struct{}

// Info describes the check.
func (AzureResourceGroup) Info() Info {
	return Info{
		ID:               "azure.resource-group",
		Kind:             VMKind,
		Title:            "The failed-over Azure VM is still in its resource group",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{Azure},
		Cause:            "Site Recovery tracks the failed-over VM in the resource group failover created it in; a VM moved to another resource group cannot fail back.",
		Fix:              "Move the VM back to its original resource group, then retry.",
		DocURL:           docFailback + "#common-issues",
		ModernizedDocURL: docModernized,
	}
}

// Run compares where each Azure VM is with where the plan or Site Recovery expects it.
func (AzureResourceGroup) Run(s *Input) []Result {
	return perAzureVM(s, func(vm *derive.VM) Result {
		ref := vm.Azure
		switch {
		case vm.AzureVM != nil:
			return Result{Status: Pass, Message: fmt.Sprintf("Azure VM %s is in resource group %s, as %s expects", ref.Name, ref.ResourceGroup, ref.From)}
		case len(vm.Elsewhere) > 0:
			var where []string
			for _, other := range vm.Elsewhere {
				where = append(where, other.ResourceGroup+"/"+other.Name)
			}
			return Result{Status: Fail, Message: fmt.Sprintf("Azure VM %s is in %s, not in resource group %s where %s expects it; VMs moved to another resource group cannot fail back",
				ref.Name, strings.Join(where, ", "), ref.ResourceGroup, ref.From)}
		}
		return Result{Status: Skip, Message: fmt.Sprintf("Azure VM %s was not found (see azure.vm-exists)", ref)}
	})
}

// AzureVMRunning reports failed-over VMs that are not running (ASR 78093).
type AzureVMRunning struct{}

// Info describes the check.
func (AzureVMRunning) Info() Info {
	c := Codes["78093"]
	return Info{
		ID:     "azure.vm-running",
		Kind:   VMKind,
		Title:  "The failed-over Azure VM is running and provisioned",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{Azure},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run checks each Azure VM's power and provisioning state.
func (AzureVMRunning) Run(s *Input) []Result {
	return perAzureVM(s, func(vm *derive.VM) Result {
		ref, found := vm.Azure, vm.AzureVM
		if found == nil && len(vm.Elsewhere) == 1 {
			found = &vm.Elsewhere[0]
		}
		if found == nil {
			return Result{Status: Skip, Message: fmt.Sprintf("Azure VM %s was not found (see azure.vm-exists)", ref)}
		}
		state := fmt.Sprintf("power state %s, provisioning %s", cmp.Or(found.PowerState, "unknown"), cmp.Or(found.ProvisioningState, "unknown"))
		if strings.EqualFold(found.PowerState, "running") && strings.EqualFold(found.ProvisioningState, "succeeded") {
			return Result{Status: Pass, Message: fmt.Sprintf("Azure VM %s/%s: %s", found.ResourceGroup, found.Name, state)}
		}
		short := fmt.Sprintf("Azure VM %s/%s: provisioning %s", found.ResourceGroup, found.Name, cmp.Or(found.ProvisioningState, "unknown"))
		if !strings.EqualFold(found.PowerState, "running") {
			short = fmt.Sprintf("Azure VM %s/%s %s, not running", found.ResourceGroup, found.Name, cmp.Or(found.PowerState, "in an unknown power state"))
		}
		return Result{Status: Fail, Code: "78093", Message: fmt.Sprintf("Azure VM %s/%s: %s; it must be running with provisioning succeeded",
			found.ResourceGroup, found.Name, state), Short: short}
	})
}
