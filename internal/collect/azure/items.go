package azure

import (
	"cmp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// decodeItem keeps what the checks read of a protected item, whatever its provider.
func decodeItem(it *asr.ReplicationProtectedItem) inventory.ProtectedItem {
	item := inventory.ProtectedItem{ID: deref(it.ID), Name: deref(it.Name), AllowedOperations: []string{}}
	p := it.Properties
	if p == nil {
		return item
	}
	item.FriendlyName = deref(p.FriendlyName)
	item.ProtectionState = deref(p.ProtectionState)
	item.ProtectionDescription = deref(p.ProtectionStateDescription)
	item.ReplicationHealth = deref(p.ReplicationHealth)
	item.FailoverHealth = deref(p.FailoverHealth)
	item.LastFailover = deref(p.LastSuccessfulFailoverTime)
	if c := p.CurrentScenario; c != nil && !strings.EqualFold(deref(c.ScenarioName), "None") {
		item.Job, item.JobStarted = deref(c.ScenarioName), deref(c.StartTime)
	}
	item.ActiveLocation = deref(p.ActiveLocation)
	for _, op := range p.AllowedOperations {
		item.AllowedOperations = append(item.AllowedOperations, deref(op))
	}
	item.HealthErrors = healthErrors(p.HealthErrors)
	switch d := p.ProviderSpecificDetails.(type) {
	case *asr.InMageAzureV2ReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSType, item.VMID = "InMageAzureV2", deref(d.DiscoveryType), deref(d.OSType), deref(d.VMID)
		item.OSName = strings.TrimSpace(deref(d.OSName) + " " + deref(d.OSVersion))
		item.RecoveryVMName, item.RecoveryVMID = deref(d.RecoveryAzureVMName), deref(d.TargetVMID)
		item.RecoveryResourceGroup = resourceGroupOf(deref(d.RecoveryAzureResourceGroupID))
		item.MemoryMB = int64(deref(d.SourceVMRAMSizeInMB))
		item.ProcessServerID, item.ProcessServerName, item.MasterTargetID = deref(d.ProcessServerID), deref(d.ProcessServerName), deref(d.MasterTargetID)
		item.AgentHeartbeat, item.AgentVersion = deref(d.LastHeartbeat), deref(d.AgentVersion)
		for _, disk := range d.ProtectedDisks {
			if disk != nil {
				item.Disks = append(item.Disks, inventory.ProtectedDisk{Name: deref(disk.DiskName), CapacityBytes: deref(disk.DiskCapacityInBytes)})
			}
		}
	case *asr.InMageReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSName, item.VMID = "InMage", deref(d.DiscoveryType), deref(d.OSVersion), deref(d.VMID)
		item.ActiveSiteType = deref(d.ActiveSiteType)
		if os := d.OSDetails; os != nil {
			item.OSType = deref(os.OSType)
		}
		item.MemoryMB = int64(deref(d.SourceVMRAMSizeInMB))
		item.ProcessServerID, item.MasterTargetID, item.AgentHeartbeat = deref(d.ProcessServerID), deref(d.MasterTargetID), deref(d.LastHeartbeat)
		for _, disk := range d.ProtectedDisks {
			if disk != nil {
				item.Disks = append(item.Disks, inventory.ProtectedDisk{Name: deref(disk.DiskName), CapacityBytes: deref(disk.DiskCapacityInBytes),
					ProgressPercent: intOf(disk.ResyncProgressPercentage), ResyncRequired: yes(deref(disk.ResyncRequired)), Stage: deref(disk.ProtectionStage)})
			}
		}
	case *asr.InMageRcmReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSType, item.VMID = "InMageRcm", deref(d.DiscoveryType), deref(d.OSType), deref(d.InternalIdentifier)
		item.SourceUUID = cmp.Or(sourceUUID(item.Name), sourceUUID(deref(d.FabricDiscoveryMachineID)))
		item.InitialReplicationPercent, item.InitialReplicationHealth = intOf(d.InitialReplicationProgressPercentage), string(deref(d.InitialReplicationProgressHealth))
		item.ResyncState = string(deref(d.ResyncState))
		item.RecoveryVMName = deref(d.TargetVMName)
		item.RecoveryResourceGroup = resourceGroupOf(deref(d.TargetResourceGroupID))
		item.MemoryMB = int64(deref(d.AllocatedMemoryInMB))
		item.ProcessServerID, item.ProcessServerName = deref(d.ProcessServerID), deref(d.ProcessServerName)
		item.AgentRegistered, item.ResyncRequired = d.IsAgentRegistrationSuccessfulAfterFailover, yes(deref(d.ResyncRequired))
		if a := d.MobilityAgentDetails; a != nil {
			item.AgentHeartbeat, item.AgentVersion = deref(a.LastHeartbeatUTC), deref(a.Version)
		}
		if v := d.DiscoveredVMDetails; v != nil {
			item.DiscoveredVM = discovered(v.Datastores, v.PowerStatus, v.IsDeleted, v.VCenterID)
		}
		for _, disk := range d.ProtectedDisks {
			if disk != nil {
				item.Disks = append(item.Disks, inventory.ProtectedDisk{Name: deref(disk.DiskName), CapacityBytes: deref(disk.CapacityInBytes),
					InitialReplicationDone: boolOf(disk.IsInitialReplicationComplete),
					PendingMB:              deref(disk.DataPendingInLogDataStoreInMB) + deref(disk.DataPendingAtSourceAgentInMB)})
			}
		}
	case *asr.InMageRcmFailbackReplicationDetails:
		item.InstanceType, item.OSType, item.VMID = "InMageRcmFailback", deref(d.OSType), deref(d.InternalIdentifier)
		item.SourceUUID = sourceUUID(item.Name)
		item.ResyncState = string(deref(d.ResyncState))
		item.RecoveryVMID = deref(d.AzureVirtualMachineID)
		if id, err := arm.ParseResourceID(item.RecoveryVMID); err == nil {
			item.RecoveryVMName, item.RecoveryResourceGroup = id.Name, id.ResourceGroupName
		}
		item.ReprotectAgentID, item.ReprotectAgentName = deref(d.ReprotectAgentID), deref(d.ReprotectAgentName)
		item.TargetVCenterID, item.TargetDatastore, item.TargetVMName = deref(d.TargetvCenterID), deref(d.TargetDataStoreName), deref(d.TargetVMName)
		item.AgentRegistered, item.ResyncRequired = d.IsAgentRegistrationSuccessfulAfterFailover, yes(deref(d.ResyncRequired))
		item.InitialReplicationPercent, item.InitialReplicationHealth = intOf(d.InitialReplicationProgressPercentage), string(deref(d.InitialReplicationProgressHealth))
		item.LastPlannedFailover = string(deref(d.LastPlannedFailoverStatus))
		if a := d.MobilityAgentDetails; a != nil {
			item.AgentHeartbeat, item.AgentVersion = deref(a.LastHeartbeatUTC), deref(a.Version)
		}
		if v := d.DiscoveredVMDetails; v != nil {
			item.DiscoveredVM = discovered(v.Datastores, v.PowerStatus, v.IsDeleted, v.VCenterID)
		}
		for _, disk := range d.ProtectedDisks {
			if disk == nil {
				continue
			}
			pd := inventory.ProtectedDisk{Name: deref(disk.DiskName), CapacityBytes: deref(disk.CapacityInBytes),
				InitialReplicationDone: boolOf(disk.IsInitialReplicationComplete), LastSync: deref(disk.LastSyncTime),
				PendingMB: deref(disk.DataPendingInLogDataStoreInMB) + deref(disk.DataPendingAtSourceAgentInMB)}
			if ir := disk.IrDetails; ir != nil {
				pd.ProgressPercent = intOf(ir.ProgressPercentage)
			}
			item.Disks = append(item.Disks, pd)
		}
	case nil:
	default:
		item.InstanceType = deref(d.GetReplicationProviderSpecificSettings().InstanceType)
	}
	return item
}

// decodeGet keeps what the checks read of an item read by GET: with its disks and NICs, which a
// listing leaves empty for modernized items.
func decodeGet(it *asr.ReplicationProtectedItem) inventory.ProtectedItem {
	item := decodeItem(it)
	item.Detailed = true
	return item
}

// sourceUUID is the on-premises VM's instance UUID a modernized item's name (or its fabric
// discovery machine ID) ends with ("vcenter67_50158471-87c2-d4ad-caa2-abe22face6d8"), "" when it
// ends with none.
func sourceUUID(name string) string {
	i := strings.LastIndexByte(name, '_')
	if u := name[i+1:]; i >= 0 && len(u) == 36 && strings.Count(u, "-") == 4 {
		return strings.ToLower(u)
	}
	return ""
}

// discovered keeps what Site Recovery last discovered of the on-premises VM.
func discovered(datastores []*string, power *string, deleted *bool, vcenter *string) *inventory.DiscoveredVM {
	v := &inventory.DiscoveredVM{PowerStatus: deref(power), Deleted: deref(deleted), VCenterID: deref(vcenter)}
	for _, ds := range datastores {
		v.Datastores = append(v.Datastores, deref(ds))
	}
	return v
}

// yes reads Site Recovery's string booleans ("true", "Yes").
func yes(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "yes") }

// boolOf reads a string boolean, nil when absent.
func boolOf(s *string) *bool {
	if s == nil || *s == "" {
		return nil
	}
	b := yes(*s)
	return &b
}

// resourceGroupOf returns the resource group of a resource ID, or "".
func resourceGroupOf(id string) string {
	if rid, err := arm.ParseResourceID(id); err == nil {
		return rid.ResourceGroupName
	}
	return ""
}
