package serve

import (
	"context"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// How long a burst of vCenter changes may last before the checks run again: once no change came
// for Quiet, and at most Settle after the first.
const (
	Quiet  = 200 * time.Millisecond
	Settle = time.Second
)

// watchKey tells vCenters apart: plans that read the same datacenter as the same account share
// one watch.
type watchKey struct {
	url, user, password, datacenter, ca, thumbprint string
	insecure                                        bool
}

// watching is a running watch, and what stops it.
type watching struct {
	w      *vcenter.Watch
	cancel context.CancelFunc
}

// watchOf returns the watch of the vCenter a plan's runs read, started on first use; nil when the
// plan reads no vCenter. A watch no plan reads any more (its password rotated, its URL changed) is
// stopped.
func (st *state) watchOf(ctx context.Context, plan string) *vcenter.Watch {
	cfg, err := preflight.Resolve(st.c.Input(plan, st.c.Phases[0]))
	st.mu.Lock()
	defer st.mu.Unlock()
	old, had := st.planKeys[plan]
	if err != nil || cfg.VCenter == nil {
		if had {
			delete(st.planKeys, plan)
			st.release(old)
		}
		return nil
	}
	v := cfg.VCenter
	k := watchKey{v.URL, v.Username, v.Password, v.Datacenter, v.CAFile, v.Thumbprint, v.Insecure}
	st.planKeys[plan] = k
	if had && old != k {
		st.release(old)
	}
	if x := st.watches[k]; x != nil {
		return x.w
	}
	w := vcenter.NewWatch(*v, vcenter.WatchOptions{Timeout: cfg.Timeout, Log: st.c.Log})
	wctx, cancel := context.WithCancel(ctx)
	st.watches[k] = &watching{w, cancel}
	st.watchers.Go(func() { w.Run(wctx) })
	return w
}

// release stops the watch of the key once no plan reads that vCenter. st.mu is held.
func (st *state) release(k watchKey) {
	for _, used := range st.planKeys {
		if used == k {
			return
		}
	}
	if x := st.watches[k]; x != nil {
		x.cancel()
		delete(st.watches, k)
	}
}

// follow has the watch read in full the VMs the plan's last runs read in full.
func (st *state) follow(plan string, w *vcenter.Watch) {
	for _, ph := range st.c.Phases {
		st.mu.Lock()
		base := st.bases[job{plan, ph}]
		st.mu.Unlock()
		if base != nil && base.VCenter != nil {
			w.Follow(base.VCenter.Detailed)
		}
	}
}

// compare compares a run's full read, just made, with the watched state: they must not differ (a
// change that lands during the read may).
func (st *state) compare(plan string, ph result.Phase, w *vcenter.Watch) {
	s := w.State()
	st.mu.Lock()
	base := st.bases[job{plan, ph}]
	st.mu.Unlock()
	if !s.Up || s.Inventory == nil || base == nil || base.VCenter == nil {
		return
	}
	if d := vcenter.Differences(s.Inventory, base.VCenter); len(d) > 0 {
		st.c.Log.Warn("a full vCenter read differed from the watched state", "plan", plan, "phase", string(ph), "differences", len(d), "first", strings.Join(d[:min(3, len(d))], "; "))
	}
}

// settle waits for a burst of changes to end: Quiet without one, or Settle in all. It returns false
// when ctx ends.
func settle(ctx context.Context, w *vcenter.Watch) bool {
	limit := time.After(Settle)
	for {
		select {
		case <-ctx.Done():
			return false
		case <-limit:
			return true
		case <-w.Changed():
		case <-time.After(Quiet):
			return true
		}
	}
}

// recheck runs the plan's checks again, for every phase, on its last runs' snapshots brought up
// to date with the watched state; with the watch down, it marks vCenter down. It returns the
// watch's update count, for the next.
func (st *state) recheck(ctx context.Context, plan string, s vcenter.WatchState, seen uint64) uint64 {
	if s.Updates > seen {
		st.updates.WithLabelValues(label(plan)).Add(float64(s.Updates - seen))
	}
	for _, ph := range st.c.Phases {
		j := job{plan, ph}
		st.mu.Lock()
		base := st.bases[j] // none after a run that failed: its verdicts stay unknown
		if !s.Up && st.sources[j] != nil {
			st.sources[j]["vcenter"] = false
		}
		st.mu.Unlock()
		// The watch must read what the run read: the plan's VMs, their originals… in full.
		if !s.Up || s.Inventory == nil || base == nil || !base.Parts[inventory.VCenterPart].Collected ||
			!s.Inventory.Detailed.Covers(base.VCenter.Detailed) {
			continue
		}
		start := time.Now()
		out, err := preflight.Recheck(ctx, st.c.Input(plan, ph), base, s.Inventory)
		if ctx.Err() != nil {
			return s.Updates
		}
		if err != nil {
			st.c.Log.Error("re-check on vCenter changes", "plan", plan, "phase", string(ph), "error", err.Error())
			continue
		}
		st.record(j, out, false, true)
		st.c.Log.Info("re-checked on vCenter changes", append([]any{"plan", plan, "phase", string(ph), "duration", time.Since(start).Round(time.Millisecond).String()}, counts(out)...)...)
	}
	return s.Updates
}

// verdicts are a report's verdicts, VMs' and recovery plans', by name: what a change of is a
// change for asr_preflight_last_change_timestamp_seconds.
func verdicts(l latest) map[string]result.Verdict {
	out := map[string]result.Verdict{}
	for _, vm := range l.report.VMs {
		out["vm/"+vm.Name] = vm.Verdict
	}
	for _, p := range l.report.RecoveryPlans {
		out["plan/"+p.Name] = p.Verdict
	}
	if l.failed {
		for k := range out {
			out[k] = result.Unknown
		}
	}
	return out
}
