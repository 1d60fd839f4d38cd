package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// perAzureVM runs f for every plan VM whose Azure VM is known, and says skip for the others.
func perAzureVM(s *Input, f func(vm *derive.VM) Result) []Result {
	out := make([]Result, 0, len(s.Facts.VMs))
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		if vm.Azure.From == "" {
			out = append(out, Result{Target: vm.Name, Status: Skip,
				Message: fmt.Sprintf("no Azure VM known for %s: set azureVM in the plan, or azure.vault so Site Recovery names it", vm.Name)})
			continue
		}
		r := f(vm)
		r.Target = vm.Name
		out = append(out, r)
	}
	return out
}

// perItem runs f for every plan VM's protected item, and skips those without one (asr.protected-item
// reports them).
func perItem(s *Input, f func(vm *derive.VM) []Result) []Result {
	var out []Result
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		if vm.Item == nil {
			out = append(out, Result{Target: vm.Name, Status: Skip, Message: "no protected item for " + vm.Name + " (see asr.protected-item)"})
			continue
		}
		out = append(out, f(vm)...)
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
