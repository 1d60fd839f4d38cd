package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
)

// unplaced are the results a host-based check gives for the plan VMs whose host cannot be told: a
// skip for the classic VMs (the master target's problem is master-target.vm's to report, once);
// for each modernized VM, whose plan must name its host, a warning from esxi.host (the one that
// reports it) and a skip from the others — never a silent pass.
func unplaced(s *Input, reports bool) []Result {
	var classic []*derive.VM
	var out []Result
	why := ""
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		switch {
		case vm.HostProblem == "":
		case vm.Modernized && reports:
			out = append(out, Result{Target: vm.Name, Kind: VMKind, Status: Warn, Message: fmt.Sprintf("cannot tell which host %s will run on: %s; its host is not checked", vm.Name, vm.HostProblem),
				Fix: "Set host for " + vm.Name + " in the plan: the ESXi host it will run on after failback."})
		case vm.Modernized:
			out = append(out, Result{Target: vm.Name, Kind: VMKind, Status: Skip, Message: fmt.Sprintf("cannot tell which host %s will run on (see esxi.host)", vm.Name)})
		default:
			classic, why = append(classic, vm), vm.HostProblem
		}
	}
	if len(classic) > 0 {
		out = append(out, Result{Target: "master-target", Kind: MasterTargetKind, Status: Skip,
			Message: fmt.Sprintf("cannot tell which host %s will run on: %s", vmNames(classic), why)})
	}
	return out
}

// vmNames lists plan VMs' names: "web01, db01" (see listed).
func vmNames(vms []*derive.VM) string {
	names := make([]string, len(vms))
	for i, vm := range vms {
		names[i] = vm.Name
	}
	return listed(names, ", ")
}

// maxListed is how many items a message lists before "… and N more": messages stay readable, and
// their size does not grow with the VMs.
const maxListed = 10

// listed joins items with sep, the first maxListed of them and how many more.
func listed(items []string, sep string) string {
	if len(items) <= maxListed {
		return strings.Join(items, sep)
	}
	return fmt.Sprintf("%s%s… and %d more", strings.Join(items[:maxListed], sep), sep, len(items)-maxListed)
}

// gb formats mebibytes as gibibytes: "7.5 GB".
func gb(mb int64) string { return fmt.Sprintf("%.1f GB", float64(mb)/1024) }

// roundGB is a size in MB as a few words take it: "4.0 GB" below 1,000 GB, "6,304 GB" above.
func roundGB(mb int64) string {
	n := (mb + 512) >> 10
	if n < 1000 {
		return gb(mb)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " GB"
}

// sizes sums size over the VMs whose size is known, and lists them ("web01 7.5 GB", show
// formatting the size) and the others ("db01 (why it is unknown)").
func sizes(vms []*derive.VM, size func(*derive.VM) (int64, string), show func(int64) string) (total int64, known, unknown []string) {
	for _, vm := range vms {
		n, problem := size(vm)
		if problem != "" {
			unknown = append(unknown, vm.Name+" ("+problem+")")
			continue
		}
		total += n
		known = append(known, vm.Name+" "+show(n))
	}
	return total, known, unknown
}

// worst returns the most severe of the statuses (fail > warn > pass).
func worst(a, b Status) Status {
	rank := map[Status]int{Pass: 0, Skip: 0, Warn: 1, Fail: 2, Error: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
