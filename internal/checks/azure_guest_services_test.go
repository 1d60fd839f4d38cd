package checks

import (
	"context"
	"errors"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
)

// fakeGuest answers guest probes from a table of VM name → state.
type fakeGuest map[string]azure.GuestState

func (g fakeGuest) Probe(_ context.Context, vm azure.VM, _ string) (azure.GuestState, error) {
	st, ok := g[vm.Name]
	if !ok {
		return azure.GuestState{}, errors.New("VM agent not ready")
	}
	return st, nil
}

func TestGuestServices(t *testing.T) {
	well := azure.GuestState{Service: "Running", Port: "open"}
	runCases(t, GuestServices{}, []checkCase{
		{"all well", func(s *Snapshot) { s.Guest = fakeGuest{"web01": well, "db01": well} }, []want{
			{"web01", Pass, "", "in Azure VM rg-dr/web01: the Mobility service runs and cs01:443 answers"}, {"db01", Pass, "", ""}}},
		{"service stopped, port closed", func(s *Snapshot) {
			s.Guest = fakeGuest{"web01": {Service: "Stopped", Port: "closed"}, "db01": well}
		}, []want{
			{"web01", Fail, "95226", "in Azure VM rg-dr/web01: the Mobility service (InMage Scout Application, svagents) is Stopped; cs01:443 is closed from inside the VM"},
			{"db01", Pass, "", ""}}},
		{"Run Command fails", func(s *Snapshot) { s.Guest = fakeGuest{"db01": well} }, []want{
			{"web01", Error, "", "Run Command in rg-dr/web01 failed: VM agent not ready"}, {"db01", Pass, "", ""}}},
	})
}

// TestGuestServicesOptIn: without --probe-guest the check stays skip, whatever else failed.
func TestGuestServicesOptIn(t *testing.T) {
	s := healthy()
	s.NotConfigured = map[Source]string{Guest: "opt-in: run with --probe-guest"}
	s.Errors[Azure] = errors.New("no answer from Azure")
	rs := Run(t.Context(), []Check{GuestServices{}}, s, Options{})
	if len(rs) != 1 || rs[0].Status != Skip || rs[0].Message != "opt-in: run with --probe-guest" {
		t.Errorf("%+v", rs)
	}
}
