// Package inventory is the plain, JSON-serialisable data the collectors fill and the checks read:
// what vCenter and Azure hold, what the probes found, and which parts were collected and why the
// others are missing. A saved Snapshot can be analysed again anywhere, offline.
package inventory

import (
	"time"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// SnapshotVersion is the version of the snapshot file format; a newer one is refused.
const SnapshotVersion = 1

// Snapshot is everything collected for one run.
type Snapshot struct {
	SnapshotVersion int       `json:"snapshotVersion"`
	Tool            string    `json:"tool"`
	ToolVersion     string    `json:"toolVersion"`
	CollectedAt     time.Time `json:"collectedAt"` // the "now" of time-dependent verdicts, live or replayed
	// VCenterAddress is the host:port the vCenter inventory was read from, for reports.
	VCenterAddress string       `json:"vcenterAddress,omitempty"`
	Phase          result.Phase `json:"phase"`
	Plan           *plan.Plan   `json:"plan"` // as resolved: the VMs checked, with what the vault filled in
	Parts          Parts        `json:"parts"`
	VCenter        *VCenter     `json:"vcenter,omitempty"`
	Azure          *Azure       `json:"azure,omitempty"`
	Probes         Probes       `json:"probes"`
}

// Part names a piece of the inventory that checks may need.
type Part string

// The parts. The vcenter/ and azure/ ones are optional parts of their source, collected only when
// a selected check needs them.
const (
	VCenterPart       Part = "vcenter"                    // hosts, datastores, VMs
	VMDetailsPart     Part = "vcenter/details"            // the master target's devices, snapshots, VMware Tools
	GuestNetPart      Part = "vcenter/guest-network"      // the guest network of the plan's Linux VMs
	LicensesPart      Part = "vcenter/licenses"           // host licence assignments
	PrivilegesPart    Part = "vcenter/privileges"         // the account's privileges on the target objects
	AzurePart         Part = "azure"                      // the subscription's VMs
	VaultPart         Part = "azure/vault"                // the vault's protected items
	FabricsPart       Part = "azure/fabrics"              // the vault's fabrics: appliances, classic servers
	RecoveryPlansPart Part = "azure/recovery-plans"       // the vault's recovery plans
	ConfigServerPart  Part = "probe/configuration-server" // TCP and TLS to the configuration server, from where the tool runs
	GuestPart         Part = "probe/guest"                // the opt-in probe inside the Azure VMs (--probe-guest)
)

// State is what became of one part: collected, not asked for (and why), or failed (and why).
type State struct {
	Collected     bool   `json:"collected"`
	NotConfigured string `json:"notConfigured,omitempty"` // why nothing is asked of it: its checks skip
	Error         string `json:"error,omitempty"`         // why it could not be collected: its checks report error
}

// Parts records the state of every part a run asked for or decided against.
type Parts map[Part]State

// Collect records a part as collected.
func (p Parts) Collect(part Part) { p[part] = State{Collected: true} }

// Fail records why a part could not be collected.
func (p Parts) Fail(part Part, err error) { p[part] = State{Error: err.Error()} }

// Skip records why nothing is asked of a part.
func (p Parts) Skip(part Part, why string) { p[part] = State{NotConfigured: why} }
