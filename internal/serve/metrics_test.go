package serve

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
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
# HELP asr_preflight_source_up 1 when the last run of each phase read the source (vcenter, azure, vault) or found the appliances healthy (appliance); 0 when one did not. Sources a plan does not use are left out.
# TYPE asr_preflight_source_up gauge
asr_preflight_source_up{plan="p.yaml",source="appliance"} 0
asr_preflight_source_up{plan="p.yaml",source="azure"} 1
asr_preflight_source_up{plan="p.yaml",source="vault"} 1
asr_preflight_source_up{plan="p.yaml",source="vcenter"} 1
# HELP asr_preflight_vm_ready 1 when the VM is ready for the phase: nothing fails or errors for it; 0 otherwise.
# TYPE asr_preflight_vm_ready gauge
asr_preflight_vm_ready{phase="failback",plan="p.yaml",vm="web01"} 0
asr_preflight_vm_ready{phase="reprotect",plan="p.yaml",vm="db01"} 0
asr_preflight_vm_ready{phase="reprotect",plan="p.yaml",vm="web01"} 1
# HELP asr_preflight_runs_total Runs, by result: pass, warn, fail (a check failed or could not be evaluated), error (the run itself failed).
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
}

var errSample = errors.New("reading fabrics: no answer")

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
