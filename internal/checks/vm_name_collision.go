package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

func init() { Register(NameCollision{}) }

// NameCollision reports plan VMs whose name is already taken on the master target's ESXi host
// (ASR 78052).
type NameCollision struct{}

// Info describes the check.
func (NameCollision) Info() Info {
	c := Codes["78052"]
	return Info{
		ID:     "vm.name-collision",
		Title:  "No other VM carries the protected VM's name on the master target's ESXi host",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []Source{VCenter},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run evaluates every plan VM against the VMs on the master target's host.
func (NameCollision) Run(_ context.Context, s *Snapshot) []Result {
	inv := s.VCenter
	mt, problem := masterTarget(inv, s.Plan.MasterTarget)
	if problem != "" {
		return []Result{{Target: "master-target", Status: Error, Message: "cannot tell the master target's ESXi host: " + problem,
			Fix: "Set masterTarget in the plan to the name of the master target VM as vCenter shows it."}}
	}
	out := make([]Result, 0, len(s.Plan.VMs))
	for _, vm := range s.Plan.VMs {
		out = append(out, nameCollision(inv, mt, vm))
	}
	return out
}

func nameCollision(inv *vcenter.Inventory, mt vcenter.VM, vm plan.VM) Result {
	same := inv.VMsNamed(vm.Name)
	var onHost []vcenter.VM
	for _, v := range same {
		if v.Host == mt.Host {
			onHost = append(onHost, v)
		}
	}
	where := fmt.Sprintf("host %s (master target %s's host)", mt.Host, mt.Name)
	r := Result{Target: vm.Name}
	var broken []vcenter.VM
	for _, v := range onHost {
		if v.ConnectionState == "orphaned" || v.ConnectionState == "inaccessible" {
			broken = append(broken, v)
		}
	}
	switch {
	case len(broken) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%s on %s is %s: it still holds the name, and cannot be the original",
			describeVMs(broken), where, broken[0].ConnectionState)
		r.Fix = "Remove the orphaned or inaccessible VM from the inventory, or rename it, so reprotect can create " + vm.Name + " on that host."
	case vm.Location == plan.Alternate && len(onHost) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%s already on %s; alternate-location failback creates a new VM of that name there", describeVMs(onHost), where)
	case vm.Location == plan.Alternate:
		r.Status, r.Message = Pass, fmt.Sprintf("no VM named %s on %s", vm.Name, where)
	case len(same) == 0:
		r.Status = Fail
		r.Message = fmt.Sprintf("no VM named %s in datacenter %s: failback to the original location needs the original VM", vm.Name, inv.Datacenter)
		r.Fix = "Set location: alternate for this VM in the plan, so failback recreates it on the master target's host."
	case len(same) == 1:
		r.Status, r.Message = Pass, fmt.Sprintf("exactly one VM named %s in datacenter %s, the original: %s", vm.Name, inv.Datacenter, describeVMs(same))
	case len(onHost) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%d VMs named %s in datacenter %s, %s on %s; only the original should carry the name",
			len(same), vm.Name, inv.Datacenter, describeVMs(onHost), where)
	default:
		r.Status = Warn
		r.Message = fmt.Sprintf("%d VMs named %s in datacenter %s (%s); failback to the original location expects exactly one",
			len(same), vm.Name, inv.Datacenter, describeVMs(same))
		r.Fix = "Rename or remove the VMs that are not the original, so ASR finds exactly one."
	}
	return r
}

// describeVMs names VMs with their reference, host and state: "web01 (vm-42 on esx01, poweredOn)",
// with the connection state when it is not connected.
func describeVMs(vms []vcenter.VM) string {
	parts := make([]string, len(vms))
	for i, v := range vms {
		state := v.PowerState
		if v.ConnectionState != "" && v.ConnectionState != "connected" {
			state = v.ConnectionState
		}
		parts[i] = fmt.Sprintf("%s (%s on %s, %s)", v.Name, v.Ref, v.Host, state)
	}
	return strings.Join(parts, ", ")
}
