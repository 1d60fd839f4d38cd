package lab

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// World is a running scenario: vCenter (vcsim over HTTPS), Azure (the SDK's fakes over HTTP) and
// the configuration server stand-in, all on 127.0.0.1, with the plan written for the checker.
type World struct {
	Lab          *Lab
	Azure        *Azure // nil when the scenario has no Azure side
	ARM          *httptest.Server
	ConfigServer string // host:port; nothing listens there unless the scenario says so
	PlanPath     string
	user, pass   string                         // the account the checker logs in with
	refs         []types.ManagedObjectReference // the master target, then the scenario's VMs
	closers      []func()
}

// StartScenario builds the scenario's world and writes its plan into dir.
func StartScenario(ctx context.Context, sc *Scenario, addr, dir string) (*World, error) {
	v := sc.VCenter
	var vms []VM
	mt := v.MasterTarget
	vms = append(vms, VM{Name: mt.Name, Host: mt.Host, Datastore: v.Datastores[0].Name, MemoryMB: 8192, DisksGB: mt.DisksGB,
		GuestID: guestID(mt.Guest), Paravirtual: mt.SCSI == "paravirtual", MasterTarget: true})
	for _, vm := range v.VMs {
		vms = append(vms, VM{Name: vm.Name, Host: vm.Host, Datastore: vm.Datastore, MemoryMB: int32(vm.MemoryMB), DisksGB: vm.DisksGB, GuestID: guestID(vm.Guest)})
	}
	l, refs, err := startNamed(ctx, Options{Addr: addr, Hosts: len(v.Hosts), Datastores: len(v.Datastores), LatencyMS: v.LatencyMS}, v, vms)
	if err != nil {
		return nil, err
	}
	w := &World{Lab: l, user: l.Username, pass: l.Password, closers: []func(){l.Close}, refs: refs}
	if err := w.shape(sc); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.startAzure(sc); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.startConfigServer(sc); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.writePlan(sc, dir); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// startNamed starts vcsim and gives hosts and datastores the scenario's names before the VMs are
// created on them.
func startNamed(ctx context.Context, o Options, v VCenterSpec, vms []VM) (*Lab, []types.ManagedObjectReference, error) {
	l, err := Start(o)
	if err != nil {
		return nil, nil, err
	}
	rename := func(kind, from, to string) error {
		if from == to {
			return nil
		}
		return l.Update(kind, from, types.PropertyChange{Name: "name", Val: to})
	}
	for i, h := range v.Hosts {
		if err := rename("HostSystem", vcsimHost(i), h.Name); err != nil {
			l.Close()
			return nil, nil, err
		}
	}
	for i, ds := range v.Datastores {
		if err := rename("Datastore", vcsimDatastore(i), ds.Name); err != nil {
			l.Close()
			return nil, nil, err
		}
	}
	refs, err := l.createVMs(ctx, vms)
	if err != nil {
		l.Close()
		return nil, nil, err
	}
	return l, refs, nil
}

// shape applies the scenario's state to vCenter once the VMs exist.
func (w *World) shape(sc *Scenario) error {
	l, v := w.Lab, sc.VCenter
	for _, h := range v.Hosts {
		if err := l.SetHostMemory(h.Name, int64(h.MemoryGB)<<10, int64(h.UsedGB)<<10); err != nil {
			return err
		}
		changes := []types.PropertyChange{
			{Name: "summary.config.product", Val: types.AboutInfo{Name: h.Product, Version: h.Version, ProductLineId: productLine(h.Product), ApiType: "HostAgent"}},
			{Name: "runtime.inMaintenanceMode", Val: h.Maintenance},
			{Name: "runtime.connectionState", Val: types.HostSystemConnectionState(h.Connection)},
			{Name: "summary.runtime.connectionState", Val: types.HostSystemConnectionState(h.Connection)},
		}
		if err := l.Update("HostSystem", h.Name, changes...); err != nil {
			return err
		}
		if h.License != nil {
			if err := l.AssignLicense(h.Name, "LAB-"+strings.ToUpper(h.Name), h.License.Edition, h.License.Name); err != nil {
				return err
			}
		}
	}
	for _, ds := range v.Datastores {
		if err := l.setDatastore(ds.Name, ds.Type, int64(ds.CapacityGB)<<30, int64(ds.FreeGB)<<30); err != nil {
			return err
		}
		for host, m := range ds.Mounts {
			mode := types.HostMountModeReadWrite
			if m.ReadOnly {
				mode = types.HostMountModeReadOnly
			}
			if err := l.SetMount(ds.Name, host, m.Mounted == nil || *m.Mounted, m.Accessible == nil || *m.Accessible, mode); err != nil {
				return err
			}
		}
	}
	w.shapeMasterTarget(v.MasterTarget)
	for i, vm := range v.VMs {
		w.shapeVM(w.refs[i+1], vm)
	}
	for _, a := range v.Accounts {
		l.AddAccount(a.User, a.Password, a.ReadOnly, a.Deny...)
		if a.Use {
			w.user, w.pass = a.User, a.Password
		}
	}
	for _, f := range v.Faults {
		l.Model.Service.AddFaultRule(&simulator.FaultInjectionRule{MethodName: f.Method, ObjectType: "*", ObjectName: "*",
			Probability: 1, Enabled: true, FaultType: faultType(f.Fault), Message: "lab fault in " + f.Method})
	}
	return nil
}

func (w *World) shapeMasterTarget(mt *MasterSpec) {
	var changes []types.PropertyChange
	if mt.PowerState != "poweredOn" {
		changes = append(changes, types.PropertyChange{Name: "runtime.powerState", Val: types.VirtualMachinePowerState(mt.PowerState)},
			types.PropertyChange{Name: "summary.runtime.powerState", Val: types.VirtualMachinePowerState(mt.PowerState)})
	}
	if mt.Tools != "running" {
		changes = append(changes, types.PropertyChange{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)})
	}
	if !*mt.EnableUUID {
		changes = append(changes, types.PropertyChange{Name: "config.extraConfig", Val: []types.BaseOptionValue{}})
	}
	if mt.Snapshots > 0 {
		var refs []types.ManagedObjectReference
		for i := range mt.Snapshots {
			refs = append(refs, types.ManagedObjectReference{Type: "VirtualMachineSnapshot", Value: fmt.Sprintf("snapshot-%d", i+1)})
		}
		changes = append(changes, types.PropertyChange{Name: "rootSnapshot", Val: refs})
	}
	w.Lab.UpdateRef(w.refs[0], changes...)
}

func (w *World) shapeVM(ref types.ManagedObjectReference, vm VMSpec) {
	var changes []types.PropertyChange
	if vm.PowerState != "poweredOff" {
		changes = append(changes, types.PropertyChange{Name: "runtime.powerState", Val: types.VirtualMachinePowerState(vm.PowerState)},
			types.PropertyChange{Name: "summary.runtime.powerState", Val: types.VirtualMachinePowerState(vm.PowerState)})
	}
	if vm.Connection != "connected" {
		changes = append(changes, types.PropertyChange{Name: "runtime.connectionState", Val: types.VirtualMachineConnectionState(vm.Connection)},
			types.PropertyChange{Name: "summary.runtime.connectionState", Val: types.VirtualMachineConnectionState(vm.Connection)})
	}
	if ip := vm.IP; ip != nil {
		origin, dhcp := "dhcp", true
		if ip.Static {
			origin, dhcp = "manual", false
		}
		family := "linuxGuest"
		if vm.Guest == "windows" {
			family = "windowsGuest"
		}
		changes = append(changes, types.PropertyChange{Name: "guest.guestFamily", Val: family},
			types.PropertyChange{Name: "guest.net", Val: []types.GuestNicInfo{{MacAddress: "00:50:56:aa:00:01", Connected: true,
				IpConfig: &types.NetIpConfigInfo{
					Dhcp:      &types.NetDhcpConfigInfo{Ipv4: &types.NetDhcpConfigInfoDhcpOptions{Enable: dhcp}},
					IpAddress: []types.NetIpConfigInfoIpAddress{{IpAddress: ip.Address, PrefixLength: 24, Origin: origin}},
				}}}})
	}
	w.Lab.UpdateRef(ref, changes...)
}

func (w *World) startAzure(sc *Scenario) error {
	a := sc.Azure
	if a == nil {
		return nil
	}
	az := &Azure{Subscription: Subscription, VaultGroup: a.Vault.ResourceGroup, Vault: a.Vault.Name, Guest: a.Guest,
		Sizes: map[string]int32{"Standard_D2s_v3": 8192, "Standard_D4s_v3": 16384}}
	for _, vm := range a.VMs {
		az.VMs = append(az.VMs, AzureVM{ResourceGroup: vm.ResourceGroup, Name: vm.Name, Size: vm.Size, OSType: vm.OS,
			PowerState: vm.PowerState, ProvisioningState: vm.ProvisioningState, DataDisks: vm.DataDisks})
	}
	for _, it := range a.Items {
		item := Item{Name: it.Name, InstanceType: it.InstanceType, ProtectionState: it.State, ReplicationHealth: it.Health,
			ActiveLocation: it.ActiveLocation, ActiveSiteType: it.ActiveSiteType, AllowedOperations: it.AllowedOperations, DiscoveryType: it.DiscoveryType,
			OSType: it.OS, OSName: it.OSName, MemoryMB: int32(it.MemoryMB)}
		if r := it.RecoveryVM; r != nil {
			item.RecoveryVM = &AzureVM{ResourceGroup: r.ResourceGroup, Name: r.Name}
		}
		item.HealthErrors = healthErrors(it.HealthErrors)
		item.Appliance, item.AgentRegistered, item.AgentHeartbeatAge = it.Appliance, it.AgentRegistered, asMinutes(it.AgentHeartbeatMinutes)
		item.ResyncRequired, item.TargetDatastore, item.TargetVMName = it.ResyncRequired, it.TargetDatastore, it.TargetVMName
		item.OriginalDeleted, item.LastPlannedFailover = it.OriginalDeleted, it.LastPlannedFailover
		item.FailoverHealth, item.Job, item.InitialReplication = it.FailoverHealth, it.Job, it.InitialReplication
		if modernized(it.InstanceType) {
			item.SourceUUID = w.Lab.InstanceUUID(cmp.Or(it.Original, it.Name))
		}
		for _, d := range it.Disks {
			disk := Disk{Name: d.Name, SizeGB: d.SizeGB, InitialReplication: d.InitialReplication, PendingMB: float64(d.PendingMB),
				ProgressPercent: d.ProgressPercent, ResyncRequired: d.ResyncRequired}
			if d.LastSyncMinutes != nil {
				age := asMinutes(d.LastSyncMinutes)
				disk.LastSyncAge = &age
			}
			item.Disks = append(item.Disks, disk)
		}
		az.Items = append(az.Items, item)
	}
	for _, ap := range a.Appliances {
		appliance := Appliance{Name: ap.Name, Health: ap.Health, HeartbeatAge: asMinutes(ap.HeartbeatMinutes), Resources: ap.Resources,
			AccessibleDatastores: ap.AccessibleDatastores, Roles: map[string]Role{}}
		for kind, r := range ap.Roles {
			role := Role{Missing: r.Missing, Health: r.Health, HealthErrors: healthErrors(r.HealthErrors)}
			if r.HeartbeatMinutes != nil {
				age := asMinutes(r.HeartbeatMinutes)
				role.HeartbeatAge = &age
			}
			appliance.Roles[kind] = role
		}
		az.Appliances = append(az.Appliances, appliance)
	}
	if c := a.Classic; c != nil {
		az.Classic = &ClassicFabric{ConfigServer: "cs01", ProcessServer: "ps01", MasterTarget: sc.VCenter.MasterTarget.Name,
			HeartbeatAge: asMinutes(c.HeartbeatMinutes), ServiceStatus: c.ServiceStatus}
		for _, ds := range sc.VCenter.Datastores {
			az.Classic.Datastores = append(az.Classic.Datastores, ds.Name)
		}
	}
	for _, rp := range a.RecoveryPlans {
		plan := RecoveryPlan{Name: rp.Name, AllowedOperations: rp.AllowedOperations, Job: rp.CurrentScenario, JobStatus: rp.CurrentScenarioStatus}
		for _, g := range rp.Groups {
			plan.Groups = append(plan.Groups, PlanGroup{VMs: g.VMs, StartActions: actions(g.StartActions), EndActions: actions(g.EndActions)})
		}
		az.RecoveryPlans = append(az.RecoveryPlans, plan)
	}
	az.ThrottleOnce.Store(a.ThrottleOnce)
	w.Azure, w.ARM = az, az.Serve()
	w.closers = append(w.closers, w.ARM.Close)
	return nil
}

// actions turns a scenario's recovery plan actions into the lab's.
func actions(specs []ActionSpec) []PlanAction {
	var out []PlanAction
	for _, a := range specs {
		out = append(out, PlanAction{Name: a.Name, Kind: a.Kind, Directions: a.Directions, FailoverTypes: a.FailoverTypes})
	}
	return out
}

// healthErrors turns a scenario's health errors into the ARM model.
func healthErrors(specs []HealthErrorSpec) []asr.HealthError {
	var out []asr.HealthError
	for _, e := range specs {
		out = append(out, asr.HealthError{ErrorCode: to.Ptr(e.Code), ErrorLevel: to.Ptr(cmp.Or(e.Level, "Error")),
			ErrorMessage: to.Ptr(e.Message), RecommendedAction: to.Ptr(e.RecommendedAction)})
	}
	return out
}

// asMinutes is a scenario's minutes as a duration, 0 when not given (the models take a zero
// heartbeat age as a minute ago).
func asMinutes(m *int) time.Duration {
	if m == nil {
		return 0
	}
	return time.Duration(*m) * time.Minute
}

func (w *World) startConfigServer(sc *Scenario) error {
	if sc.ConfigurationServer != nil && sc.ConfigurationServer.Listening {
		cs := ConfigServer()
		w.ConfigServer = cs.Listener.Addr().String()
		w.closers = append(w.closers, cs.Close)
		return nil
	}
	// A port on loopback that nothing listens on: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.ConfigServer = l.Addr().String()
	return l.Close()
}

func (w *World) writePlan(sc *Scenario, dir string) error {
	p := *sc.Plan
	if sc.ConfigurationServer != nil {
		p.ConfigurationServer = w.ConfigServer
	}
	if p.Azure != nil {
		az := *p.Azure
		az.SubscriptionID = cmp.Or(az.SubscriptionID, Subscription)
		p.Azure = &az
	}
	text, err := p.Marshal()
	if err != nil {
		return err
	}
	w.PlanPath, err = WritePlan(dir, "# Written by asr-preflight-lab for this scenario.\n"+string(text))
	return err
}

// Env points the checker (and govc) at the world: vCenter over verified TLS, and Azure.
func (w *World) Env() []string {
	env := []string{
		"GOVC_URL=" + w.Lab.URL,
		"GOVC_USERNAME=" + w.user,
		"GOVC_PASSWORD=" + w.pass,
		"GOVC_TLS_CA_CERTS=" + w.Lab.CAFile,
		"GOVC_INSECURE=false",
	}
	if w.ARM != nil {
		env = append(env, "AZURE_SUBSCRIPTION_ID="+w.Azure.Subscription, "AZURE_RESOURCE_MANAGER_ENDPOINT="+w.ARM.URL)
	}
	return env
}

// Close stops everything the world started.
func (w *World) Close() {
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
}

func guestID(guest string) string {
	if guest == "windows" {
		return "windows2019srv_64Guest"
	}
	return "rhel8_64Guest"
}

func productLine(product string) string {
	if strings.Contains(product, "ESXi") {
		return "embeddedEsx"
	}
	return "other"
}

func faultType(name string) simulator.FaultType {
	switch name {
	case "NotAuthenticated":
		return simulator.FaultTypeNotAuthenticated
	case "InvalidState":
		return simulator.FaultTypeInvalidState
	case "Generic":
		return simulator.FaultTypeGeneric
	}
	return simulator.FaultTypeNoPermission
}
