package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func TestAzureVMExists(t *testing.T) {
	runCases(t, AzureVMExists{}, []checkCase{
		{"exists", nil, []want{{"web01", Pass, "", "Azure VM rg-dr/web01 (named by Site Recovery) exists"}, {"db01", Pass, "", ""}}},
		{"named by the plan", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].AzureVM = &plan.Resource{ResourceGroup: "rg-dr", Name: "db01"}
		},
			[]want{{"web01", Pass, "", "Azure VM rg-dr/db01 (named by the plan) exists"}, {"db01", Pass, "", ""}}},
		{"deleted after failover", func(s *inventory.Snapshot) { s.Azure.VMs = s.Azure.VMs[1:] }, []want{
			{"web01", Fail, "", "Azure VM rg-dr/web01 (named by Site Recovery) does not exist in subscription sub1: Site Recovery still protects web01 (state Protected), so the VM was most likely deleted or migrated after failover; it cannot fail back"},
			{"db01", Pass, "", ""}}},
		{"created by hand", func(s *inventory.Snapshot) {
			s.Azure.VMs, s.Azure.ProtectedItems = s.Azure.VMs[1:], s.Azure.ProtectedItems[1:]
			s.Plan.VMs[0].AzureVM = &plan.Resource{ResourceGroup: "rg-dr", Name: "web01"}
		}, []want{
			{"web01", Fail, "", "vault rg-asr/vault01 has no protected item for web01: protection was disabled, or the VM was created by hand, never by failover"},
			{"db01", Pass, "", ""}}},
		{"no vault", func(s *inventory.Snapshot) {
			s.Azure.VMs = s.Azure.VMs[1:]
			delete(s.Parts, Vault)
			s.Plan.VMs[0].AzureVM = &plan.Resource{ResourceGroup: "rg-dr", Name: "web01"}
		}, []want{{"web01", Fail, "", "it was deleted, migrated, or never created by failover"}, {"db01", Skip, "", "no Azure VM known for db01"}}},
		{"moved", func(s *inventory.Snapshot) { azureVMRef(s, "web01").ResourceGroup = "rg-moved" },
			[]want{{"web01", Pass, "", "exists, in resource group rg-moved (see azure.resource-group)"}, {"db01", Pass, "", ""}}},
	})
}

func TestAzureResourceGroup(t *testing.T) {
	runCases(t, AzureResourceGroup{}, []checkCase{
		{"in place", nil, []want{{"web01", Pass, "", "Azure VM web01 is in resource group rg-dr, as Site Recovery expects"}, {"db01", Pass, "", ""}}},
		{"moved", func(s *inventory.Snapshot) { azureVMRef(s, "web01").ResourceGroup = "rg-moved" }, []want{
			{"web01", Fail, "", "Azure VM web01 is in rg-moved/web01, not in resource group rg-dr where Site Recovery expects it; VMs moved to another resource group cannot fail back"},
			{"db01", Pass, "", ""}}},
		{"moved and renamed, found by recorded ID", func(s *inventory.Snapshot) {
			v := azureVMRef(s, "web01")
			v.ResourceGroup, v.Name = "rg-moved", "web01-renamed"
		}, []want{{"web01", Fail, "", "Azure VM web01 is in rg-moved/web01-renamed"}, {"db01", Pass, "", ""}}},
		{"gone", func(s *inventory.Snapshot) { s.Azure.VMs = s.Azure.VMs[1:] }, []want{{"web01", Skip, "", "(see azure.vm-exists)"}, {"db01", Pass, "", ""}}},
	})
}

func TestAzureVMRunning(t *testing.T) {
	runCases(t, AzureVMRunning{}, []checkCase{
		{"running", nil, []want{{"web01", Pass, "", "Azure VM rg-dr/web01: power state running, provisioning succeeded"}, {"db01", Pass, "", ""}}},
		{"deallocated", func(s *inventory.Snapshot) { azureVMRef(s, "web01").PowerState = "deallocated" }, []want{
			{"web01", Fail, "78093", "Azure VM rg-dr/web01: power state deallocated, provisioning succeeded; it must be running with provisioning succeeded"},
			{"db01", Pass, "", ""}}},
		{"failed provisioning", func(s *inventory.Snapshot) { azureVMRef(s, "db01").ProvisioningState = "failed" },
			[]want{{"web01", Pass, "", ""}, {"db01", Fail, "78093", "provisioning failed"}}},
		{"unknown state", func(s *inventory.Snapshot) { azureVMRef(s, "db01").PowerState = "" },
			[]want{{"web01", Pass, "", ""}, {"db01", Fail, "78093", "power state unknown"}}},
	})
}
