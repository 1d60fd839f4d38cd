package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestESXiMemory(t *testing.T) {
	// esx01: 128 GB, 16 GB in use, 112 GB free; web01 needs 4 GB, db01 8 GB.
	runCases(t, ESXiMemory{}, []checkCase{
		{"fits", nil, []want{{"esx01", Pass, "", "host esx01 has 112.0 GB free (128.0 GB total, 16.0 GB in use); web01 4.0 GB + db01 8.0 GB need 12.0 GB"}}},
		{"each fits, not together", func(s *inventory.Snapshot) { hostRef(s, "esx01").MemoryUsageMB = 118 << 10 }, []want{{"esx01", Fail, "8038",
			"host esx01 has 10.0 GB free (128.0 GB total, 118.0 GB in use); web01 4.0 GB + db01 8.0 GB need 12.0 GB together: 2.0 GB short"}}},
		{"plan memory wins", func(s *inventory.Snapshot) { s.Plan.VMs[0].MemoryMB = 120 << 10 }, []want{{"esx01", Fail, "8038", "web01 120.0 GB + db01 8.0 GB need 128.0 GB together: 16.0 GB short"}}},
		{"under 10% left", func(s *inventory.Snapshot) { hostRef(s, "esx01").MemoryUsageMB = 106 << 10 }, []want{{"esx01", Warn, "",
			"need 12.0 GB, leaving 10.0 GB, under 10% of the host's memory"}}},
		{"split over hosts", func(s *inventory.Snapshot) {
			s.Plan.VMs[1].Host = "esx02"
			hostRef(s, "esx02").MemoryUsageMB = 122 << 10
		}, []want{
			{"esx01", Pass, "", "web01 4.0 GB need 4.0 GB"}, {"esx02", Fail, "8038", "db01 8.0 GB need 8.0 GB together: 2.0 GB short"}}},
		{"unknown memory", func(s *inventory.Snapshot) { s.Plan.VMs[0].Name = "app01" }, []want{{"esx01", Error, "",
			"memory unknown for app01 (no on-premises VM named app01; set memoryMB)"}}},
		{"short even without the unknown", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].Name = "app01"
			hostRef(s, "esx01").MemoryUsageMB = 122 << 10
		},
			[]want{{"esx01", Fail, "8038", "db01 8.0 GB need 8.0 GB together: 2.0 GB short, and more for app01 (no on-premises VM named app01; set memoryMB), whose memory is unknown"}}},
		{"unknown memory given in plan", func(s *inventory.Snapshot) { s.Plan.VMs[0].Name, s.Plan.VMs[0].MemoryMB = "app01", 2048 },
			[]want{{"esx01", Pass, "", "app01 2.0 GB + db01 8.0 GB need 10.0 GB"}}},
	})
}
