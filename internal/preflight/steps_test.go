package preflight

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
)

// TestNewSnapshot: the parts a configuration asks nothing of are recorded with the reason.
func TestNewSnapshot(t *testing.T) {
	pl := &plan.Plan{MasterTarget: "mt01"}
	s := newSnapshot(&Config{Phase: result.Reprotect, Plan: pl})
	for part, why := range map[inventory.Part]string{
		inventory.AzurePart:        "Azure is not configured",
		inventory.GuestPart:        "opt-in: run with --probe-guest",
		inventory.ConfigServerPart: "the plan names no configurationServer",
	} {
		if !strings.HasPrefix(s.Parts[part].NotConfigured, why) {
			t.Errorf("%s: %+v, want %q", part, s.Parts[part], why)
		}
	}
	pl.ConfigurationServer = "cs01"
	s = newSnapshot(&Config{Phase: result.Reprotect, Plan: pl, Azure: &azure.Config{}, Guest: true})
	if s.Parts[inventory.VaultPart].NotConfigured != "the plan names no azure.vault" || s.Parts[inventory.GuestPart] != (inventory.State{}) ||
		s.Parts[inventory.ConfigServerPart] != (inventory.State{}) || s.SnapshotVersion != 1 || s.CollectedAt.IsZero() {
		t.Errorf("%+v", s)
	}
}

// inMemory is a snapshot of a healthy vCenter and nothing else, built by hand.
func inMemory() *inventory.Snapshot {
	mount := []inventory.Mount{{Host: "esx01", Mounted: true, Accessible: true, AccessMode: "readWrite"}}
	s := &inventory.Snapshot{SnapshotVersion: 1, Tool: "asr-preflight", Phase: result.Failback, CollectedAt: time.Now().UTC(),
		Plan: &plan.Plan{Version: 1, MasterTarget: "mt01", VMs: []plan.VM{{Name: "web01", Location: plan.Original, Datastore: "ds01"}}},
		VCenter: &inventory.VCenter{About: inventory.About{APIVersion: "8.0.2.0"}, Datacenter: "DC1",
			Hosts: []inventory.Host{{Name: "esx01", ConnectionState: "connected", Product: "VMware ESXi", ProductLineID: "embeddedEsx",
				Version: "8.0.2", MemoryBytes: 64 << 30, MemoryUsageMB: 1024}},
			Datastores: []inventory.Datastore{{Name: "ds01", Type: "VMFS", Accessible: true, CapacityBytes: 1 << 40, FreeBytes: 1 << 39, Mounts: mount}},
			VMs: []inventory.VM{{Ref: "vm-1", Name: "mt01", Host: "esx01", PowerState: "poweredOn"},
				{Ref: "vm-2", Name: "web01", Host: "esx01", PowerState: "poweredOff", MemoryMB: 4096}}},
		Parts: inventory.Parts{inventory.VCenterPart: {Collected: true}}}
	return s
}

// TestFinish runs derive, analyze and report on an in-memory snapshot: results, steps, and every
// output file written whatever happens to the others.
func TestFinish(t *testing.T) {
	dir := t.TempDir()
	blocked := filepath.Join(dir, "blocked")
	if err := os.Mkdir(blocked, 0o755); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cfg := &Config{Phase: result.Failback, Runner: checks.Options{Concurrency: 2}, Version: "test",
		Output: Output{Format: "json", Stdout: &stdout, Files: []File{{"--save-snapshot", filepath.Join(dir, "snap.json"), SnapshotFile, ""},
			{"--junit", blocked, ReportFile, "junit"}, {"--markdown", filepath.Join(dir, "r.md"), ReportFile, "markdown"},
			{"--ready-file", filepath.Join(dir, "ready.txt"), ReadyFile, ""}}}}
	if err := cfg.selectChecks([]string{"esxi.memory", "vm.name-collision"}); err != nil {
		t.Fatal(err)
	}
	out := finish(context.Background(), cfg, inMemory(), time.Now(), &steps{last: time.Now()})
	got := map[string]result.Status{}
	for _, r := range out.Report.Results {
		got[r.Check+" "+r.Target] = r.Status
	}
	if got["esxi.memory esx01"] != result.Pass || got["vm.name-collision web01"] != result.Pass || len(got) != 2 {
		t.Errorf("results %v", got)
	}
	if len(out.Report.Steps) != 2 || out.Report.Steps[0].Name != "derive" || out.Report.Steps[1].Name != "analyze" {
		t.Errorf("steps %+v", out.Report.Steps)
	}
	if len(out.Failed) != 1 || !strings.Contains(out.Failed[0].Error(), "writing junit report "+blocked) || out.ExitCode() != 1 {
		t.Errorf("failed %v, exit %d", out.Failed, out.ExitCode())
	}
	for _, name := range []string{"snap.json", "r.md"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written after a failed output: %v", name, err)
		}
	}
	if ready, err := os.ReadFile(filepath.Join(dir, "ready.txt")); string(ready) != "web01\n" {
		t.Errorf("ready list %q, %v", ready, err)
	}
	if !strings.Contains(stdout.String(), `"check": "esxi.memory"`) {
		t.Errorf("stdout: %s", stdout.String())
	}
}

// TestSnapshotRoundTrip: a saved snapshot loads back as it was, without the URL's credentials.
func TestSnapshotRoundTrip(t *testing.T) {
	s := inMemory()
	s.Plan.VCenter.URL = "https://admin:hunter22@vcsa.example.com/sdk"
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := writeFile(path, "snapshot", func(w io.Writer) error { return SaveSnapshot(w, s) }); err != nil {
		t.Fatal(err)
	}
	if s.Plan.VCenter.URL != "https://admin:hunter22@vcsa.example.com/sdk" {
		t.Error("saving changed the live snapshot")
	}
	back, err := LoadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Plan.VCenter.URL != "https://vcsa.example.com/sdk" || len(back.VCenter.VMs) != 2 || !back.Parts[inventory.VCenterPart].Collected ||
		!back.CollectedAt.Equal(s.CollectedAt) {
		t.Errorf("%+v", back)
	}
}

// TestLargeSnapshot: a snapshot larger than a plan may be (4 MiB) loads whole; one past
// MaxSnapshotBytes is refused with its size, not read to the end.
func TestLargeSnapshot(t *testing.T) {
	s := inMemory()
	for i := range 30_000 {
		s.VCenter.VMs = append(s.VCenter.VMs, inventory.VM{Name: fmt.Sprintf("vm%05d", i), Ref: fmt.Sprintf("vm-%d", i), Host: "esx01", PowerState: "poweredOn"})
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := writeFile(path, "snapshot", func(w io.Writer) error { return SaveSnapshot(w, s) }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() <= strictyaml.MaxBytes {
		t.Fatalf("the snapshot is not larger than a plan may be: %v %v", fi.Size(), err)
	}
	if back, err := LoadSnapshot(path); err != nil || len(back.VCenter.VMs) != len(s.VCenter.VMs) {
		t.Fatalf("%v", err)
	}
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxSnapshotBytes+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	if _, err := LoadSnapshot(huge); err == nil || err.Error() != huge+" is larger than 256 MiB: not an asr-preflight snapshot" {
		t.Errorf("%v", err)
	}
}

// TestVaultVMs: failed-over items for reprotect, reprotected for failback; memory only when asked.
func TestVaultVMs(t *testing.T) {
	inv := &inventory.Azure{ProtectedItems: []inventory.ProtectedItem{
		{FriendlyName: "web01", InstanceType: "InMageRcm", ProtectionState: inventory.StateFailoverCommitted, MemoryMB: 4096,
			RecoveryVMName: "web01", RecoveryResourceGroup: "rg-dr"},
		{FriendlyName: "db01", InstanceType: "InMageRcmFailback", ProtectionState: inventory.StateProtected},
		{FriendlyName: "", InstanceType: "InMageRcm", ProtectionState: inventory.StateFailoverCommitted},
	}}
	re := VaultVMs(inv, result.Reprotect, true)
	if len(re) != 1 || re[0].Name != "web01" || re[0].MemoryMB != 4096 || re[0].AzureVM == nil || re[0].AzureVM.ResourceGroup != "rg-dr" {
		t.Errorf("reprotect: %+v", re)
	}
	if fb := VaultVMs(inv, result.Failback, false); len(fb) != 1 || fb[0].Name != "db01" || fb[0].MemoryMB != 0 {
		t.Errorf("failback: %+v", fb)
	}
}

// TestBudget: the collectors end before the run's deadline by the reserve; the checks always get
// at least the reserve.
func TestBudget(t *testing.T) {
	b := newBudget(time.Now(), 10*time.Second)
	if b.reserve != 2*time.Second || time.Until(b.collectEnd()) > 8*time.Second {
		t.Errorf("%+v", b)
	}
	late := newBudget(time.Now().Add(-time.Minute), 10*time.Second) // the deadline has passed
	ctx, cancel := late.checks(context.Background())
	defer cancel()
	if d, _ := ctx.Deadline(); time.Until(d) < time.Second {
		t.Errorf("the checks get %v after a late collection", time.Until(d))
	}
	cctx, ccancel := late.collector(context.Background(), "vCenter vc:443", time.Now())
	defer ccancel()
	<-cctx.Done()
	if err := context.Cause(cctx); err == nil || !strings.HasPrefix(err.Error(), "no answer from vCenter vc:443 within ") || !errors.Is(cctx.Err(), context.DeadlineExceeded) {
		t.Errorf("cause %v", err)
	}
}

// TestReadyList: the ready VMs, the warn ones only when asked, and never a name that would break
// the list.
func TestReadyList(t *testing.T) {
	rep := report.Report{VMs: []result.VM{{Name: "app01", Verdict: result.Warned}, {Name: "bad\nname", Verdict: result.Ready},
		{Name: "db01", Verdict: result.Blocked}, {Name: "file01", Verdict: result.Unknown}, {Name: "web01", Verdict: result.Ready}},
		RecoveryPlans: []result.RecoveryPlan{{Name: "rp-web", Verdict: result.Ready}, {Name: "rp-db", Verdict: result.Blocked}, {Name: "rp-app", Verdict: result.Warned}, {Name: "rp\x1b", Verdict: result.Ready}}}
	for _, tc := range []struct {
		plans, warn bool
		want, what  string
		left        string
	}{{false, false, "web01\n", "VM", "bad\nname"}, {false, true, "app01\nweb01\n", "VM", "bad\nname"},
		{true, false, "rp-web\n", "recovery plan", "rp\x1b"}, {true, true, "rp-app\nrp-web\n", "recovery plan", "rp\x1b"}} {
		var b strings.Builder
		what, list := readyList(rep, tc.plans)
		if left, err := writeReady(&b, list, tc.warn); err != nil || what != tc.what || b.String() != tc.want || len(left) != 1 || left[0] != tc.left {
			t.Errorf("plans %v, include warn %v: %s %q, left out %q, %v; want %q", tc.plans, tc.warn, what, b.String(), left, err, tc.want)
		}
	}
}

// TestRecoveryPlanVMsRefuseAmbiguity: the VMs are told by name, so two items of one name in the
// named plans, or one plan named twice (by its name and its friendly name), are bad input.
func TestRecoveryPlanVMsRefuseAmbiguity(t *testing.T) {
	item := func(id, name string) inventory.ProtectedItem {
		return inventory.ProtectedItem{ID: id, FriendlyName: name, InstanceType: "InMageRcm", ProtectionState: "UnplannedFailoverCommitted"}
	}
	group := func(ids ...string) inventory.RecoveryPlanGroup {
		g := inventory.RecoveryPlanGroup{Type: "Boot"}
		for _, id := range ids {
			g.Items = append(g.Items, inventory.RecoveryPlanItem{ID: id})
		}
		return g
	}
	snap := func(names ...string) *inventory.Snapshot {
		s := &inventory.Snapshot{Plan: &plan.Plan{Azure: &plan.Azure{Vault: plan.Resource{ResourceGroup: "rg", Name: "v"}}, RecoveryPlans: names},
			Azure: &inventory.Azure{ProtectedItems: []inventory.ProtectedItem{item("/i/a", "web01"), item("/i/b", "WEB01"), item("/i/c", "db01")},
				RecoveryPlans: []inventory.RecoveryPlan{{Name: "rp-1", FriendlyName: "Finance", Groups: []inventory.RecoveryPlanGroup{group("/i/c", "/i/a")}},
					{Name: "rp-2", Groups: []inventory.RecoveryPlanGroup{group("/i/b")}}}}, Parts: inventory.Parts{}}
		s.Parts.Collect(inventory.VaultPart)
		s.Parts.Collect(inventory.RecoveryPlansPart)
		return s
	}
	if vms, err := RecoveryPlanVMs(snap("rp-1"), result.Reprotect, false); err != nil || len(vms) != 2 || vms[0].Name != "db01" || vms[1].Name != "web01" {
		t.Errorf("rp-1: %v %+v", err, vms)
	}
	for names, want := range map[[2]string]string{
		{"rp-1", "rp-2"}:    "recovery plans rp-1, rp-2 name two protected items of machine WEB01 (/i/a and /i/b): asr-preflight tells the VMs by name; remove the stale one from the plan",
		{"rp-1", "finance"}: "recovery plans rp-1 and finance are the same plan of the vault (rp-1): name it once",
		{"rp-1", "rp-9"}:    "vault rg/v has no recovery plan rp-9; its recovery plans: rp-1, rp-2",
	} {
		if _, err := RecoveryPlanVMs(snap(names[0], names[1]), result.Reprotect, false); !IsInput(err) || err.Error() != want {
			t.Errorf("%v: %v, want %q", names, err, want)
		}
	}
}
