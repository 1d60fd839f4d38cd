package test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// expect checks results against "target" (or "target#n", or "*" for any) → "status code | fragment".
func expect(t *testing.T, results []checks.Result, want map[string]string) {
	t.Helper()
	for key, w := range want {
		target, _, _ := strings.Cut(key, "#")
		status, fragment, _ := strings.Cut(w, " | ")
		found := false
		for _, r := range results {
			if (target == "*" || r.Target == target) && strings.TrimSpace(string(r.Status)+" "+r.Code) == status && strings.Contains(r.Message, fragment) {
				found = true
				if (r.Status == checks.Fail || r.Status == checks.Warn) && r.Fix == "" {
					t.Errorf("%s: a %s result needs a fix: %+v", target, r.Status, r)
				}
			}
		}
		if !found {
			t.Errorf("%s: no result %s …%s…; got:\n%+v", key, status, fragment, results)
		}
	}
}

// azurePlan is the plan of the Azure tests: web01 and db01, taken through the vault.
const azurePlan = `plan:
  version: 1
  vcenter: {datacenter: DC0}
  masterTarget: mt01
  azure: {vault: {resourceGroup: rg-asr, name: vault01}}
  defaults: {datastore: LocalDS_0}
  vms:
    - {name: web01}
    - {name: db01}
`

// startScenario serves a scenario's world for one test.
func startScenario(t *testing.T, text string) *lab.World {
	t.Helper()
	sc, err := lab.ParseScenario("scenario.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	w, err := lab.StartScenario(context.Background(), sc, "127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// TestThrottledThenServed: a 429 with Retry-After is retried by the SDK, and the run passes.
func TestThrottledThenServed(t *testing.T) {
	w := startScenario(t, "azure: {throttleOnce: true}\n"+azurePlan)
	start := time.Now()
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "-f", "json", "--only", "azure.vm-running,azure.vm-exists")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if w.Azure.ThrottleOnce.Load() || time.Since(start) < time.Second {
		t.Errorf("the 429 was not served, or Retry-After: 1 was not honoured (%v)", time.Since(start))
	}
}

// TestAzureUnreachable: Azure checks report error with a one-line reason; vCenter checks still run;
// the opt-in guest check, not asked for, stays skip.
func TestAzureUnreachable(t *testing.T) {
	w := startScenario(t, "azure: {}\n"+azurePlan)
	env := append(w.Env(), "AZURE_RESOURCE_MANAGER_ENDPOINT=http://"+closedAddr())
	res := run(t, "", env, "reprotect", "-p", w.PlanPath, "-f", "json", "--timeout", "30s")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	r := decode(t, res.stdout)
	expectAzureDown(t, r.Results, "connection refused")
	if len(r.VMs) == 0 || r.Summary.VMs != (report.VMCounts{Unknown: len(r.VMs)}) {
		t.Errorf("Azure down must leave every VM unknown: %+v", r.Summary.VMs)
	}
}

// expectAzureDown checks results of a run where Azure did not answer: every Azure check reports
// error with a one-line reason holding each fragment, the opt-in guest check (not asked for)
// stays skip, and no vCenter check reports error.
func expectAzureDown(t *testing.T, results []result.Result, fragments ...string) {
	t.Helper()
	for _, r := range results {
		c, _ := checks.Lookup(r.Check)
		switch {
		case r.Check == "azure.guest-services":
			if r.Status != checks.Skip {
				t.Errorf("%s: not asked for, yet %s %q", r.Check, r.Status, r.Message)
			}
		case checks.Needs([]checks.Check{c}, checks.Azure):
			ok := r.Status == checks.Error && !strings.Contains(r.Message, "\n")
			for _, f := range fragments {
				ok = ok && strings.Contains(r.Message, f)
			}
			if !ok {
				t.Errorf("%s: want an error with a one-line reason holding %q, got %s %q", r.Check, fragments, r.Status, r.Message)
			}
		case r.Status == checks.Error:
			t.Errorf("%s: the vCenter side must still report: %s", r.Check, r.Message)
		}
	}
}

func TestAzureEndpointOffMachine(t *testing.T) {
	w := startScenario(t, "azure: {}\n"+azurePlan)
	res := run(t, "", []string{"AZURE_RESOURCE_MANAGER_ENDPOINT=http://10.0.0.5:8080"}, "reprotect", "-p", w.PlanPath)
	want := `asr-preflight: Azure Resource Manager endpoint "http://10.0.0.5:8080": plain http is allowed only on this machine (127.0.0.0/8, ::1, localhost); use https` + "\n"
	if res.code != 2 || res.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", res.code, res.stderr, want)
	}
}

// TestPlanFromVault: the plan names no VMs; the vault's failed-over items become the plan.
func TestPlanFromVault(t *testing.T) {
	w := startScenario(t, `azure:
  items:
    - {name: web01}
    - {name: db01}
    - {name: app01}
    - {name: old01, instanceType: InMage}
plan:
  version: 1
  masterTarget: mt01
  azure: {vault: {resourceGroup: rg-asr, name: vault01}}
  defaults: {datastore: LocalDS_0, location: alternate}
`)
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "-f", "json", "--only", "azure.vm-exists,vm.name-collision")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	expect(t, decode(t, res.stdout).Results, map[string]string{
		"web01":   "pass | Azure VM rg-dr/web01 (named by Site Recovery) exists",
		"app01":   "pass | no VM named app01 on host DC0_H0",
		"app01#2": "pass | Azure VM rg-dr/app01 (named by Site Recovery) exists",
		"db01":    "pass | no VM named db01 on host DC0_H0",
	})
	if strings.Contains(res.stdout, "old01") {
		t.Errorf("a reprotected item was taken for reprotect:\n%s", res.stdout)
	}

	// asr-preflight plan prints the same VMs as a plan to edit.
	res = run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--master-target", "mt01", "--datastore", "LocalDS_0")
	var p plan.Plan
	if err := yaml.Unmarshal([]byte(res.stdout), &p); res.code != 0 || err != nil {
		t.Fatalf("plan: exit %d, %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	if len(p.VMs) != 3 || p.VMs[0].Name != "web01" || p.VMs[0].AzureVM == nil || p.VMs[0].AzureVM.ResourceGroup != "rg-dr" || p.VMs[0].MemoryMB != 4096 ||
		p.MasterTarget != "mt01" || p.Defaults.Datastore != "LocalDS_0" || p.Azure.Vault.Name != "vault01" {
		t.Errorf("plan: %+v", p)
	}
	if _, err := plan.Parse("generated", []byte(res.stdout)); err != nil {
		t.Errorf("the generated plan does not load: %v", err)
	}

	// A plan that cannot be written out is a failure of the tool (1), not bad input (2).
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer full.Close()
	cmd := exec.Command(binary, "plan", "--vault", "rg-asr/vault01", "--master-target", "mt01")
	var stderr strings.Builder
	cmd.Env, cmd.Stdout, cmd.Stderr = append([]string{"HOME=" + t.TempDir()}, w.Env()...), full, &stderr
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 1 || !strings.Contains(stderr.String(), "no space left on device") {
		t.Errorf("plan to a full device: %v, exit %d, %s", err, cmd.ProcessState.ExitCode(), stderr.String())
	}
}

func closedAddr() string {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	return l.Addr().String()
}

// TestPlanWritesAppliance: asr-preflight plan writes the appliance the modernized items name —
// plan-wide when they agree, per VM otherwise — and, before failback, the datastore each records.
func TestPlanWritesAppliance(t *testing.T) {
	w := startScenario(t, `azure:
  appliances: [{name: appliance01}, {name: appliance02}]
  items:
    - {name: web01, instanceType: InMageRcmFailback, appliance: appliance01, targetDatastore: LocalDS_0}
    - {name: db01, instanceType: InMageRcmFailback, appliance: appliance02, targetDatastore: LocalDS_0}
    - {name: app01, instanceType: InMageRcm, appliance: appliance02}
`)
	for _, tc := range []struct {
		phase string
		check func(p plan.Plan) bool
	}{
		{"failback", func(p plan.Plan) bool {
			return p.Appliance == "" && len(p.VMs) == 2 && p.VMs[0].Appliance == "appliance01" && p.VMs[1].Appliance == "appliance02" &&
				p.VMs[0].Datastore == "LocalDS_0" && p.MasterTarget == ""
		}},
		{"reprotect", func(p plan.Plan) bool {
			return p.Appliance == "appliance02" && len(p.VMs) == 1 && p.VMs[0].Appliance == ""
		}},
	} {
		res := run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--phase", tc.phase)
		var p plan.Plan
		if err := yaml.Unmarshal([]byte(res.stdout), &p); res.code != 0 || err != nil || !tc.check(p) {
			t.Errorf("%s: exit %d, %v\n%s%s", tc.phase, res.code, err, res.stdout, res.stderr)
		}
		if _, err := plan.Parse("generated", []byte(res.stdout)); err != nil && tc.phase == "failback" {
			t.Errorf("the generated failback plan does not load: %v", err)
		}
	}
}

// TestReadyFileBackToPlan: the ready list of a run is what asr-preflight plan --only-vms takes
// back — a plan of just the VMs that can go now.
func TestReadyFileBackToPlan(t *testing.T) {
	w := startScenarioFile(t, "mixed-modernized.yaml") // web01 ready; db01 and app01 blocked
	ready := filepath.Join(t.TempDir(), "ready")
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "--ready-file", ready, "-f", "json")
	if b, err := os.ReadFile(ready); res.code != 3 || err != nil || string(b) != "web01\n" {
		t.Fatalf("exit %d, ready list %q, %v\n%s", res.code, b, err, res.stderr)
	}
	// As written on Windows: a byte order mark, CRLF line ends, an empty line.
	if err := os.WriteFile(ready, []byte("\ufeffweb01\r\n# not-an-item\r\n\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--only-vms", ready)
	var p plan.Plan
	if err := yaml.Unmarshal([]byte(res.stdout), &p); res.code != 0 || err != nil || len(p.VMs) != 1 || p.VMs[0].Name != "web01" ||
		!strings.Contains(res.stdout, "# Left out, not items of the vault ready for reprotect: # not-an-item") ||
		!strings.Contains(res.stderr, "left out, not items of vault rg-asr/vault01 ready for reprotect: # not-an-item") {
		t.Errorf("plan: exit %d, %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	for _, tc := range []struct{ list, stderr string }{
		{"\r\n\n", "names no VM; expected one VM name per line"},
		{"db02\n", "none of its 1 VM(s) is an item of vault rg-asr/vault01 ready for reprotect"},
	} {
		if err := os.WriteFile(ready, []byte(tc.list), 0o644); err != nil {
			t.Fatal(err)
		}
		res = run(t, "", w.Env(), "plan", "--vault", "rg-asr/vault01", "--only-vms", ready)
		if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, tc.stderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", tc.list, res.code, res.stdout, res.stderr)
		}
	}
}
