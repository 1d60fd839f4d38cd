package inventory

import (
	"strings"
	"time"
)

// Fabrics are what the vault's replication fabrics record of the on-premises side: the modernized
// replication appliances and the classic configuration, process and master target servers.
type Fabrics struct {
	Appliances []Appliance     `json:"appliances,omitempty"`
	Classic    []ClassicFabric `json:"classic,omitempty"`
}

// The roles of a replication appliance, as its fabric lists them.
const (
	RoleProcessServer    = "process server"
	RoleRCMProxy         = "RCM proxy"
	RolePushInstaller    = "push installer"
	RoleReplicationAgent = "replication agent"
	RoleReprotectAgent   = "reprotect agent"
	RoleMARSAgent        = "MARS agent"
	RoleDRA              = "DRA"
)

// ApplianceRoles are every role a healthy appliance carries.
var ApplianceRoles = []string{RoleProcessServer, RoleRCMProxy, RolePushInstaller, RoleReplicationAgent, RoleReprotectAgent, RoleMARSAgent, RoleDRA}

// Appliance is a modernized replication appliance: one on-premises VM carrying every role.
type Appliance struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Fabric string `json:"fabric"`
	Roles  []Role `json:"roles"`
	// Resources are the process server's resource statuses (disk usage, memory usage, processor
	// usage, system load, throughput): Healthy, Warning, Critical or Unknown.
	Resources            map[string]string `json:"resources,omitempty"`
	FreeSpacePercent     *float64          `json:"freeSpacePercent,omitempty"`
	AccessibleDatastores []string          `json:"accessibleDatastores,omitempty"` // of its reprotect agent
	VCenterID            string            `json:"vCenterId,omitempty"`            // the vCenter its reprotect agent discovers
	LastDiscovery        time.Time         `json:"lastDiscovery,omitzero"`         // when its reprotect agent last discovered that vCenter
	ForwardItems         *int              `json:"forwardItems,omitempty"`         // protected items replicating to Azure (DRA)
	ReverseItems         *int              `json:"reverseItems,omitempty"`         // and back (DRA)
}

// Role is one role of an appliance, or one classic server.
type Role struct {
	Kind          string        `json:"kind"`
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	FQDN          string        `json:"fqdn,omitempty"`
	Version       string        `json:"version,omitempty"`
	LastHeartbeat time.Time     `json:"lastHeartbeat,omitzero"`
	Health        string        `json:"health,omitempty"`        // Normal, Warning, Critical, None
	ServiceStatus string        `json:"serviceStatus,omitempty"` // classic servers: Running, Stopped…
	HealthErrors  []HealthError `json:"healthErrors,omitempty"`
}

// Role returns the appliance's role of the kind.
func (a *Appliance) Role(kind string) (Role, bool) {
	for _, r := range a.Roles {
		if r.Kind == kind {
			return r, true
		}
	}
	return Role{}, false
}

// ClassicFabric is a classic VMware fabric: its configuration server, process servers and master
// target servers.
type ClassicFabric struct {
	Name           string               `json:"name"`
	ConfigServer   Role                 `json:"configurationServer"`
	ProcessServers []Role               `json:"processServers,omitempty"`
	MasterTargets  []MasterTargetServer `json:"masterTargets,omitempty"`
}

// MasterTargetServer is a classic master target as its fabric records it.
type MasterTargetServer struct {
	Role
	Datastores []string `json:"datastores,omitempty"`
}

// Appliance finds an appliance by ID, else by name (case-insensitive).
func (f *Fabrics) Appliance(id, name string) *Appliance {
	for i := range f.Appliances {
		if id != "" && strings.EqualFold(f.Appliances[i].ID, id) {
			return &f.Appliances[i]
		}
	}
	for i := range f.Appliances {
		if name != "" && strings.EqualFold(f.Appliances[i].Name, name) {
			return &f.Appliances[i]
		}
	}
	return nil
}

// ApplianceNames lists the appliances' names.
func (f *Fabrics) ApplianceNames() []string {
	names := make([]string, len(f.Appliances))
	for i, a := range f.Appliances {
		names[i] = a.Name
	}
	return names
}

// ClassicServers finds the classic fabric holding the process server of the ID, with that process
// server and the master target of mtID (nil when not found).
func (f *Fabrics) ClassicServers(psID, mtID string) (*ClassicFabric, *Role, *MasterTargetServer) {
	for i := range f.Classic {
		c := &f.Classic[i]
		var ps *Role
		for j := range c.ProcessServers {
			if strings.EqualFold(c.ProcessServers[j].ID, psID) {
				ps = &c.ProcessServers[j]
			}
		}
		var mt *MasterTargetServer
		for j := range c.MasterTargets {
			if strings.EqualFold(c.MasterTargets[j].ID, mtID) {
				mt = &c.MasterTargets[j]
			}
		}
		if ps != nil || mt != nil {
			return c, ps, mt
		}
	}
	return nil, nil, nil
}
