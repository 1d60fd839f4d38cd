package lab

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
)

// The roles of an appliance, as scenario files name them.
const (
	ProcessServer    = "processServer"
	RCMProxy         = "rcmProxy"
	PushInstaller    = "pushInstaller"
	ReplicationAgent = "replicationAgent"
	ReprotectAgent   = "reprotectAgent"
	MARSAgent        = "marsAgent"
	DRA              = "dra"
)

// Roles lists every role an appliance carries.
var Roles = []string{ProcessServer, RCMProxy, PushInstaller, ReplicationAgent, ReprotectAgent, MARSAgent, DRA}

// Resources lists the process server's resource statuses.
var Resources = []string{"diskUsage", "memoryUsage", "processorUsage", "systemLoad", "throughput"}

// Appliance is a modernized replication appliance in the fake vault's fabric. What it leaves out
// is healthy: every role Normal, heartbeats a minute old, resources Healthy.
type Appliance struct {
	Name                 string
	Health               string        // every role's, unless the role says; default Normal
	HeartbeatAge         time.Duration // every role's, unless the role says; default 1 min
	Roles                map[string]Role
	Resources            map[string]string // the process server's: Healthy (default), Warning, Critical, Unknown
	AccessibleDatastores []string          // the reprotect agent's
}

// Role is one role of an appliance, or one classic server.
type Role struct {
	Missing      bool
	Health       string
	HeartbeatAge *time.Duration
	HealthErrors []asr.HealthError
}

// ID is the appliance's ID, shared by all its roles.
func (a Appliance) ID() string { return "appliance-" + strings.ToLower(a.Name) }

// ClassicFabric is the classic fabric: the configuration server, one process server and the
// master target, healthy unless said otherwise.
type ClassicFabric struct {
	ConfigServer, ProcessServer, MasterTarget string // names
	HeartbeatAge                              time.Duration
	ServiceStatus                             string // the configuration and process servers'; default Running
	Datastores                                []string
}

// The IDs of the classic fabric's servers.
const (
	ClassicProcessServerID = "ps-0001"
	ClassicMasterTargetID  = "mt-0001"
)

func (a *Azure) listFabrics(vault, rg string, _ *asr.ReplicationFabricsClientListOptions) (resp azfake.PagerResponder[asr.ReplicationFabricsClientListResponse]) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.isVault(vault, rg) {
		resp.AddResponseError(http.StatusNotFound, "ResourceNotFound")
		return resp
	}
	now := time.Now().UTC()
	var page asr.ReplicationFabricsClientListResponse
	if len(a.Appliances) > 0 {
		d := &asr.InMageRcmFabricSpecificDetails{InstanceType: to.Ptr("InMageRcm")}
		for _, ap := range a.Appliances {
			addAppliance(d, ap, now)
		}
		page.Value = append(page.Value, &asr.Fabric{Name: to.Ptr("lab-vmwarefabric"), Properties: &asr.FabricProperties{CustomDetails: d}})
	}
	if c := a.Classic; c != nil {
		page.Value = append(page.Value, classicFabric(*c, now))
	}
	resp.AddPage(http.StatusOK, page, nil)
	return resp
}

// addAppliance lists each role of the appliance the way a real fabric does.
func addAppliance(d *asr.InMageRcmFabricSpecificDetails, ap Appliance, now time.Time) {
	id, name, fqdn := to.Ptr(ap.ID()), to.Ptr(ap.Name), to.Ptr(strings.ToLower(ap.Name)+".lab.local")
	state := func(role string) (*asr.ProtectionHealth, *time.Time, []*asr.HealthError, bool) {
		r := ap.Roles[role]
		health := asr.ProtectionHealth(cmp.Or(r.Health, ap.Health, "Normal"))
		age := cmp.Or(ap.HeartbeatAge, time.Minute)
		if r.HeartbeatAge != nil {
			age = *r.HeartbeatAge
		}
		errs := make([]*asr.HealthError, len(r.HealthErrors))
		for i := range r.HealthErrors {
			errs[i] = &r.HealthErrors[i]
		}
		return &health, to.Ptr(now.Add(-age)), errs, !r.Missing
	}
	version := to.Ptr("9.62.0.0")
	if h, hb, errs, ok := state(ProcessServer); ok {
		ps := &asr.ProcessServerDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs,
			FreeSpacePercentage: to.Ptr(80.0)}
		status := func(what string) *asr.RcmComponentStatus {
			return to.Ptr(asr.RcmComponentStatus(cmp.Or(ap.Resources[what], "Healthy")))
		}
		ps.DiskUsageStatus, ps.MemoryUsageStatus, ps.ProcessorUsageStatus = status("diskUsage"), status("memoryUsage"), status("processorUsage")
		ps.SystemLoadStatus, ps.ThroughputStatus = status("systemLoad"), status("throughput")
		d.ProcessServers = append(d.ProcessServers, ps)
	}
	if h, hb, errs, ok := state(RCMProxy); ok {
		d.RcmProxies = append(d.RcmProxies, &asr.RcmProxyDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs})
	}
	if h, hb, errs, ok := state(PushInstaller); ok {
		d.PushInstallers = append(d.PushInstallers, &asr.PushInstallerDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs})
	}
	if h, hb, errs, ok := state(ReplicationAgent); ok {
		d.ReplicationAgents = append(d.ReplicationAgents, &asr.ReplicationAgentDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs})
	}
	if h, hb, errs, ok := state(ReprotectAgent); ok {
		ra := &asr.ReprotectAgentDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs,
			VcenterID: to.Ptr("lab-vcenter")}
		for _, ds := range ap.AccessibleDatastores {
			ra.AccessibleDatastores = append(ra.AccessibleDatastores, to.Ptr(ds))
		}
		d.ReprotectAgents = append(d.ReprotectAgents, ra)
	}
	if h, hb, errs, ok := state(MARSAgent); ok {
		d.MarsAgents = append(d.MarsAgents, &asr.MarsAgentDetails{ID: id, Name: name, Fqdn: fqdn, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs})
	}
	if h, hb, errs, ok := state(DRA); ok {
		d.Dras = append(d.Dras, &asr.DraDetails{ID: id, Name: name, Version: version, Health: h, LastHeartbeatUTC: hb, HealthErrors: errs})
	}
}

// classicFabric is the classic fabric as a real VMware fabric records it.
func classicFabric(c ClassicFabric, now time.Time) *asr.Fabric {
	hb := to.Ptr(now.Add(-cmp.Or(c.HeartbeatAge, time.Minute)))
	status := cmp.Or(c.ServiceStatus, "Running")
	mt := &asr.MasterTargetServer{ID: to.Ptr(ClassicMasterTargetID), Name: to.Ptr(c.MasterTarget), LastHeartbeat: hb, OSType: to.Ptr("Linux")}
	for _, ds := range c.Datastores {
		mt.DataStores = append(mt.DataStores, &asr.DataStore{SymbolicName: to.Ptr(ds), Type: to.Ptr("VMFS")})
	}
	d := &asr.VMwareDetails{InstanceType: to.Ptr("VMware"), HostName: to.Ptr(c.ConfigServer), LastHeartbeat: hb, CsServiceStatus: to.Ptr(status),
		ProcessServers: []*asr.ProcessServer{{ID: to.Ptr(ClassicProcessServerID), FriendlyName: to.Ptr(c.ProcessServer), LastHeartbeat: hb,
			Health: to.Ptr(asr.ProtectionHealthNormal), PsServiceStatus: to.Ptr(status)}},
		MasterTargetServers: []*asr.MasterTargetServer{mt}}
	return &asr.Fabric{Name: to.Ptr("lab-classic-fabric"), Properties: &asr.FabricProperties{CustomDetails: d}}
}
