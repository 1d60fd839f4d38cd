package inventory

import (
	"slices"
	"strings"
	"time"
)

// Azure is what was read of the Azure half of a failback.
type Azure struct {
	SubscriptionID string `json:"subscriptionId"`
	// VMs holds every VM of the subscription (power state from one listing), with size, OS and
	// memory for those in the plan's resource groups.
	VMs []AzureVM `json:"vms"`
	// ProtectedItems are the vault's replication protected items, when a vault was named.
	ProtectedItems []ProtectedItem `json:"protectedItems,omitempty"`
	// Fabrics are the vault's fabrics, when asked for.
	Fabrics *Fabrics `json:"fabrics,omitempty"`
	// RecoveryPlans are the vault's recovery plans, when the plan names any.
	RecoveryPlans []RecoveryPlan `json:"recoveryPlans,omitempty"`
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
	// DataDisks is how many data disks it has (besides its OS disk); nil when not read.
	DataDisks *int `json:"dataDisks,omitempty"`
}

// ProtectedItem is what Site Recovery knows of one protected machine.
type ProtectedItem struct {
	ID                    string        `json:"id,omitempty"`
	Name                  string        `json:"name"`
	FriendlyName          string        `json:"friendlyName"` // the on-premises machine's name
	ProtectionState       string        `json:"protectionState"`
	ProtectionDescription string        `json:"protectionDescription,omitempty"`
	ReplicationHealth     string        `json:"replicationHealth"`        // Normal, Warning, Critical
	FailoverHealth        string        `json:"failoverHealth,omitempty"` // Normal, Warning, Critical: whether a failover would succeed
	ActiveLocation        string        `json:"activeLocation"`           // Primary or Recovery
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
	// Job is the job running on the item (its current scenario), "" when none; JobStarted when it began.
	Job          string    `json:"job,omitempty"`
	JobStarted   time.Time `json:"jobStarted,omitzero"`
	LastFailover time.Time `json:"lastFailover,omitzero"` // the last successful failover (or failback)
	// SourceUUID is the on-premises VM's vCenter instance UUID, from a modernized item's name
	// (vcenter…_<instanceUuid>): Site Recovery identifies the original by it, not by name.
	SourceUUID string `json:"sourceUuid,omitempty"`
	// VMID is the ID a recovery plan names the machine by (virtualMachineId): a modernized item's
	// internalIdentifier, a classic item's vmId. A plan's item ID can name the item otherwise than
	// the listing does (recorded: vcenter67_<uuid> in the plan, the friendly name in the listing).
	VMID string `json:"vmId,omitempty"`

	// What the item goes through: the process server (classic) or appliance (InMageRcm) it
	// replicated through, the classic master target, the appliance reprotected to (InMageRcmFailback).
	ProcessServerID    string `json:"processServerId,omitempty"`
	ProcessServerName  string `json:"processServerName,omitempty"`
	MasterTargetID     string `json:"masterTargetId,omitempty"`
	ReprotectAgentID   string `json:"reprotectAgentId,omitempty"`
	ReprotectAgentName string `json:"reprotectAgentName,omitempty"`

	// The Mobility agent: re-registered after failover (nil when not said), its last heartbeat.
	AgentRegistered *bool     `json:"agentRegistered,omitempty"`
	AgentHeartbeat  time.Time `json:"agentHeartbeat,omitzero"`
	AgentVersion    string    `json:"agentVersion,omitempty"`

	// The on-premises VM as Site Recovery last discovered it (modernized).
	DiscoveredVM *DiscoveredVM `json:"discoveredVm,omitempty"`

	// Where a reprotected modernized item fails back to.
	TargetVCenterID string `json:"targetVCenterId,omitempty"`
	TargetDatastore string `json:"targetDatastore,omitempty"`
	TargetVMName    string `json:"targetVmName,omitempty"`

	// Replication: the protected disks, initial replication, resync, the last planned failover.
	// A modernized item's listing leaves its disks empty: only its GET fills them (Detailed);
	// DetailError says why that GET failed.
	Detailed                  bool            `json:"detailed,omitempty"`
	DetailError               string          `json:"detailError,omitempty"`
	Disks                     []ProtectedDisk `json:"disks,omitempty"`
	InitialReplicationHealth  string          `json:"initialReplicationHealth,omitempty"`
	InitialReplicationPercent *int            `json:"initialReplicationPercent,omitempty"`
	ResyncRequired            bool            `json:"resyncRequired,omitempty"`
	ResyncState               string          `json:"resyncState,omitempty"`         // None, PreparedForResynchronization, StartedResynchronization
	LastPlannedFailover       string          `json:"lastPlannedFailover,omitempty"` // Succeeded, Failed, Cancelled, Unknown
}

// DiscoveredVM is the on-premises VM as Site Recovery last discovered it.
type DiscoveredVM struct {
	Datastores  []string `json:"datastores,omitempty"`
	PowerStatus string   `json:"powerStatus,omitempty"`
	Deleted     bool     `json:"deleted,omitempty"`
	VCenterID   string   `json:"vCenterId,omitempty"`
}

// ProtectedDisk is one disk of a protected item.
type ProtectedDisk struct {
	Name          string `json:"name"`
	CapacityBytes int64  `json:"capacityBytes,omitempty"`
	// InitialReplicationDone is nil when Site Recovery does not say.
	InitialReplicationDone *bool     `json:"initialReplicationDone,omitempty"`
	PendingMB              float64   `json:"pendingMB,omitempty"` // data pending in the log datastore and at the source agent
	ProgressPercent        *int      `json:"progressPercent,omitempty"`
	LastSync               time.Time `json:"lastSync,omitzero"`
	ResyncRequired         bool      `json:"resyncRequired,omitempty"`
	Stage                  string    `json:"stage,omitempty"` // classic: the disk's protection stage
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
	Replicating     Stage = "replicating"                // protected, replicating to Azure, never failed over
	FailedOver      Stage = "failed over"                // running in Azure after failover, committed or not: reprotect is next
	Reprotecting    Stage = "reprotecting"               // reprotected, initial replication back still running: failback waits for it
	Reprotected     Stage = "reprotected"                // replicating back to on-premises: failback is next
	FailbackPending Stage = "failed back, not committed" // a planned failover back finished: commit or cancel it
	FailedBack      Stage = "failed back"                // back on-premises after failback
	OtherStage      Stage = "other"                      // anything else: enabling failed, a job in progress…
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
	StateInitialReplication    = "InitialReplicationInProgress"
	StatePlannedCommitPending  = "CommitPendingStatesBegin" // after a planned failover ("Planned failover finished")
)

// Modernized reports whether the item belongs to the modernized architecture (InMageRcm,
// InMageRcmFailback) rather than the classic one (InMageAzureV2, InMage).
func (it ProtectedItem) Modernized() bool {
	return it.InstanceType == "InMageRcm" || it.InstanceType == "InMageRcmFailback"
}

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
	case it.Reverse() && state == StateInitialReplication:
		return Reprotecting
	case state == StatePlannedCommitPending: // only a failback is a planned failover for VMware items
		return FailbackPending
	}
	return OtherStage
}

// DisksKnown reports whether Disks holds the disks Site Recovery protects: always for a classic
// item, for a modernized one only once its GET was read (its listing leaves them empty).
func (it ProtectedItem) DisksKnown() bool { return !it.Modernized() || it.Detailed }

// FailoverCommitted reports whether a failed-over item's failover was committed; false while
// Site Recovery still allows Commit.
func (it ProtectedItem) FailoverCommitted() bool {
	return it.ProtectionState != StateFailoverCommitPending && !it.Allows(OpCommit)
}
