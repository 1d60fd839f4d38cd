package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(Replication{}) }

// Replication reports reprotected VMs whose replication back to on-premises is not ready for
// failback: initial replication unfinished on a disk, a resync required, a disk silent for long.
type Replication struct{}

// Info describes the check.
func (Replication) Info() Info {
	return Info{
		ID:     "asr.replication",
		Kind:   VMKind,
		Title:  "Replication back to on-premises finished initial replication on every disk and needs no resync",
		Phases: []Phase{Failback},
		Needs:  []inventory.Part{Azure, Vault},
		Cause:  "Failback (a planned failover back to VMware) needs the reprotected item's initial replication complete on every disk and no resync pending; Site Recovery checks this only once the failback job has started. A modernized item's disks come from its GET (the listing carries none); its item-level initial replication progress and resync state from either.",
		Fix:    "Wait for initial replication to finish (the data pending drains through the appliance), or resolve the resync; then fail back.",
		DocURL: docModernized,
	}
}

// staleSync is how old a disk's last sync may be before it warns.
const staleSync = time.Hour

// Run reads each reprotected item's disks and resync state.
func (Replication) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		it := vm.Item
		if !it.Reverse() {
			return []Result{{Target: vm.Name, Status: Skip, Message: fmt.Sprintf("%s is not reprotected (see asr.protected-item)", vm.Name)}}
		}
		r := Result{Target: vm.Name, Status: Pass}
		var problems []string
		add := func(st Status, format string, args ...any) {
			r.Status = worst(r.Status, st)
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		var pending, stale []string
		for _, d := range it.Disks {
			switch {
			case d.ResyncRequired:
				pending = append(pending, d.Name+" needs a resync")
			case d.InitialReplicationDone != nil && !*d.InitialReplicationDone:
				pending = append(pending, diskPending(d))
			case strings.Contains(strings.ToLower(d.Stage), "resync"):
				pending = append(pending, fmt.Sprintf("%s is still resyncing (%s)", d.Name, d.Stage))
			case !d.LastSync.IsZero() && s.CollectedAt.Sub(d.LastSync) > staleSync:
				stale = append(stale, fmt.Sprintf("%s last synced %s ago", d.Name, ago(s.CollectedAt.Sub(d.LastSync))))
			}
		}
		overall := it.InitialReplicationPercent != nil && *it.InitialReplicationPercent < 100 || strings.EqualFold(it.InitialReplicationHealth, "InProgress")
		switch {
		case len(pending) > 0:
			msg := "initial replication is not finished: " + strings.Join(pending, "; ")
			r.Short = fmt.Sprintf("initial replication not finished on %d disk(s)", len(pending))
			if p := it.InitialReplicationPercent; p != nil {
				msg += fmt.Sprintf(" (%d%% overall)", *p)
				r.Short += fmt.Sprintf(", %d%% overall", *p)
			}
			add(Fail, "%s", msg)
		case overall:
			add(Fail, "reprotect is still replicating: %s (initial replication %s)", percent(it.InitialReplicationPercent), it.InitialReplicationHealth)
		}
		switch {
		case it.ResyncRequired:
			add(Fail, "Site Recovery requires a resync of the item")
		case it.ResyncState != "" && it.ResyncState != "None":
			add(Fail, "a resync is under way (%s)", it.ResyncState)
		}
		if len(stale) > 0 {
			add(Warn, "%s", strings.Join(stale, "; "))
		}
		if it.LastPlannedFailover == "Failed" {
			add(Warn, "the last planned failover failed: read its job in the vault before trying again")
		}
		unknown := Error // a disk that cannot be judged: error, unless the item already fails
		if r.Status == Fail {
			unknown = Fail
		}
		switch {
		case it.DetailError != "":
			add(unknown, "its disks are unknown: %s", it.DetailError)
		case !it.DisksKnown():
			add(unknown, "its disks are unknown: the item was only listed, and Site Recovery's listing carries no disks of modernized items")
		case it.Modernized() && len(it.Disks) == 0:
			add(Warn, "Site Recovery's GET of the item lists no protected disk")
		}
		if len(problems) > 0 {
			r.Message = fmt.Sprintf("%s: %s", vm.Name, strings.Join(problems, "; "))
			return []Result{r}
		}
		r.Message = fmt.Sprintf("%s: initial replication complete on all %d disk(s), no resync required", vm.Name, len(it.Disks))
		if len(it.Disks) == 0 {
			r.Message = fmt.Sprintf("%s: no resync required (the classic item lists no disks)", vm.Name)
		}
		return []Result{r}
	})
}

// diskPending describes a disk still in initial replication.
func diskPending(d inventory.ProtectedDisk) string {
	text := fmt.Sprintf("%s has %.0f MB pending", d.Name, d.PendingMB)
	if d.ProgressPercent != nil {
		text += fmt.Sprintf(", %d%% done", *d.ProgressPercent)
	}
	return text
}
