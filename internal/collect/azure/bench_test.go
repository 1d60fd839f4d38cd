package azure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// BenchmarkCollect reads, through the SDK's official fake servers, a vault of 2,000 protected
// items whose Azure VMs are among a subscription's 10,000 (and a tenth of that), as a reprotect
// run does: the requests grow by pages of the listings (50 items a page), never by VM — and by
// one GET per modernized item of the plan (their disks; the listing carries none). Run it with
// make bench.
func BenchmarkCollect(b *testing.B) {
	for _, size := range []struct{ items, vms, plan int }{{200, 1000, 0}, {2000, 10000, 0}, {2000, 10000, 10}, {2000, 10000, 2000}} {
		b.Run(fmt.Sprintf("items=%d,vms=%d,plan=%d", size.items, size.vms, size.plan), func(b *testing.B) {
			a := &lab.Azure{Subscription: lab.Subscription, Sizes: map[string]int32{"Standard_D2s_v3": 8192},
				VaultGroup: "rg-asr", Vault: "vault01", PageSize: 50, Appliances: []lab.Appliance{{Name: "appliance01"}}}
			for i := range size.vms {
				vm := lab.AzureVM{ResourceGroup: "rg-other", Name: fmt.Sprintf("other%05d", i)}
				if i < size.items {
					vm = lab.AzureVM{ResourceGroup: "rg-dr", Name: fmt.Sprintf("vm%05d", i)}
					a.Items = append(a.Items, lab.Item{Name: vm.Name, InstanceType: "InMageRcm", OSType: "Linux", MemoryMB: 4096, RecoveryVM: &vm})
				}
				a.VMs = append(a.VMs, vm)
			}
			plan := map[string]bool{}
			for i := range size.plan {
				plan[fmt.Sprintf("vm%05d", i)] = true
			}
			req := azure.Request{ResourceGroups: []string{"rg-dr"}, Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}, Fabrics: true,
				Detail: func(it inventory.ProtectedItem) bool { return plan[it.FriendlyName] }}
			var took time.Duration
			var requests int64
			for b.Loop() {
				a.Requests.Store(0)
				t0 := time.Now()
				inv, parts, err := azure.Collect(context.Background(), config(a), req)
				took += time.Since(t0)
				requests = a.Requests.Load()
				if err != nil || !parts[inventory.VaultPart].Collected || len(inv.ProtectedItems) != size.items || len(inv.VMs) != size.vms {
					b.Fatalf("%v %v: %d items, %d VMs", err, parts, len(inv.ProtectedItems), len(inv.VMs))
				}
			}
			b.Logf("%d items, %d VMs, %d in the plan: %d ARM requests (pages of 50, a GET per plan item), %.0f ms a collection", size.items, size.vms, size.plan, requests, float64(took.Milliseconds())/float64(b.N))
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "collect-ms")
		})
	}
}
