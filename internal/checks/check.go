// Package checks holds the preflight checks, their registry, the concurrent runner and the catalog
// of ASR error codes. A check is a pure function of the collected snapshot and the facts derived
// from it: it imports no collector and no SDK.
package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// The result types, under the names the checks use.
type (
	Phase  = result.Phase
	Status = result.Status
	Result = result.Result
	Kind   = result.Kind
)

// The kinds of target, the phases and the statuses.
const (
	VMKind            = result.VMKind
	HostKind          = result.HostKind
	DatastoreKind     = result.DatastoreKind
	DatacenterKind    = result.DatacenterKind
	VCenterKind       = result.VCenterKind
	ApplianceKind     = result.ApplianceKind
	ConfigServerKind  = result.ConfigServerKind
	ProcessServerKind = result.ProcessServerKind
	MasterTargetKind  = result.MasterTargetKind
	CheckKind         = result.CheckKind
	RecoveryPlanKind  = result.RecoveryPlanKind

	Reprotect = result.Reprotect
	Failback  = result.Failback
	Pass      = result.Pass
	Warn      = result.Warn
	Fail      = result.Fail
	Error     = result.Error
	Skip      = result.Skip
)

// The inventory parts checks name in Info.Needs.
const (
	VCenter       = inventory.VCenterPart
	VMDetails     = inventory.VMDetailsPart
	GuestNet      = inventory.GuestNetPart
	Licenses      = inventory.LicensesPart
	Privileges    = inventory.PrivilegesPart
	Azure         = inventory.AzurePart
	Vault         = inventory.VaultPart
	Fabrics       = inventory.FabricsPart
	RecoveryPlans = inventory.RecoveryPlansPart
	ConfigServer  = inventory.ConfigServerPart
	Guest         = inventory.GuestPart
)

// Info describes a check: its stable ID (also the key for --only, --skip and --ignore), where it
// applies, what it needs, and the catalog text shown by explain.
type Info struct {
	ID     string
	Title  string
	Kind   Kind   // what its results' targets are, unless a result says otherwise
	Code   string // ASR error code the check predicts, "" if none
	Phases []Phase
	Needs  []inventory.Part // the runner gives the check a skip or an error without running it when one is missing
	Cause  string
	Fix    string
	DocURL string
	// ModernizedDocURL is the documentation for a modernized machine's result, when DocURL is
	// written for classic and the check's code does not say (see DocFor).
	ModernizedDocURL string
}

// DocFor is the documentation of the check's results for an architecture: for a modernized
// machine, ModernizedDocURL, else its code's modernized page, else DocURL.
func (i Info) DocFor(modernized bool) string {
	switch e, coded := Codes[i.Code]; {
	case !modernized:
		return i.DocURL
	case i.ModernizedDocURL != "":
		return i.ModernizedDocURL
	case coded:
		return e.For(true).DocURL
	}
	return i.DocURL
}

// Check is one preflight check.
type Check interface {
	Info() Info
	// Run evaluates the check and returns one result per target. It is called only when every
	// part in Info().Needs was collected; it does no I/O.
	Run(s *Input) []Result
}

// Input is what a check evaluates: the snapshot, and the facts derived from it once per run.
type Input struct {
	*inventory.Snapshot
	Facts *derive.Facts
}

var registry = map[string]Check{}

// Register adds a check to the registry. It panics on a duplicate ID.
func Register(c Check) {
	id := c.Info().ID
	if _, dup := registry[id]; dup {
		panic(fmt.Sprintf("checks: duplicate check ID %q", id))
	}
	registry[id] = c
}

// All returns every registered check, sorted by ID.
func All() []Check {
	ids := IDs()
	all := make([]Check, len(ids))
	for i, id := range ids {
		all[i] = registry[id]
	}
	return all
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	c, ok := registry[id]
	return c, ok
}

// IDs returns every registered check ID, sorted.
func IDs() []string {
	return slices.Sorted(maps.Keys(registry))
}

// Validate returns an error naming the valid IDs if any of ids is not a registered check.
func Validate(ids []string) error {
	for _, id := range ids {
		if _, ok := registry[id]; !ok {
			return fmt.Errorf("unknown check %q; valid checks: %s", id, strings.Join(IDs(), ", "))
		}
	}
	return nil
}

// ForPhase returns the checks of a phase, narrowed to only when only is not empty.
func ForPhase(phase Phase, only []string) []Check {
	var out []Check
	for _, c := range All() {
		info := c.Info()
		if slices.Contains(info.Phases, phase) && (len(only) == 0 || slices.Contains(only, info.ID)) {
			out = append(out, c)
		}
	}
	return out
}

// Needs reports whether any of the checks needs the part.
func Needs(cs []Check, part inventory.Part) bool {
	for _, c := range cs {
		if slices.Contains(c.Info().Needs, part) {
			return true
		}
	}
	return false
}
