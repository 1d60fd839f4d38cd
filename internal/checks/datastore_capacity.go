package checks

import (
	"fmt"
	"slices"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func init() { Register(DatastoreCapacity{}) }

// DatastoreCapacity reports target datastores without free space for the disks of the plan VMs
// that reprotect replicates to them.
type DatastoreCapacity struct{}

// Info describes the check.
func (DatastoreCapacity) Info() Info {
	return Info{
		ID:               "datastore.capacity",
		Kind:             DatastoreKind,
		Title:            "Each target datastore has free space for the disks of the VMs reprotected to it",
		Phases:           []Phase{Reprotect},
		Needs:            []inventory.Part{VCenter},
		Cause:            "Reprotect replicates the VM's disks back to the chosen datastore; it stalls when the datastore runs out of space. Classic, it counts the VM's provisioned space. Modernized, to the original location it replicates only the changes (the original's disks exist), to an alternate location the full protected disks (their capacity, from the item's GET).",
		Fix:              "Free space on the datastore, grow it, or spread the VMs over several datastores.",
		DocURL:           docBase + "vmware-azure-reprotect",
		ModernizedDocURL: docTutorialModern,
	}
}

// Run compares, per datastore, its free space with the space provisioned for the VMs going to it
// (their disks, as vSphere's provisioned space counts them).
func (DatastoreCapacity) Run(s *Input) []Result {
	var out []Result
	for _, g := range s.Facts.Datastores {
		out = append(out, datastoreCapacity(s.VCenter, g))
	}
	return out
}

func datastoreCapacity(inv *inventory.VCenter, g derive.Group) Result {
	name := g.Name
	r := Result{Target: name}
	ds, ok := inv.Datastore(name)
	if !ok {
		r.Status, r.Message = Skip, fmt.Sprintf("datastore %s is not in the inventory (see datastore.access)", name)
		return r
	}
	need, parts, unknown := sizes(g.VMs, diskBytes, func(b int64) string {
		if b == 0 {
			return "changes only (its original's disks exist)"
		}
		return gb(b >> 20)
	})
	have := fmt.Sprintf("datastore %s has %s free of %s", name, gb(ds.FreeBytes>>20), gb(ds.CapacityBytes>>20))
	switch {
	case need > ds.FreeBytes:
		r.Status = Fail
		r.Message = fmt.Sprintf("%s; the provisioned space of %s needs %s: %s short", have, listed(parts, " + "), gb(need>>20), gb((need-ds.FreeBytes)>>20))
		r.Short = fmt.Sprintf("%s short (%s free, %s needed)", roundGB((need-ds.FreeBytes)>>20), roundGB(ds.FreeBytes>>20), roundGB(need>>20))
	case len(unknown) > 0:
		r.Status = Skip
		if slices.ContainsFunc(g.VMs, func(vm *derive.VM) bool { return vm.Item != nil && vm.Item.DetailError != "" }) {
			r.Status = Error // a read that failed, not a size vCenter has yet to compute
		}
		r.Message = fmt.Sprintf("%s; provisioned space unknown for %s", have, listed(unknown, ", "))
	case float64(ds.FreeBytes-need) < headroom*float64(ds.CapacityBytes):
		r.Status = Warn
		r.Message = fmt.Sprintf("%s; the provisioned space of %s needs %s, leaving %s, under 10%% of its capacity", have, listed(parts, " + "), gb(need>>20), gb((ds.FreeBytes-need)>>20))
		r.Short = fmt.Sprintf("%s left after reprotect, under 10%%", roundGB((ds.FreeBytes-need)>>20))
	default:
		r.Status = Pass
		r.Message = fmt.Sprintf("%s; the provisioned space of %s needs %s", have, listed(parts, " + "), gb(need>>20))
	}
	return r
}

// diskBytes is the space reprotect needs on a plan VM's datastore: classic, its on-premises VM's
// provisioned space; modernized, none to the original location (the disks exist: changes only),
// the capacity of its protected disks to an alternate one.
func diskBytes(vm *derive.VM) (int64, string) {
	if vm.Modernized {
		return modernizedBytes(vm)
	}
	switch {
	case vm.OnPrem == nil:
		return 0, vm.OnPremProblem
	case vm.OnPrem.Storage == nil || vm.OnPrem.Storage.ProvisionedBytes == 0 && vm.OnPrem.Storage.Disks > 0:
		return 0, "vCenter has not computed its provisioned space"
	}
	return vm.OnPrem.Storage.ProvisionedBytes, ""
}

// modernizedBytes is what reprotect of a modernized VM writes new on its datastore.
func modernizedBytes(vm *derive.VM) (int64, string) {
	it := vm.Item
	switch {
	case vm.Location != plan.Alternate && vm.OnPrem != nil:
		return 0, "" // the original's disks are reused
	case vm.Location != plan.Alternate:
		return 0, vm.OnPremProblem
	case it == nil:
		return 0, "no protected item to tell its disks"
	case it.DetailError != "":
		return 0, it.DetailError
	case !it.DisksKnown() || len(it.Disks) == 0:
		return 0, "Site Recovery's listing carries no disks of the item"
	}
	var total int64
	for _, d := range it.Disks {
		total += d.CapacityBytes
	}
	return total, ""
}
