package test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/checks"
	"github.com/asr-preflight/asr-preflight/lab"
	"github.com/asr-preflight/asr-preflight/plan"
)

// azureCase breaks one thing in a healthy world and states what one check must report.
type azureCase struct {
	name  string
	check string
	phase checks.Phase
	fault func(a *lab.Azure)
	plan  func(w *world) string // default lab.AzurePlan
	args  []string
	exit  int
	want  map[string]string // "target" or "target#n" → "status code | message fragment"
}

func item(a *lab.Azure, name string) *lab.Item {
	for i := range a.Items {
		if a.Items[i].Name == name {
			return &a.Items[i]
		}
	}
	panic("no item " + name)
}

var azureCases = []azureCase{
	{name: "Azure VM deleted", check: "azure.vm-exists", phase: checks.Reprotect,
		fault: func(a *lab.Azure) { a.VMs = a.VMs[1:] },
		exit:  3, want: map[string]string{"web01": "fail | Azure VM rg-dr/web01 (named by Site Recovery) does not exist in subscription " + lab.Subscription +
			": Site Recovery still protects web01 (state FailedOver), so the VM was most likely deleted or migrated after failover", "db01": "pass"}},
	{name: "Azure VM created by hand", check: "azure.vm-exists", phase: checks.Reprotect,
		fault: func(a *lab.Azure) { a.VMs, a.Items = a.VMs[1:], a.Items[1:] },
		exit:  3, want: map[string]string{"web01": "fail | vault rg-asr/vault01 has no protected item for web01: protection was disabled, or the VM was created by hand"}},
	{name: "Azure VMs present", check: "azure.vm-exists", phase: checks.Failback,
		exit: 0, want: map[string]string{"web01": "pass | Azure VM rg-dr/web01 (named by the plan) exists"}},

	{name: "Azure VM moved", check: "azure.resource-group", phase: checks.Failback,
		fault: func(a *lab.Azure) { a.VMs[0].ResourceGroup = "rg-moved" },
		exit:  3, want: map[string]string{"web01": "fail | Azure VM web01 is in rg-moved/web01, not in resource group rg-dr where the plan expects it; VMs moved to another resource group cannot fail back"}},
	{name: "Azure VMs in place", check: "azure.resource-group", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"db01": "pass | Azure VM db01 is in resource group rg-dr"}},

	{name: "Azure VM deallocated", check: "azure.vm-running", phase: checks.Reprotect,
		fault: func(a *lab.Azure) { a.VMs[1].PowerState = "deallocated" },
		exit:  3, want: map[string]string{"db01": "fail 78093 | Azure VM rg-dr/db01: power state deallocated, provisioning succeeded; it must be running", "web01": "pass"}},
	{name: "Azure VM provisioning failed", check: "azure.vm-running", phase: checks.Failback,
		fault: func(a *lab.Azure) { a.VMs[0].ProvisioningState = "failed" },
		exit:  3, want: map[string]string{"web01": "fail 78093 | provisioning failed"}},
	{name: "Azure VMs running", check: "azure.vm-running", phase: checks.Failback,
		exit: 0, want: map[string]string{"app01": "pass | Azure VM rg-dr/app01: power state running, provisioning succeeded"}},

	{name: "no protected item", check: "asr.protected-item", phase: checks.Reprotect,
		fault: func(a *lab.Azure) { a.Items = a.Items[1:] },
		exit:  3, want: map[string]string{"web01": "fail | vault rg-asr/vault01 has no protected item for web01", "db01": "pass"}},
	{name: "reprotect not allowed yet", check: "asr.protected-item", phase: checks.Reprotect,
		fault: func(a *lab.Azure) { item(a, "db01").AllowedOperations = []string{"Commit"} },
		exit:  3, want: map[string]string{"db01": "fail | state FailedOver, InMageAzureV2, active location Recovery, health Normal, allowed operations Commit; reprotect needs ReverseReplicate"}},
	{name: "failback with critical health", check: "asr.protected-item", phase: checks.Failback,
		fault: func(a *lab.Azure) { item(a, "web01").ReplicationHealth = "Critical" },
		exit:  3, want: map[string]string{"web01": "fail | its replication health must be Normal"}},
	{name: "items ready", check: "asr.protected-item", phase: checks.Failback,
		exit: 0, want: map[string]string{"web01": "pass | allowed operations PlannedFailover, UnplannedFailover"}},

	{name: "ASR health errors", check: "asr.health", phase: checks.Reprotect,
		fault: func(a *lab.Azure) {
			item(a, "web01").HealthErrors = []asr.HealthError{
				{ErrorCode: to.Ptr("78052"), ErrorLevel: to.Ptr("Error"), ErrorMessage: to.Ptr("Protection couldn't be completed for the virtual machine.")},
				{ErrorCode: to.Ptr("150099"), ErrorLevel: to.Ptr("Warning"), ErrorMessage: to.Ptr("Crash consistency points are not being generated."),
					RecommendedAction: to.Ptr("Check the Mobility service on the VM.")},
			}
		},
		exit: 3, want: map[string]string{
			"web01":   "fail 78052 | Site Recovery reports error 78052 on web01: Protection couldn't be completed",
			"web01#2": "warn 150099 | Site Recovery reports error 150099 on web01: Crash consistency points are not being generated.",
			"db01":    "pass | reports no health errors"}},

	{name: "Windows Server 2008 R2 protected as physical", check: "guest.os-support", phase: checks.Failback,
		fault: func(a *lab.Azure) {
			it := item(a, "db01")
			it.DiscoveryType, it.OSType, it.OSName = "PhysicalMachine", "Windows", "Windows Server 2008 R2 Enterprise SP1"
		},
		exit: 3, want: map[string]string{"db01": "fail | Windows Server 2008 R2 protected as a physical server cannot fail back", "web01": "pass | discovered as vCenter"}},

	{name: "guest services not asked for", check: "azure.guest-services", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"-": "skip | opt-in: run with --probe-guest"}},
	{name: "guest services well", check: "azure.guest-services", phase: checks.Reprotect, args: []string{"--probe-guest"},
		exit: 0, want: map[string]string{"web01": "pass | in Azure VM rg-dr/web01: the Mobility service runs and 127.0.0.1:"}},
	{name: "Mobility service stopped inside the VM", check: "azure.guest-services", phase: checks.Reprotect, args: []string{"--probe-guest"},
		fault: func(a *lab.Azure) { a.Guest = map[string]string{"db01": "service=Stopped\nport=closed"} },
		exit:  3, want: map[string]string{"db01": "fail 95226 | the Mobility service (InMage Scout Application, svagents) is Stopped", "web01": "pass"}},

	{name: "configuration server refusing", check: "network.configuration-server", phase: checks.Reprotect,
		plan: func(w *world) string { return lab.AzurePlan(closedAddr()) },
		exit: 3, want: map[string]string{"*": "fail 95226 | connect: connection refused; the verdict holds for where this tool runs"}},
	{name: "configuration server answering", check: "network.configuration-server", phase: checks.Failback,
		exit: 0, want: map[string]string{"*": "pass | TCP connection and TLS handshake to 127.0.0.1:"}},
}

func closedAddr() string {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	return l.Addr().String()
}

// TestAzureFaults runs each Azure failure mode through the real binary against the fake ARM.
func TestAzureFaults(t *testing.T) {
	for _, tc := range azureCases {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			az := lab.HealthyAzure(tc.phase == checks.Failback)
			if tc.fault != nil {
				tc.fault(az)
			}
			w := startWorld(t, lab.HealthyVMs, az)
			planText := lab.AzurePlan(w.configServer)
			if tc.plan != nil {
				planText = tc.plan(w)
			}
			args := append([]string{string(tc.phase), "-p", writePlan(t, planText), "-f", "json", "--only", tc.check}, tc.args...)
			res := run(t, "", w.env(), args...)
			if res.code != tc.exit {
				t.Errorf("exit %d, want %d\n%s%s", res.code, tc.exit, res.stdout, res.stderr)
			}
			expect(t, decode(t, res.stdout).Results, tc.want)
		})
	}
}

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

// TestThrottledThenServed: a 429 with Retry-After is retried by the SDK, and the run passes.
func TestThrottledThenServed(t *testing.T) {
	az := lab.HealthyAzure(false)
	w := startWorld(t, lab.HealthyVMs, az)
	az.ThrottleOnce.Store(true)
	start := time.Now()
	res := run(t, "", w.env(), "reprotect", "-p", w.plan(t), "-f", "json", "--only", "azure.vm-running,azure.vm-exists")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if az.ThrottleOnce.Load() || time.Since(start) < time.Second {
		t.Errorf("the 429 was not served, or Retry-After: 1 was not honoured (%v)", time.Since(start))
	}
}

// TestAzureUnreachable: Azure checks report error with a one-line reason; vCenter checks still run.
func TestAzureUnreachable(t *testing.T) {
	w := startWorld(t, lab.HealthyVMs, lab.HealthyAzure(false))
	env := append(w.lab.Env(), "AZURE_RESOURCE_MANAGER_ENDPOINT=http://"+closedAddr())
	res := run(t, "", env, "reprotect", "-p", w.plan(t), "-f", "json", "--timeout", "30s")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, r := range decode(t, res.stdout).Results {
		c, _ := checks.Lookup(r.Check)
		switch {
		case checks.Needs([]checks.Check{c}, checks.Azure):
			if r.Status != checks.Error || !strings.Contains(r.Message, "connection refused") || strings.Contains(r.Message, "\n") {
				t.Errorf("%s: want an error with a one-line reason, got %s %q", r.Check, r.Status, r.Message)
			}
		case r.Status == checks.Error:
			t.Errorf("%s: the vCenter side must still report: %s", r.Check, r.Message)
		}
	}
}

func TestAzureEndpointOffMachine(t *testing.T) {
	res := run(t, "", []string{"AZURE_RESOURCE_MANAGER_ENDPOINT=http://10.0.0.5:8080"}, "reprotect", "-p", writePlan(t, lab.AzurePlan("127.0.0.1:1")))
	want := `asr-preflight: Azure Resource Manager endpoint "http://10.0.0.5:8080": plain http is allowed only on this machine (127.0.0.0/8, ::1, localhost); use https` + "\n"
	if res.code != 2 || res.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", res.code, res.stderr, want)
	}
}

// TestPlanFromVault: the plan names no VMs; the vault's failed-over items become the plan.
func TestPlanFromVault(t *testing.T) {
	az := lab.HealthyAzure(false)
	az.Items = append(az.Items, lab.Item{Name: "old01", InstanceType: "InMage", ProtectionState: "Protected"}) // reprotected: not for reprotect
	w := startWorld(t, lab.HealthyVMs, az)
	text := strings.Replace(strings.SplitN(lab.AzurePlan(w.configServer), "vms:", 2)[0],
		"defaults: {datastore: LocalDS_0}", "defaults: {datastore: LocalDS_0, location: alternate}", 1)
	res := run(t, "", w.env(), "reprotect", "-p", writePlan(t, text), "-f", "json", "--only", "azure.vm-exists,vm.name-collision")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	expect(t, decode(t, res.stdout).Results, map[string]string{
		"web01": "pass | Azure VM rg-dr/web01 (named by Site Recovery) exists",
		"app01": "pass | no VM named app01 on host DC0_H0",
		"db01":  "pass | no VM named db01 on host DC0_H0",
	})
	if strings.Contains(res.stdout, "old01") {
		t.Errorf("a reprotected item was taken for reprotect:\n%s", res.stdout)
	}

	// asr-preflight plan prints the same VMs as a plan to edit.
	res = run(t, "", w.env(), "plan", "--vault", "rg-asr/vault01", "--subscription", lab.Subscription, "--master-target", "mt01", "--datastore", "LocalDS_0")
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
}
