package checks

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// TestVerdicts runs every check of the phase on hand-built snapshots and judges the VMs as the
// pipeline does: a problem of a host, a datastore or an appliance blocks exactly the VMs that
// depend on it, and a source that could not be read leaves every VM unknown.
func TestVerdicts(t *testing.T) {
	tests := []struct {
		name   string
		phase  Phase
		change func(s *inventory.Snapshot)
		want   map[string]result.Verdict
		base   func() *inventory.Snapshot // modernized() when nil
		about  result.Kind                // the kind of the first problem's target
	}{
		{"healthy", Failback, nil, map[string]result.Verdict{"web01": result.Ready, "db01": result.Ready}, nil, ""},
		{"host short of memory", Failback, func(s *inventory.Snapshot) {
			vmRef(s, "db01").Host = "esx01" // db01's original, where it fails back to, moves to esx01
			hostRef(s, "esx02").MemoryUsageMB = 126 << 10
		}, map[string]result.Verdict{"web01": result.Blocked, "db01": result.Ready}, nil, result.HostKind},
		{"datastore inaccessible", Failback, func(s *inventory.Snapshot) {
			s.VCenter.Datastores = append(s.VCenter.Datastores, inventory.Datastore{Ref: "ds-2", Name: "ds02", Type: "VMFS", CapacityBytes: 1 << 40})
			itemRef(s, "db01").TargetDatastore = "ds02"
		}, map[string]result.Verdict{"web01": result.Ready, "db01": result.Blocked}, nil, result.DatastoreKind},
		{"appliance role missing", Failback, func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.ReprotectAgentID, it.ReprotectAgentName = "id-app02", "app02"
			app02 := &s.Azure.Fabrics.Appliances[1]
			app02.AccessibleDatastores, app02.Roles = []string{"ds01"}, app02.Roles[:4]
		}, map[string]result.Verdict{"web01": result.Blocked, "db01": result.Ready}, nil, result.ApplianceKind},
		{"vCenter down", Failback, func(s *inventory.Snapshot) {
			s.VCenter = nil
			s.Parts.Fail(VCenter, errors.New("cannot reach vCenter at https://vc/sdk: connection refused"))
		}, map[string]result.Verdict{"web01": result.Unknown, "db01": result.Unknown}, nil, result.VCenterKind},
		{"Azure down", Reprotect, func(s *inventory.Snapshot) {
			s.Azure = nil
			s.Parts.Fail(Azure, errors.New("cannot reach Azure Resource Manager: connection refused"))
		}, map[string]result.Verdict{"web01": result.Unknown, "db01": result.Unknown}, nil, result.AzureKind},
		{"vCenter down, a VM blocked", Failback, func(s *inventory.Snapshot) {
			s.VCenter = nil
			s.Parts.Fail(VCenter, errors.New("connection refused"))
			itemRef(s, "db01").ProtectionState = "UnprotectedStatesBegin"
		}, map[string]result.Verdict{"web01": result.Unknown, "db01": result.Blocked}, nil, result.VMKind},
		{"an alternate location away from the original's short host", Failback, func(s *inventory.Snapshot) {
			hostRef(s, "esx02").MemoryUsageMB = 126 << 10 // web01 (4 GB) does not fit; db01 fails back elsewhere
			s.Plan.VMs[1].Location, s.Plan.VMs[1].Host, s.Plan.VMs[1].MemoryMB = plan.Alternate, "esx01", 8192
			itemRef(s, "db01").TargetVMName = "db01-new"
		}, map[string]result.Verdict{"web01": result.Blocked, "db01": result.Ready}, nil, result.HostKind},
		{"a datastore unmounted from one VM's host", Failback, func(s *inventory.Snapshot) {
			vmRef(s, "db01").Host = "esx01"
			ds := &s.VCenter.Datastores[0]
			ds.Mounts[1].Accessible = false // esx02, where web01 runs
		}, map[string]result.Verdict{"web01": result.Blocked, "db01": result.Ready}, nil, result.DatastoreKind},
		{"a VM named like vCenter", Failback, func(s *inventory.Snapshot) {
			s.Plan.VMs[0].Name, vmRef(s, "web01").Name = "vcenter", "vcenter"
			it := itemRef(s, "web01")
			it.FriendlyName, it.TargetVMName, it.ProtectionState = "vcenter", "vcenter", "UnprotectedStatesBegin"
		}, map[string]result.Verdict{"vcenter": result.Blocked, "db01": result.Ready}, nil, result.VMKind},
		{"a master target of another OS than one VM", Failback, func(s *inventory.Snapshot) {
			vmRef(s, "db01").GuestID, vmRef(s, "db01").GuestFamily = "windows2019srv_64Guest", "windowsGuest"
		}, map[string]result.Verdict{"web01": result.Warned, "db01": result.Blocked}, healthy, result.MasterTargetKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.base
			if base == nil {
				base = modernized
			}
			s := base()
			s.Phase = tc.phase
			if tc.phase == Reprotect {
				for i := range s.Azure.ProtectedItems {
					s.Azure.ProtectedItems[i].InstanceType, s.Azure.ProtectedItems[i].AllowedOperations = "InMageRcm", []string{"Reprotect"}
				}
				s.Plan.Appliance = "app01"
			}
			if tc.change != nil {
				tc.change(s)
			}
			in := input(s)
			results := Run(context.Background(), ForPhase(tc.phase, nil), in, Options{Concurrency: 4})
			vms, problems := result.Judge(results, in.Facts.Scope(s))
			got := map[string]result.Verdict{}
			for _, vm := range vms {
				got[vm.Name] = vm.Verdict
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("verdicts %v, want %v\n%s", got, tc.want, dump(results))
			}
			switch {
			case tc.about == "" && len(problems) > 0:
				t.Errorf("problems on a healthy estate: %+v", problems)
			case tc.about != "" && (len(problems) == 0 || problems[0].Kind != tc.about):
				t.Errorf("first problem %+v, want one about a %s", problems, tc.about)
			}
		})
	}
}
