package checks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

const gib = int64(1) << 30

// healthy is a snapshot on which every check passes: master target mt01 on esx01, the originals of
// web01 and db01 on esx02, both failing back through ds01; every part collected.
func healthy() *inventory.Snapshot {
	mount := func(h string) inventory.Mount {
		return inventory.Mount{Host: h, Mounted: true, Accessible: true, AccessMode: "readWrite"}
	}
	host := func(name string) inventory.Host {
		return inventory.Host{Ref: "host-" + name, Name: name, ConnectionState: "connected", Product: "VMware ESXi",
			ProductLineID: "embeddedEsx", Version: "8.0.2", MemoryBytes: 128 * gib, MemoryUsageMB: 16 << 10,
			License: &inventory.License{EditionKey: "esx.enterprisePlus.cpuPackage", Name: "vSphere 8 Enterprise Plus"}}
	}
	dhcp := true
	// A plan VM: its summary's storage, and the guest network (what the collector reads of it).
	vm := func(ref, name, host string, memMB int64, disksGB ...int64) inventory.VM {
		st := &inventory.VMStorage{Disks: len(disksGB)}
		for _, g := range disksGB {
			st.ProvisionedBytes += g * gib
		}
		return inventory.VM{Ref: ref, Name: name, Host: host, ConnectionState: "connected", PowerState: "poweredOff",
			MemoryMB: memMB, GuestFamily: "linuxGuest", GuestID: "rhel8_64Guest", Storage: st, Details: &inventory.VMDetails{
				NICs: []inventory.NIC{{MAC: "00:50:56:00:00:01", DHCP: &dhcp, Addresses: []inventory.IPAddr{{IP: "10.0.0.9", Origin: "dhcp"}}}}}}
	}
	// The master target: every detail.
	mt := vm("vm-1", "mt01", "esx01", 8192, 100, 1024)
	mt.PowerState = "poweredOn"
	mt.Details = &inventory.VMDetails{ToolsRunningStatus: "guestToolsRunning", EnableUUID: "TRUE", SCSIControllers: []string{"VirtualLsiLogicController"},
		Disks: []inventory.Disk{{Label: "Hard disk 1", CapacityBytes: 100 * gib}, {Label: "Hard disk 2", CapacityBytes: 1024 * gib}}}
	inv := &inventory.VCenter{
		About:      inventory.About{FullName: "VMware vCenter Server 8.0.2", APIType: "VirtualCenter", APIVersion: "8.0.2.0"},
		Datacenter: "DC1",
		Hosts:      []inventory.Host{host("esx01"), host("esx02")},
		Datastores: []inventory.Datastore{{Ref: "ds-1", Name: "ds01", Type: "VMFS", Accessible: true, CapacityBytes: 2048 * gib,
			FreeBytes: 1536 * gib, Mounts: []inventory.Mount{mount("esx01"), mount("esx02")}}},
		VMs: []inventory.VM{mt, vm("vm-2", "web01", "esx02", 4096, 40), vm("vm-3", "db01", "esx02", 8192, 40, 200)},
		Privileges: &inventory.Privileges{Checked: []string{"Datastore.Browse", "Task.Create"}, Entities: []inventory.EntityPrivilege{
			{Type: "Datacenter", Name: "DC1", Missing: []string{}}, {Type: "HostSystem", Name: "esx01", Missing: []string{}},
			{Type: "Datastore", Name: "ds01", Missing: []string{}}}},
	}
	azureVM := func(name string) inventory.AzureVM {
		return inventory.AzureVM{ID: "/subscriptions/sub1/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/" + name, Name: name,
			ResourceGroup: "rg-dr", Location: "westeurope", PowerState: "running", ProvisioningState: "succeeded"}
	}
	item := func(name string) inventory.ProtectedItem {
		return inventory.ProtectedItem{Name: name + "-item", FriendlyName: name, ProtectionState: "Protected", ReplicationHealth: "Normal",
			ActiveLocation: "Primary", InstanceType: "InMage", AllowedOperations: []string{"UnplannedFailover", "DisableProtection"},
			DiscoveryType: "vCenter", OSType: "Linux", OSName: "RHEL 8", RecoveryVMName: name, RecoveryResourceGroup: "rg-dr",
			RecoveryVMID: azureVM(name).ID}
	}
	az := &inventory.Azure{SubscriptionID: "sub1",
		VMs:            []inventory.AzureVM{azureVM("web01"), azureVM("db01")},
		ProtectedItems: []inventory.ProtectedItem{item("web01"), item("db01")}}
	return &inventory.Snapshot{
		Azure:  az,
		Probes: inventory.Probes{ConfigServer: &inventory.ProbeResult{Address: "cs01:443"}},
		Parts:  allParts(),
		Phase:  Failback,
		Plan: &plan.Plan{Version: 1, MasterTarget: "mt01", ConfigurationServer: "cs01:443",
			Azure: &plan.Azure{SubscriptionID: "sub1", Vault: plan.Resource{ResourceGroup: "rg-asr", Name: "vault01"}}, VMs: []plan.VM{
				{Name: "web01", Location: plan.Original, Datastore: "ds01"},
				{Name: "db01", Location: plan.Original, Datastore: "ds01"},
			}},
		VCenter: inv,
	}
}

// allParts has every part collected.
func allParts() inventory.Parts {
	p := inventory.Parts{}
	for _, part := range []inventory.Part{VCenter, VMDetails, GuestNet, Licenses, Privileges, Azure, Vault, Fabrics, ConfigServer, Guest} {
		p.Collect(part)
	}
	return p
}

// input derives the facts of a snapshot, as the pipeline does; a snapshot without parts has them
// all collected.
func input(s *inventory.Snapshot) *Input {
	if s.Parts == nil {
		s.Parts = allParts()
	}
	return &Input{Snapshot: s, Facts: derive.Derive(s)}
}

// want is one expected result: its target, status, code and the start of its message.
type want struct {
	target  string
	status  Status
	code    string
	message string // a substring the message must contain
}

// checkCase is a named change to the healthy snapshot and the results it must produce.
type checkCase struct {
	name   string
	change func(s *inventory.Snapshot)
	want   []want
}

// runCases runs a check on each case's change to healthy() and compares the results, in order.
func runCases(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	runCasesFrom(t, c, healthy, cases)
}

// runModernized is runCases on modernized().
func runModernized(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	runCasesFrom(t, c, modernized, cases)
}

func runCasesFrom(t *testing.T, c Check, base func() *inventory.Snapshot, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			if tc.change != nil {
				tc.change(s)
			}
			got := c.Run(input(s))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d results, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Target != w.target || g.Status != w.status || g.Code != w.code || !strings.Contains(g.Message, w.message) {
					t.Errorf("result %d:\n got  %s %s code %q: %s\n want %s %s code %q: …%s…", i, g.Target, g.Status, g.Code, g.Message, w.target, w.status, w.code, w.message)
				}
				if (g.Status == Fail || g.Status == Warn) && g.Code == "" && g.Fix == "" && c.Info().Fix == "" {
					t.Errorf("result %d has no fix", i)
				}
			}
		})
	}
}

func dump(rs []Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %s %s %q: %s\n", r.Target, r.Status, r.Code, r.Message)
	}
	return b.String()
}

// ref returns the element of list whose key is name, for a test to change it.
func ref[T any](list []T, key func(T) string, name string) *T {
	for i := range list {
		if key(list[i]) == name {
			return &list[i]
		}
	}
	panic(fmt.Sprintf("no %T named %s", list, name))
}

func vmRef(s *inventory.Snapshot, name string) *inventory.VM {
	return ref(s.VCenter.VMs, func(v inventory.VM) string { return v.Name }, name)
}

func hostRef(s *inventory.Snapshot, name string) *inventory.Host {
	return ref(s.VCenter.Hosts, func(h inventory.Host) string { return h.Name }, name)
}

func itemRef(s *inventory.Snapshot, name string) *inventory.ProtectedItem {
	return ref(s.Azure.ProtectedItems, func(it inventory.ProtectedItem) string { return it.FriendlyName }, name)
}

func azureVMRef(s *inventory.Snapshot, name string) *inventory.AzureVM {
	return ref(s.Azure.VMs, func(v inventory.AzureVM) string { return v.Name }, name)
}

// collectedAt is the time of collection of the test snapshots.
var collectedAt = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// healthyAppliance is a replication appliance with every role Normal, heartbeats a minute old.
func healthyAppliance(name string, datastores ...string) inventory.Appliance {
	a := inventory.Appliance{ID: "id-" + name, Name: name, Resources: map[string]string{"disk usage": "Healthy", "memory usage": "Healthy"},
		AccessibleDatastores: datastores}
	for _, kind := range inventory.ApplianceRoles {
		a.Roles = append(a.Roles, inventory.Role{Kind: kind, ID: a.ID, Name: name, Health: "Normal", LastHeartbeat: collectedAt.Add(-time.Minute)})
	}
	return a
}

// modernized is healthy() with the modernized architecture: no master target, web01 and db01
// reprotected (InMageRcmFailback) through appliance app01, which reaches ds01; each VM on esx02,
// its original's host.
func modernized() *inventory.Snapshot {
	s := healthy()
	s.CollectedAt = collectedAt
	s.Plan.MasterTarget, s.Plan.ConfigurationServer = "", ""
	s.VCenter.VMs = s.VCenter.VMs[1:] // no master target
	for i := range s.Azure.ProtectedItems {
		it := &s.Azure.ProtectedItems[i]
		it.InstanceType, it.AllowedOperations = "InMageRcmFailback", []string{"PlannedFailover", "DisableProtection"}
		it.ReprotectAgentID, it.ReprotectAgentName, it.TargetDatastore, it.TargetVMName = "id-app01", "app01", "ds01", it.FriendlyName
		it.Detailed = true // read by GET, as the collector reads the plan's modernized items
		it.DiscoveredVM = &inventory.DiscoveredVM{Datastores: []string{"ds01"}}
		it.AgentRegistered, it.AgentHeartbeat = new(bool), collectedAt.Add(-2*time.Minute)
		*it.AgentRegistered = true
		done := true
		it.Disks = []inventory.ProtectedDisk{{Name: "disk0", CapacityBytes: 40 * gib, InitialReplicationDone: &done, LastSync: collectedAt.Add(-5 * time.Minute)}}
	}
	s.Azure.Fabrics = &inventory.Fabrics{Appliances: []inventory.Appliance{healthyAppliance("app01", "ds01"), healthyAppliance("app02")}}
	return s
}
