package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
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
		Needs:  []inventory.Part{VCenter},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run evaluates every plan VM against the VMs on the master target's host.
func (NameCollision) Run(s *Input) []Result {
	mt := s.Facts.MasterTarget.VM
	if mt == nil {
		return []Result{{Target: "master-target", Status: Skip,
			Message: "cannot tell the master target's ESXi host: " + s.Facts.MasterTarget.Problem + " (see master-target.vm)"}}
	}
	out := make([]Result, 0, len(s.Facts.VMs))
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		out = append(out, nameCollision(s, *mt, vm))
	}
	return out
}

func nameCollision(s *Input, mt inventory.VM, vm *derive.VM) Result {
	inv := s.VCenter
	same := s.Facts.Named(vm.Name)
	var onHost []inventory.VM
	for _, v := range same {
		if v.Host == mt.Host {
			onHost = append(onHost, v)
		}
	}
	where := fmt.Sprintf("host %s (master target %s's host)", mt.Host, mt.Name)
	r := Result{Target: vm.Name}
	var broken []inventory.VM
	for _, v := range onHost {
		if v.ConnectionState == "orphaned" || v.ConnectionState == "inaccessible" {
			broken = append(broken, v)
		}
	}
	switch {
	case len(broken) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%s on %s is %s: it still holds the name, and cannot be the original",
			derive.DescribeVMs(broken), where, broken[0].ConnectionState)
		r.Fix = "Remove the orphaned or inaccessible VM from the inventory, or rename it, so reprotect can create " + vm.Name + " on that host."
	case vm.Location == plan.Alternate && len(onHost) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%s already on %s; alternate-location failback creates a new VM of that name there", derive.DescribeVMs(onHost), where)
	case vm.Location == plan.Alternate:
		r.Status, r.Message = Pass, fmt.Sprintf("no VM named %s on %s", vm.Name, where)
	case len(same) == 0:
		r.Status = Fail
		r.Message = fmt.Sprintf("no VM named %s in datacenter %s: failback to the original location needs the original VM", vm.Name, inv.Datacenter)
		r.Fix = "Set location: alternate for this VM in the plan, so failback recreates it on the master target's host."
	case len(same) == 1:
		r.Status, r.Message = Pass, fmt.Sprintf("exactly one VM named %s in datacenter %s, the original: %s", vm.Name, inv.Datacenter, derive.DescribeVMs(same))
	case len(onHost) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%d VMs named %s in datacenter %s, %s on %s; only the original should carry the name",
			len(same), vm.Name, inv.Datacenter, derive.DescribeVMs(onHost), where)
	default:
		r.Status = Warn
		r.Message = fmt.Sprintf("%d VMs named %s in datacenter %s (%s); failback to the original location expects exactly one",
			len(same), vm.Name, inv.Datacenter, derive.DescribeVMs(same))
		r.Fix = "Rename or remove the VMs that are not the original, so ASR finds exactly one."
	}
	return r
}
