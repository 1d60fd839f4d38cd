package checks

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

// masterTarget finds the master target VM, or says why it cannot.
func masterTarget(inv *vcenter.Inventory, name string) (vcenter.VM, string) {
	found := inv.VMsNamed(name)
	switch {
	case len(found) == 0:
		return vcenter.VM{}, fmt.Sprintf("no VM named %s (plan masterTarget) in datacenter %s", name, inv.Datacenter)
	case len(found) > 1:
		return vcenter.VM{}, fmt.Sprintf("%d VMs named %s (plan masterTarget): %s", len(found), name, describeVMs(found))
	case found[0].Host == "":
		return vcenter.VM{}, fmt.Sprintf("master target %s is not registered on any ESXi host", name)
	}
	return found[0], ""
}

// hostGroup is an ESXi host and the plan VMs that will run on it.
type hostGroup struct {
	Host string
	VMs  []plan.VM
}

// hostTargets groups the plan's VMs by the host each will run on: its plan host, else the master
// target's host. When that default is needed and the master target cannot be found, the VMs
// concerned are left out and an error result says why.
func hostTargets(s *Snapshot) ([]hostGroup, []Result) {
	var (
		groups []hostGroup
		index  = map[string]int{}
		errs   []Result
	)
	mt, problem := masterTarget(s.VCenter, s.Plan.MasterTarget)
	for _, vm := range s.Plan.VMs {
		host := vm.Host
		if host == "" {
			if problem != "" {
				errs = append(errs, Result{Target: vm.Name, Status: Error,
					Message: "cannot tell which host " + vm.Name + " runs on: no host in the plan, and " + problem,
					Fix:     "Set the VM's host in the plan, or masterTarget to the master target VM's name in vCenter."})
				continue
			}
			host = mt.Host
		}
		i, ok := index[host]
		if !ok {
			i = len(groups)
			index[host] = i
			groups = append(groups, hostGroup{Host: host})
		}
		groups[i].VMs = append(groups[i].VMs, vm)
	}
	return groups, errs
}

// onPremVM finds the single on-premises VM of a plan VM's name, or says why it cannot.
func onPremVM(inv *vcenter.Inventory, name string) (vcenter.VM, string) {
	found := inv.VMsNamed(name)
	switch len(found) {
	case 0:
		return vcenter.VM{}, "no on-premises VM named " + name
	case 1:
		return found[0], ""
	}
	return vcenter.VM{}, fmt.Sprintf("%d on-premises VMs named %s", len(found), name)
}

// vmNames lists plan VMs' names: "web01, db01".
func vmNames(vms []plan.VM) string {
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
