package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

const gib = int64(1) << 30

// healthy is a snapshot on which every check passes: master target mt01 on esx01, the originals of
// web01 and db01 on esx02, both failing back through ds01.
func healthy() *Snapshot {
	mount := func(h string) vcenter.Mount {
		return vcenter.Mount{Host: h, Mounted: true, Accessible: true, AccessMode: "readWrite"}
	}
	host := func(name string) vcenter.Host {
		return vcenter.Host{Ref: "host-" + name, Name: name, ConnectionState: "connected", Product: "VMware ESXi",
			ProductLineID: "embeddedEsx", Version: "8.0.2", MemoryBytes: 128 * gib, MemoryUsageMB: 16 << 10,
			License: &vcenter.License{EditionKey: "esx.enterprisePlus.cpuPackage", Name: "vSphere 8 Enterprise Plus"}}
	}
	dhcp := true
	vm := func(ref, name, host string, memMB int64, disksGB ...int64) vcenter.VM {
		d := &vcenter.VMDetails{ToolsRunningStatus: "guestToolsNotRunning", SCSIControllers: []string{"VirtualLsiLogicController"},
			NICs: []vcenter.NIC{{MAC: "00:50:56:00:00:01", DHCP: &dhcp, Addresses: []vcenter.IPAddr{{IP: "10.0.0.9", Origin: "dhcp"}}}}}
		for i, g := range disksGB {
			d.Disks = append(d.Disks, vcenter.Disk{Label: fmt.Sprintf("Hard disk %d", i+1), CapacityBytes: g * gib})
		}
		return vcenter.VM{Ref: ref, Name: name, Host: host, ConnectionState: "connected", PowerState: "poweredOff",
			MemoryMB: memMB, GuestFamily: "linuxGuest", GuestID: "rhel8_64Guest", Details: d}
	}
	mt := vm("vm-1", "mt01", "esx01", 8192, 100, 1024)
	mt.PowerState = "poweredOn"
	mt.Details.ToolsRunningStatus = "guestToolsRunning"
	mt.Details.EnableUUID = "TRUE"
	inv := &vcenter.Inventory{
		About:      vcenter.About{FullName: "VMware vCenter Server 8.0.2", APIType: "VirtualCenter", APIVersion: "8.0.2.0"},
		Datacenter: "DC1",
		Parts:      []string{"details", "licenses", "privileges"},
		Hosts:      []vcenter.Host{host("esx01"), host("esx02")},
		Datastores: []vcenter.Datastore{{Ref: "ds-1", Name: "ds01", Type: "VMFS", Accessible: true, CapacityBytes: 2048 * gib,
			FreeBytes: 1536 * gib, Mounts: []vcenter.Mount{mount("esx01"), mount("esx02")}}},
		VMs: []vcenter.VM{mt, vm("vm-2", "web01", "esx02", 4096, 40), vm("vm-3", "db01", "esx02", 8192, 40, 200)},
		Privileges: &vcenter.Privileges{Checked: []string{"Datastore.Browse", "Task.Create"}, Entities: []vcenter.EntityPrivilege{
			{Type: "Datacenter", Name: "DC1", Missing: []string{}}, {Type: "HostSystem", Name: "esx01", Missing: []string{}},
			{Type: "Datastore", Name: "ds01", Missing: []string{}}}},
	}
	azureVM := func(name string) azure.VM {
		return azure.VM{ID: "/subscriptions/sub1/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/" + name, Name: name,
			ResourceGroup: "rg-dr", Location: "westeurope", PowerState: "running", ProvisioningState: "succeeded"}
	}
	item := func(name string) azure.ProtectedItem {
		return azure.ProtectedItem{Name: name + "-item", FriendlyName: name, ProtectionState: "Protected", ReplicationHealth: "Normal",
			ActiveLocation: "Primary", InstanceType: "InMage", AllowedOperations: []string{"UnplannedFailover", "DisableProtection"},
			DiscoveryType: "vCenter", OSType: "Linux", OSName: "RHEL 8", RecoveryVMName: name, RecoveryResourceGroup: "rg-dr",
			RecoveryVMID: azureVM(name).ID}
	}
	az := &azure.Inventory{SubscriptionID: "sub1", Parts: []string{"vault"},
		VMs:            []azure.VM{azureVM("web01"), azureVM("db01")},
		ProtectedItems: []azure.ProtectedItem{item("web01"), item("db01")}}
	return &Snapshot{
		Azure:   az,
		Network: fakeProber{},
		Phase:   Failback,
		Plan: &plan.Plan{Version: 1, MasterTarget: "mt01", ConfigurationServer: "cs01:443",
			Azure: &plan.Azure{SubscriptionID: "sub1", Vault: plan.Resource{ResourceGroup: "rg-asr", Name: "vault01"}}, VMs: []plan.VM{
				{Name: "web01", Location: plan.Original, Datastore: "ds01"},
				{Name: "db01", Location: plan.Original, Datastore: "ds01"},
			}},
		VCenter: inv,
		Errors:  map[Source]error{},
	}
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
	change func(s *Snapshot)
	want   []want
}

// runCases runs a check on each case's snapshot and compares the results, in order.
func runCases(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := healthy()
			if tc.change != nil {
				tc.change(s)
			}
			got := c.Run(context.Background(), s)
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

// fakeProber answers probes from a table of address → error.
type fakeProber map[string]error

func (p fakeProber) Probe(_ context.Context, addr string) error { return p[addr] }

// ref returns the element of list whose key is name, for a test to change it.
func ref[T any](list []T, key func(T) string, name string) *T {
	for i := range list {
		if key(list[i]) == name {
			return &list[i]
		}
	}
	panic(fmt.Sprintf("no %T named %s", list, name))
}

func vmRef(s *Snapshot, name string) *vcenter.VM {
	return ref(s.VCenter.VMs, func(v vcenter.VM) string { return v.Name }, name)
}

func hostRef(s *Snapshot, name string) *vcenter.Host {
	return ref(s.VCenter.Hosts, func(h vcenter.Host) string { return h.Name }, name)
}

func itemRef(s *Snapshot, name string) *azure.ProtectedItem {
	return ref(s.Azure.ProtectedItems, func(it azure.ProtectedItem) string { return it.FriendlyName }, name)
}

func azureVMRef(s *Snapshot, name string) *azure.VM {
	return ref(s.Azure.VMs, func(v azure.VM) string { return v.Name }, name)
}
