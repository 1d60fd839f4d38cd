package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
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
		Kind:   DatastoreKind,
		Title:  "Each target datastore is VMFS or vSAN, mounted read-write and accessible where it is used",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter},
		Cause:  c.Cause + " Failback supports VMFS and vSAN datastores; NFS is not supported.",
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run checks every target datastore: classic, on the master target's host and, before failback,
// on the hosts its VMs will run on; modernized, on the hosts its VMs will run on, and among the
// datastores the appliance they go through can reach.
func (DatastoreAccess) Run(s *Input) []Result {
	mt := s.Facts.MasterTarget
	var out []Result
	if mt.VM == nil && s.Facts.HasClassic() {
		out = append(out, Result{Target: "master-target", Kind: MasterTargetKind, Status: Skip,
			Message: "cannot check the datastores on the master target's host: " + mt.Problem + " (see master-target.vm)"})
	}
	for _, g := range s.Facts.Datastores {
		// The hosts that must reach the datastore, each with the reason.
		var uses []hostUse
		for _, vm := range g.VMs {
			if !vm.Modernized && mt.VM != nil {
				uses = addUse(uses, mt.VM.Host, fmt.Sprintf("master target %s's host", mt.VM.Name), vm.Name)
			}
		}
		for _, vm := range g.VMs {
			if _, known := s.VCenter.Host(vm.Host); known && (s.Phase == Failback || vm.Modernized) { // an unknown host is esxi.host's to report
				uses = addUse(uses, vm.Host, "where "+vm.Name+" will run", vm.Name)
			}
		}
		r := datastoreAccess(s.VCenter, g, uses)
		applianceReach(s, g, &r)
		out = append(out, r)
	}
	return append(out, originalReach(s)...)
}

// originalReach checks, before failback to the original location, that the appliance reaches
// every datastore the original VM's disks are on (as Site Recovery last discovered them): failback
// writes to them, not only to the item's target datastore.
func originalReach(s *Input) []Result {
	if s.Phase != Failback || !s.Parts[Fabrics].Collected {
		return nil
	}
	var out []Result
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		ag := s.Facts.ApplianceOf(vm)
		if !vm.Modernized || vm.Location == plan.Alternate || vm.Item == nil || ag == nil || ag.Appliance == nil {
			continue
		}
		if vm.Item.DiscoveredVM == nil {
			out = append(out, Result{Target: vm.Name, Kind: VMKind, Status: Skip,
				Message: fmt.Sprintf("Site Recovery records no datastores of %s's original VM, so whether appliance %s reaches them all is not known", vm.Name, vm.Appliance)})
			continue
		}
		reach := ag.Appliance.AccessibleDatastores
		for _, ds := range vm.Item.DiscoveredVM.Datastores {
			if ds == "" || strings.EqualFold(ds, vm.TargetDatastore) { // the target datastore's own result says it
				continue
			}
			r := Result{Target: ds, Status: Pass, VMs: []string{vm.Name},
				Message: fmt.Sprintf("appliance %s reaches datastore %s, where original-location failback of %s writes its original's disks", vm.Appliance, ds, vm.Name)}
			if !slices.ContainsFunc(reach, func(d string) bool { return strings.EqualFold(d, ds) }) {
				r.Status, r.Code = Fail, "8061"
				r.Message = fmt.Sprintf("datastore %s holds disks of %s's original VM (as Site Recovery last discovered it), and original-location failback writes to it, but appliance %s cannot reach it (%s)",
					ds, vm.Name, vm.Appliance, strings.Join(reach, ", "))
				r.Fix = "Make the datastore visible to the appliance's vCenter and ESXi hosts and let the appliance rediscover it, or fail back to an alternate location on a datastore it reaches."
			}
			out = append(out, r)
		}
	}
	return out
}

// applianceReach adds to a datastore's result whether the appliances its modernized VMs go through
// can reach it (the reprotect agent's accessible datastores).
func applianceReach(s *Input, g derive.Group, r *Result) {
	seen := map[string]bool{}
	for _, vm := range g.VMs {
		if !vm.Modernized || vm.Appliance == "" || seen[vm.Appliance] {
			continue
		}
		seen[vm.Appliance] = true
		ag := s.Facts.ApplianceOf(vm)
		var problem string
		status := Fail
		switch st := s.Parts[Fabrics]; {
		case st.Error != "":
			status, problem = Error, fmt.Sprintf("cannot tell whether appliance %s reaches datastore %s: %s", vm.Appliance, g.Name, st.Error)
		case !st.Collected:
			continue // no vault: asr.appliance skips for the same reason
		case ag == nil || ag.Appliance == nil:
			status, problem = Skip, fmt.Sprintf("appliance %s is not registered, so its reach is unknown (see asr.appliance)", vm.Appliance)
		case !slices.ContainsFunc(ag.Appliance.AccessibleDatastores, func(d string) bool { return strings.EqualFold(d, g.Name) }):
			var through []*derive.VM // the datastore's VMs that go through this appliance
			for _, other := range g.VMs {
				if other.Modernized && other.Appliance == vm.Appliance {
					through = append(through, other)
				}
			}
			problem = fmt.Sprintf("datastore %s is not among the datastores appliance %s can reach (%s); reprotect of %s cannot write to it",
				g.Name, vm.Appliance, strings.Join(ag.Appliance.AccessibleDatastores, ", "), vmNames(through))
			if r.Status != Fail || r.VMs != nil { // not after a problem of the datastore itself, which concerns all its VMs
				for _, t := range through {
					r.VMs = append(r.VMs, t.Name)
				}
			}
			r.Code = "8061"
			r.Fix = "Choose a datastore the appliance reaches, or make this one visible to the appliance's vCenter and ESXi hosts, then refresh the appliance's discovery."
		default:
			r.Message += fmt.Sprintf("; appliance %s reaches it", vm.Appliance)
			continue
		}
		if r.Status == Pass {
			r.Status, r.Message = status, problem
		} else {
			r.Status, r.Message = worst(r.Status, status), r.Message+"; "+problem
		}
	}
}

// hostUse is a host that must reach a datastore, why, and the VMs that need it to.
type hostUse struct {
	host, why string
	vms       []string
}

func addUse(uses []hostUse, host, why, vm string) []hostUse {
	if host == "" {
		return uses
	}
	if i := slices.IndexFunc(uses, func(u hostUse) bool { return u.host == host }); i >= 0 {
		uses[i].vms = append(uses[i].vms, vm)
		return uses
	}
	return append(uses, hostUse{host, why, []string{vm}})
}

func datastoreAccess(inv *inventory.VCenter, g derive.Group, uses []hostUse) Result {
	name, vms := g.Name, g.VMs
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
	whole := r.Status == Fail // a problem of the datastore itself concerns all its VMs
	var hosts, concerned []string
	for _, u := range uses {
		hosts = append(hosts, u.host)
		if p := mountProblem(ds.Mounts, u.host); p != "" {
			problems = append(problems, fmt.Sprintf("datastore %s %s on host %s (%s); it must be mounted read-write and accessible", name, p, u.host, u.why))
			r.Status, r.Code = Fail, "8061"
			concerned = append(concerned, u.vms...)
		}
	}
	if r.Code == "8061" {
		r.Fix = strings.TrimSpace(Codes["8061"].For(allModernized(vms)).Fix + " " + r.Fix)
	}
	switch {
	case r.Status == Pass && len(hosts) == 0: // nothing to say of its mounts: the master target's problem is reported once
		r.Status = Skip
		r.Message = fmt.Sprintf("datastore %s (%s) is accessible, but no host is known to check its mounts on (see esxi.host)", name, ds.Type)
	case r.Status == Pass:
		r.Message = fmt.Sprintf("datastore %s (%s) is mounted read-write and accessible on %s", name, ds.Type, listed(hosts, ", "))
	default:
		r.Message = listed(problems, "; ")
		if !whole {
			r.VMs = concerned // only those that need a host it is not mounted on
		}
	}
	return r
}

// mountProblem says what is wrong with a datastore's mount on a host, or "" when nothing is.
func mountProblem(mounts []inventory.Mount, host string) string {
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

// allModernized reports whether every one of the VMs is modernized.
func allModernized(vms []*derive.VM) bool {
	return len(vms) > 0 && !slices.ContainsFunc(vms, func(vm *derive.VM) bool { return !vm.Modernized })
}
