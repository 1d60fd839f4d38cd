package checks

import (
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func TestVCenterConnection(t *testing.T) {
	tests := []struct {
		apiType, version string
		status           Status
		message          string
	}{
		{"VirtualCenter", "8.0.2.0", Pass, "connected to VMware vCenter Server (API 8.0.2.0), datacenter DC1"},
		{"VirtualCenter", "6.5", Pass, "connected to"},
		{"HostAgent", "7.0.3.0", Pass, "connected to VMware vCenter Server (API 7.0.3.0), datacenter DC1 (a standalone ESXi host, not vCenter)"},
		{"VirtualCenter", "6.0", Fail, "connected to VMware vCenter Server (API 6.0), datacenter DC1; ASR needs vCenter 6.5 or later"},
		{"VirtualCenter", "5.5", Fail, "connected to"},
		{"VirtualCenter", "", Error, "cannot read the API version"},
	}
	for _, tc := range tests {
		t.Run(tc.apiType+"-"+tc.version, func(t *testing.T) {
			inv := &inventory.VCenter{Datacenter: "DC1", About: inventory.About{FullName: "VMware vCenter Server", APIType: tc.apiType, APIVersion: tc.version}}
			rs := VCenterConnection{}.Run(input(&inventory.Snapshot{VCenter: inv, Plan: &plan.Plan{}}))
			if len(rs) != 1 || rs[0].Status != tc.status || rs[0].Target != "vcenter" || !strings.HasPrefix(rs[0].Message, tc.message) {
				t.Errorf("got %+v, want %s %q", rs, tc.status, tc.message)
			}
		})
	}
}
