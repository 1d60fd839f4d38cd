package checks

import (
	"errors"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func TestArchitecture(t *testing.T) {
	runCases(t, Architecture{}, []checkCase{
		{"classic warns", nil, []want{{"web01", Warn, "", "web01 is protected with the classic architecture (InMage), out of support since March 2026"}, {"db01", Warn, "", ""}}},
		{"no item", func(s *inventory.Snapshot) { s.Azure.ProtectedItems = s.Azure.ProtectedItems[1:] }, []want{
			{"web01", Skip, "", "(see asr.protected-item)"}, {"db01", Warn, "", ""}}},
	})
	runModernized(t, Architecture{}, []checkCase{
		{"modernized passes", nil, []want{{"web01", Pass, "", "web01 is protected with the modernized architecture (InMageRcmFailback)"}, {"db01", Pass, "", ""}}},
	})
}

func TestAppliance(t *testing.T) {
	role := func(s *inventory.Snapshot, kind string) *inventory.Role {
		a := &s.Azure.Fabrics.Appliances[0]
		for i := range a.Roles {
			if a.Roles[i].Kind == kind {
				return &a.Roles[i]
			}
		}
		t.Fatalf("no %s", kind)
		return nil
	}
	runModernized(t, Appliance{}, []checkCase{
		{"healthy", nil, []want{{"app01", Pass, "",
			"appliance app01 (named by Site Recovery, for web01, db01): all 7 roles registered, health Normal, heartbeats fresh; 2 VM(s) carry 2 disk(s) through it"}}},
		{"60 disks in total, with the VMs already reprotected through it", func(s *inventory.Snapshot) {
			other := s.Azure.ProtectedItems[0]
			other.FriendlyName, other.Name, other.Disks = "big01", "big01-item", make([]inventory.ProtectedDisk, 59)
			s.Azure.ProtectedItems = append(s.Azure.ProtectedItems, other)
		}, []want{{"app01", Fail, "", "2 VM(s) of the plan and 1 already reprotected through it (big01) carry 61 disk(s); one appliance carries at most 60 for failback"}}},
		{"another reprotected item's disks not read", func(s *inventory.Snapshot) {
			other := s.Azure.ProtectedItems[0]
			other.FriendlyName, other.Name, other.Detailed, other.Disks = "big01", "big01-item", false, nil
			s.Azure.ProtectedItems = append(s.Azure.ProtectedItems, other)
		}, []want{{"app01", Warn, "", "2 VM(s) of the plan and 1 already reprotected through it (big01) carry 2 disk(s) (disks unknown for big01); one appliance carries at most 60 for failback"}}},
		{"reprotect agent of another vCenter", func(s *inventory.Snapshot) {
			s.Azure.Fabrics.Appliances[0].VCenterID = "/vcenters/vcenter-b"
			s.Azure.ProtectedItems[0].TargetVCenterID = "/vcenters/vcenter-a"
		}, []want{{"app01", Warn, "", "its reprotect agent discovers vCenter /vcenters/vcenter-b, but web01 fails back to vCenter /vcenters/vcenter-a: choose an appliance of that vCenter"}}},
		{"reprotect agent names no vCenter", func(s *inventory.Snapshot) { s.Azure.ProtectedItems[0].TargetVCenterID = "/vcenters/vcenter-a" },
			[]want{{"app01", Warn, "", "its reprotect agent names no vCenter, so it cannot be matched with web01's vCenter /vcenters/vcenter-a"}}},
		{"discovery stale", func(s *inventory.Snapshot) {
			s.Azure.Fabrics.Appliances[0].LastDiscovery = collectedAt.Add(-50 * time.Hour)
		},
			[]want{{"app01", Warn, "", "its reprotect agent last discovered its vCenter 2 days ago: its list of reachable datastores may be stale"}}},
		{"discovery recent", func(s *inventory.Snapshot) {
			s.Azure.Fabrics.Appliances[0].LastDiscovery = collectedAt.Add(-20 * time.Minute)
		},
			[]want{{"app01", Pass, "", ""}}},
		{"not registered", func(s *inventory.Snapshot) { s.Azure.Fabrics.Appliances = s.Azure.Fabrics.Appliances[1:] }, []want{{"app01", Fail, "",
			"appliance app01 (named by Site Recovery, for web01, db01) is not registered in vault rg-asr/vault01's fabrics (it has app02)"}}},
		{"a role missing", func(s *inventory.Snapshot) {
			a := &s.Azure.Fabrics.Appliances[0]
			a.Roles = a.Roles[:4] // no reprotect agent, MARS agent, DRA
		}, []want{{"app01", Fail, "", "no reprotect agent role is registered; no MARS agent role is registered; no DRA role is registered"}}},
		{"heartbeat late", func(s *inventory.Snapshot) {
			role(s, inventory.RoleRCMProxy).LastHeartbeat = collectedAt.Add(-20 * time.Minute)
		},
			[]want{{"app01", Warn, "", "its RCM proxy last sent a heartbeat 20 min ago (more than 15 minutes)"}}},
		{"process server down", func(s *inventory.Snapshot) {
			role(s, inventory.RoleProcessServer).LastHeartbeat = collectedAt.Add(-3 * time.Hour)
		},
			[]want{{"app01", Fail, "806", "its process server last sent a heartbeat 3 h 0 min ago (more than an hour: taken as down)"}}},
		{"critical, with a known error", func(s *inventory.Snapshot) {
			r := role(s, inventory.RoleReprotectAgent)
			r.Health, r.HealthErrors = "Critical", []inventory.HealthError{{Code: "325091", Level: "Error"}, {Code: "548004", Level: "Info"}}
		}, []want{{"app01", Fail, "", "its reprotect agent's health is Critical, its reprotect agent reports error 325091 (No recent crash-consistent recovery point)"}}},
		{"warning health", func(s *inventory.Snapshot) { role(s, inventory.RoleDRA).Health = "Warning" },
			[]want{{"app01", Warn, "", "its DRA's health is Warning"}}},
		{"resources", func(s *inventory.Snapshot) {
			s.Azure.Fabrics.Appliances[0].Resources = map[string]string{"disk usage": "Critical", "throughput": "Warning", "memory usage": "Unknown"}
		}, []want{{"app01", Fail, "", "its process server's disk usage is Critical; its process server's throughput is Warning"}}},
		{"over 60 disks", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[0].Disks = make([]inventory.ProtectedDisk, 60)
		}, []want{{"app01", Fail, "", "2 VM(s) carry 61 disk(s) through it; one appliance carries at most 60 for failback"}}},
		{"60 disks", func(s *inventory.Snapshot) { s.Azure.ProtectedItems[0].Disks = make([]inventory.ProtectedDisk, 59) },
			[]want{{"app01", Pass, "", "2 VM(s) carry 60 disk(s) through it"}}},
		{"no appliance known", func(s *inventory.Snapshot) {
			s.Phase = Reprotect
			for i := range s.Azure.ProtectedItems {
				s.Azure.ProtectedItems[i].InstanceType = "InMageRcm"
			}
		}, []want{{"web01", Fail, "", "no replication appliance known for web01: Site Recovery records none, and the plan names none"}, {"db01", Fail, "", ""}}},
		{"before reprotect, the plan's appliance", func(s *inventory.Snapshot) {
			s.Phase, s.Plan.Appliance = Reprotect, "app02"
			for i := range s.Azure.ProtectedItems {
				s.Azure.ProtectedItems[i].InstanceType, s.Azure.ProtectedItems[i].ProcessServerName = "InMageRcm", "app01"
			}
			s.Plan.VMs[1].Appliance = "app01"
		}, []want{{"app02", Pass, "", "appliance app02 (named by the plan, for web01)"}, {"app01", Pass, "", "appliance app01 (named by the plan, for db01)"}}},
		{"before reprotect, the appliance replicated through", func(s *inventory.Snapshot) {
			s.Phase = Reprotect
			for i := range s.Azure.ProtectedItems {
				s.Azure.ProtectedItems[i].InstanceType, s.Azure.ProtectedItems[i].ProcessServerName = "InMageRcm", "APP01"
			}
		}, []want{{"APP01", Pass, "", "appliance APP01 (named by Site Recovery, for web01, db01)"}}},
	})
	// Classic: the configuration, process and master target servers the items record.
	classic := func(s *inventory.Snapshot) {
		s.CollectedAt = collectedAt
		hb := collectedAt.Add(-time.Minute)
		s.Azure.Fabrics = &inventory.Fabrics{Classic: []inventory.ClassicFabric{{Name: "cs-fabric",
			ConfigServer:   inventory.Role{Kind: "configuration server", Name: "cs01", LastHeartbeat: hb, ServiceStatus: "Running"},
			ProcessServers: []inventory.Role{{Kind: "process server", ID: "ps-1", Name: "ps01", LastHeartbeat: hb, Health: "Normal", ServiceStatus: "Running"}},
			MasterTargets:  []inventory.MasterTargetServer{{Role: inventory.Role{Kind: "master target", ID: "mt-1", Name: "mt01", LastHeartbeat: hb}}}}}}
		for i := range s.Azure.ProtectedItems {
			s.Azure.ProtectedItems[i].ProcessServerID, s.Azure.ProtectedItems[i].MasterTargetID = "ps-1", "mt-1"
		}
	}
	runCases(t, Appliance{}, []checkCase{
		{"classic servers", classic, []want{
			{"cs01", Pass, "", "the classic configuration server cs01 last sent a heartbeat 1 min ago"},
			{"ps01", Pass, "", "the classic process server ps01 last sent a heartbeat 1 min ago"},
			{"mt01", Pass, "", "the classic master target mt01 last sent a heartbeat 1 min ago"}}},
		{"classic master target silent, process server stopped", func(s *inventory.Snapshot) {
			classic(s)
			c := &s.Azure.Fabrics.Classic[0]
			c.MasterTargets[0].LastHeartbeat = collectedAt.Add(-2 * time.Hour)
			c.ProcessServers[0].ServiceStatus = "Stopped"
		}, []want{{"cs01", Pass, "", ""}, {"ps01", Fail, "", "the classic process server ps01's service is Stopped"},
			{"mt01", Fail, "78022", "the classic master target mt01 last sent a heartbeat 2 h 0 min ago"}}},
		{"classic server not registered", func(s *inventory.Snapshot) {
			classic(s)
			s.Azure.ProtectedItems[0].MasterTargetID = "mt-9"
		}, []want{{"cs01", Pass, "", ""}, {"ps01", Pass, "", ""},
			{"mt-9", Fail, "", "the master target mt-9 that web01 goes through is not registered in vault rg-asr/vault01's fabrics"}, {"mt01", Pass, "", ""}}},
	})
}

func TestAgent(t *testing.T) {
	reprotect := func(s *inventory.Snapshot) {
		s.Phase = Reprotect
		for i := range s.Azure.ProtectedItems {
			it := &s.Azure.ProtectedItems[i]
			it.InstanceType, it.ProtectionState, it.ActiveLocation = "InMageRcm", "UnplannedFailoverCommitted", "Recovery"
			it.AllowedOperations, it.LastFailover = []string{"CompleteMigration", "DisableProtection", "SwitchProtection"}, collectedAt.Add(-3*time.Minute)
		}
	}
	runModernized(t, Agent{}, []checkCase{
		{"registered", reprotect, []want{{"web01", Pass, "", "web01: the Mobility agent re-registered with Site Recovery after failover, no agent health error; its last agent heartbeat was 1 min after the failover (2 min ago)"}, {"db01", Pass, "", ""}}},
		{"not registered", func(s *inventory.Snapshot) {
			reprotect(s)
			*s.Azure.ProtectedItems[0].AgentRegistered = false
		}, []want{{"web01", Fail, "78174", "the Mobility agent did not re-register with Site Recovery after failover"}, {"db01", Pass, "", ""}}},
		{"not said", func(s *inventory.Snapshot) {
			reprotect(s)
			s.Azure.ProtectedItems[0].AgentRegistered = nil
		}, []want{{"web01", Warn, "", "Site Recovery does not say whether the Mobility agent re-registered"}, {"db01", Pass, "", ""}}},
		{"heartbeat stopped at failover, 21 days ago", func(s *inventory.Snapshot) { // as recorded: the heartbeat's age says nothing
			reprotect(s)
			it := &s.Azure.ProtectedItems[1]
			it.LastFailover = collectedAt.Add(-21 * 24 * time.Hour)
			it.AgentHeartbeat = it.LastFailover.Add(-3 * time.Minute)
		}, []want{{"web01", Pass, "", ""}, {"db01", Pass, "", "its last agent heartbeat was 3 min before the failover (21 days ago), as Site Recovery reports failed-over items"}}},
		{"agent health error", func(s *inventory.Snapshot) {
			reprotect(s)
			s.Azure.ProtectedItems[1].HealthErrors = []inventory.HealthError{{Code: "78174", Level: "Error", Message: "no heartbeat from the source machine"}}
		}, []want{{"web01", Pass, "", ""}, {"db01", Fail, "78174", "Site Recovery reports error 78174 on the item, its Mobility agent has no heartbeat: no heartbeat from the source machine"}}},
		{"not failed over", func(s *inventory.Snapshot) { s.Phase = Reprotect }, []want{{"web01", Skip, "", "web01 is not failed over (reprotected)"}, {"db01", Skip, "", ""}}},
	})
}

func TestReplication(t *testing.T) {
	no := false
	pct := 42
	runModernized(t, Replication{}, []checkCase{
		{"complete", nil, []want{{"web01", Pass, "", "web01: initial replication complete on all 1 disk(s), no resync required"}, {"db01", Pass, "", ""}}},
		{"pending disk, resync", func(s *inventory.Snapshot) {
			it := &s.Azure.ProtectedItems[0]
			it.Disks = append(it.Disks, inventory.ProtectedDisk{Name: "disk1", InitialReplicationDone: &no, PendingMB: 2048, ProgressPercent: &pct})
			it.InitialReplicationPercent, it.ResyncRequired = &pct, true
		}, []want{{"web01", Fail, "", "web01: initial replication is not finished: disk1 has 2048 MB pending, 42% done (42% overall); Site Recovery requires a resync of the item"},
			{"db01", Pass, "", ""}}},
		{"a disk silent for long, last failback failed", func(s *inventory.Snapshot) {
			it := &s.Azure.ProtectedItems[1]
			it.Disks[0].LastSync, it.LastPlannedFailover = collectedAt.Add(-3*time.Hour), "Failed"
		}, []want{{"web01", Pass, "", ""}, {"db01", Warn, "", "db01: disk0 last synced 3 h 0 min ago; the last planned failover failed"}}},
		{"not reprotected", func(s *inventory.Snapshot) { s.Azure.ProtectedItems[0].InstanceType = "InMageRcm" }, []want{
			{"web01", Skip, "", "web01 is not reprotected (see asr.protected-item)"}, {"db01", Pass, "", ""}}},
	})
	runCases(t, Replication{}, []checkCase{
		{"classic, resyncing", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[0].Disks = []inventory.ProtectedDisk{{Name: "Disk0", Stage: "Resync (Step I)"}, {Name: "Disk1", ResyncRequired: true}}
		}, []want{{"web01", Fail, "", "Disk0 is still resyncing (Resync (Step I)); Disk1 needs a resync"}, {"db01", Pass, "", "no resync required (the classic item lists no disks)"}}},
	})
}

// TestModernizedVCenterChecks: the vCenter checks read the modernized facts — the host a VM runs
// on is its original's, the datastore the item's, the appliance must reach it — and the classic
// ones skip.
func TestModernizedVCenterChecks(t *testing.T) {
	runModernized(t, DatastoreAccess{}, []checkCase{
		{"reached, mounted where the VMs run", nil, []want{{"ds01", Pass, "", "datastore ds01 (VMFS) is mounted read-write and accessible on esx02; appliance app01 reaches it"}}},
		{"not reached by the appliance", func(s *inventory.Snapshot) { s.Azure.Fabrics.Appliances[0].AccessibleDatastores = []string{"ds07"} },
			[]want{{"ds01", Fail, "8061", "datastore ds01 is not among the datastores appliance app01 can reach (ds07); reprotect of web01, db01 cannot write to it"}}},
		{"the item's datastore before failback", func(s *inventory.Snapshot) { s.Azure.ProtectedItems[1].TargetDatastore = "ds02" }, []want{
			{"ds01", Pass, "", ""}, {"ds02", Fail, "8061", "datastore ds02 (target of db01) is not in datacenter DC1"},
			{"ds01", Pass, "", "appliance app01 reaches datastore ds01, where original-location failback of db01 writes its original's disks"}}},
		{"the original's datastores not recorded", func(s *inventory.Snapshot) { s.Azure.ProtectedItems[0].DiscoveredVM = nil }, []want{
			{"ds01", Pass, "", ""}, {"web01", Skip, "", "Site Recovery records no datastores of web01's original VM, so whether appliance app01 reaches them all is not known"}}},
		{"original-location failback: the original's other datastore out of reach", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[1].DiscoveredVM = &inventory.DiscoveredVM{Datastores: []string{"ds01", "ds09"}}
		}, []want{{"ds01", Pass, "", ""}, {"ds09", Fail, "8061", "datastore ds09 holds disks of db01's original VM (as Site Recovery last discovered it), and original-location failback writes to it, but appliance app01 cannot reach it (ds01)"}}},
		{"original-location failback: the original's datastores reached", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[1].DiscoveredVM = &inventory.DiscoveredVM{Datastores: []string{"ds01", "ds09"}}
			s.Azure.Fabrics.Appliances[0].AccessibleDatastores = []string{"ds01", "DS09"}
		}, []want{{"ds01", Pass, "", ""}, {"ds09", Pass, "", "appliance app01 reaches datastore ds09, where original-location failback of db01 writes its original's disks"}}},
		{"fabrics unreadable", func(s *inventory.Snapshot) { s.Parts.Fail(Fabrics, errors.New("reading the fabrics: HTTP 403")) },
			[]want{{"ds01", Error, "", "cannot tell whether appliance app01 reaches datastore ds01: reading the fabrics: HTTP 403"}}},
	})
	reprotect := func(s *inventory.Snapshot) { s.Phase = Reprotect }
	runModernized(t, DatastoreCapacity{}, []checkCase{
		{"original location: changes only", reprotect, []want{{"ds01", Pass, "", "the provisioned space of web01 changes only (its original's disks exist) + db01 changes only (its original's disks exist) needs 0.0 GB"}}},
		{"alternate location: the full protected disks, original gone", func(s *inventory.Snapshot) {
			reprotect(s)
			s.Plan.VMs[1].Location, s.VCenter.VMs = plan.Alternate, s.VCenter.VMs[:1]
			s.Azure.ProtectedItems[1].Disks[0].CapacityBytes = 1800 * gib
		}, []want{{"ds01", Fail, "", "db01 1800.0 GB needs 1800.0 GB: 264.0 GB short"}}},
		{"alternate location, the item's GET failed", func(s *inventory.Snapshot) {
			reprotect(s)
			s.Plan.VMs[1].Location, s.Azure.ProtectedItems[1].Detailed, s.Azure.ProtectedItems[1].DetailError = plan.Alternate, false, "reading item db01-item: HTTP 503"
		}, []want{{"ds01", Error, "", "db01 (reading item db01-item: HTTP 503)"}}},
		{"alternate location, disks not read", func(s *inventory.Snapshot) {
			reprotect(s)
			s.Plan.VMs[1].Location, s.Azure.ProtectedItems[1].Detailed = plan.Alternate, false
		}, []want{{"ds01", Skip, "", "db01 (Site Recovery's listing carries no disks of the item)"}}},
	})
	runModernized(t, NameCollision{}, []checkCase{
		{"original present", nil, []want{{"web01", Pass, "", "the original is in datacenter DC1: web01 (vm-2 on esx02, poweredOff)"}, {"db01", Pass, "", ""}}},
		{"original renamed, found by its UUID", func(s *inventory.Snapshot) {
			vm := vmRef(s, "web01")
			vm.Name, vm.InstanceUUID = "web01-renamed", "50158471-87c2-d4ad-caa2-abe22face6d8"
			s.Azure.ProtectedItems[0].SourceUUID = "50158471-87c2-d4ad-caa2-abe22face6d8"
		}, []want{{"web01", Pass, "", "the original is in datacenter DC1: web01-renamed (vm-2 on esx02, poweredOff), found by the instance UUID Site Recovery records"}, {"db01", Pass, "", ""}}},
		{"original renamed, found by its UUID but read briefly (the vault answered late)", func(s *inventory.Snapshot) {
			vm := vmRef(s, "web01")
			vm.Name, vm.InstanceUUID, vm.Brief, vm.Host = "web01-renamed", "50158471-87c2-d4ad-caa2-abe22face6d8", true, ""
			s.Azure.ProtectedItems[0].SourceUUID = "50158471-87c2-d4ad-caa2-abe22face6d8"
		}, []want{{"web01", Error, "", "web01-renamed (vm-2), the original of web01 as Site Recovery names it (instance UUID 50158471-87c2-d4ad-caa2-abe22face6d8), was not read in full: the vault answered too late"}, {"db01", Pass, "", ""}}},
		{"the VM of the name read briefly", func(s *inventory.Snapshot) {
			vm := vmRef(s, "web01")
			vm.Brief, vm.Host, vm.PowerState = true, "", ""
		}, []want{{"web01", Error, "", "web01 (vm-2), the on-premises VM named web01, was not read in full"}, {"db01", Pass, "", ""}}},
		{"a new VM of the name is not the original", func(s *inventory.Snapshot) {
			vmRef(s, "web01").InstanceUUID = "50150000-0000-0000-0000-000000000001"
			s.Azure.ProtectedItems[0].SourceUUID = "50158471-87c2-d4ad-caa2-abe22face6d8"
		}, []want{{"web01", Fail, "", "no on-premises VM has instance UUID 50158471-87c2-d4ad-caa2-abe22face6d8, the original of web01 as Site Recovery names it; web01 (vm-2 on esx02, poweredOff) carries the name but is not the original"}, {"db01", Pass, "", ""}}},
		{"vCenter reports no UUID of the VM of the name (orphaned): the name speaks", func(s *inventory.Snapshot) {
			vmRef(s, "db01").InstanceUUID = "50150000-0000-0000-0000-000000000002"
			s.Azure.ProtectedItems[0].SourceUUID = "50158471-87c2-d4ad-caa2-abe22face6d8"
		}, []want{{"web01", Pass, "", "the original is in datacenter DC1: web01 (vm-2 on esx02, poweredOff)"}, {"db01", Pass, "", ""}}},
		{"two VMs of the name, neither the original", func(s *inventory.Snapshot) {
			vmRef(s, "web01").InstanceUUID = "50150000-0000-0000-0000-000000000001"
			extra := *vmRef(s, "web01")
			extra.Ref, extra.InstanceUUID = "vm-9", "50150000-0000-0000-0000-000000000009"
			s.VCenter.VMs = append(s.VCenter.VMs, extra)
			s.Azure.ProtectedItems[0].SourceUUID = "50158471-87c2-d4ad-caa2-abe22face6d8"
		}, []want{{"web01", Fail, "", "no on-premises VM has instance UUID 50158471-87c2-d4ad-caa2-abe22face6d8"}, {"db01", Pass, "", ""}}},
		{"original powered on before reprotect", func(s *inventory.Snapshot) {
			s.Phase = Reprotect
			vmRef(s, "db01").PowerState = "poweredOn"
		}, []want{{"web01", Pass, "", ""}, {"db01", Warn, "", "it is powered on, and reprotect to the original location overwrites its disks with the Azure VM's"}}},
		{"alternate, name taken", func(s *inventory.Snapshot) { s.Plan.VMs[0].Location = plan.Alternate }, []want{
			{"web01", Fail, "78052", "web01 (vm-2 on esx02, poweredOff) already in datacenter DC1; alternate-location failback creates a new VM named web01 there"}, {"db01", Pass, "", ""}}},
		{"alternate, under another name", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].Location, s.Azure.ProtectedItems[0].TargetVMName = plan.Alternate, "web01-restored"
		}, []want{{"web01", Pass, "", "no VM named web01-restored in datacenter DC1"}, {"db01", Pass, "", ""}}},
		{"original last seen deleted", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[1].DiscoveredVM = &inventory.DiscoveredVM{Deleted: true}
		},
			[]want{{"web01", Pass, "", ""}, {"db01", Warn, "", "Site Recovery last saw the original VM of db01 deleted"}}},
		{"original gone", func(s *inventory.Snapshot) { s.VCenter.VMs = s.VCenter.VMs[:1] }, []want{{"web01", Pass, "", ""},
			{"db01", Fail, "", "no on-premises VM named db01 in datacenter DC1: failback to the original location needs the original VM"}}},
	})
	runModernized(t, ESXiHost{}, []checkCase{
		{"the original's host", nil, []want{{"esx02", Pass, "", "(target of web01, db01)"}}},
		{"no original, no host", func(s *inventory.Snapshot) { s.VCenter.VMs = s.VCenter.VMs[:1] }, []want{
			{"db01", Warn, "", "cannot tell which host db01 will run on: no host in the plan, and no original VM"}, {"esx02", Pass, "", "(target of web01)"}}},
	})
	runModernized(t, ESXiMemory{}, []checkCase{
		{"no original, no host", func(s *inventory.Snapshot) { s.VCenter.VMs = s.VCenter.VMs[:1] }, []want{
			{"db01", Skip, "", "cannot tell which host db01 will run on (see esxi.host)"}, {"esx02", Pass, "", ""}}},
	})
	runModernized(t, MasterTargetVM{}, []checkCase{
		{"skips", nil, []want{{"-", Skip, "", "no classic VM in the plan: the modernized architecture has no master target"}}}})
	runModernized(t, ConfigurationServer{}, []checkCase{
		{"skips", nil, []want{{"-", Skip, "", "no classic VM in the plan"}}}})
	runModernized(t, VCenterPrivileges{}, []checkCase{
		{"CreateSnapshot before modernized failback", func(s *inventory.Snapshot) {
			s.VCenter.Privileges.Checked = append(s.VCenter.Privileges.Checked, CreateSnapshot)
			s.VCenter.Privileges.Entities[0].Missing = []string{CreateSnapshot}
		}, []want{{"DC1", Fail, "", "the logged-in account lacks 1 of 3 privileges on datacenter DC1: VirtualMachine.State.CreateSnapshot; failback of a modernized VM snapshots it"}}},
	})
	runCases(t, VCenterPrivileges{}, []checkCase{
		{"CreateSnapshot does not count for classic", func(s *inventory.Snapshot) {
			s.VCenter.Privileges.Checked = append(s.VCenter.Privileges.Checked, CreateSnapshot)
			s.VCenter.Privileges.Entities[0].Missing = []string{CreateSnapshot}
		}, []want{{"vcenter", Pass, "", "holds all 2 privileges"}}},
	})
}

func TestAzureVMDisks(t *testing.T) {
	dataDisks := func(n int) func(*inventory.Snapshot) {
		return func(s *inventory.Snapshot) {
			for i := range s.Azure.VMs {
				s.Azure.VMs[i].DataDisks = &n
			}
		}
	}
	runModernized(t, AzureVMDisks{}, []checkCase{
		{"disks not read", nil, []want{{"web01", Skip, "", "the disks of Azure VM rg-dr/web01 were not read"}, {"db01", Skip, "", ""}}},
		{"every disk protected", dataDisks(0), []want{{"web01", Pass, "", "Azure VM rg-dr/web01 has 1 disk(s), all 1 protected by Site Recovery"}, {"db01", Pass, "", ""}}},
		{"disks added after failover", dataDisks(2), []want{
			{"web01", Warn, "", "Azure VM rg-dr/web01 has 3 disk(s) (OS and 2 data), Site Recovery protects 1: 2 added after failover will not come back on-premises"}, {"db01", Warn, "", ""}}},
		{"the item's GET failed", func(s *inventory.Snapshot) {
			dataDisks(2)(s)
			s.Azure.ProtectedItems[0].Detailed, s.Azure.ProtectedItems[0].DetailError = false, "reading item web01-item: HTTP 503"
		}, []want{{"web01", Error, "", "Site Recovery's protected disks of web01 are unknown: reading item web01-item: HTTP 503"}, {"db01", Warn, "", ""}}},
		{"item only listed", func(s *inventory.Snapshot) {
			dataDisks(2)(s)
			s.Azure.ProtectedItems[0].Detailed = false
		}, []want{{"web01", Skip, "", "Site Recovery's protected disks of web01 are not known (the item was only listed)"}, {"db01", Warn, "", ""}}},
	})
}
