package azure_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
)

// recorded reads a body recorded from a live vault (testdata/recorded, see its README).
func recorded(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "recorded", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// recordedItems decodes every recorded protected item with the SDK, then with the collector.
func recordedItems(t *testing.T) []inventory.ProtectedItem {
	t.Helper()
	var list asr.ReplicationProtectedItemCollection
	if err := json.Unmarshal(recorded(t, "rcm-items-failedover.json"), &list); err != nil {
		t.Fatal(err)
	}
	var out []inventory.ProtectedItem
	for _, it := range list.Value {
		out = append(out, azure.DecodeItem(it))
	}
	return append(out, recordedItem(t, "classic-item-failedover.json"))
}

// recordedItem decodes one recorded item GET.
func recordedItem(t *testing.T, name string) inventory.ProtectedItem {
	t.Helper()
	var it asr.ReplicationProtectedItem
	if err := json.Unmarshal(recorded(t, name), &it); err != nil {
		t.Fatal(err)
	}
	return azure.DecodeItem(&it)
}

// itemFromTable builds an item in one of the states of modernized.md's table that the recordings
// do not hold (reprotected, failed back), decoded through the SDK like the recorded ones.
func itemFromTable(t *testing.T, name, body string) inventory.ProtectedItem {
	t.Helper()
	var it asr.ReplicationProtectedItem
	if err := json.Unmarshal([]byte(`{"name": "`+name+`", "properties": {"friendlyName": "`+name+`", `+body+`}}`), &it); err != nil {
		t.Fatal(err)
	}
	return azure.DecodeItem(&it)
}

// verdict is what the item checks say of one VM: "status" per result, joined.
func verdicts(t *testing.T, phase checks.Phase, items []inventory.ProtectedItem, c checks.Check) map[string][]string {
	t.Helper()
	s := &inventory.Snapshot{Phase: phase, Plan: &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "rg", Name: "vault"}}},
		Azure: &inventory.Azure{ProtectedItems: items}, Parts: inventory.Parts{}}
	s.Parts.Collect(inventory.AzurePart)
	s.Parts.Collect(inventory.VaultPart)
	for _, it := range items {
		s.Plan.VMs = append(s.Plan.VMs, plan.VM{Name: it.FriendlyName})
	}
	out := map[string][]string{}
	for _, r := range checks.Run(t.Context(), []checks.Check{c}, &checks.Input{Snapshot: s, Facts: derive.Derive(s)}, checks.Options{}) {
		out[r.Target] = append(out[r.Target], strings.TrimSpace(string(r.Status)+" "+r.Code)+" | "+r.Message)
	}
	return out
}

// TestRecordedItemStates runs the item checks on the protected items recorded from live vaults and
// on the table's other states, and asserts the verdicts of modernized.md's table.
func TestRecordedItemStates(t *testing.T) {
	items := recordedItems(t)
	items = append(items,
		itemFromTable(t, "Reprotected-Classic", `"protectionState": "Protected", "activeLocation": "Primary", "replicationHealth": "Normal",
			"allowedOperations": ["UnplannedFailover", "DisableProtection"],
			"healthErrors": [{"errorCode": "548004", "errorLevel": "Info", "errorMessage": "Recomputing replication health."}],
			"providerSpecificDetails": {"instanceType": "InMage", "activeSiteType": "Azure"}`),
		itemFromTable(t, "Reprotected-Rcm", `"protectionState": "Protected", "activeLocation": "Primary", "replicationHealth": "Normal",
			"allowedOperations": ["PlannedFailover", "DisableProtection"],
			"providerSpecificDetails": {"instanceType": "InMageRcmFailback", "azureVirtualMachineId": "/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/vm1"}`),
		itemFromTable(t, "FailedBack-Classic", `"protectionState": "UnplannedFailoverCommitted", "activeLocation": "Recovery", "replicationHealth": "Normal",
			"allowedOperations": ["CompleteMigration", "DisableProtection", "SwitchProtection"],
			"providerSpecificDetails": {"instanceType": "InMage", "activeSiteType": "OnPrem"}`),
	)
	// The GET of item 152 just before the reprotect the service accepted.
	if it := recordedItem(t, "rcm-item-failedover-152-get.json"); it.Stage() != inventory.FailedOver || !it.Allows(inventory.OpSwitchProtection) || !it.FailoverCommitted() {
		t.Errorf("item 152 before reprotect: stage %q, %+v", it.Stage(), it)
	}
	stages := map[string]inventory.Stage{}
	for _, it := range items {
		stages[it.FriendlyName] = it.Stage()
	}
	wantStages := map[string]inventory.Stage{
		"Rcm-W2K19-155": inventory.FailedOver, "Rcm-W2K19-152": inventory.FailedOver, "V2A-W2K16-201": inventory.FailedOver,
		"Rcm-Ub18-154": inventory.Replicating, "Rcm-W2K16-153": inventory.OtherStage,
		"Reprotected-Classic": inventory.Reprotected, "Reprotected-Rcm": inventory.Reprotected, "FailedBack-Classic": inventory.FailedBack,
	}
	for name, want := range wantStages {
		if stages[name] != want {
			t.Errorf("%s: stage %q, want %q", name, stages[name], want)
		}
	}

	tests := []struct {
		phase checks.Phase
		check checks.Check
		want  map[string]string // VM → "status | message fragment" of its one result
	}{
		{checks.Reprotect, checks.ASRProtectedItem{}, map[string]string{
			"Rcm-W2K19-155":       "pass | the failover is not committed yet",
			"Rcm-W2K19-152":       "pass | failed over, state UnplannedFailoverCommitted, InMageRcm",
			"V2A-W2K16-201":       "pass | failed over, state UnplannedFailoverCommitted, InMageAzureV2",
			"Rcm-Ub18-154":        "fail | it was never failed over",
			"Rcm-W2K16-153":       "fail | state EnablingFailed",
			"Reprotected-Classic": "fail | it is already reprotected",
			"Reprotected-Rcm":     "fail | it is already reprotected",
			"FailedBack-Classic":  "fail | it has already failed back",
		}},
		{checks.Failback, checks.ASRProtectedItem{}, map[string]string{
			"Rcm-W2K19-155":       "fail | it is not reprotected yet",
			"Rcm-W2K19-152":       "fail | it is not reprotected yet",
			"V2A-W2K16-201":       "fail | it is not reprotected yet",
			"Rcm-Ub18-154":        "fail | it was never failed over",
			"Reprotected-Classic": "pass | reprotected, state Protected, InMage, active location Primary",
			"Reprotected-Rcm":     "pass | reprotected, state Protected, InMageRcmFailback, active location Primary",
			"FailedBack-Classic":  "fail | it has already failed back: the VM is back on-premises",
		}},
		{checks.Failback, checks.ASRHealth{}, map[string]string{
			"Reprotected-Classic": "pass | Site Recovery reports information 548004",
			"Reprotected-Rcm":     "pass | reports no health errors",
			"Rcm-W2K19-152":       "pass | reports no health errors",
			"Rcm-W2K16-153":       "fail 310056 | ",
		}},
	}
	for _, tc := range tests {
		got := verdicts(t, tc.phase, items, tc.check)
		for vm, w := range tc.want {
			status, fragment, _ := strings.Cut(w, " | ")
			rs := got[vm]
			if len(rs) != 1 || !strings.HasPrefix(rs[0], status+" | ") || !strings.Contains(rs[0], fragment) {
				t.Errorf("%s %s %s: got %q, want %s …%s…", tc.phase, tc.check.Info().ID, vm, rs, status, fragment)
			}
		}
	}
	// The never-failed-over item's health: a warning and two errors, each with ASR's code.
	health := verdicts(t, checks.Reprotect, items, checks.ASRHealth{})["Rcm-Ub18-154"]
	var codes []string
	for _, r := range health {
		status, _, _ := strings.Cut(r, " | ")
		codes = append(codes, status)
	}
	slices.Sort(codes)
	if want := []string{"fail 325091", "fail 325092", "warn 161011"}; !slices.Equal(codes, want) {
		t.Errorf("Rcm-Ub18-154 health: %q, want %q", codes, want)
	}

	// Plans from the vault take the same items: failed over for reprotect, reprotected for failback.
	inv := &inventory.Azure{ProtectedItems: items}
	var names []string
	for _, vm := range preflight.VaultVMs(inv, checks.Reprotect, false) {
		names = append(names, vm.Name)
	}
	if want := []string{"Rcm-W2K19-155", "Rcm-W2K19-152", "V2A-W2K16-201"}; !slices.Equal(names, want) {
		t.Errorf("reprotect plan: %q, want %q", names, want)
	}
	names = nil
	for _, vm := range preflight.VaultVMs(inv, checks.Failback, false) {
		names = append(names, vm.Name)
	}
	if want := []string{"Reprotected-Classic", "Reprotected-Rcm"}; !slices.Equal(names, want) {
		t.Errorf("failback plan: %q, want %q", names, want)
	}
}
