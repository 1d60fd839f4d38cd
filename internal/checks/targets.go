package checks

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
)

// unplaced is the one skip a host-based check gives for the plan VMs whose host cannot be told:
// the master target's problem is master-target.vm's to report, once.
func unplaced(s *Input) []Result {
	vms, why := s.Facts.Unplaced()
	if len(vms) == 0 {
		return nil
	}
	return []Result{{Target: "master-target", Status: Skip,
		Message: fmt.Sprintf("cannot tell which host %s will run on: %s", vmNames(vms), why)}}
}

// vmNames lists plan VMs' names: "web01, db01".
func vmNames(vms []*derive.VM) string {
	names := make([]string, len(vms))
	for i, vm := range vms {
		names[i] = vm.Name
	}
	return strings.Join(names, ", ")
}

// gb formats mebibytes as gibibytes: "7.5 GB".
func gb(mb int64) string { return fmt.Sprintf("%.1f GB", float64(mb)/1024) }

// worst returns the most severe of the statuses (fail > warn > pass).
func worst(a, b Status) Status {
	rank := map[Status]int{Pass: 0, Skip: 0, Warn: 1, Fail: 2, Error: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
