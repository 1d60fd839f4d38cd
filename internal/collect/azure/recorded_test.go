package azure_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
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

// recordedModel decodes one recorded item (a GET, or one entry of a listing) with the SDK.
func recordedModel(t *testing.T, name string) *asr.ReplicationProtectedItem {
	t.Helper()
	var it asr.ReplicationProtectedItem
	if err := json.Unmarshal(recorded(t, name), &it); err != nil {
		t.Fatal(err)
	}
	return &it
}

// recordedItem decodes one recorded item as the collector keeps a listed one.
func recordedItem(t *testing.T, name string) inventory.ProtectedItem {
	t.Helper()
	return azure.DecodeItem(recordedModel(t, name))
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

// verdicts is what a check says of each item's VM ("status code | message" per result), in a
// snapshot of no particular time.
func verdicts(t *testing.T, phase checks.Phase, items []inventory.ProtectedItem, c checks.Check) map[string][]string {
	t.Helper()
	return recordedAt(t, time.Time{}, phase, items, c)
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

// recordedFabrics decodes the recorded modernized and classic fabrics with the SDK, then the collector.
func recordedFabrics(t *testing.T) *inventory.Fabrics {
	t.Helper()
	out := &inventory.Fabrics{}
	for _, name := range []string{"rcm-fabric.json", "classic-fabric.json"} {
		var f asr.Fabric
		if err := json.Unmarshal(recorded(t, name), &f); err != nil {
			t.Fatal(err)
		}
		azure.DecodeFabric(out, &f)
	}
	return out
}

// TestRecordedFabrics: both recorded fabrics decode to what the checks read.
func TestRecordedFabrics(t *testing.T) {
	f := recordedFabrics(t)
	if names := strings.Join(f.ApplianceNames(), ","); names != "Rcm-App-150,Rcm-App-151" {
		t.Fatalf("appliances %s", names)
	}
	a := f.Appliance("", "rcm-app-151")
	if a == nil || a.ID != "c145803b-80bc-4a11-b8ae-d2a4d150700e" || len(a.Roles) != len(inventory.ApplianceRoles) {
		t.Fatalf("Rcm-App-151: %+v", a)
	}
	for _, kind := range inventory.ApplianceRoles {
		r, ok := a.Role(kind)
		if !ok || r.Health != "Normal" || r.LastHeartbeat.IsZero() || r.Version == "" {
			t.Errorf("%s: %v %+v", kind, ok, r)
		}
	}
	if a.Resources["disk usage"] != "Healthy" || len(a.Resources) != 5 || a.FreeSpacePercent == nil ||
		!slices.Contains(a.AccessibleDatastores, "SharedDS-84-85") || a.VCenterID == "" {
		t.Errorf("Rcm-App-151 details: %+v", a)
	}
	if len(f.Classic) != 1 {
		t.Fatalf("classic fabrics: %+v", f.Classic)
	}
	c := f.Classic[0]
	if c.ConfigServer.Name != "PwsTestCS" || c.ConfigServer.ServiceStatus != "Running" || c.ConfigServer.LastHeartbeat.IsZero() ||
		len(c.ProcessServers) != 2 || len(c.MasterTargets) != 2 {
		t.Fatalf("classic fabric: %+v", c)
	}
	// The recorded classic item goes through the recorded process server V2A-PS-200 and master target.
	it := recordedItem(t, "classic-item-failedover.json")
	cf, ps, mt := f.ClassicServers(it.ProcessServerID, it.MasterTargetID)
	if cf == nil || ps == nil || ps.Name != "V2A-PS-200" || ps.ServiceStatus != "Running" || mt == nil || !slices.Contains(mt.Datastores, "datastore1") {
		t.Errorf("classic servers of %s: %+v %+v %+v", it.FriendlyName, cf, ps, mt)
	}
	if it.AgentHeartbeat.IsZero() || it.AgentVersion != "9.41.0.0" {
		t.Errorf("classic agent: %+v", it)
	}
	// The recorded modernized item before reprotect: its appliance, agent, disks and last-seen original.
	rcm := recordedItem(t, "rcm-item-failedover-152-get.json")
	if rcm.ProcessServerName != "Rcm-App-151" || rcm.AgentRegistered == nil || !*rcm.AgentRegistered || rcm.AgentHeartbeat.IsZero() ||
		len(rcm.Disks) != 2 || rcm.DiscoveredVM == nil || rcm.DiscoveredVM.Deleted || !slices.Contains(rcm.DiscoveredVM.Datastores, "SharedDS-84-85") {
		t.Errorf("modernized item: %+v", rcm)
	}
}

// TestRecordedAppliances: the recorded fabric's two appliances, with their heartbeats moved to
// now (the recording is from 2021), are healthy in every role for the recorded items that go
// through them; left as recorded, every role is taken as down.
func TestRecordedAppliances(t *testing.T) {
	verdict := func(shift bool) map[string]string {
		f := recordedFabrics(t)
		now := time.Now().UTC()
		if shift {
			latest := time.Time{}
			for _, a := range f.Appliances {
				for _, r := range a.Roles {
					if r.LastHeartbeat.After(latest) {
						latest = r.LastHeartbeat
					}
				}
			}
			for i := range f.Appliances {
				f.Appliances[i].LastDiscovery = f.Appliances[i].LastDiscovery.Add(now.Sub(latest)) // every timestamp moves by the same amount
				for j := range f.Appliances[i].Roles {
					f.Appliances[i].Roles[j].LastHeartbeat = f.Appliances[i].Roles[j].LastHeartbeat.Add(now.Sub(latest))
				}
			}
		}
		items := recordedItems(t)[:4] // the modernized ones
		s := &inventory.Snapshot{Phase: checks.Reprotect, CollectedAt: now, Plan: &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "V2A-ECY", Name: "Rcm-Vault-150"}}},
			Azure: &inventory.Azure{ProtectedItems: items, Fabrics: f}, Parts: inventory.Parts{}}
		for _, p := range []inventory.Part{inventory.AzurePart, inventory.VaultPart, inventory.FabricsPart} {
			s.Parts.Collect(p)
		}
		for _, it := range items {
			s.Plan.VMs = append(s.Plan.VMs, plan.VM{Name: it.FriendlyName})
		}
		out := map[string]string{}
		for _, r := range checks.Run(t.Context(), []checks.Check{checks.Appliance{}}, &checks.Input{Snapshot: s, Facts: derive.Derive(s)}, checks.Options{}) {
			out[r.Target] = string(r.Status) + " " + r.Code + " | " + r.Message
		}
		return out
	}
	fresh := verdict(true)
	for _, name := range []string{"Rcm-App-150", "Rcm-App-151"} {
		// Listed only, the items' disks are unknown: the 60-disk limit cannot be told to hold, and warns; nothing else does.
		if !strings.HasPrefix(fresh[name], "warn  | appliance "+name+" (named by Site Recovery") || !strings.HasSuffix(fresh[name], "; one appliance carries at most 60 for failback") ||
			strings.Contains(fresh[name], "heartbeat") || strings.Count(fresh[name], ";") != 1 {
			t.Errorf("%s, heartbeats moved to now: %s", name, fresh[name])
		}
	}
	if !strings.Contains(fresh["Rcm-App-151"], "for Rcm-W2K19-155, Rcm-W2K19-152") || !strings.Contains(fresh["Rcm-App-150"], "for Rcm-Ub18-154, Rcm-W2K16-153") {
		t.Errorf("the items go through the appliances they recorded: %v", fresh)
	}
	stale := verdict(false)
	for _, name := range []string{"Rcm-App-150", "Rcm-App-151"} {
		if !strings.HasPrefix(stale[name], "fail 806 | ") || !strings.Contains(stale[name], "(more than an hour: taken as down)") {
			t.Errorf("%s, heartbeats of 2021: %s", name, stale[name])
		}
	}
}

// The times of the recordings (testdata/recorded/README.md): the reprotect recording's listing, and
// the failback recording's listing of the reprotected item.
var (
	reprotectRecorded = time.Date(2021, 8, 26, 7, 15, 0, 0, time.UTC)
	failbackRecorded  = time.Date(2021, 8, 26, 8, 11, 34, 0, time.UTC)
)

// recordedAt is verdicts with the snapshot collected at the recording's time, so that every
// recorded age is the one the service reported.
func recordedAt(t *testing.T, at time.Time, phase checks.Phase, items []inventory.ProtectedItem, c checks.Check) map[string][]string {
	t.Helper()
	s := &inventory.Snapshot{Phase: phase, CollectedAt: at, Plan: &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "V2A-ECY", Name: "Rcm-Vault-150"}}},
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

// recordedGet decodes one recorded item GET as the collector keeps it (with its disks).
func recordedGet(t *testing.T, name string) inventory.ProtectedItem {
	t.Helper()
	return azure.DecodeGet(recordedModel(t, name))
}

// expect asserts one result per VM, of the status, with the fragment.
func expect(t *testing.T, what string, got map[string][]string, want map[string]string) {
	t.Helper()
	for vm, w := range want {
		status, fragment, _ := strings.Cut(w, " | ")
		rs := got[vm]
		if len(rs) != 1 || !strings.HasPrefix(rs[0], status+" | ") || !strings.Contains(rs[0], fragment) {
			t.Errorf("%s %s: got %q, want %s …%s…", what, vm, rs, status, fragment)
		}
	}
}

// TestRecordedReprotectAgents: the two failed-over items reprotected that same day pass asr.agent
// at the time of the reprotect recording, though their heartbeats stopped at failover (155's 21
// days before, 152's 24 minutes before).
func TestRecordedReprotectAgents(t *testing.T) {
	items := recordedItems(t)[:4]
	expect(t, "asr.agent", recordedAt(t, reprotectRecorded, checks.Reprotect, items, checks.Agent{}), map[string]string{
		"Rcm-W2K19-155": "pass | the Mobility agent re-registered with Site Recovery after failover, no agent health error; its last agent heartbeat was 2 h 48 min before the failover (21 days ago)",
		"Rcm-W2K19-152": "pass | its last agent heartbeat was 33 s before the failover (23 min ago)",
		"Rcm-Ub18-154":  "skip | is not failed over (replicating)",
	})
}

// TestRecordedFailback runs the failback checks on the reprotected items of the failback
// recordings: 152 ready (LIST without disks, GET with its 2), 155 still replicating back (92 %),
// 152 again with replication health Critical only for 531006 (as modernized.md records it).
func TestRecordedFailback(t *testing.T) {
	listed := recordedItem(t, "rcmfailback-item-152-protected-list-entry.json")
	got := recordedGet(t, "rcmfailback-item-152-protected-get.json")
	if listed.DisksKnown() || len(listed.Disks) != 0 || !got.DisksKnown() || len(got.Disks) != 2 || got.Disks[1].CapacityBytes != 32212254720 {
		t.Fatalf("152: listed %d disks (known %v), by GET %d (known %v)", len(listed.Disks), listed.DisksKnown(), len(got.Disks), got.DisksKnown())
	}
	if got.Stage() != inventory.Reprotected || got.FailoverHealth != "Normal" || got.Job != "" || got.SourceUUID != "50158471-87c2-d4ad-caa2-abe22face6d8" ||
		got.TargetVCenterID == "" || got.ReprotectAgentName != "Rcm-App-150" || got.ResyncState != "None" {
		t.Errorf("152 by GET: %+v", got)
	}
	reprotecting := recordedItem(t, "rcmfailback-item-155-initialreplication-list-entry.json")
	if reprotecting.Stage() != inventory.Reprotecting || reprotecting.InitialReplicationPercent == nil || *reprotecting.InitialReplicationPercent != 92 {
		t.Errorf("155: stage %q, %+v", reprotecting.Stage(), reprotecting)
	}
	// 152 as the vault reports an item whose only error is 531006: Critical, failover health Normal.
	critical := recordedModel(t, "rcmfailback-item-152-protected-get.json")
	other := recordedModel(t, "rcmfailback-item-155-initialreplication-list-entry.json")
	critical.Properties.FriendlyName = to.Ptr("Rcm-W2K19-152-531006")
	critical.Properties.ReplicationHealth, critical.Properties.HealthErrors = to.Ptr("Critical"), other.Properties.HealthErrors // 155's recorded 531006
	app := azure.DecodeGet(critical)

	items := []inventory.ProtectedItem{got, reprotecting, app}
	for _, tc := range []struct {
		check checks.Check
		want  map[string]string
	}{
		{checks.ASRProtectedItem{}, map[string]string{
			"Rcm-W2K19-152":        "pass | reprotected, state Protected, InMageRcmFailback",
			"Rcm-W2K19-155":        "fail | reprotect is still replicating: 92 %",
			"Rcm-W2K19-152-531006": "pass | replication health is Critical only for want of a recent app-consistent recovery point",
		}},
		{checks.ASRHealth{}, map[string]string{
			"Rcm-W2K19-152":        "pass | Site Recovery reports information 548004",
			"Rcm-W2K19-155":        "fail 531006 | ",
			"Rcm-W2K19-152-531006": "warn 531006 | failback works, to the latest crash-consistent recovery point",
		}},
		{checks.Replication{}, map[string]string{
			"Rcm-W2K19-152":        "pass | initial replication complete on all 2 disk(s), no resync required",
			"Rcm-W2K19-155":        "fail | reprotect is still replicating: 92 % (initial replication InProgress)",
			"Rcm-W2K19-152-531006": "pass | ",
		}},
	} {
		expect(t, tc.check.Info().ID, recordedAt(t, failbackRecorded, checks.Failback, items, tc.check), tc.want)
	}
	// Listed only, 152's disks are unknown: an error, never a pass and never a false "no disk".
	expect(t, "asr.replication, listed only", recordedAt(t, failbackRecorded, checks.Failback, []inventory.ProtectedItem{listed}, checks.Replication{}),
		map[string]string{"Rcm-W2K19-152": "error | its disks are unknown: the item was only listed"})

	// A plan from the vault for failback takes the ready item and the one still replicating back.
	var names []string
	for _, vm := range preflight.VaultVMs(&inventory.Azure{ProtectedItems: []inventory.ProtectedItem{listed, reprotecting}}, checks.Failback, false) {
		names = append(names, vm.Name)
	}
	if want := []string{"Rcm-W2K19-152", "Rcm-W2K19-155"}; !slices.Equal(names, want) {
		t.Errorf("failback plan from the vault: %q, want %q", names, want)
	}
}

// TestRecordedSourceUUID: the original's instance UUID from the item's name, else from its fabric
// discovery machine ID (the recorded enabling-failed item is named by its friendly name).
func TestRecordedSourceUUID(t *testing.T) {
	got := map[string]string{}
	for _, it := range recordedItems(t) {
		got[it.FriendlyName] = it.SourceUUID
	}
	if got["Rcm-W2K19-152"] != "50158471-87c2-d4ad-caa2-abe22face6d8" || len(got["Rcm-W2K16-153"]) != 36 || got["V2A-W2K16-201"] != "" {
		t.Errorf("source UUIDs: %v", got)
	}
	bare := itemFromTable(t, "50158471-87c2-d4ad-caa2-abe22face6d8", `"providerSpecificDetails": {"instanceType": "InMageRcm"}`)
	if bare.SourceUUID != "" {
		t.Errorf("a name without vcenter…_ is no UUID: %q", bare.SourceUUID)
	}
}

// TestRecordedBodiesDecode: the recorded failback policies, which no collector reads, decode with
// the SDK type the README names.
func TestRecordedBodiesDecode(t *testing.T) {
	var pc asr.PolicyCollection
	if err := json.Unmarshal(recorded(t, "rcmfailback-policies.json"), &pc); err != nil || len(pc.Value) != 2 {
		t.Fatalf("policies: %v %+v", err, pc)
	}
	if d, ok := pc.Value[0].Properties.ProviderSpecificDetails.(*asr.InMageRcmFailbackPolicyDetails); !ok || d.AppConsistentFrequencyInMinutes == nil || *d.AppConsistentFrequencyInMinutes != 60 {
		t.Errorf("policy %s: %#v", *pc.Value[0].Name, pc.Value[0].Properties.ProviderSpecificDetails)
	}
}

// TestRecordedRecoveryPlan decodes the recorded recovery plan through the collector, finds its item
// among the recorded ones — by the VM ID the plan names it by, since the plan's item ID
// (vcenter67_<uuid>) is not the listing's (Rcm-W2K16-153) — and judges it: the recorded plan allows
// only UnplannedFailover and TestFailover, and its one item was never failed over (enabling
// failed, in the listing of the same day), so neither reprotect nor failback of the plan can run.
func TestRecordedRecoveryPlan(t *testing.T) {
	var model asr.RecoveryPlan
	if err := json.Unmarshal(recorded(t, "rcm-recoveryplan-get.json"), &model); err != nil {
		t.Fatal(err)
	}
	rp := azure.DecodeRecoveryPlan(&model)
	if rp.Name != "v2arcm-pwsh-rp" || rp.FriendlyName != "v2arcm-pwsh-rp" || rp.Job != "" || rp.JobStatus != "" || !rp.JobStarted.IsZero() ||
		strings.Join(rp.AllowedOperations, ",") != "UnplannedFailover,TestFailover" || strings.Join(rp.Providers, ",") != "InMageRcm" ||
		rp.PrimaryFabric != "Rcm-Vault-150-vmwarefabric" || rp.RecoveryFabric != "Microsoft Azure" || rp.FailoverDeploymentModel != "ResourceManager" ||
		len(rp.Groups) != 3 || rp.Groups[0].Type != "Shutdown" || rp.Groups[1].Type != "Failover" || rp.Groups[2].Type != "Boot" ||
		len(rp.Groups[2].Items) != 1 || rp.Groups[2].Items[0].VirtualMachineID != "78d16d0c-3977-56d8-80e6-ce8491a8fd9b" {
		t.Fatalf("recovery plan: %+v", rp)
	}
	for _, phase := range []checks.Phase{checks.Reprotect, checks.Failback} {
		s := &inventory.Snapshot{Phase: phase, Plan: &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "V2A-ECY", Name: "Rcm-Vault-150"}},
			RecoveryPlans: []string{"v2arcm-pwsh-rp"}}, Azure: &inventory.Azure{ProtectedItems: recordedItems(t), RecoveryPlans: []inventory.RecoveryPlan{rp}}, Parts: inventory.Parts{}}
		for _, part := range []inventory.Part{inventory.AzurePart, inventory.VaultPart, inventory.RecoveryPlansPart} {
			s.Parts.Collect(part)
		}
		facts := derive.Derive(s)
		if items := facts.RecoveryPlans[0].Items(); len(items) != 1 || items[0].FriendlyName != "Rcm-W2K16-153" || len(facts.RecoveryPlans[0].Missing) != 0 {
			t.Fatalf("%s: the plan's item: %+v", phase, facts.RecoveryPlans[0])
		}
		rs := checks.Run(t.Context(), []checks.Check{checks.RecoveryPlan{}}, &checks.Input{Snapshot: s, Facts: facts}, checks.Options{})
		want := "Rcm-W2K16-153 (1 of its 1 items) not ready for " + string(phase) + ", and the plan's job would fail on them — Rcm-W2K16-153: "
		if len(rs) != 1 || rs[0].Status != checks.Fail || rs[0].Target != "v2arcm-pwsh-rp" || !strings.Contains(rs[0].Message, want) ||
			phase == checks.Reprotect && !strings.Contains(rs[0].Message, "Site Recovery allows only UnplannedFailover, TestFailover on the plan") {
			t.Errorf("%s: %+v", phase, rs)
		}
	}
}
