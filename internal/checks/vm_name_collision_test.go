package checks

import (
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func vcenterWith(vms ...inventory.VM) *inventory.VCenter {
	return &inventory.VCenter{Datacenter: "DC1", VMs: vms}
}

func vm(ref, name, host string) inventory.VM {
	return inventory.VM{Ref: ref, Name: name, Host: host, ConnectionState: "connected", PowerState: "poweredOff"}
}

func TestNameCollision(t *testing.T) {
	mt := vm("vm-1", "mt01", "esx01")
	tests := []struct {
		name     string
		vms      []inventory.VM
		location plan.Location
		status   Status
		code     string
		message  string
	}{
		{"original elsewhere", []inventory.VM{mt, vm("vm-2", "web01", "esx02")}, plan.Original, Pass, "",
			"exactly one VM named web01 in datacenter DC1, the original: web01 (vm-2 on esx02, poweredOff)"},
		{"original on the master target's host", []inventory.VM{mt, vm("vm-2", "web01", "esx01")}, plan.Original, Pass, "",
			"exactly one VM named web01"},
		{"stray copy on the master target's host", []inventory.VM{mt, vm("vm-2", "web01", "esx02"), vm("vm-3", "web01", "esx01")}, plan.Original, Fail, "78052",
			"2 VMs named web01 in datacenter DC1, web01 (vm-3 on esx01, poweredOff) on host esx01 (master target mt01's host)"},
		{"original missing", []inventory.VM{mt}, plan.Original, Fail, "",
			"no VM named web01 in datacenter DC1: failback to the original location needs the original VM"},
		{"two copies off the master target's host", []inventory.VM{mt, vm("vm-2", "web01", "esx02"), vm("vm-3", "web01", "esx03")}, plan.Original, Warn, "",
			"2 VMs named web01 in datacenter DC1"},
		{"alternate, free", []inventory.VM{mt, vm("vm-2", "web01", "esx02")}, plan.Alternate, Pass, "",
			"no VM named web01 on host esx01 (master target mt01's host)"},
		{"alternate, taken", []inventory.VM{mt, vm("vm-2", "web01", "esx01")}, plan.Alternate, Fail, "78052",
			"web01 (vm-2 on esx01, poweredOff) already on host esx01 (master target mt01's host)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &inventory.Snapshot{
				Plan:    &plan.Plan{MasterTarget: "mt01", VMs: []plan.VM{{Name: "web01", Location: tc.location, Datastore: "ds01"}}},
				VCenter: vcenterWith(tc.vms...),
			}
			rs := NameCollision{}.Run(input(s))
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1", len(rs))
			}
			r := rs[0]
			if r.Target != "web01" || r.Status != tc.status || r.Code != tc.code || !strings.HasPrefix(r.Message, tc.message) {
				t.Errorf("got %s %s code %q %q\nwant %s code %q %q", r.Target, r.Status, r.Code, r.Message, tc.status, tc.code, tc.message)
			}
			if r.Status == Warn || (r.Status == Fail && r.Code == "") {
				if r.Fix == "" {
					t.Error("a result without an ASR code must carry its own fix")
				}
			}
		})
	}
}

// TestNameCollisionMasterTarget: without a master target the check skips, once, pointing to the
// check that owns the problem.
func TestNameCollisionMasterTarget(t *testing.T) {
	tests := []struct {
		name    string
		vms     []inventory.VM
		message string
	}{
		{"missing", nil, "cannot tell the master target's ESXi host: no VM named mt01 (plan masterTarget) in datacenter DC1"},
		{"ambiguous", []inventory.VM{vm("vm-1", "mt01", "esx01"), vm("vm-2", "mt01", "esx02")}, "cannot tell the master target's ESXi host: 2 VMs named mt01"},
		{"no host", []inventory.VM{vm("vm-1", "mt01", "")}, "cannot tell the master target's ESXi host: master target mt01 is not registered on any ESXi host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &inventory.Snapshot{Plan: &plan.Plan{MasterTarget: "mt01", VMs: []plan.VM{{Name: "web01"}}}, VCenter: vcenterWith(tc.vms...)}
			rs := NameCollision{}.Run(input(s))
			if len(rs) != 1 || rs[0].Status != Skip || rs[0].Target != "master-target" || !strings.HasPrefix(rs[0].Message, tc.message) ||
				!strings.HasSuffix(rs[0].Message, "(see master-target.vm)") {
				t.Errorf("got %+v, want one skip on master-target pointing to master-target.vm: %q", rs, tc.message)
			}
		})
	}
}

func TestNameCollisionOrphan(t *testing.T) {
	for _, state := range []string{"orphaned", "inaccessible"} {
		for _, loc := range []plan.Location{plan.Original, plan.Alternate} {
			stray := vm("vm-3", "web01", "esx01")
			stray.ConnectionState = state
			s := &inventory.Snapshot{
				Plan:    &plan.Plan{MasterTarget: "mt01", VMs: []plan.VM{{Name: "web01", Location: loc}}},
				VCenter: vcenterWith(vm("vm-1", "mt01", "esx01"), stray),
			}
			rs := NameCollision{}.Run(input(s))
			want := "web01 (vm-3 on esx01, " + state + ") on host esx01 (master target mt01's host) is " + state
			if len(rs) != 1 || rs[0].Status != Fail || rs[0].Code != "78052" || !strings.HasPrefix(rs[0].Message, want) {
				t.Errorf("%s, %s: got %+v, want fail 78052 %q", state, loc, rs, want)
			}
		}
	}
}
