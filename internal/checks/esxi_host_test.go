package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestESXiHost(t *testing.T) {
	runCases(t, ESXiHost{}, []checkCase{
		{"healthy", nil, []want{{"esx01", Pass, "", "host esx01 runs VMware ESXi 8.0.2, connected, not in maintenance mode (target of web01, db01)"}}},
		{"per-VM hosts", func(s *inventory.Snapshot) { s.Plan.VMs[1].Host = "esx02" }, []want{
			{"esx01", Pass, "", "target of web01"}, {"esx02", Pass, "", "target of db01"}}},
		{"unknown host", func(s *inventory.Snapshot) { s.Plan.VMs[0].Host = "hyperv01" }, []want{
			{"hyperv01", Fail, "", "host hyperv01 (target of web01) is not an ESXi host of datacenter DC1; failback works only to ESXi hosts managed by this vCenter"},
			{"esx01", Pass, "", "target of db01"}}},
		{"not ESXi", func(s *inventory.Snapshot) {
			h := hostRef(s, "esx01")
			h.Product, h.ProductLineID = "VMware Workstation", "ws"
		},
			[]want{{"esx01", Fail, "", `host esx01 runs "VMware Workstation", not ESXi`}}},
		{"disconnected", func(s *inventory.Snapshot) { hostRef(s, "esx01").ConnectionState = "notResponding" },
			[]want{{"esx01", Fail, "", "host esx01 is notResponding; it must be connected to vCenter"}}},
		{"maintenance", func(s *inventory.Snapshot) { hostRef(s, "esx01").InMaintenance = true },
			[]want{{"esx01", Fail, "", "host esx01 is in maintenance mode"}}},
		{"ESXi 6.0", func(s *inventory.Snapshot) { hostRef(s, "esx01").Version = "6.0.0" },
			[]want{{"esx01", Warn, "", "host esx01 runs ESXi 6.0.0, which only the 2019 support matrix allows"}}},
		{"ESXi 5.1", func(s *inventory.Snapshot) { hostRef(s, "esx01").Version = "5.1.0" },
			[]want{{"esx01", Fail, "", "host esx01 runs ESXi 5.1.0; ASR supports 6.5, 6.7, 7.0 and 8.0"}}},
		{"ESXi 6.7", func(s *inventory.Snapshot) { hostRef(s, "esx01").Version = "6.7.0" }, []want{{"esx01", Pass, "", "ESXi 6.7.0"}}},
		{"two problems", func(s *inventory.Snapshot) { h := hostRef(s, "esx01"); h.InMaintenance, h.Version = true, "6.0.0" },
			[]want{{"esx01", Fail, "", "powered on there; host esx01 runs ESXi 6.0.0"}}},
		{"no master target: one skip, master-target.vm reports it", func(s *inventory.Snapshot) { vmRef(s, "mt01").Name = "other" }, []want{
			{"master-target", Skip, "", "cannot tell which host web01, db01 will run on: no host in the plan, and the master target's host is unknown (see master-target.vm)"}}},
		{"no master target, one VM placed by the plan", func(s *inventory.Snapshot) {
			vmRef(s, "mt01").Name = "other"
			s.Plan.VMs[1].Host = "esx02"
		}, []want{
			{"master-target", Skip, "", "cannot tell which host web01 will run on"},
			{"esx02", Pass, "", "host esx02 runs VMware ESXi 8.0.2, connected, not in maintenance mode (target of db01)"}}},
	})
}
