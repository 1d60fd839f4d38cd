package suggest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

const gib = int64(1) << 30

// estate is a classic failback of n VMs of 4 GB, each planned on a host esxNN but esx00 (VM i
// on host 1 + i % (hosts-1)), every host with memGB of which 16 in use; esx00 is crowded with
// `crowd` VMs of 8 GB; datastores of 2 TB, ds00 with 10 GB free, mounted read-write everywhere. Azure is
// not configured: its checks skip.
func estate(n, hosts, datastores, crowd int, memGB int64) *inventory.Snapshot {
	vc := &inventory.VCenter{Datacenter: "DC1", About: inventory.About{FullName: "VMware vCenter Server 8.0.2", APIType: "VirtualCenter", APIVersion: "8.0.2.0"}}
	for h := range hosts {
		vc.Hosts = append(vc.Hosts, inventory.Host{Ref: fmt.Sprintf("host-%d", h), Name: fmt.Sprintf("esx%02d", h), ConnectionState: "connected",
			Product: "VMware ESXi", ProductLineID: "embeddedEsx", Version: "8.0.2", MemoryBytes: memGB * gib, MemoryUsageMB: 16 << 10,
			License: &inventory.License{EditionKey: "esx.enterprisePlus.cpuPackage"}})
	}
	for d := range datastores {
		ds := inventory.Datastore{Ref: fmt.Sprintf("ds-%d", d), Name: fmt.Sprintf("ds%02d", d), Type: "VMFS", Accessible: true, CapacityBytes: 2048 * gib, FreeBytes: 1500 * gib}
		if d == 0 {
			ds.FreeBytes = 10 * gib
		}
		for _, h := range vc.Hosts {
			ds.Mounts = append(ds.Mounts, inventory.Mount{Host: h.Name, Mounted: true, Accessible: true, AccessMode: "readWrite"})
		}
		vc.Datastores = append(vc.Datastores, ds)
	}
	mt := inventory.VM{Ref: "vm-mt", Name: "mt01", Host: "esx01", ConnectionState: "connected", PowerState: "poweredOn", MemoryMB: 8192, GuestFamily: "linuxGuest",
		Details: &inventory.VMDetails{ToolsRunningStatus: "guestToolsRunning", EnableUUID: "TRUE", SCSIControllers: []string{"VirtualLsiLogicController"}}}
	vc.VMs = append(vc.VMs, mt)
	pl := &plan.Plan{Version: 1, MasterTarget: "mt01"}
	add := func(name, host, ds string, mb int64) {
		vc.VMs = append(vc.VMs, inventory.VM{Ref: "vm-" + name, Name: name, Host: host, ConnectionState: "connected", PowerState: "poweredOff", MemoryMB: mb,
			GuestFamily: "linuxGuest", Storage: &inventory.VMStorage{Disks: 1, ProvisionedBytes: 20 * gib}})
		pl.VMs = append(pl.VMs, plan.VM{Name: name, Location: plan.Original, Datastore: ds, Host: host})
	}
	for i := range n {
		add(fmt.Sprintf("vm%04d", i), fmt.Sprintf("esx%02d", 1+i%(hosts-1)), fmt.Sprintf("ds%02d", 1+i%(datastores-1)), 4096)
	}
	for i := range crowd {
		add(fmt.Sprintf("crowd%02d", i), "esx00", "ds01", 8192)
	}
	parts := inventory.Parts{}
	for _, p := range []inventory.Part{inventory.VCenterPart, inventory.VMDetailsPart, inventory.GuestNetPart, inventory.LicensesPart} {
		parts.Collect(p)
	}
	parts.Skip(inventory.AzurePart, "not configured")
	parts.Skip(inventory.PrivilegesPart, "not asked")
	parts.Skip(inventory.ConfigServerPart, "not asked")
	parts.Skip(inventory.GuestPart, "not asked")
	return &inventory.Snapshot{Phase: result.Failback, CollectedAt: time.Now(), Plan: pl, VCenter: vc, Parts: parts}
}

// judged runs the phase's checks on the snapshot, as the pipeline does, and returns the verdicts.
func judged(snap *inventory.Snapshot) ([]checks.Check, []result.VM) {
	cs := checks.ForPhase(snap.Phase, nil)
	facts := derive.Derive(snap)
	rs := checks.Run(context.Background(), cs, &checks.Input{Snapshot: snap, Facts: facts}, checks.Options{Concurrency: 8})
	vms, _ := result.Judge(rs, facts.Scope(snap))
	return cs, vms
}

// TestJointPlacement: 16 VMs of 8 GB crowd esx00 (112 GB free): they are moved one by one to the
// host with the most room — never more onto one host than it takes together — until the rest fit
// where they are; the verdicts are untouched, and each suggestion passes a run of every check.
func TestJointPlacement(t *testing.T) {
	snap := estate(4, 3, 2, 16, 128)               // esx01 and esx02 each take two of the four small VMs
	snap.VCenter.Hosts[1].MemoryUsageMB = 80 << 10 // esx01: 48 GB free, with 8 GB planned
	cs, vms := judged(snap)
	out := Suggest(context.Background(), snap, cs, checks.Options{Concurrency: 8}, vms)
	moved, stays := map[string]int{}, 0
	for name, a := range out.VMs {
		for _, s := range a.Suggestions {
			if s.From == s.To {
				stays++
			} else {
				moved[s.To]++
				if s.Detail != "112.0 GB free; passes esxi.memory, esxi.host, esxi.license" {
					t.Errorf("%s: detail %q", name, s.Detail)
				}
			}
		}
		if len(a.Unresolved) > 0 {
			t.Errorf("%s: unresolved %v", name, a.Unresolved)
		}
	}
	// esx00 has 112 GB free for 16 × 8 = 128, and esxi.memory warns under 10 % left: four must go
	// (12 × 8 = 96 leaves 16 GB, 12.5 %). esx02 (112 GB free, 8 planned) has the most room and takes
	// them; the other 12 stay.
	if moved["esx02"] != 4 || len(moved) != 1 || stays != 12 {
		t.Errorf("moved %v, %d stay", moved, stays)
	}
	_, after := judged(&inventory.Snapshot{Phase: snap.Phase, CollectedAt: snap.CollectedAt, Plan: out.Plan, VCenter: snap.VCenter, Parts: snap.Parts})
	for _, vm := range after {
		if vm.Verdict == result.Blocked {
			t.Errorf("%s still blocked on the suggested plan: %+v", vm.Name, vm.Reasons)
		}
	}
	for _, vm := range vms {
		if vm.Suggestions != nil {
			t.Errorf("%s: the verdicts passed in are changed", vm.Name)
		}
	}
}

// TestNothingFits: a VM larger than any host's free memory gets no suggestion and the best
// candidate in words.
func TestNothingFits(t *testing.T) {
	snap := estate(1, 2, 2, 0, 128)
	snap.Plan.VMs[0].MemoryMB = 200 << 10
	cs, vms := judged(snap)
	out := Suggest(context.Background(), snap, cs, checks.Options{}, vms)
	a := out.VMs["vm0000"]
	if a == nil || len(a.Suggestions) != 0 || len(a.Unresolved) == 0 ||
		a.Unresolved[0] != "no host the checks accept (it needs 200.0 GB, with the VMs already there): the most free memory is 112.0 GB on esx00" {
		t.Errorf("%+v", a)
	}
}

// BenchmarkSuggest: 2,000 VMs over 32 hosts and 64 datastores, 40 of them crowding one host: the cost of --suggest on top of a run (no request: the snapshot is in
// memory).
func BenchmarkSuggest(b *testing.B) {
	snap := estate(1960, 32, 64, 40, 512)         // 63 small VMs a host: 252 of 496 GB free; the crowd 320 of 496
	snap.VCenter.Hosts[0].MemoryBytes = 256 * gib // esx00: 240 GB free for the crowd's 320
	cs, vms := judged(snap)
	var out Outcome
	for b.Loop() {
		out = Suggest(context.Background(), snap, cs, checks.Options{Concurrency: 8}, vms)
	}
	n := 0
	for _, a := range out.VMs {
		n += len(a.Suggestions)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "suggest-ms")
	b.ReportMetric(float64(n), "suggestions")
}

// TestNoNewProblem: the host with the most free memory has the VM's datastore unmounted: moving
// there would trade 8038 for 8061, so the next host is suggested.
func TestNoNewProblem(t *testing.T) {
	snap := estate(2, 4, 3, 16, 128)        // vm0000 on esx01 (ds01), vm0001 on esx02 (ds02); the crowd on esx00
	snap.VCenter.Hosts[3].MemoryUsageMB = 0 // esx03: the most free memory…
	ds01 := &snap.VCenter.Datastores[1]
	ds01.Mounts = ds01.Mounts[:3] // …but ds01, the crowd's datastore, is not mounted there
	cs, vms := judged(snap)
	out := Suggest(context.Background(), snap, cs, checks.Options{}, vms)
	for name, a := range out.VMs {
		for _, s := range a.Suggestions {
			if s.To == "esx03" {
				t.Errorf("%s suggested onto esx03, where its datastore is not mounted", name)
			}
		}
	}
	if a := out.VMs["crowd00"]; a == nil || len(a.Suggestions) != 1 || a.Suggestions[0].To == "esx00" && a.Suggestions[0].From == "esx00" {
		t.Errorf("crowd00: %+v", a)
	}
}

// TestCancelledAcceptsNothing: once the context ends (--timeout), no candidate is accepted.
func TestCancelledAcceptsNothing(t *testing.T) {
	snap := estate(4, 3, 2, 16, 128)
	cs, vms := judged(snap)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := Suggest(ctx, snap, cs, checks.Options{}, vms)
	for name, a := range out.VMs {
		if len(a.Suggestions) > 0 {
			t.Errorf("%s: %+v after the context ended", name, a.Suggestions)
		}
	}
}
