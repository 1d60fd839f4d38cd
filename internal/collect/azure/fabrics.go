package azure

import (
	"context"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// fabrics reads the vault's replication fabrics, one listing.
func fabrics(ctx context.Context, sub string, cred azcore.TokenCredential, opts *arm.ClientOptions, vault Resource) (*inventory.Fabrics, error) {
	c, err := asr.NewReplicationFabricsClient(sub, cred, opts)
	if err != nil {
		return nil, err
	}
	out := &inventory.Fabrics{}
	// v2.2.0 takes (vault name, resource group); v2.4.0 swapped them.
	pager := c.NewListPager(vault.Name, vault.ResourceGroup, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range page.Value {
			decodeFabric(out, f)
		}
	}
	return out, nil
}

// decodeFabric adds what a fabric records of the on-premises side: a modernized fabric's
// appliances, a classic fabric's servers.
func decodeFabric(out *inventory.Fabrics, f *asr.Fabric) {
	if f == nil || f.Properties == nil {
		return
	}
	name := deref(f.Name)
	switch d := f.Properties.CustomDetails.(type) {
	case *asr.InMageRcmFabricSpecificDetails:
		out.Appliances = append(out.Appliances, appliances(name, d)...)
	case *asr.VMwareDetails:
		out.Classic = append(out.Classic, classicFabric(name, d))
	}
}

// appliances groups a modernized fabric's roles by appliance: all roles of one appliance share
// its ID.
func appliances(fabric string, d *asr.InMageRcmFabricSpecificDetails) []inventory.Appliance {
	var out []inventory.Appliance
	index := map[string]int{}
	add := func(r inventory.Role) *inventory.Appliance {
		key := strings.ToLower(r.ID)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, inventory.Appliance{ID: r.ID, Name: r.Name, Fabric: fabric})
		}
		out[i].Roles = append(out[i].Roles, r)
		return &out[i]
	}
	for _, ps := range d.ProcessServers {
		a := add(role(inventory.RoleProcessServer, ps.ID, ps.Name, ps.Fqdn, ps.Version, ps.LastHeartbeatUTC, ps.Health, ps.HealthErrors))
		a.Resources = map[string]string{}
		for what, st := range map[string]*asr.RcmComponentStatus{"disk usage": ps.DiskUsageStatus, "memory usage": ps.MemoryUsageStatus,
			"processor usage": ps.ProcessorUsageStatus, "system load": ps.SystemLoadStatus, "throughput": ps.ThroughputStatus} {
			if st != nil {
				a.Resources[what] = string(*st)
			}
		}
		a.FreeSpacePercent = ps.FreeSpacePercentage
	}
	for _, r := range d.RcmProxies {
		add(role(inventory.RoleRCMProxy, r.ID, r.Name, r.Fqdn, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
	}
	for _, r := range d.PushInstallers {
		add(role(inventory.RolePushInstaller, r.ID, r.Name, r.Fqdn, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
	}
	for _, r := range d.ReplicationAgents {
		add(role(inventory.RoleReplicationAgent, r.ID, r.Name, r.Fqdn, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
	}
	for _, r := range d.ReprotectAgents {
		a := add(role(inventory.RoleReprotectAgent, r.ID, r.Name, r.Fqdn, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
		for _, ds := range r.AccessibleDatastores {
			a.AccessibleDatastores = append(a.AccessibleDatastores, deref(ds))
		}
		a.VCenterID, a.LastDiscovery = deref(r.VcenterID), deref(r.LastDiscoveryInUTC)
	}
	for _, r := range d.MarsAgents {
		add(role(inventory.RoleMARSAgent, r.ID, r.Name, r.Fqdn, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
	}
	for _, r := range d.Dras {
		a := add(role(inventory.RoleDRA, r.ID, r.Name, nil, r.Version, r.LastHeartbeatUTC, r.Health, r.HealthErrors))
		a.ForwardItems, a.ReverseItems = intOf(r.ForwardProtectedItemCount), intOf(r.ReverseProtectedItemCount)
	}
	return out
}

// classicFabric keeps a classic fabric's configuration server, process servers and master targets.
func classicFabric(name string, d *asr.VMwareDetails) inventory.ClassicFabric {
	c := inventory.ClassicFabric{Name: name, ConfigServer: inventory.Role{Kind: "configuration server", Name: deref(d.HostName),
		LastHeartbeat: deref(d.LastHeartbeat), ServiceStatus: deref(d.CsServiceStatus)}}
	for _, ps := range d.ProcessServers {
		r := role("process server", ps.ID, ps.FriendlyName, nil, ps.AgentVersion, ps.LastHeartbeat, ps.Health, ps.HealthErrors)
		r.ServiceStatus = deref(ps.PsServiceStatus)
		c.ProcessServers = append(c.ProcessServers, r)
	}
	for _, mt := range d.MasterTargetServers {
		m := inventory.MasterTargetServer{Role: role("master target", mt.ID, mt.Name, nil, mt.AgentVersion, mt.LastHeartbeat, nil,
			append(append([]*asr.HealthError{}, mt.HealthErrors...), mt.ValidationErrors...))}
		for _, ds := range mt.DataStores {
			if ds != nil {
				m.Datastores = append(m.Datastores, deref(ds.SymbolicName))
			}
		}
		c.MasterTargets = append(c.MasterTargets, m)
	}
	return c
}

func role(kind string, id, name, fqdn, version *string, heartbeat *time.Time, health *asr.ProtectionHealth, errs []*asr.HealthError) inventory.Role {
	r := inventory.Role{Kind: kind, ID: deref(id), Name: deref(name), FQDN: deref(fqdn), Version: deref(version),
		LastHeartbeat: deref(heartbeat), HealthErrors: healthErrors(errs)}
	if health != nil {
		r.Health = string(*health)
	}
	return r
}

// healthErrors keeps what the checks read of Site Recovery's health errors.
func healthErrors(errs []*asr.HealthError) []inventory.HealthError {
	var out []inventory.HealthError
	for _, e := range errs {
		if e != nil {
			out = append(out, inventory.HealthError{Code: deref(e.ErrorCode), Level: deref(e.ErrorLevel), Message: deref(e.ErrorMessage),
				PossibleCauses: deref(e.PossibleCauses), RecommendedAction: deref(e.RecommendedAction)})
		}
	}
	return out
}

func intOf(p *int32) *int {
	if p == nil {
		return nil
	}
	n := int(*p)
	return &n
}
