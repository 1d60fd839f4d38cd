package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

func init() { Register(DatastoreAccess{}) }

// DatastoreAccess reports target datastores that are missing, of an unsupported type, or not
// mounted read-write and accessible on the hosts that use them (ASR 8061).
type DatastoreAccess struct{}

// Info describes the check.
func (DatastoreAccess) Info() Info {
	c := Codes["8061"]
	return Info{
		ID:     "datastore.access",
		Title:  "Each target datastore is VMFS or vSAN, mounted read-write and accessible where it is used",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []Source{VCenter},
		Cause:  c.Cause + " Failback supports VMFS and vSAN datastores; NFS is not supported.",
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// datastoreGroups groups plan VMs by target datastore, in plan order.
func datastoreGroups(p *plan.Plan) ([]string, map[string][]plan.VM) {
	var order []string
	by := map[string][]plan.VM{}
	for _, vm := range p.VMs {
		if _, ok := by[vm.Datastore]; !ok {
			order = append(order, vm.Datastore)
		}
		by[vm.Datastore] = append(by[vm.Datastore], vm)
	}
	return order, by
}

// Run checks every target datastore on the master target's host and, before failback, on the
// hosts its VMs will run on.
func (DatastoreAccess) Run(_ context.Context, s *Snapshot) []Result {
	mt, problem := masterTarget(s.VCenter, s.Plan.MasterTarget)
	groups, out := hostTargets(s)
	if problem != "" {
		out = append(out, Result{Target: "master-target", Status: Error, Message: "cannot check datastores on the master target's host: " + problem,
			Fix: "Set masterTarget in the plan to the name of the master target VM as vCenter shows it."})
	}
	runsOn := map[string]string{} // VM → host
	for _, g := range groups {
		for _, vm := range g.VMs {
			runsOn[vm.Name] = g.Host
		}
	}
	order, byDS := datastoreGroups(s.Plan)
	for _, name := range order {
		// The hosts that must reach the datastore, each with the reason.
		var uses []hostUse
		if problem == "" {
			uses = addUse(uses, mt.Host, fmt.Sprintf("master target %s's host", mt.Name))
		}
		if s.Phase == Failback {
			for _, vm := range byDS[name] {
				if _, known := s.VCenter.Host(runsOn[vm.Name]); known { // an unknown host is esxi.host's to report
					uses = addUse(uses, runsOn[vm.Name], "where "+vm.Name+" will run")
				}
			}
		}
		out = append(out, datastoreAccess(s.VCenter, name, byDS[name], uses))
	}
	return out
}

// hostUse is a host that must reach a datastore, and why.
type hostUse struct{ host, why string }

func addUse(uses []hostUse, host, why string) []hostUse {
	if host == "" || slices.ContainsFunc(uses, func(u hostUse) bool { return u.host == host }) {
		return uses
	}
	return append(uses, hostUse{host, why})
}

func datastoreAccess(inv *vcenter.Inventory, name string, vms []plan.VM, uses []hostUse) Result {
	r := Result{Target: name, Status: Pass}
	ds, ok := inv.Datastore(name)
	if !ok {
		r.Status, r.Code = Fail, "8061"
		r.Message = fmt.Sprintf("datastore %s (target of %s) is not in datacenter %s", name, vmNames(vms), inv.Datacenter)
		return r
	}
	var problems []string
	switch strings.ToLower(ds.Type) {
	case "vmfs", "vsan":
	case "nfs", "nfs41":
		problems = append(problems, fmt.Sprintf("datastore %s is %s; failback does not support NFS datastores, only VMFS or vSAN", name, ds.Type))
	default:
		problems = append(problems, fmt.Sprintf("datastore %s is of type %s; failback supports VMFS or vSAN", name, ds.Type))
	}
	if len(problems) > 0 {
		r.Status, r.Fix = Fail, "Pick a VMFS or vSAN datastore for "+vmNames(vms)+"."
	}
	if !ds.Accessible {
		problems = append(problems, fmt.Sprintf("datastore %s is not accessible", name))
		r.Status, r.Code = Fail, "8061"
	}
	var hosts []string
	for _, u := range uses {
		hosts = append(hosts, u.host)
		if p := mountProblem(ds.Mounts, u.host); p != "" {
			problems = append(problems, fmt.Sprintf("datastore %s %s on host %s (%s); it must be mounted read-write and accessible", name, p, u.host, u.why))
			r.Status, r.Code = Fail, "8061"
		}
	}
	if r.Code == "8061" {
		r.Fix = strings.TrimSpace(Codes["8061"].Fix + " " + r.Fix)
	}
	if r.Status == Pass {
		r.Message = fmt.Sprintf("datastore %s (%s) is mounted read-write and accessible on %s", name, ds.Type, strings.Join(hosts, ", "))
	} else {
		r.Message = strings.Join(problems, "; ")
	}
	return r
}

// mountProblem says what is wrong with a datastore's mount on a host, or "" when nothing is.
func mountProblem(mounts []vcenter.Mount, host string) string {
	for _, m := range mounts {
		if m.Host != host {
			continue
		}
		switch {
		case !m.Mounted:
			return "is not mounted"
		case !m.Accessible:
			return "is not accessible"
		case m.AccessMode != "readWrite":
			return "is mounted " + m.AccessMode
		}
		return ""
	}
	return "is not mounted"
}
