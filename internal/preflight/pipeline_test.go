package preflight

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// testInput is the input of a run of phase on the plan text, with the given environment and flags
// (flags set through set are the ones "given on the command line").
func testInput(t testing.TB, phase result.Phase, planText string, env map[string]string, set func(*Flags) []string) Input {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(planText), 0o600); err != nil {
		t.Fatal(err)
	}
	f := Flags{Plan: path, Format: "json", Concurrency: 8, Timeout: time.Minute, CheckTimeout: 30 * time.Second}
	var given []string
	if set != nil {
		given = set(&f)
	}
	return Input{Phase: phase, Flags: f, Getenv: func(k string) string { return env[k] },
		Changed: func(flag string) bool { return strings.Contains(" "+strings.Join(given, " ")+" ", " "+flag+" ") },
		Stdin:   strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Version: "test"}
}

// simulatorPlan is a plan of every simulator VM but the first, which plays the master target.
func simulatorPlan(vms []inventory.VM) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nmasterTarget: %s\nvms:\n", vms[0].Name)
	for _, vm := range vms[1:] {
		fmt.Fprintf(&b, "  - {name: %s, datastore: LocalDS_0}\n", vm.Name)
	}
	return b.String()
}

// TestRequestsDoNotGrowWithVMs runs the collect step with every optional part (every check of both
// phases active) for a plan of 5 VMs and one of 200, and shows that vCenter sees the same number
// of requests, all of them read-only, and that every vCenter check could be evaluated.
func TestRequestsDoNotGrowWithVMs(t *testing.T) {
	counts := map[int][]string{}
	for _, perHost := range []int{2, 67} { // 6 and 201 VMs on 3 hosts
		m, s, err := lab.Simulator(3, perHost, nil)
		if err != nil {
			t.Fatal(err)
		}
		inv, _, err := vcenter.Collect(context.Background(), vcenter.Config{URL: s.URL.String(), Insecure: true}, vcenter.Request{})
		if err != nil {
			t.Fatal(err)
		}
		in := testInput(t, result.Reprotect, simulatorPlan(inv.VMs), map[string]string{"GOVC_URL": s.URL.String(), "GOVC_INSECURE": "true"}, nil)
		cfg, err := Resolve(in)
		if err != nil {
			t.Fatal(err)
		}
		var rec lab.Recorder
		cfg.Active = checks.All()
		cfg.VCenter.Transport = rec.Wrap
		snap := newSnapshot(cfg)
		collect(context.Background(), cfg, newBudget(time.Now(), time.Minute), snap)
		for _, phase := range result.Phases {
			var vc []checks.Check
			for _, c := range checks.ForPhase(phase, nil) {
				if checks.Needs([]checks.Check{c}, checks.VCenter) {
					vc = append(vc, c)
				}
			}
			snap.Phase = phase
			cfg.Phase, cfg.Selected, cfg.Output = phase, vc, Output{Stdout: io.Discard, Format: "json"}
			out := finish(context.Background(), cfg, snap, time.Now(), &steps{last: time.Now()})
			for _, r := range out.Report.Results {
				if r.Status == result.Error {
					t.Errorf("%d VMs, %s: %s %s: %s", len(cfg.Plan.VMs), phase, r.Check, r.Target, r.Message)
				}
			}
		}
		counts[len(cfg.Plan.VMs)] = rec.Methods()
		if w := rec.Writes(); len(w) > 0 {
			t.Errorf("the collector called %v, which are not read-only", w)
		}
		s.Close()
		m.Remove()
	}
	small, big := counts[5], counts[200]
	t.Logf("vCenter requests: 5 VMs %d %v; 200 VMs %d %v", len(small), small, len(big), big)
	if len(small) == 0 || len(small) != len(big) {
		t.Errorf("requests grow with VMs: %d for 5 VMs, %d for 200 VMs", len(small), len(big))
	}
}

// TestRecoveryPlanRequests runs the plan step (which reads Azure for the recovery plans) on a vault
// of 200 items in 50 recovery plans of 4, naming 1 plan then all 50: Azure sees the same requests
// — the plans are one listing — while the VMs checked are 4, then 200, in boot order.
func TestRecoveryPlanRequests(t *testing.T) {
	counts := map[int]int64{}
	for _, named := range []int{1, 50} {
		a := &lab.Azure{Subscription: lab.Subscription, VaultGroup: "rg-asr", Vault: "vault01", Sizes: map[string]int32{"Standard_D2s_v3": 8192}}
		var names []string
		for p := range 50 {
			rp := lab.RecoveryPlan{Name: fmt.Sprintf("rp-%02d", p)}
			for g := range 2 {
				var group lab.PlanGroup
				for j := range 2 {
					vm := lab.AzureVM{ResourceGroup: "rg-dr", Name: fmt.Sprintf("vm%03d", 4*p+2*g+j)}
					a.VMs, a.Items = append(a.VMs, vm), append(a.Items, lab.Item{Name: vm.Name, RecoveryVM: &vm})
					group.VMs = append(group.VMs, vm.Name)
				}
				rp.Groups = append(rp.Groups, group)
			}
			a.RecoveryPlans = append(a.RecoveryPlans, rp)
			if p < named {
				names = append(names, rp.Name)
			}
		}
		text := "version: 1\nmasterTarget: mt01\nazure: {subscriptionId: " + lab.Subscription + ", vault: {resourceGroup: rg-asr, name: vault01}}\ndefaults: {datastore: ds01}\n"
		in := testInput(t, result.Reprotect, text, map[string]string{"GOVC_URL": "https://u:p@vc.invalid/sdk"}, func(f *Flags) []string { f.RecoveryPlans = names; return nil })
		cfg, err := Resolve(in)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Azure.Transport, cfg.Azure.Credential = a.Transport(), tokenless{}
		snap := newSnapshot(cfg)
		if err := planFromVault(context.Background(), cfg, newBudget(time.Now(), time.Minute), snap); err != nil {
			t.Fatal(err)
		}
		if len(cfg.Plan.VMs) != 4*named || cfg.Plan.VMs[0].Name != "vm000" || cfg.Plan.VMs[3].Name != "vm003" || cfg.Plan.VMs[0].AzureVM == nil {
			t.Fatalf("%d plans: %d VMs %+v", named, len(cfg.Plan.VMs), cfg.Plan.VMs[:min(4, len(cfg.Plan.VMs))])
		}
		counts[named] = a.Requests.Load()
	}
	// 200 VMs and items at 50 a page: all VMs 4 pages, items 4, rg-dr 4, sizes 1, fabrics 1; the
	// plans 1 = 15.
	t.Logf("ARM requests: 1 recovery plan (4 VMs) %d, 50 recovery plans (200 VMs) %d", counts[1], counts[50])
	if counts[1] != 15 || counts[50] != counts[1] {
		t.Errorf("ARM requests: %d naming 1 plan, %d naming 50; want 15 and 15", counts[1], counts[50])
	}
}

// tokenless is a credential that needs no identity provider.
type tokenless struct{}

func (tokenless) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}
