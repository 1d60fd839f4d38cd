package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(Architecture{}) }

// Architecture warns about VMs protected with the classic architecture, out of support since
// March 2026.
type Architecture struct{}

// Info describes the check.
func (Architecture) Info() Info {
	return Info{
		ID:     "asr.architecture",
		Kind:   VMKind,
		Title:  "The VM is protected with the modernized architecture, not the retired classic one",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{Azure, Vault},
		Cause:  "The classic VMware/physical → Azure experience (configuration server, process server, master target) is out of support since March 2026: unmigrated machines may lose replication health and can no longer be managed in the portal.",
		Fix:    "Move the machine to the modernized experience (a replication appliance) as Microsoft's migration guide describes, before you depend on it for failback.",
		DocURL: docMigrate,
	}
}

// Run tells each plan VM's architecture from its item's provider.
func (Architecture) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		if vm.Item.Modernized() {
			return []Result{{Target: vm.Name, Status: Pass, Message: fmt.Sprintf("%s is protected with the modernized architecture (%s)", vm.Name, vm.Item.InstanceType)}}
		}
		return []Result{{Target: vm.Name, Status: Warn, Message: fmt.Sprintf(
			"%s is protected with the classic architecture (%s), out of support since March 2026; it may lose replication health and cannot be managed in the portal", vm.Name, vm.Item.InstanceType),
			Short: "classic architecture, out of support since March 2026"}}
	})
}
