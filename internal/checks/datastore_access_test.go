package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestDatastoreAccess(t *testing.T) {
	mount := func(host string, mounted, accessible bool, mode string) func(*inventory.Snapshot) {
		return func(s *inventory.Snapshot) {
			for i, m := range s.VCenter.Datastores[0].Mounts {
				if m.Host == host {
					s.VCenter.Datastores[0].Mounts[i].Mounted, s.VCenter.Datastores[0].Mounts[i].Accessible = mounted, accessible
					s.VCenter.Datastores[0].Mounts[i].AccessMode = mode
				}
			}
		}
	}
	runCases(t, DatastoreAccess{}, []checkCase{
		{"healthy", nil, []want{{"ds01", Pass, "", "datastore ds01 (VMFS) is mounted read-write and accessible on esx01"}}},
		{"failback checks the VM's host too", func(s *inventory.Snapshot) { s.Plan.VMs[0].Host = "esx02" },
			[]want{{"ds01", Pass, "", "accessible on esx01, esx02"}}},
		{"reprotect checks only the master target's host", func(s *inventory.Snapshot) {
			s.Phase, s.Plan.VMs[0].Host = Reprotect, "esx02"
			mount("esx02", false, false, "readWrite")(s)
		}, []want{{"ds01", Pass, "", "accessible on esx01"}}},
		{"read-only on the master target's host", mount("esx01", true, true, "readOnly"), []want{{"ds01", Fail, "8061",
			"datastore ds01 is mounted readOnly on host esx01 (master target mt01's host); it must be mounted read-write and accessible"}}},
		{"not mounted", mount("esx01", false, true, "readWrite"), []want{{"ds01", Fail, "8061", "datastore ds01 is not mounted on host esx01"}}},
		{"inaccessible", mount("esx01", true, false, "readWrite"), []want{{"ds01", Fail, "8061", "datastore ds01 is not accessible on host esx01"}}},
		{"no mount at all", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].Mounts = s.VCenter.Datastores[0].Mounts[1:] },
			[]want{{"ds01", Fail, "8061", "is not mounted on host esx01"}}},
		{"failback host not mounted", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].Host = "esx02"
			mount("esx02", false, false, "readWrite")(s)
		},
			[]want{{"ds01", Fail, "8061", "datastore ds01 is not mounted on host esx02 (where web01 will run)"}}},
		{"unknown failback host left to esxi.host", func(s *inventory.Snapshot) { s.Plan.VMs[0].Host = "hyperv01" },
			[]want{{"ds01", Pass, "", "accessible on esx01"}}},
		{"NFS", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].Type = "NFS" }, []want{{"ds01", Fail, "",
			"datastore ds01 is NFS; failback does not support NFS datastores, only VMFS or vSAN"}}},
		{"vSAN", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].Type = "vsan" }, []want{{"ds01", Pass, "", "(vsan)"}}},
		{"missing datastore", func(s *inventory.Snapshot) { s.Plan.VMs[1].Datastore = "ds09" }, []want{
			{"ds01", Pass, "", ""}, {"ds09", Fail, "8061", "datastore ds09 (target of db01) is not in datacenter DC1"}}},
		{"not accessible at all", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].Accessible = false },
			[]want{{"ds01", Fail, "8061", "datastore ds01 is not accessible"}}},
		{"no master target: skips, never a pass on no host", func(s *inventory.Snapshot) { vmRef(s, "mt01").Name = "other" }, []want{
			{"master-target", Skip, "", "cannot check the datastores on the master target's host: no VM named mt01 (plan masterTarget) in datacenter DC1 (see master-target.vm)"},
			{"ds01", Skip, "", "datastore ds01 (VMFS) is accessible, but no host is known to check its mounts on (see esxi.host)"}}},
		{"no master target, the VM's host still checked", func(s *inventory.Snapshot) {
			vmRef(s, "mt01").Name = "other"
			s.Plan.VMs[0].Host = "esx02"
		}, []want{{"master-target", Skip, "", ""}, {"ds01", Pass, "", "accessible on esx02"}}},
		{"no master target, NFS still fails", func(s *inventory.Snapshot) {
			vmRef(s, "mt01").Name = "other"
			s.VCenter.Datastores[0].Type = "NFS"
		}, []want{{"master-target", Skip, "", ""}, {"ds01", Fail, "", "is NFS"}}},
	})
}

func TestDatastoreAccessFixes(t *testing.T) {
	s := healthy()
	s.VCenter.Datastores[0].Type = "NFS41"
	s.VCenter.Datastores[0].Mounts[0].AccessMode = "readOnly"
	rs := DatastoreAccess{}.Run(input(s))
	if len(rs) != 1 || rs[0].Code != "8061" || rs[0].Fix != Codes["8061"].Fix+" Pick a VMFS or vSAN datastore for web01, db01." {
		t.Errorf("an NFS datastore mounted read-only needs both fixes: %+v", rs)
	}
}
