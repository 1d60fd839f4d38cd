// Package checks holds the preflight checks, their registry, the concurrent runner and the catalog
// of ASR error codes. A check is a pure function of the collected snapshot.
package checks

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

// Phase is the ASR job a run prepares for.
type Phase string

// The phases a check can belong to.
const (
	Reprotect Phase = "reprotect"
	Failback  Phase = "failback"
)

// Source is a system a check reads collected data from.
type Source string

// The sources collectors produce. The vcenter/ parts are optional parts of the vCenter inventory,
// collected only when a selected check needs them.
const (
	VCenter    Source = "vcenter"            // hosts, datastores, VMs
	VMDetails  Source = "vcenter/details"    // devices, snapshots, guest network of plan VMs and master target
	Licenses   Source = "vcenter/licenses"   // host licence assignments
	Privileges Source = "vcenter/privileges" // the account's privileges on the target objects
	Azure      Source = "azure"              // the subscription's VMs
	Vault      Source = "azure/vault"        // the vault's protected items
	Guest      Source = "guest"              // the opt-in probe inside the Azure VMs (--probe-guest)
)

// Status is the outcome of a check for one target.
type Status string

// The outcomes, from best to worst.
const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Error Status = "error"
	Skip  Status = "skip"
)

// Info describes a check: its stable ID (also the key for --only, --skip and --ignore), where it
// applies, what it needs, and the catalog text shown by explain.
type Info struct {
	ID     string
	Title  string
	Code   string // ASR error code the check predicts, "" if none
	Phases []Phase
	Needs  []Source
	Cause  string
	Fix    string
	DocURL string
}

// Check is one preflight check.
type Check interface {
	Info() Info
	// Run evaluates the check on the snapshot and returns one result per target. It is called only
	// when every source in Info().Needs was collected.
	Run(ctx context.Context, s *Snapshot) []Result
}

// Snapshot is everything the collectors gathered for one run.
type Snapshot struct {
	Phase   Phase              `json:"phase"`
	Plan    *plan.Plan         `json:"plan"`
	VCenter *vcenter.Inventory `json:"vcenter,omitempty"`
	Azure   *azure.Inventory   `json:"azure,omitempty"`
	// Network probes live reachability, and Guest (opt-in, nil unless asked for) runs a probe
	// inside Azure VMs: the only things a check may do beyond reading the snapshot.
	Network Prober      `json:"-"`
	Guest   GuestProber `json:"-"`
	// Errors says why a source could not be collected; its checks report error with this reason.
	Errors map[Source]error `json:"-"`
	// NotConfigured says why the plan asks nothing of a source (or part); its checks report skip.
	NotConfigured map[Source]string `json:"-"`
}

// Result is the outcome of one check for one target.
type Result struct {
	Check   string `json:"check"`
	Target  string `json:"target"`
	Status  Status `json:"status"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	DocURL  string `json:"docUrl"`
	Ignored bool   `json:"ignored,omitempty"`
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
	all := make([]Check, 0, len(registry))
	for _, c := range registry {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Info().ID < all[j].Info().ID })
	return all
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	c, ok := registry[id]
	return c, ok
}

// IDs returns every registered check ID, sorted.
func IDs() []string {
	ids := make([]string, 0, len(registry))
	for id := range registry {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
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

// Needs reports whether any of the checks needs the source.
func Needs(cs []Check, src Source) bool {
	for _, c := range cs {
		if slices.Contains(c.Info().Needs, src) {
			return true
		}
	}
	return false
}
