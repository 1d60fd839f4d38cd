package lab

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/fuzzseed"
)

// problem is the shape of every message about a scenario (or the plan inside it).
var problem = regexp.MustCompile(`^s\.yaml(: plan)?(:\d+)?: \S`)

// FuzzParseScenario feeds the scenario parser arbitrary files: it never panics, every problem has
// the file:line: field: message shape, and an accepted scenario's sizes are within what vSphere
// allows (so the lab never shifts or sums them past int64). The seeds in
// testdata/fuzz/FuzzParseScenario reach every message.
func FuzzParseScenario(f *testing.F) {
	f.Add([]byte("description: healthy\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario("s.yaml", data)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !problem.MatchString(line) {
					t.Fatalf("malformed problem %q", line)
				}
			}
			return
		}
		for _, h := range sc.VCenter.Hosts {
			if h.MemoryGB < 1 || h.MemoryGB > maxHostGB || h.UsedGB < 0 || h.UsedGB > h.MemoryGB {
				t.Fatalf("accepted host %+v", h)
			}
		}
		for _, ds := range sc.VCenter.Datastores {
			if ds.CapacityGB < 1 || ds.CapacityGB > maxDatastoreGB || ds.FreeGB < 0 || ds.FreeGB > ds.CapacityGB {
				t.Fatalf("accepted datastore %+v", ds)
			}
		}
		if sc.Plan == nil || len(sc.VCenter.Hosts) == 0 || len(sc.VCenter.Datastores) == 0 || sc.VCenter.MasterTarget == nil {
			t.Fatalf("accepted scenario without its defaults: %+v", sc)
		}
	})
}

// TestFuzzSeedsReachEveryMessage: the committed seeds produce every kind of scenario message.
func TestFuzzSeedsReachEveryMessage(t *testing.T) {
	seeds, err := fuzzseed.Read(filepath.Join("testdata", "fuzz", "FuzzParseScenario"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, in := range seeds {
		if _, err := ParseScenario("s.yaml", in); err != nil {
			all.WriteString(err.Error() + "\n")
		}
	}
	for _, fragment := range []string{
		": syntax: ", "empty scenario", "a second YAML document", "unknown field", "expected a mapping, got", "expected a list, got",
		"expected an integer, got", "expected true or false, got", "expected a string, got",
		".connection: expected one of", ".memoryGB: expected", ".usedGB: expected", ".capacityGB: expected", ".freeGB: expected",
		".disksGB[0]: expected", "masterTarget.snapshots: expected", "latencyMs: expected", "vms[0].memoryMB: expected",
		"unknown vSphere method", "items[0].memoryMB: expected", ".mounts.", "masterTarget.host: no such host",
		"masterTarget.powerState: expected one of", "masterTarget.tools: expected one of", "masterTarget.scsi: expected one of",
		"masterTarget.guest: expected one of", "vms[0].name: missing", "vms[0].host: no such host", "vms[0].guest: expected one of",
		"vms[0].powerState: expected one of", "faults[0].fault: expected one of", "instanceType: expected one of",
		"healthErrors[0].level: expected one of", "accounts: expected at most one account", "s.yaml: plan:",
		"appliances[0].name: missing", "appliances[0].health: expected one of", "appliances[0].heartbeatMinutes: expected",
		".roles.dispatcher: unknown role", ".roles.dra.health: expected one of", ".roles.dra.heartbeatMinutes: expected",
		".resources.fans: unknown resource", ".resources.diskUsage: expected one of", "classic.heartbeatMinutes: expected",
		"classic.serviceStatus: expected one of", ".agentHeartbeatMinutes: expected", ".lastPlannedFailover: expected one of",
		".disks[0].sizeGB: expected", ".disks[0].pendingMB: expected", ".disks[0].progressPercent: expected", ".disks[0].lastSyncMinutes: expected",
	} {
		if !strings.Contains(all.String(), fragment) {
			t.Errorf("no seed reaches %q", fragment)
		}
	}
}
