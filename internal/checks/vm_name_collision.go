package checks

import (
	"fmt"
	"strings"

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
		Kind:   VMKind,
		Title:  "No other VM carries the name the VM fails back under, where failback creates it",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run evaluates every classic plan VM against the VMs on the master target's host, and every
// modernized one against the datacenter.
func (NameCollision) Run(s *Input) []Result {
	mt := s.Facts.MasterTarget.VM
	var out []Result
	if mt == nil && s.Facts.HasClassic() {
		out = append(out, Result{Target: "master-target", Kind: MasterTargetKind, Status: Skip,
			Message: "cannot tell the master target's ESXi host: " + s.Facts.MasterTarget.Problem + " (see master-target.vm)"})
	}
	for i := range s.Facts.VMs {
		switch vm := &s.Facts.VMs[i]; {
		case vm.Modernized:
			out = append(out, modernizedCollision(s, vm))
		case mt != nil:
			out = append(out, nameCollision(s, *mt, vm))
		}
	}
	return out
}

// modernizedCollision: with no master target, failback to an alternate location creates the VM
// under its target name in the datacenter, where no VM may carry that name; failback to the
// original location wants the original VM.
func modernizedCollision(s *Input, vm *derive.VM) Result {
	same := s.Facts.Named(vm.TargetName)
	r := Result{Target: vm.Name}
	in := "datacenter " + s.VCenter.Datacenter
	switch {
	case vm.Location == plan.Alternate && len(same) > 0:
		r.Status, r.Code = Fail, "78052"
		r.Message = fmt.Sprintf("%s already in %s; alternate-location failback creates a new VM named %s there", derive.DescribeVMs(same), in, vm.TargetName)
		r.Short = fmt.Sprintf("a VM named %s is already in %s", vm.TargetName, in)
		r.Fix = "Rename or remove the VM that carries the name, or fail back under another name (a new target VM name)."
	case vm.Location == plan.Alternate:
		r.Status, r.Message = Pass, fmt.Sprintf("no VM named %s in %s, where alternate-location failback creates it", vm.TargetName, in)
	case vm.Item != nil && vm.Item.DiscoveredVM != nil && vm.Item.DiscoveredVM.Deleted:
		r.Status = Warn
		r.Message = fmt.Sprintf("Site Recovery last saw the original VM of %s deleted; failback to the original location needs it (%d VM(s) named %s in %s now)", vm.Name, len(same), vm.TargetName, in)
		r.Fix = "Check the original VM still exists; if not, set location: alternate for this VM in the plan."
	case vm.OnPremUnread:
		r.Status, r.Message = Error, vm.OnPremProblem
	case vm.OnPrem == nil && len(same) > 1 && !vm.OnPremByUUID:
		r.Status = Warn
		r.Message = fmt.Sprintf("%d VMs named %s in %s (%s); failback to the original location expects exactly one", len(same), vm.TargetName, in, derive.DescribeVMs(same))
		r.Short = fmt.Sprintf("%d VMs named %s in %s, where failback expects one", len(same), vm.TargetName, in)
		r.Fix = "Rename or remove the VMs that are not the original, so ASR finds exactly one."
	case vm.OnPrem == nil:
		r.Status = Fail
		r.Message = fmt.Sprintf("%s in %s: failback to the original location needs the original VM", vm.OnPremProblem, in)
		r.Fix = "Set location: alternate for this VM in the plan, so failback recreates it."
	default:
		r.Status, r.Message = Pass, fmt.Sprintf("the original is in %s: %s", in, derive.DescribeVMs([]inventory.VM{*vm.OnPrem}))
		if vm.Item != nil && vm.Item.SourceUUID != "" && strings.EqualFold(vm.OnPrem.InstanceUUID, vm.Item.SourceUUID) {
			r.Message += ", found by the instance UUID Site Recovery records"
		}
		if others := len(same); vm.OnPrem.Name == vm.TargetName && others > 1 {
			r.Message += fmt.Sprintf(" (%d other VM(s) carry its name; Site Recovery tells the original by its UUID)", others-1)
		}
		if s.Phase == Reprotect && vm.OnPrem.PowerState == "poweredOn" {
			r.Status = Warn
			r.Message += "; it is powered on, and reprotect to the original location overwrites its disks with the Azure VM's"
			r.Fix = "Power off the original VM before reprotect (it is replaced by the failed-over VM's data)."
		}
	}
	return r
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
		r.Short = fmt.Sprintf("a VM named %s is already on %s", vm.Name, where)
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
		r.Short = fmt.Sprintf("%d VMs named %s in datacenter %s, where only the original may be", len(same), vm.Name, inv.Datacenter)
	default:
		r.Status = Warn
		r.Message = fmt.Sprintf("%d VMs named %s in datacenter %s (%s); failback to the original location expects exactly one",
			len(same), vm.Name, inv.Datacenter, derive.DescribeVMs(same))
		r.Fix = "Rename or remove the VMs that are not the original, so ASR finds exactly one."
	}
	return r
}
