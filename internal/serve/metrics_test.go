package serve

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// TestMetrics: the metrics of two phases' reports — verdicts, failures by code, sources merged
// over the phases — and nothing from messages.
func TestMetrics(t *testing.T) {
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: result.Phases, Interval: time.Minute, Version: "1.2.3"})
	parts := func(fabrics bool) inventory.Parts {
		p := inventory.Parts{}
		p.Collect(inventory.VCenterPart)
		p.Collect(inventory.AzurePart)
		p.Collect(inventory.VaultPart)
		if fabrics {
			p.Collect(inventory.FabricsPart)
		} else {
			p.Fail(inventory.FabricsPart, errSample)
		}
		return p
	}
	outcome := func(vms []result.VM, results []result.Result, p inventory.Parts) *preflight.Outcome {
		return &preflight.Outcome{Report: report.Report{VMs: vms, Results: results}, Snapshot: &inventory.Snapshot{Parts: p}}
	}
	st.finished("p.yaml", result.Reprotect, "fail", 2*time.Second, outcome(
		[]result.VM{{Name: "web01", Verdict: result.Ready}, {Name: "db01", Verdict: result.Blocked}},
		[]result.Result{
			{Check: "vm.name-collision", Target: "db01", Kind: result.VMKind, Status: result.Fail, Code: "78052", Message: "db01 (vm-48) collides"},
			{Check: "vm.name-collision", Target: "web01", Kind: result.VMKind, Status: result.Pass},
			{Check: "asr.appliance", Target: "app01", Kind: result.ApplianceKind, Status: result.Pass},
		}, parts(true)))
	st.finished("p.yaml", result.Failback, "error", time.Second, nil) // a run that produced no report
	st.finished("p.yaml", result.Failback, "warn", time.Second, outcome(
		[]result.VM{{Name: "web01", Verdict: result.Warned}},
		[]result.Result{{Check: "esxi.memory", Target: "esx01", Kind: result.HostKind, Status: result.Warn}}, parts(false)))

	want := `
# HELP asr_preflight_check_failures Failures of the check in the last run, by the ASR code they predict ("" for none).
# TYPE asr_preflight_check_failures gauge
asr_preflight_check_failures{check="asr.appliance",code="",phase="reprotect",plan="p.yaml"} 0
asr_preflight_check_failures{check="esxi.memory",code="",phase="failback",plan="p.yaml"} 0
asr_preflight_check_failures{check="vm.name-collision",code="78052",phase="reprotect",plan="p.yaml"} 1
` + sourcesAndReady("0 1 1 1", "0 0 1") + `# HELP asr_preflight_runs_total Runs, by result: pass, warn, fail (a check failed or could not be evaluated), error (the run itself failed).
# TYPE asr_preflight_runs_total counter
asr_preflight_runs_total{phase="failback",plan="p.yaml",result="error"} 1
asr_preflight_runs_total{phase="failback",plan="p.yaml",result="warn"} 1
asr_preflight_runs_total{phase="reprotect",plan="p.yaml",result="fail"} 1
`
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(want), "asr_preflight_check_failures", "asr_preflight_source_up",
		"asr_preflight_vm_ready", "asr_preflight_runs_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(st, "asr_preflight_vm_verdict"); n != 12 {
		t.Errorf("%d verdict series, want 4 for each of the 3 VMs", n)
	}
	if ready, waiting := st.ready(); !ready || len(waiting) != 0 {
		t.Errorf("ready %v, waiting %v", ready, waiting)
	}

	// Then a run of reprotect finds the vault unreachable and gives no report: its VMs are unknown,
	// its failures gone, and the vault and the appliances down with Azure.
	down := inventory.Parts{}
	down.Fail(inventory.AzurePart, errSample)
	vaultPlan := &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "rg", Name: "v"}}}
	st.finished("p.yaml", result.Reprotect, "error", time.Second, &preflight.Outcome{Snapshot: &inventory.Snapshot{Parts: down, Plan: vaultPlan}})
	want = `
` + sourcesAndReady("0 0 0 1", "0 0 0") + ``
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(want), "asr_preflight_source_up", "asr_preflight_vm_ready"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(st, "asr_preflight_check_failures"); n != 1 {
		t.Errorf("%d failure series, want failback's one: reprotect's report no longer stands", n)
	}
	if n, _ := testutil.GatherAndCount(st.reg, "asr_preflight_vm_verdict"); n != 12 {
		t.Errorf("%d verdict series", n)
	}
}

// TestRecoveryPlanMetrics: a recovery plan's ready gauge and verdict family, per plan file and phase;
// unknown once a later run gave no report.
func TestRecoveryPlanMetrics(t *testing.T) {
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: result.Phases, Interval: time.Minute})
	st.finished("p.yaml", result.Failback, "fail", time.Second, &preflight.Outcome{Report: report.Report{
		VMs:           []result.VM{{Name: "web01", Verdict: result.Ready}, {Name: "db01", Verdict: result.Blocked}},
		RecoveryPlans: []result.RecoveryPlan{{Name: "RP-Web", Verdict: result.Ready}, {Name: "RP-Finance", Verdict: result.Blocked}}}, Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}})
	ready := func(web, finance int) string {
		return fmt.Sprintf(`# HELP asr_preflight_recovery_plan_ready 1 when the recovery plan's verdict for the phase is ready (nothing fails, errs or warns for it or any of its VMs); 0 otherwise.
# TYPE asr_preflight_recovery_plan_ready gauge
asr_preflight_recovery_plan_ready{phase="failback",plan="p.yaml",recovery_plan="RP-Finance"} %d
asr_preflight_recovery_plan_ready{phase="failback",plan="p.yaml",recovery_plan="RP-Web"} %d
`, finance, web)
	}
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(ready(1, 0)), "asr_preflight_recovery_plan_ready"); err != nil {
		t.Error(err)
	}
	verdict := `# HELP asr_preflight_recovery_plan_verdict 1 for the recovery plan's current verdict (ready, warn, blocked, unknown), 0 for the others.
# TYPE asr_preflight_recovery_plan_verdict gauge
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Finance",verdict="blocked"} 1
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Finance",verdict="ready"} 0
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Finance",verdict="unknown"} 0
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Finance",verdict="warn"} 0
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Web",verdict="blocked"} 0
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Web",verdict="ready"} 1
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Web",verdict="unknown"} 0
asr_preflight_recovery_plan_verdict{phase="failback",plan="p.yaml",recovery_plan="RP-Web",verdict="warn"} 0
`
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(verdict), "asr_preflight_recovery_plan_verdict"); err != nil {
		t.Error(err)
	}
	st.finished("p.yaml", result.Failback, "error", time.Second, nil)
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(ready(0, 0)), "asr_preflight_recovery_plan_ready"); err != nil {
		t.Errorf("after a run with no report: %v", err)
	}
	// Recovery plans that could not be read take the vault down with them.
	parts := inventory.Parts{}
	parts.Collect(inventory.AzurePart)
	parts.Collect(inventory.VaultPart)
	parts.Fail(inventory.RecoveryPlansPart, errSample)
	if up := sources(&inventory.Snapshot{Parts: parts}, report.Report{}, nil); up["vault"] || !up["azure"] {
		t.Errorf("sources with the recovery plans unread: %v", up)
	}
}

// TestLabelsAreUTF8: a plan path that is not UTF-8 labels the metrics, escaped, instead of
// making the registry panic.
func TestLabelsAreUTF8(t *testing.T) {
	st := newState(Config{Plans: []string{"bad\xff.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute})
	st.finished("bad\xff.yaml", result.Reprotect, "pass", time.Second, &preflight.Outcome{Report: report.Report{
		VMs: []result.VM{{Name: "web01", Verdict: result.Ready}}}, Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}})
	if _, err := st.reg.Gather(); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(st, "asr_preflight_vm_ready"); n != 1 {
		t.Errorf("%d series", n)
	}
}

var errSample = errors.New("reading fabrics: no answer")

// sourcesAndReady is the exposition of source_up (appliance, azure, vault, vcenter) and vm_ready
// (failback web01, reprotect db01, reprotect web01) of p.yaml, with those values.
func sourcesAndReady(sources, ready string) string {
	s, r := strings.Fields(sources), strings.Fields(ready)
	return fmt.Sprintf(`# HELP asr_preflight_source_up 1 when the last run of each phase read the source (vcenter, azure, vault) or found the appliances healthy (appliance); 0 when one did not. Sources a plan does not use are left out.
# TYPE asr_preflight_source_up gauge
asr_preflight_source_up{plan="p.yaml",source="appliance"} %s
asr_preflight_source_up{plan="p.yaml",source="azure"} %s
asr_preflight_source_up{plan="p.yaml",source="vault"} %s
asr_preflight_source_up{plan="p.yaml",source="vcenter"} %s
# HELP asr_preflight_vm_ready 1 when the VM's verdict for the phase is ready (nothing fails, errs or warns for it); 0 otherwise (warn, blocked, unknown).
# TYPE asr_preflight_vm_ready gauge
asr_preflight_vm_ready{phase="failback",plan="p.yaml",vm="web01"} %s
asr_preflight_vm_ready{phase="reprotect",plan="p.yaml",vm="db01"} %s
asr_preflight_vm_ready{phase="reprotect",plan="p.yaml",vm="web01"} %s
`, s[0], s[1], s[2], s[3], r[0], r[1], r[2])
}

func TestPrefersHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "text/html": true, "application/json": false, "text/html,application/xhtml+xml,*/*;q=0.8": true,
		"application/json, text/html;q=0.1": false, "text/html;q=0.5, application/json;q=0.9": false, "TEXT/HTML; q=1": true,
	} {
		if got := prefersHTML(accept); got != want {
			t.Errorf("Accept %q: HTML %v, want %v", accept, got, want)
		}
	}
}

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		asked  string
		served []string
		want   string
		code   int
	}{
		{"", []string{"a"}, "a", 0}, {"a", []string{"a", "b"}, "a", 0}, {"", []string{"a", "b"}, "", 400}, {"c", []string{"a", "b"}, "", 404},
	} {
		got, code, err := pick("plan", tc.asked, tc.served)
		if got != tc.want || code != tc.code || (err != nil) != (code != 0) {
			t.Errorf("pick(%q, %v) = %q, %d, %v", tc.asked, tc.served, got, code, err)
		}
	}
}

// TestRecordWatched: with the watch, a run's snapshot is kept for the re-checks — not after a run
// that failed, whose VMs stay unknown until a run succeeds; a re-check leaves the last run's time;
// the last change moves only when a verdict does.
func TestRecordWatched(t *testing.T) {
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute, Watch: true})
	j := job{"p.yaml", result.Reprotect}
	out := func(v result.Verdict) *preflight.Outcome {
		return &preflight.Outcome{Report: report.Report{VMs: []result.VM{{Name: "web01", Verdict: v}}}, Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}}
	}
	st.record(j, out(result.Ready), false, false)
	ran, changed := st.latest[j].at, st.changed[j]
	if st.bases[j] == nil || ran.IsZero() || changed.IsZero() {
		t.Fatalf("first run: base %v, at %v, changed %v", st.bases[j], ran, changed)
	}
	time.Sleep(2 * time.Millisecond)
	st.record(j, out(result.Ready), false, true)
	if st.latest[j].at != ran || st.changed[j] != changed {
		t.Errorf("a re-check with the same verdicts moved the run's time or the last change")
	}
	st.record(j, out(result.Blocked), false, true)
	if st.latest[j].at != ran || !st.changed[j].After(changed) || st.latest[j].report.VMs[0].Verdict != result.Blocked {
		t.Errorf("a re-check that blocks web01: at %v (run %v), changed %v (was %v)", st.latest[j].at, ran, st.changed[j], changed)
	}
	st.record(j, nil, true, false) // a run that failed
	if st.bases[j] != nil || !st.latest[j].failed {
		t.Errorf("after a failed run: base %v, failed %v; nothing may bring the old snapshot back", st.bases[j], st.latest[j].failed)
	}
}

// TestWaivedMetric: a failure a live waiver sets aside is counted in asr_preflight_waived, not in
// asr_preflight_check_failures.
func TestWaivedMetric(t *testing.T) {
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute})
	w := &result.Waived{Reason: "kept", Owner: "dba", Expires: "2027-01-31", At: "w.yaml:2"}
	st.finished("p.yaml", result.Reprotect, "pass", time.Second, &preflight.Outcome{Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}, Report: report.Report{
		VMs: []result.VM{{Name: "db01", Verdict: result.Ready}},
		Results: []result.Result{
			{Check: "vm.name-collision", Target: "db01", Kind: result.VMKind, Status: result.Fail, Code: "78052", Waived: w},
			{Check: "esxi.memory", Target: "esx01", Kind: result.HostKind, Status: result.Pass},
		}}})
	want := `
# HELP asr_preflight_check_failures Failures of the check in the last run, by the ASR code they predict ("" for none).
# TYPE asr_preflight_check_failures gauge
asr_preflight_check_failures{check="esxi.memory",code="",phase="reprotect",plan="p.yaml"} 0
asr_preflight_check_failures{check="vm.name-collision",code="",phase="reprotect",plan="p.yaml"} 0
# HELP asr_preflight_waived Failures, errors and warnings of the check in the last run that a live waiver sets aside (in no verdict and no other count).
# TYPE asr_preflight_waived gauge
asr_preflight_waived{check="esxi.memory",phase="reprotect",plan="p.yaml"} 0
asr_preflight_waived{check="vm.name-collision",phase="reprotect",plan="p.yaml"} 1
`
	if err := testutil.GatherAndCompare(st.reg, strings.NewReader(want), "asr_preflight_check_failures", "asr_preflight_waived"); err != nil {
		t.Error(err)
	}
}
