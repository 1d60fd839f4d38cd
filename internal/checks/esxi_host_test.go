package checks

import "testing"

func TestESXiHost(t *testing.T) {
	runCases(t, ESXiHost{}, []checkCase{
		{"healthy", nil, []want{{"esx01", Pass, "", "host esx01 runs VMware ESXi 8.0.2, connected, not in maintenance mode (target of web01, db01)"}}},
		{"per-VM hosts", func(s *Snapshot) { s.Plan.VMs[1].Host = "esx02" }, []want{
			{"esx01", Pass, "", "target of web01"}, {"esx02", Pass, "", "target of db01"}}},
		{"unknown host", func(s *Snapshot) { s.Plan.VMs[0].Host = "hyperv01" }, []want{
			{"hyperv01", Fail, "", "host hyperv01 (target of web01) is not an ESXi host of datacenter DC1; failback works only to ESXi hosts managed by this vCenter"},
			{"esx01", Pass, "", "target of db01"}}},
		{"not ESXi", func(s *Snapshot) { h := hostRef(s, "esx01"); h.Product, h.ProductLineID = "VMware Workstation", "ws" },
			[]want{{"esx01", Fail, "", `host esx01 runs "VMware Workstation", not ESXi`}}},
		{"disconnected", func(s *Snapshot) { hostRef(s, "esx01").ConnectionState = "notResponding" },
			[]want{{"esx01", Fail, "", "host esx01 is notResponding; it must be connected to vCenter"}}},
		{"maintenance", func(s *Snapshot) { hostRef(s, "esx01").InMaintenance = true },
			[]want{{"esx01", Fail, "", "host esx01 is in maintenance mode"}}},
		{"ESXi 6.0", func(s *Snapshot) { hostRef(s, "esx01").Version = "6.0.0" },
			[]want{{"esx01", Warn, "", "host esx01 runs ESXi 6.0.0, which only the 2019 support matrix allows"}}},
		{"ESXi 5.1", func(s *Snapshot) { hostRef(s, "esx01").Version = "5.1.0" },
			[]want{{"esx01", Fail, "", "host esx01 runs ESXi 5.1.0; ASR supports 6.5, 6.7, 7.0 and 8.0"}}},
		{"ESXi 6.7", func(s *Snapshot) { hostRef(s, "esx01").Version = "6.7.0" }, []want{{"esx01", Pass, "", "ESXi 6.7.0"}}},
		{"two problems", func(s *Snapshot) { h := hostRef(s, "esx01"); h.InMaintenance, h.Version = true, "6.0.0" },
			[]want{{"esx01", Fail, "", "powered on there; host esx01 runs ESXi 6.0.0"}}},
		{"no master target", func(s *Snapshot) { vmRef(s, "mt01").Name = "other" }, []want{
			{"web01", Error, "", "cannot tell which host web01 runs on: no host in the plan, and no VM named mt01"},
			{"db01", Error, "", "cannot tell which host db01 runs on"}}},
	})
}
