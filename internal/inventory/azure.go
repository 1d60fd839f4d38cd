package inventory

import (
	"slices"
	"strings"
)

// Azure is what was read of the Azure half of a failback.
type Azure struct {
	SubscriptionID string `json:"subscriptionId"`
	// VMs holds every VM of the subscription (power state from one listing), with size, OS and
	// memory for those in the plan's resource groups.
	VMs []AzureVM `json:"vms"`
	// ProtectedItems are the vault's replication protected items, when a vault was named.
	ProtectedItems []ProtectedItem `json:"protectedItems,omitempty"`
}

// AzureVM is an Azure virtual machine.
type AzureVM struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	ResourceGroup     string `json:"resourceGroup"`
	Location          string `json:"location"`
	PowerState        string `json:"powerState"`        // running, stopped, deallocated, starting…
	ProvisioningState string `json:"provisioningState"` // succeeded, failed…
	Detailed          bool   `json:"detailed"`          // size, OS and tags were read
	Size              string `json:"size,omitempty"`
	OSType            string `json:"osType,omitempty"`
	MemoryMB          int64  `json:"memoryMB,omitempty"`
}

// ProtectedItem is what Site Recovery knows of one protected machine.
type ProtectedItem struct {
	Name                  string        `json:"name"`
	FriendlyName          string        `json:"friendlyName"` // the on-premises machine's name
	ProtectionState       string        `json:"protectionState"`
	ProtectionDescription string        `json:"protectionDescription,omitempty"`
	ReplicationHealth     string        `json:"replicationHealth"` // Normal, Warning, Critical
	ActiveLocation        string        `json:"activeLocation"`    // Primary or Recovery
	AllowedOperations     []string      `json:"allowedOperations"`
	InstanceType          string        `json:"instanceType"`             // InMageAzureV2, InMage, InMageRcm, InMageRcmFailback
	ActiveSiteType        string        `json:"activeSiteType,omitempty"` // InMage only: OnPrem once failed back
	DiscoveryType         string        `json:"discoveryType,omitempty"`
	OSType                string        `json:"osType,omitempty"`
	OSName                string        `json:"osName,omitempty"`
	RecoveryVMName        string        `json:"recoveryVmName,omitempty"`
	RecoveryResourceGroup string        `json:"recoveryResourceGroup,omitempty"`
	RecoveryVMID          string        `json:"recoveryVmId,omitempty"`
	MemoryMB              int64         `json:"memoryMB,omitempty"`
	HealthErrors          []HealthError `json:"healthErrors,omitempty"`
}

// HealthError is a health error Site Recovery reports on an item.
type HealthError struct {
	Code              string `json:"code"`
	Level             string `json:"level,omitempty"` // Error, Warning or Info
	Message           string `json:"message"`
	PossibleCauses    string `json:"possibleCauses,omitempty"`
	RecommendedAction string `json:"recommendedAction,omitempty"`
}

// Stage is where a protected item stands in the cycle failover → reprotect → failback.
type Stage string

// The stages, told from the provider type, the protection state and the allowed operations as
// Site Recovery really reports them (modernized.md): never from the active location alone, which is
// Primary both before failover and after reprotect.
const (
	Replicating Stage = "replicating" // protected, replicating to Azure, never failed over
	FailedOver  Stage = "failed over" // running in Azure after failover, committed or not: reprotect is next
	Reprotected Stage = "reprotected" // replicating back to on-premises: failback is next
	FailedBack  Stage = "failed back" // back on-premises after failback
	OtherStage  Stage = "other"       // anything else: enabling failed, a job in progress…
)

// The Site Recovery operations and states the stages are told by.
const (
	OpSwitchProtection  = "SwitchProtection" // reprotect, for VMware items
	OpPlannedFailover   = "PlannedFailover"
	OpUnplannedFailover = "UnplannedFailover"
	OpCommit            = "Commit"

	StateProtected             = "Protected"
	StateFailoverCommitted     = "UnplannedFailoverCommitted"
	StateFailoverCommitPending = "UnplannedFailoverCommitPendingStatesBegin"
)

// Forward reports whether the item's provider replicates to Azure (InMageAzureV2, InMageRcm) rather
// than back to on-premises (InMage, InMageRcmFailback).
func (it ProtectedItem) Forward() bool {
	return it.InstanceType == "InMageAzureV2" || it.InstanceType == "InMageRcm"
}

// Reverse reports whether the item's provider replicates back to on-premises: a reprotected item.
func (it ProtectedItem) Reverse() bool {
	return it.InstanceType == "InMage" || it.InstanceType == "InMageRcmFailback"
}

// Allows reports whether Site Recovery allows the operation on the item now.
func (it ProtectedItem) Allows(op string) bool {
	return slices.ContainsFunc(it.AllowedOperations, func(o string) bool { return strings.EqualFold(o, op) })
}

// Stage tells where the item stands.
func (it ProtectedItem) Stage() Stage {
	state := it.ProtectionState
	switch {
	case it.Forward() && state == StateProtected:
		return Replicating
	case it.Forward() && (state == StateFailoverCommitted || state == StateFailoverCommitPending || it.Allows(OpSwitchProtection)):
		return FailedOver
	case it.InstanceType == "InMage" && state == StateFailoverCommitted && strings.EqualFold(it.ActiveSiteType, "OnPrem"):
		return FailedBack
	case it.Reverse() && state == StateProtected:
		return Reprotected
	}
	return OtherStage
}

// FailoverCommitted reports whether a failed-over item's failover was committed; false while
// Site Recovery still allows Commit.
func (it ProtectedItem) FailoverCommitted() bool {
	return it.ProtectionState != StateFailoverCommitPending && !it.Allows(OpCommit)
}
