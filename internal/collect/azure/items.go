package azure

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// decodeItem keeps what the checks read of a protected item, whatever its provider.
func decodeItem(it *asr.ReplicationProtectedItem) inventory.ProtectedItem {
	item := inventory.ProtectedItem{Name: deref(it.Name), AllowedOperations: []string{}}
	p := it.Properties
	if p == nil {
		return item
	}
	item.FriendlyName = deref(p.FriendlyName)
	item.ProtectionState = deref(p.ProtectionState)
	item.ProtectionDescription = deref(p.ProtectionStateDescription)
	item.ReplicationHealth = deref(p.ReplicationHealth)
	item.ActiveLocation = deref(p.ActiveLocation)
	for _, op := range p.AllowedOperations {
		item.AllowedOperations = append(item.AllowedOperations, deref(op))
	}
	for _, e := range p.HealthErrors {
		item.HealthErrors = append(item.HealthErrors, inventory.HealthError{Code: deref(e.ErrorCode), Level: deref(e.ErrorLevel), Message: deref(e.ErrorMessage),
			PossibleCauses: deref(e.PossibleCauses), RecommendedAction: deref(e.RecommendedAction)})
	}
	switch d := p.ProviderSpecificDetails.(type) {
	case *asr.InMageAzureV2ReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSType = "InMageAzureV2", deref(d.DiscoveryType), deref(d.OSType)
		item.OSName = strings.TrimSpace(deref(d.OSName) + " " + deref(d.OSVersion))
		item.RecoveryVMName, item.RecoveryVMID = deref(d.RecoveryAzureVMName), deref(d.TargetVMID)
		item.RecoveryResourceGroup = resourceGroupOf(deref(d.RecoveryAzureResourceGroupID))
		item.MemoryMB = int64(deref(d.SourceVMRAMSizeInMB))
	case *asr.InMageReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSName = "InMage", deref(d.DiscoveryType), deref(d.OSVersion)
		item.ActiveSiteType = deref(d.ActiveSiteType)
		if os := d.OSDetails; os != nil {
			item.OSType = deref(os.OSType)
		}
		item.MemoryMB = int64(deref(d.SourceVMRAMSizeInMB))
	case *asr.InMageRcmReplicationDetails:
		item.InstanceType, item.DiscoveryType, item.OSType = "InMageRcm", deref(d.DiscoveryType), deref(d.OSType)
		item.RecoveryVMName = deref(d.TargetVMName)
		item.RecoveryResourceGroup = resourceGroupOf(deref(d.TargetResourceGroupID))
		item.MemoryMB = int64(deref(d.AllocatedMemoryInMB))
	case *asr.InMageRcmFailbackReplicationDetails:
		item.InstanceType, item.OSType = "InMageRcmFailback", deref(d.OSType)
		item.RecoveryVMID = deref(d.AzureVirtualMachineID)
		if id, err := arm.ParseResourceID(item.RecoveryVMID); err == nil {
			item.RecoveryVMName, item.RecoveryResourceGroup = id.Name, id.ResourceGroupName
		}
	case nil:
	default:
		item.InstanceType = deref(d.GetReplicationProviderSpecificSettings().InstanceType)
	}
	return item
}

// resourceGroupOf returns the resource group named by a resource group ID, or "".
func resourceGroupOf(id string) string {
	if id == "" {
		return ""
	}
	if rid, err := arm.ParseResourceID(id); err == nil {
		return rid.ResourceGroupName
	}
	return ""
}
