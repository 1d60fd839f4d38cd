package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestMasterTargetVM(t *testing.T) {
	mt := func(f func(*inventory.VM)) func(*inventory.Snapshot) {
		return func(s *inventory.Snapshot) { f(vmRef(s, "mt01")) }
	}
	runCases(t, MasterTargetVM{}, []checkCase{
		{"healthy", nil, []want{{"master-target", Pass, "", "mt01 is powered on on host esx01 with VMware Tools running, no snapshots, no Paravirtual SCSI, disk.EnableUUID=TRUE"}}},
		{"missing", func(s *inventory.Snapshot) { s.Plan.MasterTarget = "mt09" }, []want{{"master-target", Fail, "", "no VM named mt09 (plan masterTarget) in datacenter DC1"}}},
		{"powered off", mt(func(v *inventory.VM) { v.PowerState = "poweredOff" }), []want{{"master-target", Fail, "", "mt01 is poweredOff; it must be powered on"}}},
		{"tools", mt(func(v *inventory.VM) { v.Details.ToolsRunningStatus = "guestToolsNotRunning" }), []want{{"master-target", Fail, "", "mt01 has VMware Tools NotRunning; they must be running"}}},
		{"snapshots", mt(func(v *inventory.VM) { v.Details.Snapshots = 1 }), []want{{"master-target", Fail, "", "mt01 has 1 snapshot tree(s); the master target must have none"}}},
		{"paravirtual", mt(func(v *inventory.VM) {
			v.Details.SCSIControllers = append(v.Details.SCSIControllers, "ParaVirtualSCSIController")
		}),
			[]want{{"master-target", Fail, "", "mt01 has a Paravirtual SCSI controller; the master target needs LSI Logic"}}},
		{"EnableUUID unset", mt(func(v *inventory.VM) { v.Details.EnableUUID = "" }), []want{{"master-target", Fail, "", `mt01 has disk.EnableUUID=""; it must be TRUE`}}},
		{"EnableUUID lower case", mt(func(v *inventory.VM) { v.Details.EnableUUID = "true" }), []want{{"master-target", Pass, "", ""}}},
		{"61 disks", mt(func(v *inventory.VM) { v.Details.Disks = make([]inventory.Disk, 58) }), []want{{"master-target", Fail, "",
			"mt01 would have 61 disks attached (58 of its own + 1 of web01 + 2 of db01); at most 60 are supported"}}},
		{"60 disks", mt(func(v *inventory.VM) { v.Details.Disks = make([]inventory.Disk, 57) }), []want{{"master-target", Pass, "", ""}}},
		{"OS family", func(s *inventory.Snapshot) {
			v := vmRef(s, "db01")
			v.GuestFamily, v.GuestID = "", "windows2019srv_64Guest"
		}, []want{{"master-target", Fail, "",
			"mt01 runs Linux, but protected VM db01 runs Windows; the master target must match the protected VMs' OS family"}}},
		{"OS family unknown", func(s *inventory.Snapshot) { v := vmRef(s, "db01"); v.GuestFamily, v.GuestID = "", "otherGuest64" }, []want{{"master-target", Pass, "", ""}}},
		{"several problems", mt(func(v *inventory.VM) { v.PowerState, v.Details.Snapshots = "suspended", 2 }), []want{
			{"master-target", Fail, "", "mt01 is suspended"}, {"master-target", Fail, "", "mt01 has 2 snapshot tree(s)"}}},
		{"details not read", mt(func(v *inventory.VM) { v.Details = nil }), []want{{"master-target", Error, "", "the master target's devices and guest state were not read"}}},
	})
}
