package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestDatastoreCapacity(t *testing.T) {
	// ds01: 2048 GB, 1536 GB free; web01 is provisioned 40 GB, db01 240 GB.
	runCases(t, DatastoreCapacity{}, []checkCase{
		{"fits", nil, []want{{"ds01", Pass, "", "datastore ds01 has 1536.0 GB free of 2048.0 GB; the provisioned space of web01 40.0 GB + db01 240.0 GB needs 280.0 GB"}}},
		{"too small", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].FreeBytes = 200 * gib }, []want{{"ds01", Fail, "",
			"datastore ds01 has 200.0 GB free of 2048.0 GB; the provisioned space of web01 40.0 GB + db01 240.0 GB needs 280.0 GB: 80.0 GB short"}}},
		{"under 10% left", func(s *inventory.Snapshot) { s.VCenter.Datastores[0].FreeBytes = 400 * gib }, []want{{"ds01", Warn, "", "leaving 120.0 GB, under 10% of its capacity"}}},
		{"unknown disks", func(s *inventory.Snapshot) { s.Plan.VMs[0].Name = "app01" }, []want{{"ds01", Skip, "", "provisioned space unknown for app01 (no on-premises VM named app01)"}}},
		{"unknown, but the known ones overflow", func(s *inventory.Snapshot) {
			s.Plan.VMs[0].Name = "app01"
			s.VCenter.Datastores[0].FreeBytes = 100 * gib
		}, []want{{"ds01", Fail, "", "db01 240.0 GB needs 240.0 GB: 140.0 GB short"}}},
		{"storage not computed", func(s *inventory.Snapshot) { vmRef(s, "web01").Storage.ProvisionedBytes = 0 }, []want{{"ds01", Skip, "",
			"web01 (vCenter has not computed its provisioned space)"}}},
		{"storage not said", func(s *inventory.Snapshot) { vmRef(s, "web01").Storage = nil }, []want{{"ds01", Skip, "", "web01 (vCenter has not computed its provisioned space)"}}},
	})
}
