package serve

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/asr-preflight/asr-preflight/internal/diff"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// job is one plan's runs for one phase.
type job struct {
	plan  string
	phase result.Phase
}

// past is a report of a job's history: what diff.Compare reads of it, and when it was made.
type past struct {
	at     time.Time
	report report.Report // diff.Essentials
}

// latest is what the last run of a job that produced a report found, and whether a run failed
// since.
type latest struct {
	report   report.Report
	failures map[[2]string]int // (check, code) → the report's failures; 0 with code "" for a check that did not fail
	at       time.Time         // when it ended
	failed   bool              // a later run produced no report: its VMs cannot be told ready
}

// failures counts a report's failures by check and ASR code, with a 0 under code "" for every
// check that did not fail, so that alerts see it pass.
func failures(rep report.Report) map[[2]string]int {
	n := map[[2]string]int{}
	failed := map[string]bool{}
	for _, r := range rep.Results {
		fails := r.Status == result.Fail && r.Waived == nil // a waived failure is set aside: see waived
		failed[r.Check] = failed[r.Check] || fails
		if fails {
			n[[2]string{r.Check, r.Code}]++
		}
	}
	for check, f := range failed {
		if !f {
			n[[2]string{check, ""}] = 0
		}
	}
	return n
}

// waived counts a report's results that a live waiver sets aside, by check, with a 0 for every
// other check of the report.
func waived(rep report.Report) map[string]int {
	n := map[string]int{}
	for _, r := range rep.Results {
		if _, seen := n[r.Check]; !seen {
			n[r.Check] = 0
		}
		if r.Waived != nil {
			n[r.Check]++
		}
	}
	return n
}

// state is what serve knows: the latest report of each job, the sources its runs read, and the
// metrics.
type state struct {
	c        Config
	mu       sync.Mutex
	latest   map[job]latest
	history  map[job][]past          // each job's reports of the last History, oldest first
	sources  map[job]map[string]bool // source (vcenter, azure, vault, appliance) → up, as the job's last run that read it found
	changed  map[job]time.Time       // when a verdict of the job last changed
	reg      *prometheus.Registry
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	updates  *prometheus.CounterVec

	// With the watch: the snapshot of each job's last run that produced a report, which the
	// watched vCenter state brings up to date; the watches, by vCenter, and their goroutines.
	bases    map[job]*inventory.Snapshot
	watches  map[watchKey]*watching
	planKeys map[string]watchKey // the vCenter each plan's watch follows
	watchers sync.WaitGroup
}

// The descriptions of the metrics computed from the latest reports at each scrape. Their label
// values come from the plan (plan files, phases, its VMs, the checks and their ASR codes), never
// from messages.
var (
	vmReady = prometheus.NewDesc("asr_preflight_vm_ready", "1 when the VM's verdict for the phase is ready (nothing fails, errs or warns for it); 0 otherwise (warn, blocked, unknown).",
		[]string{"plan", "phase", "vm"}, nil)
	vmVerdict = prometheus.NewDesc("asr_preflight_vm_verdict", "1 for the VM's current verdict (ready, warn, blocked, unknown), 0 for the others.",
		[]string{"plan", "phase", "vm", "verdict"}, nil)
	planReady = prometheus.NewDesc("asr_preflight_recovery_plan_ready", "1 when the recovery plan's verdict for the phase is ready (nothing fails, errs or warns for it or any of its VMs); 0 otherwise.",
		[]string{"plan", "phase", "recovery_plan"}, nil)
	planVerdict = prometheus.NewDesc("asr_preflight_recovery_plan_verdict", "1 for the recovery plan's current verdict (ready, warn, blocked, unknown), 0 for the others.",
		[]string{"plan", "phase", "recovery_plan", "verdict"}, nil)
	checkFailures = prometheus.NewDesc("asr_preflight_check_failures", "Failures of the check in the last run, by the ASR code they predict (\"\" for none).",
		[]string{"plan", "phase", "check", "code"}, nil)
	checkWaived = prometheus.NewDesc("asr_preflight_waived", "Failures, errors and warnings of the check in the last run that a live waiver sets aside (in no verdict and no other count).",
		[]string{"plan", "phase", "check"}, nil)
	sourceUp = prometheus.NewDesc("asr_preflight_source_up", "1 when the last run of each phase read the source (vcenter, azure, vault) or found the appliances healthy (appliance); 0 when one did not. Sources a plan does not use are left out.",
		[]string{"plan", "source"}, nil)
	lastChange = prometheus.NewDesc("asr_preflight_last_change_timestamp_seconds", "When a verdict (of a VM or a recovery plan) for the phase last changed, in seconds since the epoch: the first report counts as a change.",
		[]string{"plan", "phase"}, nil)
	lastRun = prometheus.NewDesc("asr_preflight_last_run_timestamp_seconds", "When the last run that produced a report ended, in seconds since the epoch.",
		[]string{"plan", "phase"}, nil)
	interval = prometheus.NewDesc("asr_preflight_run_interval_seconds", "The interval between runs (--interval).", nil, nil)
	build    = prometheus.NewDesc("asr_preflight_build_info", "The version of asr-preflight that serves the metrics.", []string{"version"}, nil)
)

func newState(c Config) *state {
	st := &state{c: c, latest: map[job]latest{}, history: map[job][]past{}, sources: map[job]map[string]bool{}, changed: map[job]time.Time{}, reg: prometheus.NewRegistry(),
		bases: map[job]*inventory.Snapshot{}, watches: map[watchKey]*watching{}, planKeys: map[string]watchKey{},
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "asr_preflight_vcenter_updates_total",
			Help: "Object updates the watch of the plan's vCenter applied (a VM created, renamed, destroyed, a host or datastore changed…)."},
			[]string{"plan"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "asr_preflight_runs_total",
			Help: "Runs, by result: pass, warn, fail (a check failed or could not be evaluated), error (the run itself failed)."},
			[]string{"plan", "phase", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "asr_preflight_run_duration_seconds",
			Help: "How long runs take, start to report.", Buckets: prometheus.ExponentialBuckets(0.1, 2, 14)}, // 0.1 s to 27 min
			[]string{"plan", "phase"}),
	}
	st.reg.MustRegister(st, st.runs, st.duration, st.updates, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return st
}

// finished records a run: its result and duration; its report, or, when it produced none (result
// "error"), that its VMs cannot be told ready; the sources it read.
func (st *state) finished(plan string, ph result.Phase, outcome string, took time.Duration, out *preflight.Outcome) {
	st.runs.WithLabelValues(label(plan), string(ph), outcome).Inc()
	st.duration.WithLabelValues(label(plan), string(ph)).Observe(took.Seconds())
	st.record(job{plan, ph}, out, outcome == "error", false)
}

// record keeps what a run, or a re-check on vCenter's changes (recheck), found: its report — or,
// when it produced none (failed), that the job's VMs cannot be told ready — the sources it read, and
// when a verdict last changed. A re-check is not a run: the last run's time stands.
func (st *state) record(j job, out *preflight.Outcome, failed, recheck bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if out != nil && out.Snapshot != nil {
		st.sources[j] = sources(out.Snapshot, out.Report, st.sources[j])
	}
	before, had := st.latest[j]
	switch {
	case out != nil && !failed:
		l := latest{report: out.Report, failures: failures(out.Report), at: time.Now()}
		if recheck {
			l.at = before.at
		}
		st.latest[j] = l
		st.remember(j, out.Report, time.Now())
		if st.c.Watch && !recheck {
			st.bases[j] = out.Snapshot
		}
	case had:
		before.failed = true
		st.latest[j] = before
		delete(st.bases, j) // nothing to bring up to date: the next run must
	default:
		delete(st.bases, j)
	}
	if now, ok := st.latest[j]; ok && (!had || !maps.Equal(verdicts(before), verdicts(now))) {
		st.changed[j] = time.Now()
	}
}

// maxHistory bounds a job's history whatever the pace of its reports (re-checks on vCenter's
// changes come as often as every second): the oldest go first.
const maxHistory = 2000

// remember adds a report made at now to the job's history — unless it says what the one before
// says: a report at or before a time is then the same — and forgets those older than History, but
// the newest of them, so that a time at the window's start still has a report at or before it.
func (st *state) remember(j job, rep report.Report, now time.Time) {
	if st.c.History <= 0 {
		return
	}
	e := diff.Essentials(rep)
	h := st.history[j]
	if n := len(h); n > 0 && same(h[n-1].report, e) {
		return
	}
	h = append(h, past{at: now, report: e})
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	old := 0
	for old+1 < len(h) && h[old+1].at.Before(now.Add(-st.c.History)) {
		old++
	}
	st.history[j] = slices.Clip(h[old:])
}

// same tells whether two reports' essentials say the same: no verdict or problem changed.
func same(a, b report.Report) bool {
	d := diff.Compare(a, b)
	return len(d.VMs)+len(d.RecoveryPlans)+len(d.New)+len(d.Changed)+len(d.Resolved) == 0
}

// since is the job's report at or before t from its history, and the oldest time the history
// holds.
func (st *state) since(j job, t time.Time) (report.Report, bool, time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	h := st.history[j]
	if len(h) == 0 {
		return report.Report{}, false, time.Time{}
	}
	for i := len(h) - 1; i >= 0; i-- {
		if !h[i].at.After(t) {
			return h[i].report, true, h[0].at
		}
	}
	return report.Report{}, false, h[0].at
}

// sources says which sources a run read were up. A source the run could not reach because Azure
// was down — the vault, the appliances, when the plan uses them — is down too, not left out.
func sources(s *inventory.Snapshot, rep report.Report, before map[string]bool) map[string]bool {
	up := map[string]bool{}
	for source, part := range map[string]inventory.Part{"vcenter": inventory.VCenterPart, "azure": inventory.AzurePart, "vault": inventory.VaultPart} {
		switch st, asked := s.Parts[part]; {
		case !asked || st.NotConfigured != "":
		default:
			up[source] = st.Collected
		}
	}
	// The appliances (or classic servers) the plan's VMs go through: up when the vault's fabrics
	// were read and none of them fails or is unknown.
	var servers, unhealthy bool
	for _, r := range rep.Results {
		switch r.Kind {
		case result.ApplianceKind, result.ConfigServerKind, result.ProcessServerKind, result.MasterTargetKind:
			if r.Check == "asr.appliance" {
				servers = true
				unhealthy = unhealthy || r.Status == result.Fail || r.Status == result.Error
			}
		}
	}
	if fabrics, asked := s.Parts[inventory.FabricsPart]; servers || asked && fabrics.Error != "" {
		up["appliance"] = fabrics.Collected && !unhealthy
	}
	if plans := s.Parts[inventory.RecoveryPlansPart]; plans.Error != "" {
		up["vault"] = false // its recovery plans could not be read
	}
	if azure, asked := s.Parts[inventory.AzurePart]; asked && azure.Error != "" {
		if s.Plan != nil && s.Plan.FromVault() {
			up["vault"] = false
		}
		if _, used := before["appliance"]; used {
			up["appliance"] = false
		}
	}
	return up
}

// Describe sends the descriptions of the metrics computed at each scrape.
func (st *state) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{vmReady, vmVerdict, planReady, planVerdict, checkFailures, checkWaived, sourceUp, lastRun, lastChange, interval, build} {
		ch <- d
	}
}

// Collect computes the metrics of the latest reports.
func (st *state) Collect(ch chan<- prometheus.Metric) {
	st.mu.Lock()
	defer st.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		for i := range labels {
			labels[i] = label(labels[i])
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(interval, st.c.Interval.Seconds())
	gauge(build, 1, st.c.Version)
	for j, l := range st.latest {
		ph := string(j.phase)
		gauge(lastRun, float64(l.at.UnixMilli())/1000, j.plan, ph)
		gauge(lastChange, float64(st.changed[j].UnixMilli())/1000, j.plan, ph)
		verdicts := func(name string, verdict result.Verdict, ready, family *prometheus.Desc) {
			if l.failed {
				verdict = result.Unknown
			}
			gauge(ready, bool01(verdict == result.Ready), j.plan, ph, name)
			for _, v := range result.Verdicts {
				gauge(family, bool01(verdict == v), j.plan, ph, name, string(v))
			}
		}
		for _, vm := range l.report.VMs {
			verdicts(vm.Name, vm.Verdict, vmReady, vmVerdict)
		}
		for _, p := range l.report.RecoveryPlans {
			verdicts(p.Name, p.Verdict, planReady, planVerdict)
		}
		if l.failed {
			continue // its failures are those of a report that no longer stands
		}
		for k, n := range l.failures {
			gauge(checkFailures, float64(n), j.plan, ph, k[0], k[1])
		}
		for check, n := range waived(l.report) {
			gauge(checkWaived, float64(n), j.plan, ph, check)
		}
	}
	merged := map[string]map[string]bool{} // plan → source → up in the last run of each phase that read it
	for j, ss := range st.sources {
		if merged[j.plan] == nil {
			merged[j.plan] = map[string]bool{}
		}
		for source, up := range ss {
			was, seen := merged[j.plan][source]
			merged[j.plan][source] = up && (was || !seen)
		}
	}
	for plan, ss := range merged {
		for source, up := range ss {
			gauge(sourceUp, bool01(up), plan, source)
		}
	}
}

// label is a label value: Prometheus takes UTF-8 only (a plan path need not be).
func label(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ready reports whether every job has a report, and lists those that have none yet.
func (st *state) ready() (bool, []job) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var waiting []job
	for _, p := range st.c.Plans {
		for _, ph := range st.c.Phases {
			if _, ok := st.latest[job{p, ph}]; !ok {
				waiting = append(waiting, job{p, ph})
			}
		}
	}
	return len(waiting) == 0, waiting
}

// reportOf is the latest report of a job.
func (st *state) reportOf(j job) (report.Report, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.latest[j]
	return l.report, ok
}
