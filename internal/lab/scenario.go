package lab

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
)

// Scenario describes a whole failback environment: vCenter, Azure, the configuration server and
// the plan to check. Everything left out takes the healthy default, so a scenario states only
// what it breaks. The README's "Lab" section documents every field.
type Scenario struct {
	Description         string            `yaml:"description"`
	VCenter             VCenterSpec       `yaml:"vcenter"`
	Azure               *AzureSpec        `yaml:"azure"`
	ConfigurationServer *ConfigServerSpec `yaml:"configurationServer"`
	Plan                *plan.Plan        `yaml:"plan"`
}

// VCenterSpec is the simulated vCenter.
type VCenterSpec struct {
	Hosts        []HostSpec      `yaml:"hosts"`      // default DC0_H0 and DC0_H1
	Datastores   []DatastoreSpec `yaml:"datastores"` // default LocalDS_0
	MasterTarget *MasterSpec     `yaml:"masterTarget"`
	VMs          []VMSpec        `yaml:"vms"` // default web01 and db01 on DC0_H1
	Accounts     []AccountSpec   `yaml:"accounts"`
	LatencyMS    int             `yaml:"latencyMs"`
	Faults       []FaultSpec     `yaml:"faults"`
}

// HostSpec is an ESXi host; its name is DC0_H<i> unless given.
type HostSpec struct {
	Name        string       `yaml:"name"`
	MemoryGB    int          `yaml:"memoryGB"`   // default 128
	UsedGB      int          `yaml:"usedGB"`     // default 16
	Version     string       `yaml:"version"`    // default 8.0.2
	Product     string       `yaml:"product"`    // default VMware ESXi
	License     *LicenseSpec `yaml:"license"`    // default evaluation
	Connection  string       `yaml:"connection"` // connected (default), disconnected, notResponding
	Maintenance bool         `yaml:"maintenance"`
}

// LicenseSpec is a licence assigned to a host.
type LicenseSpec struct {
	Edition string `yaml:"edition"` // e.g. esxBasic
	Name    string `yaml:"name"`
}

// DatastoreSpec is a datastore mounted on every host; its name is LocalDS_<i> unless given.
type DatastoreSpec struct {
	Name       string               `yaml:"name"`
	Type       string               `yaml:"type"`       // default VMFS
	CapacityGB int                  `yaml:"capacityGB"` // default 2048
	FreeGB     int                  `yaml:"freeGB"`     // default 1536
	Mounts     map[string]MountSpec `yaml:"mounts"`     // per host name; default mounted read-write
}

// MountSpec changes a datastore's mount on one host.
type MountSpec struct {
	Mounted    *bool `yaml:"mounted"`
	Accessible *bool `yaml:"accessible"`
	ReadOnly   bool  `yaml:"readOnly"`
}

// MasterSpec is the master target VM; the default is healthy.
type MasterSpec struct {
	Name       string `yaml:"name"`       // default mt01
	Host       string `yaml:"host"`       // default the first host
	PowerState string `yaml:"powerState"` // poweredOn (default), poweredOff, suspended
	Tools      string `yaml:"tools"`      // running (default) or notRunning
	Snapshots  int    `yaml:"snapshots"`
	SCSI       string `yaml:"scsi"`       // lsilogic (default) or paravirtual
	EnableUUID *bool  `yaml:"enableUUID"` // default true
	DisksGB    []int  `yaml:"disksGB"`    // default [100, 1024]
	Guest      string `yaml:"guest"`      // linux (default) or windows
}

// VMSpec is an on-premises VM.
type VMSpec struct {
	Name       string  `yaml:"name"`
	Host       string  `yaml:"host"`       // default the second host
	Datastore  string  `yaml:"datastore"`  // default the first datastore
	MemoryMB   int     `yaml:"memoryMB"`   // default 4096
	DisksGB    []int   `yaml:"disksGB"`    // default [40]
	Guest      string  `yaml:"guest"`      // linux (default) or windows
	IP         *IPSpec `yaml:"ip"`         // what VMware Tools report; default nothing
	Connection string  `yaml:"connection"` // connected (default), orphaned, inaccessible
	PowerState string  `yaml:"powerState"` // poweredOff (default, as after failover) or poweredOn
}

// IPSpec is a guest IP address as VMware Tools report it.
type IPSpec struct {
	Address string `yaml:"address"`
	Static  bool   `yaml:"static"`
}

// AccountSpec is another vCenter account; Use makes the checker log in with it.
type AccountSpec struct {
	User     string   `yaml:"user"`
	Password string   `yaml:"password"`
	ReadOnly bool     `yaml:"readOnly"`
	Deny     []string `yaml:"deny"` // privileges it lacks, e.g. VirtualMachine.State.CreateSnapshot
	Use      bool     `yaml:"use"`
}

// FaultSpec makes every call of a vSphere method fail.
type FaultSpec struct {
	Method string `yaml:"method"` // e.g. HasPrivilegeOnEntities
	Fault  string `yaml:"fault"`  // NoPermission (default), NotAuthenticated, InvalidState, Generic
}

// AzureSpec is the fake Azure subscription and vault.
type AzureSpec struct {
	Vault        *ResourceSpec     `yaml:"vault"` // default rg-asr/vault01
	VMs          []AzureVMSpec     `yaml:"vms"`   // default: each item's recovery VM and each plan VM, running in rg-dr
	Items        []ItemSpec        `yaml:"items"` // default: each plan VM, failed over
	ThrottleOnce bool              `yaml:"throttleOnce"`
	Guest        map[string]string `yaml:"guest"` // Run Command output per VM
	// Appliances are the modernized fabric's replication appliances; default appliance01, healthy,
	// when an item is modernized.
	Appliances []ApplianceSpec `yaml:"appliances"`
	Classic    *ClassicSpec    `yaml:"classic"` // the classic fabric (cs01, ps01, the master target); default healthy
	// RecoveryPlans are the vault's recovery plans; default none.
	RecoveryPlans []RecoveryPlanSpec `yaml:"recoveryPlans"`
}

// RecoveryPlanSpec is a recovery plan of the vault; what it leaves out is as Site Recovery records
// it (see RecoveryPlan).
type RecoveryPlanSpec struct {
	Name                  string          `yaml:"name"`
	AllowedOperations     []string        `yaml:"allowedOperations"`     // default: the operations any of its items allows, but DisableProtection
	CurrentScenario       string          `yaml:"currentScenario"`       // a job running on the plan, e.g. PlannedFailover; default none
	CurrentScenarioStatus string          `yaml:"currentScenarioStatus"` // default InProgress
	Groups                []PlanGroupSpec `yaml:"groups"`                // its Boot groups, in order
}

// PlanGroupSpec is a Boot group: its items by VM name (a name no item has stands for an item
// removed from protection), and the actions before and after them.
type PlanGroupSpec struct {
	VMs          []string     `yaml:"vms"`
	StartActions []ActionSpec `yaml:"startActions"`
	EndActions   []ActionSpec `yaml:"endActions"`
}

// ActionSpec is a recovery plan action.
type ActionSpec struct {
	Name          string   `yaml:"name"`
	Kind          string   `yaml:"kind"`          // ManualActionDetails (default), ScriptActionDetails, AutomationRunbookActionDetails
	Directions    []string `yaml:"directions"`    // default PrimaryToRecovery, RecoveryToPrimary
	FailoverTypes []string `yaml:"failoverTypes"` // default PlannedFailover, UnplannedFailover, TestFailover
}

// ApplianceSpec is a replication appliance; every role is healthy unless said otherwise.
type ApplianceSpec struct {
	Name                 string              `yaml:"name"`
	Health               string              `yaml:"health"`               // every role's: Normal (default), Warning, Critical, None
	HeartbeatMinutes     *int                `yaml:"heartbeatMinutes"`     // every role's last heartbeat, minutes before each request; default 1
	Roles                map[string]RoleSpec `yaml:"roles"`                // processServer, rcmProxy, pushInstaller, replicationAgent, reprotectAgent, marsAgent, dra
	Resources            map[string]string   `yaml:"resources"`            // the process server's diskUsage, memoryUsage, processorUsage, systemLoad, throughput: Healthy (default), Warning, Critical, Unknown
	AccessibleDatastores []string            `yaml:"accessibleDatastores"` // the reprotect agent's; default every datastore of the scenario
}

// RoleSpec changes one role of an appliance.
type RoleSpec struct {
	Missing          bool              `yaml:"missing"`
	Health           string            `yaml:"health"`
	HeartbeatMinutes *int              `yaml:"heartbeatMinutes"`
	HealthErrors     []HealthErrorSpec `yaml:"healthErrors"`
}

// ClassicSpec changes the classic fabric's servers.
type ClassicSpec struct {
	HeartbeatMinutes *int   `yaml:"heartbeatMinutes"` // default 1
	ServiceStatus    string `yaml:"serviceStatus"`    // the configuration and process servers': Running (default), Stopped
}

// DiskSpec is a protected disk of an item.
type DiskSpec struct {
	Name               string `yaml:"name"`
	SizeGB             int    `yaml:"sizeGB"`             // default 40
	InitialReplication *bool  `yaml:"initialReplication"` // done; default true
	PendingMB          int    `yaml:"pendingMB"`
	ProgressPercent    *int   `yaml:"progressPercent"`
	LastSyncMinutes    *int   `yaml:"lastSyncMinutes"` // InMageRcmFailback; default 5
	ResyncRequired     bool   `yaml:"resyncRequired"`  // InMage
}

// ResourceSpec names an Azure resource.
type ResourceSpec struct {
	ResourceGroup string `yaml:"resourceGroup"`
	Name          string `yaml:"name"`
}

// AzureVMSpec is an Azure VM.
type AzureVMSpec struct {
	ResourceGroup     string `yaml:"resourceGroup"` // default rg-dr
	Name              string `yaml:"name"`
	Size              string `yaml:"size"`
	OS                string `yaml:"os"`                // Linux (default) or Windows
	PowerState        string `yaml:"powerState"`        // running (default), stopped, deallocated…
	DataDisks         int    `yaml:"dataDisks"`         // data disks besides the OS disk (default none)
	ProvisioningState string `yaml:"provisioningState"` // succeeded (default), failed…
}

// ItemSpec is a Site Recovery protected item; what it leaves out takes the states Site Recovery
// really reports for its instance type (see Item).
type ItemSpec struct {
	Name              string            `yaml:"name"`
	InstanceType      string            `yaml:"instanceType"` // InMageAzureV2 (default), InMageRcm, InMage, InMageRcmFailback
	State             string            `yaml:"state"`        // default UnplannedFailoverCommitted (InMage, InMageRcmFailback: Protected)
	AllowedOperations []string          `yaml:"allowedOperations"`
	Health            string            `yaml:"health"`         // Normal (default), Warning, Critical
	ActiveLocation    string            `yaml:"activeLocation"` // default Recovery (InMage, InMageRcmFailback: Primary)
	ActiveSiteType    string            `yaml:"activeSiteType"` // InMage only: OnPrem once failed back
	DiscoveryType     string            `yaml:"discoveryType"`  // vCenter (default) or PhysicalMachine
	OS                string            `yaml:"os"`
	OSName            string            `yaml:"osName"`
	MemoryMB          int               `yaml:"memoryMB"`
	RecoveryVM        *ResourceSpec     `yaml:"recoveryVM"` // default rg-dr/<name>; classic InMage items record none
	HealthErrors      []HealthErrorSpec `yaml:"healthErrors"`
	// Modernized items: the appliance (default the first), the agent, the disks, where failback goes.
	Appliance             string     `yaml:"appliance"`
	AgentRegistered       *bool      `yaml:"agentRegistered"`       // after failover; default true
	AgentHeartbeatMinutes *int       `yaml:"agentHeartbeatMinutes"` // default 1 (classic items too)
	Disks                 []DiskSpec `yaml:"disks"`                 // default one 40 GB disk, replicated (modernized)
	ResyncRequired        bool       `yaml:"resyncRequired"`
	TargetDatastore       string     `yaml:"targetDatastore"` // default the plan VM's datastore
	TargetVMName          string     `yaml:"targetVMName"`
	OriginalDeleted       bool       `yaml:"originalDeleted"`     // Site Recovery last saw the on-premises VM deleted
	LastPlannedFailover   string     `yaml:"lastPlannedFailover"` // InMageRcmFailback: Succeeded, Failed, Cancelled, Unknown
	FailoverHealth        string     `yaml:"failoverHealth"`      // Normal (default), Warning, Critical
	Job                   string     `yaml:"job"`                 // a job running on the item (its scenario name, e.g. SwitchProtection)
	InitialReplication    *int       `yaml:"initialReplication"`  // InMageRcmFailback still replicating back: its progress, percent
	Original              string     `yaml:"original"`            // modernized: the vCenter VM whose instance UUID names the item (default the VM of its name)
}

// HealthErrorSpec is a health error on an item.
type HealthErrorSpec struct {
	Code              string `yaml:"code"`
	Level             string `yaml:"level"` // Error (default), Warning or Info
	Message           string `yaml:"message"`
	RecommendedAction string `yaml:"recommendedAction"`
}

// ConfigServerSpec is the configuration server stand-in.
type ConfigServerSpec struct {
	Listening bool `yaml:"listening"`
}

// LoadScenario reads and validates a scenario file; problems are a *strictyaml.Error, one per line.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseScenario(path, data)
}

// ParseScenario validates a scenario and fills in the healthy defaults.
func ParseScenario(name string, data []byte) (*Scenario, error) {
	var sc Scenario
	d, err := strictyaml.Decode(name, data, &sc, "scenario", "empty scenario; expected a YAML mapping (every field is optional)")
	if err != nil {
		return nil, err
	}
	sc.defaults()
	sc.validate(d)
	if err := d.Err(); err != nil {
		return nil, err
	}
	// The plan is checked as the checker will read it.
	text, err := sc.Plan.Marshal()
	if err != nil {
		return nil, err
	}
	p, err := plan.Parse(name+": plan", text)
	if err != nil {
		return nil, err
	}
	sc.Plan = p
	return &sc, nil
}

var (
	connections = []string{"connected", "disconnected", "notResponding"}
	vmStates    = []string{"connected", "orphaned", "inaccessible"}
	powerStates = []string{"poweredOn", "poweredOff", "suspended"}
	guests      = []string{"linux", "windows"}
	faultTypes  = []string{"NoPermission", "NotAuthenticated", "InvalidState", "Generic"}
	healths     = []string{"Normal", "Warning", "Critical", "None"}
)

func (sc *Scenario) defaults() {
	v := &sc.VCenter
	if len(v.Hosts) == 0 {
		v.Hosts = []HostSpec{{}, {}}
	}
	for i := range v.Hosts {
		h := &v.Hosts[i]
		h.Name = cmp.Or(h.Name, vcsimHost(i))
		h.MemoryGB, h.UsedGB = cmp.Or(h.MemoryGB, HostMemoryMB>>10), cmp.Or(h.UsedGB, HostMemoryUsageMB>>10)
		h.Version, h.Product, h.Connection = cmp.Or(h.Version, "8.0.2"), cmp.Or(h.Product, "VMware ESXi"), cmp.Or(h.Connection, "connected")
	}
	if len(v.Datastores) == 0 {
		v.Datastores = []DatastoreSpec{{}}
	}
	for i := range v.Datastores {
		ds := &v.Datastores[i]
		ds.Name, ds.Type = cmp.Or(ds.Name, vcsimDatastore(i)), cmp.Or(ds.Type, "VMFS")
		ds.CapacityGB, ds.FreeGB = cmp.Or(ds.CapacityGB, DatastoreBytes>>30), cmp.Or(ds.FreeGB, DatastoreFree>>30)
	}
	if v.MasterTarget == nil {
		v.MasterTarget = &MasterSpec{}
	}
	mt := v.MasterTarget
	mt.Name, mt.Host = cmp.Or(mt.Name, MasterTarget), cmp.Or(mt.Host, v.Hosts[0].Name)
	mt.PowerState, mt.Tools, mt.SCSI, mt.Guest = cmp.Or(mt.PowerState, "poweredOn"), cmp.Or(mt.Tools, "running"), cmp.Or(mt.SCSI, "lsilogic"), cmp.Or(mt.Guest, "linux")
	if mt.EnableUUID == nil {
		mt.EnableUUID = new(bool)
		*mt.EnableUUID = true
	}
	if mt.DisksGB == nil {
		mt.DisksGB = []int{100, 1024}
	}
	if v.VMs == nil {
		v.VMs = []VMSpec{{Name: "web01"}, {Name: "db01", MemoryMB: 8192, DisksGB: []int{40, 200}}}
	}
	second := v.Hosts[min(1, len(v.Hosts)-1)].Name
	for i := range v.VMs {
		vm := &v.VMs[i]
		vm.Host, vm.Datastore = cmp.Or(vm.Host, second), cmp.Or(vm.Datastore, v.Datastores[0].Name)
		vm.MemoryMB, vm.Guest = cmp.Or(vm.MemoryMB, 4096), cmp.Or(vm.Guest, "linux")
		vm.Connection, vm.PowerState = cmp.Or(vm.Connection, "connected"), cmp.Or(vm.PowerState, "poweredOff")
		if vm.DisksGB == nil {
			vm.DisksGB = []int{40}
		}
	}
	for i := range v.Faults {
		v.Faults[i].Fault = cmp.Or(v.Faults[i].Fault, "NoPermission")
	}
	if sc.Plan == nil {
		sc.Plan = &plan.Plan{}
		_ = yaml.Unmarshal([]byte(Plan), sc.Plan)
	}
	if a := sc.Azure; a != nil {
		sc.azureDefaults()
	}
}

func (sc *Scenario) azureDefaults() {
	a := sc.Azure
	if a.Vault == nil {
		a.Vault = &ResourceSpec{ResourceGroup: VaultGroup, Name: VaultName}
	}
	if a.Items == nil {
		for _, vm := range sc.Plan.VMs {
			a.Items = append(a.Items, ItemSpec{Name: vm.Name})
		}
	}
	for i := range a.Items {
		it := &a.Items[i]
		it.InstanceType = cmp.Or(it.InstanceType, "InMageAzureV2")
		if it.RecoveryVM == nil && it.InstanceType != "InMage" {
			it.RecoveryVM = &ResourceSpec{ResourceGroup: DRGroup, Name: it.Name}
		}
		it.OS, it.OSName, it.MemoryMB = cmp.Or(it.OS, "Linux"), cmp.Or(it.OSName, "Red Hat Enterprise Linux 8"), cmp.Or(it.MemoryMB, 4096)
		if modernized(it.InstanceType) {
			if a.Appliances == nil {
				a.Appliances = []ApplianceSpec{{Name: "appliance01"}}
			}
			it.Appliance = cmp.Or(it.Appliance, a.Appliances[0].Name)
		}
		if it.Disks == nil {
			it.Disks = []DiskSpec{{Name: "disk0"}}
		}
		it.TargetDatastore = cmp.Or(it.TargetDatastore, sc.planDatastore(it.Name))
		for j := range it.Disks {
			it.Disks[j].Name, it.Disks[j].SizeGB = cmp.Or(it.Disks[j].Name, fmt.Sprintf("disk%d", j)), cmp.Or(it.Disks[j].SizeGB, 40)
		}
	}
	for i := range a.Appliances {
		if a.Appliances[i].AccessibleDatastores == nil {
			for _, ds := range sc.VCenter.Datastores {
				a.Appliances[i].AccessibleDatastores = append(a.Appliances[i].AccessibleDatastores, ds.Name)
			}
		}
	}
	if a.Classic == nil {
		a.Classic = &ClassicSpec{}
	}
	for i := range a.RecoveryPlans {
		for j := range a.RecoveryPlans[i].Groups {
			g := &a.RecoveryPlans[i].Groups[j]
			for _, list := range [][]ActionSpec{g.StartActions, g.EndActions} {
				for k := range list {
					act := &list[k]
					act.Kind = cmp.Or(act.Kind, "ManualActionDetails")
					if act.Directions == nil {
						act.Directions = []string{"PrimaryToRecovery", "RecoveryToPrimary"}
					}
					if act.FailoverTypes == nil {
						act.FailoverTypes = []string{"PlannedFailover", "UnplannedFailover", "TestFailover"}
					}
				}
			}
		}
	}
	if a.VMs == nil { // the failed-over VMs: each item's, and each plan VM's
		for _, it := range a.Items {
			if it.RecoveryVM != nil {
				a.VMs = append(a.VMs, AzureVMSpec{ResourceGroup: it.RecoveryVM.ResourceGroup, Name: it.RecoveryVM.Name})
			}
		}
		for _, vm := range sc.Plan.VMs {
			if !slices.ContainsFunc(a.VMs, func(v AzureVMSpec) bool { return v.Name == vm.Name }) {
				a.VMs = append(a.VMs, AzureVMSpec{Name: vm.Name})
			}
		}
	}
	for i := range a.VMs {
		a.VMs[i].ResourceGroup = cmp.Or(a.VMs[i].ResourceGroup, DRGroup)
	}
}

// validateRecoveryPlans requires named, distinct plans of groups that name VMs, and actions of
// known kinds, directions and failover types.
func (sc *Scenario) validateRecoveryPlans(d *strictyaml.Doc, oneOf func(field, got string, allowed []string)) {
	seen := map[string]bool{}
	for i, rp := range sc.Azure.RecoveryPlans {
		at := fmt.Sprintf("azure.recoveryPlans[%d]", i)
		switch {
		case rp.Name == "":
			d.Addf(at+".name", "missing; expected the recovery plan's name")
		case seen[strings.ToLower(rp.Name)]:
			d.Addf(at+".name", "duplicate recovery plan %q", rp.Name)
		}
		seen[strings.ToLower(rp.Name)] = true
		for j, g := range rp.Groups {
			gat := fmt.Sprintf("%s.groups[%d]", at, j)
			if len(g.VMs) == 0 {
				d.Addf(gat+".vms", "missing; expected the names of the group's VMs")
			}
			for _, acts := range []struct {
				field string
				list  []ActionSpec
			}{{"startActions", g.StartActions}, {"endActions", g.EndActions}} {
				for k, act := range acts.list {
					aat := fmt.Sprintf("%s.%s[%d]", gat, acts.field, k)
					oneOf(aat+".kind", act.Kind, []string{"ManualActionDetails", "ScriptActionDetails", "AutomationRunbookActionDetails"})
					for _, dir := range act.Directions {
						oneOf(aat+".directions", dir, []string{"PrimaryToRecovery", "RecoveryToPrimary"})
					}
					for _, t := range act.FailoverTypes {
						oneOf(aat+".failoverTypes", t, []string{"PlannedFailover", "UnplannedFailover", "TestFailover"})
					}
				}
			}
		}
	}
}

// The largest sizes vSphere allows, in GB.
const (
	maxHostGB      = 24 << 10
	maxDatastoreGB = 64 << 10
	maxDiskGB      = 62 << 10
)

// vsphereMethod reports whether name is a method of the vSphere API: its request type is known.
func vsphereMethod(name string) bool {
	lookup := types.TypeFunc()
	_, isType := lookup(name)
	_, isRequest := lookup(strings.TrimSuffix(name, "_Task") + "RequestType")
	return isType && isRequest
}

// modernized reports whether an instance type is the modernized architecture's.
func modernized(instanceType string) bool {
	return instanceType == "InMageRcm" || instanceType == "InMageRcmFailback"
}

// planDatastore is the datastore the scenario's plan gives a VM, else the first datastore.
func (sc *Scenario) planDatastore(name string) string {
	for _, vm := range sc.Plan.VMs {
		if vm.Name == name && vm.Datastore != "" {
			return vm.Datastore
		}
	}
	return cmp.Or(sc.Plan.Defaults.Datastore, sc.VCenter.Datastores[0].Name)
}

func (sc *Scenario) validate(d *strictyaml.Doc) {
	v := sc.VCenter
	oneOf := func(field, got string, allowed []string) {
		if !slices.Contains(allowed, got) {
			d.Addf(field, "expected one of %s, got %q", strings.Join(allowed, ", "), got)
		}
	}
	// Sizes as vSphere allows them, so that no shift or sum can overflow.
	between := func(field string, got, lo, hi int, unit string) bool {
		if got < lo || got > hi {
			d.Addf(field, "expected %d to %d %s, got %d", lo, hi, unit, got)
			return false
		}
		return true
	}
	hosts := map[string]bool{}
	for i, h := range v.Hosts {
		at := fmt.Sprintf("vcenter.hosts[%d]", i)
		hosts[h.Name] = true
		oneOf(at+".connection", h.Connection, connections)
		if between(at+".memoryGB", h.MemoryGB, 1, maxHostGB, "GB (24 TB, the most an ESXi host takes)") {
			between(at+".usedGB", h.UsedGB, 0, h.MemoryGB, "GB (at most memoryGB)")
		}
	}
	for i, ds := range v.Datastores {
		at := fmt.Sprintf("vcenter.datastores[%d]", i)
		if between(at+".capacityGB", ds.CapacityGB, 1, maxDatastoreGB, "GB (64 TB, the largest VMFS datastore)") {
			between(at+".freeGB", ds.FreeGB, 0, ds.CapacityGB, "GB (at most capacityGB)")
		}
	}
	disks := func(at string, sizes []int) {
		for j, gb := range sizes {
			between(fmt.Sprintf("%s.disksGB[%d]", at, j), gb, 1, maxDiskGB, "GB (62 TB, the largest virtual disk)")
		}
	}
	disks("vcenter.masterTarget", v.MasterTarget.DisksGB)
	between("vcenter.masterTarget.snapshots", v.MasterTarget.Snapshots, 0, 32, "snapshots")
	between("vcenter.latencyMs", v.LatencyMS, 0, 60000, "ms")
	for i, vm := range v.VMs {
		at := fmt.Sprintf("vcenter.vms[%d]", i)
		between(at+".memoryMB", vm.MemoryMB, 1, plan.MaxMemoryMB, "MB (24 TB, the most vSphere gives a VM)")
		disks(at, vm.DisksGB)
	}
	for i, f := range v.Faults {
		if !vsphereMethod(f.Method) {
			d.Addf(fmt.Sprintf("vcenter.faults[%d].method", i), "unknown vSphere method %q; expected a method of the vSphere API, such as RetrievePropertiesEx or HasPrivilegeOnEntities", f.Method)
		}
	}
	if a := sc.Azure; a != nil {
		minutes := func(field string, m *int) {
			if m != nil {
				between(field, *m, 0, 1_000_000, "minutes")
			}
		}
		for i, it := range a.Items {
			at := fmt.Sprintf("azure.items[%d]", i)
			between(at+".memoryMB", it.MemoryMB, 1, plan.MaxMemoryMB, "MB (24 TB, the most vSphere gives a VM)")
			minutes(at+".agentHeartbeatMinutes", it.AgentHeartbeatMinutes)
			if it.LastPlannedFailover != "" {
				oneOf(at+".lastPlannedFailover", it.LastPlannedFailover, []string{"Succeeded", "Failed", "Cancelled", "Unknown"})
			}
			for j, disk := range it.Disks {
				dat := fmt.Sprintf("%s.disks[%d]", at, j)
				between(dat+".sizeGB", disk.SizeGB, 1, maxDiskGB, "GB (62 TB, the largest virtual disk)")
				between(dat+".pendingMB", disk.PendingMB, 0, maxDiskGB<<10, "MB")
				if disk.ProgressPercent != nil {
					between(dat+".progressPercent", *disk.ProgressPercent, 0, 100, "%")
				}
				minutes(dat+".lastSyncMinutes", disk.LastSyncMinutes)
			}
		}
		for i, ap := range a.Appliances {
			at := fmt.Sprintf("azure.appliances[%d]", i)
			if ap.Name == "" {
				d.Addf(at+".name", "missing; expected the appliance's name")
			}
			oneOf(at+".health", cmp.Or(ap.Health, "Normal"), healths)
			minutes(at+".heartbeatMinutes", ap.HeartbeatMinutes)
			for _, role := range slices.Sorted(maps.Keys(ap.Roles)) {
				rat := at + ".roles." + role
				if !slices.Contains(Roles, role) {
					d.Addf(rat, "unknown role; expected one of %s", strings.Join(Roles, ", "))
					continue
				}
				oneOf(rat+".health", cmp.Or(ap.Roles[role].Health, "Normal"), healths)
				minutes(rat+".heartbeatMinutes", ap.Roles[role].HeartbeatMinutes)
			}
			for _, what := range slices.Sorted(maps.Keys(ap.Resources)) {
				if !slices.Contains(Resources, what) {
					d.Addf(at+".resources."+what, "unknown resource; expected one of %s", strings.Join(Resources, ", "))
					continue
				}
				oneOf(at+".resources."+what, ap.Resources[what], []string{"Healthy", "Warning", "Critical", "Unknown"})
			}
		}
		sc.validateRecoveryPlans(d, oneOf)
		if c := a.Classic; c != nil {
			minutes("azure.classic.heartbeatMinutes", c.HeartbeatMinutes)
			oneOf("azure.classic.serviceStatus", cmp.Or(c.ServiceStatus, "Running"), []string{"Running", "Stopped"})
		}
	}
	for i, ds := range v.Datastores {
		for host := range ds.Mounts {
			if !hosts[host] {
				d.Addf(fmt.Sprintf("vcenter.datastores[%d].mounts.%s", i, host), "no such host; expected one of the scenario's hosts")
			}
		}
	}
	if !hosts[v.MasterTarget.Host] {
		d.Addf("vcenter.masterTarget.host", "no such host %q; expected one of the scenario's hosts", v.MasterTarget.Host)
	}
	oneOf("vcenter.masterTarget.powerState", v.MasterTarget.PowerState, powerStates)
	oneOf("vcenter.masterTarget.tools", v.MasterTarget.Tools, []string{"running", "notRunning"})
	oneOf("vcenter.masterTarget.scsi", v.MasterTarget.SCSI, []string{"lsilogic", "paravirtual"})
	oneOf("vcenter.masterTarget.guest", v.MasterTarget.Guest, guests)
	for i, vm := range v.VMs {
		at := fmt.Sprintf("vcenter.vms[%d]", i)
		if vm.Name == "" {
			d.Addf(at+".name", "missing; expected the VM's name")
		}
		if !hosts[vm.Host] {
			d.Addf(at+".host", "no such host %q; expected one of the scenario's hosts", vm.Host)
		}
		oneOf(at+".guest", vm.Guest, guests)
		oneOf(at+".connection", vm.Connection, vmStates)
		oneOf(at+".powerState", vm.PowerState, powerStates)
	}
	for i, f := range v.Faults {
		oneOf(fmt.Sprintf("vcenter.faults[%d].fault", i), f.Fault, faultTypes)
	}
	if a := sc.Azure; a != nil {
		for i, it := range a.Items {
			oneOf(fmt.Sprintf("azure.items[%d].instanceType", i), it.InstanceType, ItemTypes)
			for j, e := range it.HealthErrors {
				oneOf(fmt.Sprintf("azure.items[%d].healthErrors[%d].level", i, j), cmp.Or(e.Level, "Error"), []string{"Error", "Warning", "Info"})
			}
		}
	}
	users := 0
	for _, a := range v.Accounts {
		if a.Use {
			users++
		}
	}
	if users > 1 {
		d.Addf("vcenter.accounts", "expected at most one account with use: true, got %d", users)
	}
}
