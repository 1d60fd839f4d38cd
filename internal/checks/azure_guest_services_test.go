package checks

import (
	"errors"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestGuestServices(t *testing.T) {
	well := func(vm string) inventory.GuestState {
		return inventory.GuestState{AzureVM: "rg-dr/" + vm, Service: "Running", Port: "open"}
	}
	runCases(t, GuestServices{}, []checkCase{
		{"all well", func(s *inventory.Snapshot) {
			s.Probes.Guest = map[string]inventory.GuestState{"web01": well("web01"), "db01": well("db01")}
		}, []want{
			{"web01", Pass, "", "in Azure VM rg-dr/web01: the Mobility service runs and cs01:443 answers"}, {"db01", Pass, "", ""}}},
		{"service stopped, port closed", func(s *inventory.Snapshot) {
			s.Probes.Guest = map[string]inventory.GuestState{"web01": {AzureVM: "rg-dr/web01", Service: "Stopped", Port: "closed"}, "db01": well("db01")}
		}, []want{
			{"web01", Fail, "95226", "in Azure VM rg-dr/web01: the Mobility service (InMage Scout Application, svagents) is Stopped; cs01:443 is closed from inside the VM"},
			{"db01", Pass, "", ""}}},
		{"Run Command fails", func(s *inventory.Snapshot) {
			s.Probes.Guest = map[string]inventory.GuestState{"web01": {AzureVM: "rg-dr/web01", Error: "VM agent not ready"}, "db01": well("db01")}
		}, []want{{"web01", Error, "", "Run Command in rg-dr/web01 failed: VM agent not ready"}, {"db01", Pass, "", ""}}},
		{"Azure VM not found, not probed", func(s *inventory.Snapshot) { s.Probes.Guest = map[string]inventory.GuestState{"db01": well("db01")} }, []want{
			{"web01", Skip, "", "Azure VM rg-dr/web01 was not found (see azure.vm-exists)"}, {"db01", Pass, "", ""}}},
	})
}

// TestGuestServicesOptIn: without --probe-guest the check stays skip, whatever else failed.
func TestGuestServicesOptIn(t *testing.T) {
	s := healthy()
	s.Parts.Skip(Guest, "opt-in: run with --probe-guest")
	s.Parts.Fail(Azure, errors.New("no answer from Azure"))
	rs := Run(t.Context(), []Check{GuestServices{}}, input(s), Options{})
	if len(rs) != 1 || rs[0].Status != Skip || rs[0].Message != "opt-in: run with --probe-guest" {
		t.Errorf("%+v", rs)
	}
}
