package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(MasterTargetVM{}) }

// MasterTargetVM reports every way the master target VM breaks the reprotect prerequisites.
type MasterTargetVM struct{}

// Info describes the check.
func (MasterTargetVM) Info() Info {
	return Info{
		ID:     "master-target.vm",
		Kind:   MasterTargetKind,
		Title:  "The master target VM meets the reprotect prerequisites",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter, VMDetails},
		Cause:  "Reprotect writes the replicated disks through the master target VM: it must run with VMware Tools, have no snapshots, use an LSI Logic (not Paravirtual) SCSI controller, set disk.EnableUUID=TRUE, stay within 60 attached disks, and run the same OS family as the protected VMs.",
		Fix:    "Fix the master target VM as the message says, or deploy a separate master target that meets the prerequisites.",
		DocURL: docPrepare,
	}
}

// maxDisks is how many disks the master target may have attached, its own included.
const maxDisks = 60

// Run returns one result per problem found, or one pass.
func (MasterTargetVM) Run(s *Input) []Result {
	if !s.Facts.HasClassic() {
		return []Result{{Target: "-", Status: Skip, Message: "no classic VM in the plan: the modernized architecture has no master target"}}
	}
	if s.Facts.MasterTarget.VM == nil {
		return []Result{{Target: "master-target", Status: Fail, Message: s.Facts.MasterTarget.Problem,
			Fix: "Deploy the master target server, or set masterTarget in the plan to its VM name in vCenter."}}
	}
	mt := *s.Facts.MasterTarget.VM
	if mt.Details == nil {
		return []Result{{Target: "master-target", Status: Error, Message: "the master target's devices and guest state were not read"}}
	}
	d := mt.Details
	var out []Result
	fail := func(fix, format string, args ...any) {
		out = append(out, Result{Target: "master-target", Status: Fail, Message: mt.Name + " " + fmt.Sprintf(format, args...), Fix: fix})
	}
	if mt.PowerState != "poweredOn" {
		fail("Power on the master target VM.", "is %s; it must be powered on", mt.PowerState)
	}
	if d.ToolsRunningStatus != "guestToolsRunning" {
		fail("Install VMware Tools (open-vm-tools on Linux) in the master target and start it.",
			"has VMware Tools %s; they must be running", strings.TrimPrefix(d.ToolsRunningStatus, "guestTools"))
	}
	if d.Snapshots > 0 {
		fail("Delete the master target's snapshots (consolidate them).", "has %d snapshot tree(s); the master target must have none", d.Snapshots)
	}
	if slices.Contains(d.SCSIControllers, "ParaVirtualSCSIController") {
		fail("Replace the Paravirtual SCSI controller with an LSI Logic one.", "has a Paravirtual SCSI controller; the master target needs LSI Logic")
	}
	if !strings.EqualFold(d.EnableUUID, "TRUE") {
		fail("Power off the master target, add disk.EnableUUID = TRUE to its configuration parameters, and power it on.",
			"has disk.EnableUUID=%q; it must be TRUE", d.EnableUUID)
	}
	if n, detail := diskCount(mt, s.Facts.VMs); n > maxDisks {
		fail("Spread the VMs over more master targets, or reprotect them in smaller batches.",
			"would have %d disks attached (%s); at most %d are supported", n, detail, maxDisks)
	}
	family := mt.OSFamily()
	for _, vm := range s.Facts.VMs {
		if vm.OnPrem == nil || vm.Modernized {
			continue
		}
		if f := vm.OnPrem.OSFamily(); family != "" && f != "" && f != family {
			fail("Use a "+familyName(f)+" master target for "+familyName(f)+" VMs.",
				"runs %s, but protected VM %s runs %s; the master target must match the protected VMs' OS family", familyName(family), vm.Name, familyName(f))
			out[len(out)-1].VMs = []string{vm.Name} // the others match it
		}
	}
	if len(out) == 0 {
		out = append(out, Result{Target: "master-target", Status: Pass, Message: fmt.Sprintf(
			"%s is powered on on host %s with VMware Tools running, no snapshots, no Paravirtual SCSI, disk.EnableUUID=TRUE", mt.Name, mt.Host)})
	}
	return out
}

// diskCount is the master target's disks plus those of the classic plan VMs, with how it was
// counted.
func diskCount(mt inventory.VM, vms []derive.VM) (int, string) {
	n := len(mt.Details.Disks)
	parts := []string{fmt.Sprintf("%d of its own", n)}
	for _, vm := range vms {
		if !vm.Modernized && vm.OnPrem != nil && vm.OnPrem.Storage != nil {
			n += vm.OnPrem.Storage.Disks
			parts = append(parts, fmt.Sprintf("%d of %s", vm.OnPrem.Storage.Disks, vm.Name))
		}
	}
	return n, listed(parts, " + ")
}

// familyName is "Windows" or "Linux".
func familyName(f string) string {
	if f == "windowsGuest" {
		return "Windows"
	}
	return "Linux"
}
