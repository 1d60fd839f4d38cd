package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(VCenterPrivileges{}) }

// ASRPrivileges are the vCenter privileges ASR's account needs for reprotect and failback; "X.*"
// stands for every privilege under X.
var ASRPrivileges = []string{
	"Datastore.AllocateSpace", "Datastore.Browse", "Datastore.FileManagement", "Datastore.DeleteFile",
	"Datastore.UpdateVirtualMachineFiles", "Network.Assign", "Resource.AssignVMToPool",
	"Resource.ColdMigrate", "Resource.HotMigrate", "Task.Create", "Task.Update", "VirtualMachine.Config.*",
	"VirtualMachine.Interact.AnswerQuestion", "VirtualMachine.Interact.DeviceConnection",
	"VirtualMachine.Interact.SetCDMedia", "VirtualMachine.Interact.SetFloppyMedia",
	"VirtualMachine.Interact.PowerOff", "VirtualMachine.Interact.PowerOn", "VirtualMachine.Interact.ToolsInstall",
	"VirtualMachine.Inventory.Create", "VirtualMachine.Inventory.Register", "VirtualMachine.Inventory.Unregister",
	"VirtualMachine.Provisioning.GetVmFiles", "VirtualMachine.Provisioning.PutVmFiles",
	"VirtualMachine.State.RemoveSnapshot",
}

// CreateSnapshot is needed besides, before failback of a modernized VM (the ASR docs' fix #118395).
const CreateSnapshot = "VirtualMachine.State.CreateSnapshot"

// CheckedPrivileges are the privileges collected: the ASR role's, and CreateSnapshot, which counts
// only before failback of a modernized VM.
var CheckedPrivileges = append(slices.Clone(ASRPrivileges), CreateSnapshot)

// VCenterPrivileges reports objects on which the account lacks privileges ASR needs.
type VCenterPrivileges struct{}

// Info describes the check.
func (VCenterPrivileges) Info() Info {
	return Info{
		ID:     "vcenter.privileges",
		Kind:   VCenterKind,
		Title:  "The vCenter account holds every privilege ASR needs on the datacenter, target hosts and datastores",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter, Privileges},
		Cause:  "With a read-only vCenter account, protection and failover work, but reprotect fails: the datastores are not listed during reprotect. Failback of a modernized VM also needs VirtualMachine.State.CreateSnapshot.",
		Fix:    "Give the account ASR uses for vCenter a role with the listed privileges on the datacenter (propagated), update the vCenter credentials where Site Recovery keeps them (the replication appliance's configuration manager, or for classic the configuration server), and retry.",
		DocURL: docBase + "vmware-azure-tutorial-prepare-on-premises#prepare-an-account-for-automatic-discovery",
	}
}

// Run reports, per object, the privileges not granted.
func (VCenterPrivileges) Run(s *Input) []Result {
	p := s.VCenter.Privileges
	who := "the logged-in account"
	if p.Principal != "" {
		who = "account " + p.Principal
	}
	// CreateSnapshot counts only before failback of a modernized VM.
	snapshot := s.Phase == Failback && s.Facts.HasModernized()
	needed := func(id string) bool { return id != CreateSnapshot || snapshot }
	checked := 0
	for _, id := range p.Checked {
		if needed(id) {
			checked++
		}
	}
	var out []Result
	var names []string
	matter := relevant(s)
	for _, e := range p.Entities {
		if e.Type != "Datacenter" && !matter[[2]string{e.Type, e.Name}] {
			continue
		}
		names = append(names, kind(e.Type)+" "+e.Name)
		var missing []string
		for _, id := range e.Missing {
			if needed(id) {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			continue
		}
		consequence := "reprotect will not list the datastores"
		if slices.Equal(missing, []string{CreateSnapshot}) {
			consequence = "failback of a modernized VM snapshots it on-premises and fails without it"
		}
		out = append(out, Result{Target: e.Name, Kind: entityKind[e.Type], Status: Fail, Message: fmt.Sprintf(
			"%s lacks %d of %d privileges on %s %s: %s; %s",
			who, len(missing), checked, kind(e.Type), e.Name, strings.Join(missing, ", "), consequence)})
	}
	if len(out) == 0 {
		out = append(out, Result{Target: "vcenter", Status: Pass, Message: fmt.Sprintf(
			"%s holds all %d privileges on %s", who, checked, listed(names, ", "))})
	}
	return out
}

// relevant are the objects whose privileges matter, besides the datacenter: the hosts the plan's
// VMs will run on (and their originals', failing back there), the master target's, and the VMs'
// datastores — by managed object type and name.
func relevant(s *Input) map[[2]string]bool {
	m := map[[2]string]bool{{"HostSystem", s.Facts.MasterTarget.Host()}: true}
	for _, vm := range s.Facts.VMs {
		for _, h := range vm.Hosts() {
			m[[2]string{"HostSystem", h}] = true
		}
		m[[2]string{"Datastore", vm.TargetDatastore}] = true
	}
	return m
}

// entityKind is the kind of target a privilege entity is, by its managed object type.
var entityKind = map[string]Kind{"Datacenter": DatacenterKind, "HostSystem": HostKind, "Datastore": DatastoreKind}

// kind names a managed object type in words: "datacenter", "host", "datastore".
func kind(t string) string {
	if k, ok := entityKind[t]; ok {
		return k.Label()
	}
	return t
}
