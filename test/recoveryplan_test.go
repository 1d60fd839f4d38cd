package test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// TestRecoveryPlans runs the demo estate of two recovery plans through the real binary: the VMs
// checked are exactly the named plans' items, the plans get verdicts in every report, and the
// ready plans are listed.
func TestRecoveryPlans(t *testing.T) {
	w := startScenarioFile(t, "recovery-plans-demo.yaml") // RP-Web ready; RP-Finance blocked by fin-app01
	dir := t.TempDir()
	readyPlans, readyVMs, junit := filepath.Join(dir, "plans"), filepath.Join(dir, "vms"), filepath.Join(dir, "junit.xml")

	// Both plans, as the plan file names them.
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "-f", "json", "--ready-plans-file", readyPlans, "--ready-file", readyVMs, "--junit", junit)
	rep := decode(t, res.stdout)
	if res.code != 3 || len(rep.RecoveryPlans) != 2 || rep.Summary.RecoveryPlans == nil || rep.Summary.RecoveryPlans.Ready != 1 || rep.Summary.RecoveryPlans.Blocked != 1 {
		t.Fatalf("exit %d, plans %+v, summary %+v\n%s", res.code, rep.RecoveryPlans, rep.Summary, res.stderr)
	}
	fin := rep.RecoveryPlans[1]
	if fin.Name != "RP-Finance" || fin.Verdict != result.Blocked || !slices.Equal(fin.VMs, []string{"fin-db01", "fin-app01"}) ||
		len(fin.Groups) != 4 || fin.Groups[2].Name != "Group 1" || !slices.Equal(fin.Groups[3].VMs, []string{"fin-app01"}) || fin.Reasons[0].Check != "asr.recovery-plan" {
		t.Errorf("RP-Finance: %+v", fin)
	}
	if b, _ := os.ReadFile(readyPlans); string(b) != "RP-Web\n" {
		t.Errorf("--ready-plans-file: %q", b)
	}
	if b, _ := os.ReadFile(readyVMs); string(b) != "fin-db01\nweb01\nweb02\n" {
		t.Errorf("--ready-file: %q", b)
	}
	var suites struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
		} `xml:"testsuite"`
	}
	if b, err := os.ReadFile(junit); err != nil || xml.Unmarshal(b, &suites) != nil || len(suites.Suites) != 3 ||
		suites.Suites[2].Name != "asr-preflight reprotect recovery plan RP-Finance" || suites.Suites[2].Tests != 3 {
		t.Errorf("JUnit: one suite per plan, after the run's: %+v %v", suites, err)
	}

	// --recovery-plan replaces the file's plans: RP-Web's VMs only.
	res = run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "-f", "json", "--recovery-plan", "rp-web")
	rep = decode(t, res.stdout)
	var vms []string
	for _, vm := range rep.VMs {
		vms = append(vms, vm.Name)
	}
	if res.code != 0 || len(rep.RecoveryPlans) != 1 || rep.RecoveryPlans[0].Verdict != result.Ready || !slices.Equal(vms, []string{"web01", "web02"}) {
		t.Errorf("--recovery-plan rp-web: exit %d, VMs %v, plans %+v\n%s", res.code, vms, rep.RecoveryPlans, res.stderr)
	}

	// The text report opens with the plans' table, the one that needs action first.
	res = run(t, "", w.Env(), "reprotect", "-p", w.PlanPath)
	if lines := strings.Split(res.stdout, "\n"); len(lines) < 6 || !strings.HasPrefix(lines[1], "2 recovery plans: 1 blocked, 1 ready · 4 VMs") ||
		!strings.HasPrefix(lines[3], "VERDICT  RECOVERY PLAN") || !strings.HasPrefix(lines[4], "blocked  RP-Finance") || !strings.Contains(lines[4], "fin-app01") {
		t.Errorf("text report:\n%s", res.stdout)
	}
}

// TestUnknownRecoveryPlan: a recovery plan the vault lacks is bad input (exit 2), told before
// vCenter is read — here vCenter does not even answer — naming the plans the vault has.
func TestUnknownRecoveryPlan(t *testing.T) {
	w := startScenarioFile(t, "recovery-plans-demo.yaml")
	env := append(w.Env(), "GOVC_URL=https://"+closedAddr()+"/sdk")
	started := time.Now()
	res := run(t, "", env, "reprotect", "-p", w.PlanPath, "--recovery-plan", "RP-Web", "--recovery-plan", "RP-Payroll")
	if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, "vault rg-asr/vault01 has no recovery plan RP-Payroll; its recovery plans: RP-Web, RP-Finance") ||
		time.Since(started) > 20*time.Second {
		t.Errorf("exit %d after %v\nstdout %s\nstderr %s", res.code, time.Since(started), res.stdout, res.stderr)
	}
	res = run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--recovery-plan", "RP-Payroll")
	if res.code != 2 || !strings.Contains(res.stderr, "has no recovery plan RP-Payroll; its recovery plans: RP-Web, RP-Finance") {
		t.Errorf("plan: exit %d, %s", res.code, res.stderr)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--recovery-plan", "RP-Web", "--recovery-plan", "rp-web"}, `--recovery-plan: recovery plan "rp-web" is named twice (entries 0 and 1)`},
		{[]string{"--recovery-plan", ""}, "--recovery-plan: entry 0 is empty"},
	} {
		res = run(t, "", w.Env(), append([]string{"reprotect", "-p", w.PlanPath}, tc.args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.err) {
			t.Errorf("%v: exit %d, %s", tc.args, res.code, res.stderr)
		}
	}
	noVault := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(noVault, []byte("version: 1\nmasterTarget: mt01\nvms:\n  - {name: web01, datastore: LocalDS_0}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--recovery-plan", "RP-Web"}, {"--ready-plans-file", filepath.Join(t.TempDir(), "x")}} {
		res = run(t, "", w.Env(), append([]string{"reprotect", "-p", noVault}, args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, "recoveryPlans: expected azure.vault too") && !strings.Contains(res.stderr, "--ready-plans-file: no recovery plan is checked") {
			t.Errorf("%v without a vault: exit %d, %s", args, res.code, res.stderr)
		}
	}
}

// TestPlanOfRecoveryPlan: asr-preflight plan --recovery-plan writes the plan's items in boot order,
// whatever their stage, with the recovery plan named; the file loads and checks the same VMs.
func TestPlanOfRecoveryPlan(t *testing.T) {
	w := startScenarioFile(t, "recovery-plans-demo.yaml")
	res := run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--recovery-plan", "RP-Finance", "--datastore", "LocalDS_0")
	var p plan.Plan
	if err := yaml.Unmarshal([]byte(res.stdout), &p); res.code != 0 || err != nil || !slices.Equal(p.RecoveryPlans, []string{"RP-Finance"}) ||
		len(p.VMs) != 2 || p.VMs[0].Name != "fin-db01" || p.VMs[1].Name != "fin-app01" || p.VMs[0].MemoryMB == 0 || p.Appliance != "appliance01" ||
		!strings.Contains(res.stdout, "2 VM(s) of recovery plan(s) RP-Finance, in boot order") {
		t.Fatalf("plan: exit %d, %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(res.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	res = run(t, "", w.Env(), "reprotect", "-p", path, "-f", "json")
	if rep := decode(t, res.stdout); res.code != 3 || len(rep.RecoveryPlans) != 1 || rep.RecoveryPlans[0].Verdict != result.Blocked || len(rep.VMs) != 2 {
		t.Errorf("reprotect with the written plan: exit %d, %+v\n%s", res.code, rep.RecoveryPlans, res.stderr)
	}
	res = run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--recovery-plan", "RP-Web", "--only-vms", path)
	if res.code != 2 || !strings.Contains(res.stderr, "--only-vms and --recovery-plan") {
		t.Errorf("--only-vms with --recovery-plan: exit %d, %s", res.code, res.stderr)
	}
}

// TestServeRecoveryPlans: serve --recovery-plan exports each plan's readiness per phase, and its
// verdict family; promtool accepts the exposition.
func TestServeRecoveryPlans(t *testing.T) {
	w := startScenarioFile(t, "recovery-plans-demo.yaml")
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--interval", "1m", "--phase", "reprotect", "--recovery-plan", "RP-Web", "--recovery-plan", "RP-Finance")
	s.waitFor(t, 20*time.Second, "/readyz", func() bool { code, _ := s.get(t, "/readyz"); return code == 200 })
	_, scrape := s.get(t, "/metrics")
	plan := `plan="` + w.PlanPath + `"`
	checkScrape(t, scrape, []series{
		{"asr_preflight_recovery_plan_ready", []string{plan, `phase="reprotect"`, `recovery_plan="RP-Web"`}, 1},
		{"asr_preflight_recovery_plan_ready", []string{plan, `phase="reprotect"`, `recovery_plan="RP-Finance"`}, 0},
		{"asr_preflight_recovery_plan_verdict", []string{`recovery_plan="RP-Finance"`, `verdict="blocked"`}, 1},
		{"asr_preflight_recovery_plan_verdict", []string{`recovery_plan="RP-Finance"`, `verdict="ready"`}, 0},
		{"asr_preflight_vm_ready", []string{`vm="fin-app01"`}, 0},
	})
}

// TestRecoveryPlansUnreadable: when Azure cannot be read, the named recovery plans are unknown
// (exit 3, the reason named), not bad input, and no VM is taken as ready.
func TestRecoveryPlansUnreadable(t *testing.T) {
	w := startScenarioFile(t, "recovery-plans-demo.yaml")
	env := append(w.Env(), "AZURE_RESOURCE_MANAGER_ENDPOINT=http://"+closedAddr())
	res := run(t, "", env, "reprotect", "-p", w.PlanPath, "-f", "json", "--timeout", "30s")
	rep := decode(t, res.stdout)
	if res.code != 3 || len(rep.VMs) != 0 || len(rep.RecoveryPlans) != 2 || rep.Summary.RecoveryPlans.Unknown != 2 ||
		!strings.Contains(rep.RecoveryPlans[0].Reasons[0].Message, "connection refused") {
		t.Errorf("exit %d, VMs %v, plans %+v\n%s", res.code, rep.VMs, rep.RecoveryPlans, res.stderr)
	}
	for _, r := range rep.Results {
		if r.Status == result.Error && r.Message == "check returned no result" {
			t.Errorf("%s: %s", r.Check, r.Message)
		}
	}
}
