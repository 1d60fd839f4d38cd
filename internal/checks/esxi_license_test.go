package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestESXiLicense(t *testing.T) {
	license := func(key, name string) func(*inventory.Snapshot) {
		return func(s *inventory.Snapshot) {
			hostRef(s, "esx01").License = &inventory.License{EditionKey: key, Name: name}
		}
	}
	runCases(t, ESXiLicense{}, []checkCase{
		{"paid", nil, []want{{"esx01", Pass, "", `host esx01 is licensed with "vSphere 8 Enterprise Plus"`}}},
		{"evaluation", license("eval", "Evaluation Mode"), []want{{"esx01", Pass, "", "(edition eval)"}}},
		{"ESXi free", license("esxBasic", "vSphere 6 Hypervisor"), []want{{"esx01", Fail, "",
			`host esx01 runs the free licence "vSphere 6 Hypervisor" (edition esxBasic); failover works but failback to it fails`}}},
		{"ESXi 5.5 free", license("esxBasic.cpuPackage", "VMware vSphere 5 Hypervisor Licensing"), []want{{"esx01", Fail, "", "free licence"}}},
		{"free by name", license("esx.hypervisor.cpuPackage", "vSphere 7 Hypervisor"), []want{{"esx01", Fail, "", "free licence"}}},
		{"no assignment", func(s *inventory.Snapshot) { hostRef(s, "esx01").License = nil }, []want{{"esx01", Error, "", "vCenter reports no licence assignment for host esx01"}}},
		{"host missing", func(s *inventory.Snapshot) { s.Plan.VMs[0].Host = "esx09"; s.Plan.VMs[1].Host = "esx09" },
			[]want{{"esx09", Skip, "", "host esx09 is not in the inventory (see esxi.host)"}}},
	})
}
