package derive

import (
	"errors"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// snapshot has master target mt01 on esx01, web01's original on esx02, and web01's failed-over
// Azure VM with its item; every part collected.
func snapshot() *inventory.Snapshot {
	parts := inventory.Parts{}
	for _, p := range []inventory.Part{inventory.VCenterPart, inventory.AzurePart, inventory.VaultPart} {
		parts.Collect(p)
	}
	return &inventory.Snapshot{
		Plan: &plan.Plan{MasterTarget: "mt01", VMs: []plan.VM{{Name: "web01", Datastore: "ds01"}, {Name: "db01", Datastore: "ds02", Host: "esx03"}}},
		VCenter: &inventory.VCenter{Datacenter: "DC1", VMs: []inventory.VM{
			{Ref: "vm-1", Name: "mt01", Host: "esx01"}, {Ref: "vm-2", Name: "web01", Host: "esx02", MemoryMB: 4096}}},
		Azure: &inventory.Azure{VMs: []inventory.AzureVM{
			{ID: "/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/web01", Name: "web01", ResourceGroup: "rg-dr"}},
			ProtectedItems: []inventory.ProtectedItem{{FriendlyName: "WEB01", RecoveryVMName: "web01", RecoveryResourceGroup: "rg-dr", MemoryMB: 2048}}},
		Parts: parts,
	}
}

func TestDerive(t *testing.T) {
	f := Derive(snapshot())
	if f.MasterTarget.VM == nil || f.MasterTarget.Host() != "esx01" || f.MasterTarget.Problem != "" {
		t.Fatalf("master target: %+v", f.MasterTarget)
	}
	web, db := f.VMs[0], f.VMs[1]
	if web.OnPrem == nil || web.OnPrem.Ref != "vm-2" || web.Host != "esx01" || db.Host != "esx03" {
		t.Errorf("on-premises VM and hosts: web01 %+v on %s, db01 on %s", web.OnPrem, web.Host, db.Host)
	}
	if db.OnPrem != nil || db.OnPremProblem != "no on-premises VM named db01" {
		t.Errorf("db01: %+v %q", db.OnPrem, db.OnPremProblem)
	}
	if web.Item == nil || web.Azure.From != "Site Recovery" || web.AzureVM == nil || web.AzureVM.ResourceGroup != "rg-dr" {
		t.Errorf("web01's Azure side: %+v %+v %+v", web.Item, web.Azure, web.AzureVM)
	}
	if db.Item != nil || db.Azure.From != "" || db.AzureVM != nil {
		t.Errorf("db01 has no Azure side: %+v %+v", db.Item, db.Azure)
	}
	if mb, _ := web.Memory(); mb != 4096 {
		t.Errorf("web01 powers on with its on-premises VM's memory, got %d", mb)
	}
	if _, problem := db.Memory(); problem != "no on-premises VM named db01; set memoryMB" {
		t.Errorf("db01 memory: %q", problem)
	}
	if len(f.Hosts) != 2 || f.Hosts[0].Name != "esx01" || f.Hosts[1].Name != "esx03" || len(f.Datastores) != 2 || f.Datastores[1].VMs[0].Name != "db01" {
		t.Errorf("groups: %+v %+v", f.Hosts, f.Datastores)
	}
	if got := f.Named("web01"); len(got) != 1 || got[0].Ref != "vm-2" {
		t.Errorf("Named: %+v", got)
	}
}

func TestDeriveMasterTargetProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *inventory.Snapshot)
		want   string
	}{
		{"missing", func(s *inventory.Snapshot) { s.Plan.MasterTarget = "mt99" }, "no VM named mt99 (plan masterTarget) in datacenter DC1"},
		{"not named", func(s *inventory.Snapshot) { s.Plan.MasterTarget = "" }, "the plan names no masterTarget"},
		{"ambiguous", func(s *inventory.Snapshot) {
			s.VCenter.VMs = append(s.VCenter.VMs, inventory.VM{Ref: "vm-9", Name: "mt01", Host: "esx09", PowerState: "poweredOn", ConnectionState: "connected"})
		}, "2 VMs named mt01 (plan masterTarget): mt01 (vm-1 on esx01, ), mt01 (vm-9 on esx09, poweredOn)"},
		{"on no host", func(s *inventory.Snapshot) { s.VCenter.VMs[0].Host = "" }, "master target mt01 is not registered on any ESXi host"},
		{"read briefly", func(s *inventory.Snapshot) { s.VCenter.VMs[0].Brief = true }, "master target mt01 (vm-1) was not read in full"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot()
			tc.change(s)
			f := Derive(s)
			if f.MasterTarget.VM != nil || f.MasterTarget.Problem != tc.want {
				t.Errorf("got %+v, want problem %q", f.MasterTarget, tc.want)
			}
			// The VM without a host of its own cannot be placed; the one with a host can.
			if web, db := f.VMs[0], f.VMs[1]; web.Host != "" || !strings.Contains(web.HostProblem, "see master-target.vm") || db.Host != "esx03" || db.HostProblem != "" {
				t.Errorf("web01 on %q (%s); db01 on %q (%s)", web.Host, web.HostProblem, db.Host, db.HostProblem)
			}
		})
	}
}

func TestDeriveAzure(t *testing.T) {
	tests := []struct {
		name      string
		change    func(s *inventory.Snapshot)
		from      string
		found     bool
		elsewhere int
	}{
		{"recorded by Site Recovery", nil, "Site Recovery", true, 0},
		{"the plan's wins", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].AzureVM = &plan.Resource{ResourceGroup: "rg-other", Name: "web01-dr"}
		}, "the plan", false, 0},
		{"moved to another group", func(s *inventory.Snapshot) { s.Azure.VMs[0].ResourceGroup = "rg-moved" }, "Site Recovery", false, 1},
		{"renamed, found by recorded ID", func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems[0].RecoveryVMID = strings.ToUpper(s.Azure.VMs[0].ID)
			s.Azure.VMs[0].Name = "web01-renamed"
		}, "Site Recovery", false, 1},
		{"vault not read", func(s *inventory.Snapshot) { delete(s.Parts, inventory.VaultPart) }, "", false, 0},
		{"Azure not read", func(s *inventory.Snapshot) { s.Parts.Fail(inventory.AzurePart, errAzure) }, "Site Recovery", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot()
			if tc.change != nil {
				tc.change(s)
			}
			web := Derive(s).VMs[0]
			if web.Azure.From != tc.from || (web.AzureVM != nil) != tc.found || len(web.Elsewhere) != tc.elsewhere {
				t.Errorf("from %q, found %v, elsewhere %d; want %q, %v, %d", web.Azure.From, web.AzureVM != nil, len(web.Elsewhere), tc.from, tc.found, tc.elsewhere)
			}
		})
	}
}

var errAzure = errors.New("no answer from Azure")

func TestDeriveMemory(t *testing.T) {
	s := snapshot()
	s.Plan.VMs[0].MemoryMB = 8192
	if mb, _ := Derive(s).VMs[0].Memory(); mb != 8192 {
		t.Errorf("the plan's memoryMB wins: %d", mb)
	}
	s = snapshot()
	s.Plan.VMs[0].Location = plan.Alternate // a new VM: Site Recovery's memory, not the namesake's on-premises
	if mb, _ := Derive(s).VMs[0].Memory(); mb != 2048 {
		t.Errorf("alternate location: %d", mb)
	}
	s = snapshot()
	s.VCenter.VMs[1].Name = "web01-old" // no original: Site Recovery's recorded memory fills in
	if mb, problem := Derive(s).VMs[0].Memory(); mb != 2048 || problem != "" {
		t.Errorf("the item's memory fills in: %d %q", mb, problem)
	}
	s.Azure.ProtectedItems[0].MemoryMB, s.Azure.VMs[0].MemoryMB = 0, 16384 // then the Azure VM's size
	if mb, _ := Derive(s).VMs[0].Memory(); mb != 16384 {
		t.Errorf("the Azure VM's size fills in: %d", mb)
	}
	s.Azure.VMs[0].MemoryMB, s.Plan.VMs[0].Location = 0, plan.Alternate
	if _, problem := Derive(s).VMs[0].Memory(); problem != "neither Site Recovery nor its Azure VM says how much memory it has; set memoryMB" {
		t.Errorf("alternate, nothing known: %q", problem)
	}
}

// TestDeriveWithoutVCenter: nothing of vCenter is derived when it was not read, and nothing panics.
func TestDeriveWithoutVCenter(t *testing.T) {
	s := snapshot()
	s.Parts.Fail(inventory.VCenterPart, errAzure)
	f := Derive(s)
	if f.MasterTarget.VM != nil || f.MasterTarget.Problem != "" || f.VMs[0].OnPrem != nil || f.VMs[0].Host != "" || f.VMs[0].HostProblem != "" {
		t.Errorf("%+v %+v", f.MasterTarget, f.VMs[0])
	}
}

// TestDeriveRecoveryPlans: a plan's items are found by ID (in any case), else by the VM ID the plan
// names them by; groups are named as the portal does; an item the vault lacks is missing; and a
// plan VM's item is the plan's, not a namesake listed first.
func TestDeriveRecoveryPlans(t *testing.T) {
	s := snapshot()
	s.Parts.Collect(inventory.RecoveryPlansPart)
	s.Azure.ProtectedItems = []inventory.ProtectedItem{
		{ID: "/items/stale", FriendlyName: "web01", ProtectionState: "EnablingFailed"}, // a namesake the plan does not hold
		{ID: "/Items/Web", FriendlyName: "web01", VMID: "vm-web"},
		{ID: "/items/db-renamed", FriendlyName: "db01", VMID: "VM-DB"},
	}
	s.Azure.RecoveryPlans = []inventory.RecoveryPlan{{Name: "rp-app", Groups: []inventory.RecoveryPlanGroup{
		{Type: "Shutdown"}, {Type: "failover"},
		{Type: "Boot", Items: []inventory.RecoveryPlanItem{{ID: "/items/db", VirtualMachineID: "vm-db"}}},
		{Type: "Boot", Items: []inventory.RecoveryPlanItem{{ID: "/items/web"}, {ID: "/items/gone", VirtualMachineID: "vm-gone"}}},
	}}}
	s.Plan.RecoveryPlans = []string{"RP-APP", "rp-none"}
	f := Derive(s)
	rp := f.RecoveryPlans[0]
	var names, vms []string
	for _, g := range rp.Groups {
		names = append(names, g.Name)
		vms = append(vms, strings.Join(g.VMs(), "+"))
	}
	if rp.Plan == nil || strings.Join(names, ",") != "All groups shutdown,All groups failover,Group 1,Group 2" || strings.Join(vms, ",") != ",,db01,web01" ||
		!rp.Groups[2].Boot || rp.Groups[1].Boot || len(rp.Missing) != 1 || rp.Missing[0].ID != "/items/gone" {
		t.Errorf("rp-app: groups %v %v, missing %+v", names, vms, rp.Missing)
	}
	if f.RecoveryPlans[1].Plan != nil {
		t.Errorf("rp-none found: %+v", f.RecoveryPlans[1])
	}
	if it := f.VM("web01").Item; it == nil || it.ID != "/Items/Web" {
		t.Errorf("web01's item: %+v, want the plan's", it)
	}
	if sc := f.Scope(s); len(sc.Plans) != 2 || strings.Join(sc.Plans[0].Groups[3].VMs, ",") != "web01" {
		t.Errorf("scope: %+v", sc.Plans)
	}
}
