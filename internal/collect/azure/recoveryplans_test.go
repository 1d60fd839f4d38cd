package azure_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// withPlans gives the fake vault n recovery plans of 4 items each (two boot groups of two), the
// first with a manual action and a job.
func withPlans(a *lab.Azure, n int) {
	for i := range n {
		rp := lab.RecoveryPlan{Name: fmt.Sprintf("rp-%03d", i)}
		for g := range 2 {
			var group lab.PlanGroup
			for j := range 2 {
				group.VMs = append(group.VMs, a.Items[(4*i+2*g+j)%len(a.Items)].Name)
			}
			rp.Groups = append(rp.Groups, group)
		}
		a.RecoveryPlans = append(a.RecoveryPlans, rp)
	}
	a.RecoveryPlans[0].Job = "TestFailover"
	a.RecoveryPlans[0].Groups[1].StartActions = []lab.PlanAction{{Name: "Check the batch", Kind: "ManualActionDetails",
		Directions: []string{"RecoveryToPrimary"}, FailoverTypes: []string{"PlannedFailover"}}}
}

// TestRecoveryPlansOneListing: the vault's recovery plans take one listing, pages aside — as many
// requests for 50 plans as for 1 — and decode with their groups, items, actions and job.
func TestRecoveryPlansOneListing(t *testing.T) {
	counts := map[int]int64{}
	for _, n := range []int{1, 50, 51} {
		a := fakeAzure(200)
		withPlans(a, n)
		inv, parts, err := azure.Collect(context.Background(), config(a), azure.Request{
			Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}, RecoveryPlans: []string{"rp-000"}})
		if err != nil || !parts[inventory.RecoveryPlansPart].Collected || len(inv.RecoveryPlans) != n {
			t.Fatalf("%d plans: %v %v, %d read", n, err, parts, len(inv.RecoveryPlans))
		}
		counts[n] = a.Requests.Load()
		p := inv.RecoveryPlans[0]
		if p.Name != "rp-000" || p.Job != "TestFailover" || p.JobStatus != "InProgress" || p.JobStarted.IsZero() || len(p.Groups) != 4 ||
			p.Groups[0].Type != "Shutdown" || p.Groups[1].Type != "Failover" || p.Groups[2].Type != "Boot" || len(p.Groups[3].Items) != 2 ||
			!strings.HasSuffix(p.Groups[2].Items[0].ID, "/replicationProtectedItems/vm000-item") || p.Groups[2].Items[0].VirtualMachineID != "vm-vm000" ||
			p.RecoveryFabric != "Microsoft Azure" || p.FailoverDeploymentModel != "ResourceManager" || len(p.Providers) != 1 || !p.Allows("SwitchProtection") {
			t.Errorf("plan: %+v", p)
		}
		if a := p.Groups[3].StartActions; len(a) != 1 || a[0].Name != "Check the batch" || a[0].Kind != inventory.ManualAction || !a[0].Runs("PlannedFailover", inventory.FailbackDirection) {
			t.Errorf("actions: %+v", a)
		}
	}
	// 200 VMs: all VMs 5 pages, items 4, the resource group rg-dr 4, sizes 1 = 14; the plans 1 page
	// (2 for 51 plans at 50 a page).
	t.Logf("ARM requests: 1 plan %d, 50 plans %d, 51 plans %d", counts[1], counts[50], counts[51])
	if counts[1] != 15 || counts[50] != counts[1] || counts[51] != counts[1]+1 {
		t.Errorf("ARM requests: %d for 1 plan, %d for 50, %d for 51; want 15, 15, 16 (one listing, pages aside)", counts[1], counts[50], counts[51])
	}
}

// TestRecoveryPlanItemsReadByGET: the modernized items of the named recovery plans are read in
// full (their disks), one GET each, and no other.
func TestRecoveryPlanItemsReadByGET(t *testing.T) {
	a := fakeAzure(20)
	for i := range a.Items {
		a.Items[i].InstanceType, a.Items[i].Disks = "InMageRcm", []lab.Disk{{Name: "disk0", SizeGB: 40}}
	}
	withPlans(a, 3)
	inv, _, err := azure.Collect(context.Background(), config(a), azure.Request{
		Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}, RecoveryPlans: []string{"RP-001"}})
	if err != nil {
		t.Fatal(err)
	}
	var detailed []string
	for _, it := range inv.ProtectedItems {
		if it.Detailed {
			detailed = append(detailed, it.FriendlyName)
		}
	}
	if strings.Join(detailed, " ") != "vm004 vm005 vm006 vm007" {
		t.Errorf("read by GET: %v; want rp-001's items", detailed)
	}
	if n := a.Requests.Load(); n != 4+1+4 { // all VMs, items, rg-dr, sizes; the plans; 4 GETs
		t.Errorf("%d ARM requests, want 9", n)
	}
}

// TestRecoveryPlansFailAlone: a vault with no plans gives an empty list; one that cannot be read
// says why, for the plans as for the items, and the subscription's VMs are still read.
func TestRecoveryPlansFailAlone(t *testing.T) {
	a := fakeAzure(2)
	req := azure.Request{Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}, RecoveryPlans: []string{"rp"}}
	inv, parts, err := azure.Collect(context.Background(), config(a), req)
	if err != nil || !parts[inventory.RecoveryPlansPart].Collected || inv.RecoveryPlans == nil || len(inv.RecoveryPlans) != 0 {
		t.Fatalf("no plans: %v %v %v", err, parts, inv.RecoveryPlans)
	}
	a.Vault = "elsewhere" // the listings answer 404
	inv, parts, err = azure.Collect(context.Background(), config(a), req)
	if st := parts[inventory.RecoveryPlansPart]; err != nil || !strings.HasPrefix(st.Error, "reading the recovery plans of vault rg-asr/vault01: ") ||
		parts[inventory.VaultPart].Error == "" || len(inv.VMs) != 3 {
		t.Errorf("vault unreadable: %v %+v", err, parts)
	}
}
