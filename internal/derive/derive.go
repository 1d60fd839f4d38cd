// Package derive works out, once per run, the facts several checks share: the master target and
// its host, and for each plan VM its on-premises VM, the host it will run on, its Azure VM and its
// Site Recovery item. A fact that cannot be established says why, so that exactly one check (its
// owner) reports the problem and the others skip, pointing to it.
package derive

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// Facts are the shared facts of one snapshot.
type Facts struct {
	MasterTarget MasterTarget
	VMs          []VM    // one per plan VM, in plan order
	Hosts        []Group // the hosts plan VMs will run on, in order of first use
	Datastores   []Group // the target datastores, in order of first use
	// Appliances are the modernized appliances the plan VMs go through, in order of first use.
	Appliances []ApplianceGroup
	// RecoveryPlans are the recovery plans the plan names, in its order.
	RecoveryPlans []RecoveryPlan

	named  map[string][]inventory.VM // vCenter's VMs by name
	byUUID map[string]*inventory.VM  // and by instance UUID (lower case), when vCenter reported them
	plan   map[string]int            // the plan VMs' indexes in VMs, by name
}

// VM returns the plan VM of the name, nil when the plan has none.
func (f *Facts) VM(name string) *VM {
	if i, ok := f.plan[name]; ok {
		return &f.VMs[i]
	}
	return nil
}

// Named returns vCenter's VMs of the given name (nil when vCenter was not read).
func (f *Facts) Named(name string) []inventory.VM { return f.named[name] }

// MasterTarget is the master target VM, or why it cannot be found.
type MasterTarget struct {
	Name    string        // as the plan names it
	VM      *inventory.VM // nil when not found
	Problem string        // why it was not found; "" when found or when vCenter was not read
}

// Host is the master target's ESXi host, "" when unknown.
func (m MasterTarget) Host() string {
	if m.VM == nil {
		return ""
	}
	return m.VM.Host
}

// VM is what is known of one plan VM.
type VM struct {
	plan.VM
	// Modernized: its item is InMageRcm or InMageRcmFailback, or, with no item known, the plan
	// names no master target. Otherwise classic.
	Modernized    bool
	OnPrem        *inventory.VM // its original on-premises VM: by the instance UUID its item records, else the one VM of its name
	OnPremProblem string        // why there is none
	OnPremByUUID  bool          // the original was looked up by instance UUID (found or not)
	OnPremUnread  bool          // the original was found by UUID, but not read in full: nothing can be told of it
	// Host is the ESXi host it will run on: the plan's; else the master target's (classic) or its
	// original VM's (modernized); "" when that cannot be told, and HostProblem says why.
	Host        string
	HostProblem string
	// TargetDatastore and TargetName are where and under which name it fails back: the item's
	// (modernized failback), else the plan's.
	TargetDatastore, TargetName string
	Azure                       AzureRef                 // the Azure VM it failed over to, and who says so
	AzureVM                     *inventory.AzureVM       // that VM, in its resource group
	Elsewhere                   []inventory.AzureVM      // VMs of its name (or Site Recovery's recorded ID) in other resource groups
	Item                        *inventory.ProtectedItem // its Site Recovery item, when the vault was read
	// Appliance is the modernized appliance it goes through — before reprotect the plan's, else the
	// one it replicated through; before failback the one the item records — and who says so.
	Appliance, ApplianceFrom string
	// Classic names the classic servers its item goes through, as the vault's fabric records them.
	Classic ClassicServers
}

// ClassicServers are the classic configuration, process and master target servers of an item.
type ClassicServers struct {
	Fabric        *inventory.ClassicFabric
	ProcessServer *inventory.Role
	MasterTarget  *inventory.MasterTargetServer
}

// ApplianceGroup is a modernized appliance, as the fabric records it (nil when it does not), and
// the plan VMs going through it.
type ApplianceGroup struct {
	Name      string
	Appliance *inventory.Appliance
	VMs       []*VM
}

// ApplianceOf returns the appliance group the VM goes through, nil when it has none.
func (f *Facts) ApplianceOf(vm *VM) *ApplianceGroup {
	for i := range f.Appliances {
		if slices.Contains(f.Appliances[i].VMs, vm) {
			return &f.Appliances[i]
		}
	}
	return nil
}

// HasClassic reports whether any plan VM is classic.
func (f *Facts) HasClassic() bool {
	return slices.ContainsFunc(f.VMs, func(vm VM) bool { return !vm.Modernized })
}

// HasModernized reports whether any plan VM is modernized.
func (f *Facts) HasModernized() bool {
	return slices.ContainsFunc(f.VMs, func(vm VM) bool { return vm.Modernized })
}

// Hosts are the ESXi hosts the VM's failback reaches: the one it will run on, and its original's
// when it fails back to the original location ("" for one not known).
func (vm *VM) Hosts() []string {
	if vm.OnPrem != nil && vm.Location == plan.Original {
		return []string{vm.Host, vm.OnPrem.Host}
	}
	return []string{vm.Host}
}

// Memory is the memory the VM powers on with, in MB: the plan's memoryMB; else, failing back to
// the original, its on-premises VM's configured memory; else what Site Recovery recorded, else the
// failed-over Azure VM's size. Failing back to an alternate location, the VM of its name
// on-premises (if any) is not the one that powers on, so it never counts. Problem says why none is
// known.
func (vm *VM) Memory() (mb int64, problem string) {
	original := vm.Location != plan.Alternate
	switch {
	case vm.MemoryMB > 0:
		return int64(vm.MemoryMB), ""
	case original && vm.OnPrem != nil && vm.OnPrem.MemoryMB > 0:
		return vm.OnPrem.MemoryMB, ""
	case vm.Item != nil && vm.Item.MemoryMB > 0:
		return vm.Item.MemoryMB, ""
	case vm.AzureVM != nil && vm.AzureVM.MemoryMB > 0:
		return vm.AzureVM.MemoryMB, ""
	case original && vm.OnPrem != nil:
		return 0, "its configured memory is not reported; set memoryMB"
	case original:
		return 0, vm.OnPremProblem + "; set memoryMB"
	}
	return 0, "neither Site Recovery nor its Azure VM says how much memory it has; set memoryMB"
}

// AzureRef is the Azure VM a plan VM failed over to, and who said so.
type AzureRef struct {
	ResourceGroup, Name string
	ID                  string // Site Recovery's recorded VM ID, when known
	From                string // "the plan" or "Site Recovery"; "" when nobody knows
}

func (r AzureRef) String() string { return r.ResourceGroup + "/" + r.Name }

// Group is an ESXi host, or a target datastore, and the plan VMs that will run on it, or go to it.
type Group struct {
	Name string
	VMs  []*VM
}

// Derive works the facts out from the snapshot. Parts that were not collected leave their facts
// empty: the runner has already turned the checks that need them into skips or errors.
func Derive(s *inventory.Snapshot) *Facts {
	f := &Facts{MasterTarget: MasterTarget{Name: s.Plan.MasterTarget}}
	vc := s.VCenter
	if !s.Parts[inventory.VCenterPart].Collected {
		vc = nil
	}
	if vc != nil {
		f.named = make(map[string][]inventory.VM, len(vc.VMs))
		f.byUUID = map[string]*inventory.VM{}
		for i, vm := range vc.VMs {
			f.named[vm.Name] = append(f.named[vm.Name], vm)
			if vm.InstanceUUID != "" {
				f.byUUID[strings.ToLower(vm.InstanceUUID)] = &vc.VMs[i]
			}
		}
		f.MasterTarget.VM, f.MasterTarget.Problem = masterTarget(vc, f.named[s.Plan.MasterTarget], s.Plan.MasterTarget)
	}
	var items []inventory.ProtectedItem
	if s.Azure != nil && s.Parts[inventory.VaultPart].Collected {
		items = s.Azure.ProtectedItems
	}
	var azureVMs azureIndex
	if s.Azure != nil && s.Parts[inventory.AzurePart].Collected {
		azureVMs = index(s.Azure.VMs)
	}
	var fabrics *inventory.Fabrics
	if s.Azure != nil && s.Parts[inventory.FabricsPart].Collected {
		fabrics = s.Azure.Fabrics
	}
	f.RecoveryPlans = RecoveryPlans(s)
	inPlans := map[string]*inventory.ProtectedItem{} // the recovery plans' items by lower-case name: they win over namesakes
	for _, rp := range f.RecoveryPlans {
		for _, it := range rp.Items() {
			inPlans[strings.ToLower(it.FriendlyName)] = it
		}
	}
	f.VMs = make([]VM, len(s.Plan.VMs))
	f.plan = make(map[string]int, len(s.Plan.VMs))
	for i, pv := range s.Plan.VMs {
		if _, dup := f.plan[pv.Name]; !dup { // the plan rejects duplicates; the first stands
			f.plan[pv.Name] = i
		}
		vm := &f.VMs[i]
		vm.VM = pv
		vm.Item = cmp.Or(inPlans[strings.ToLower(pv.Name)], item(items, pv.Name))
		vm.Modernized = vm.Item != nil && vm.Item.Modernized() || vm.Item == nil && s.Plan.MasterTarget == ""
		if vc != nil {
			vm.OnPrem, vm.OnPremProblem, vm.OnPremByUUID, vm.OnPremUnread = f.onPrem(vm.Item, pv.Name)
			vm.Host, vm.HostProblem = f.targetHost(vm)
		}
		vm.TargetDatastore, vm.TargetName = pv.Datastore, pv.Name
		if pv.Location == plan.Alternate && pv.TargetName != "" { // the original location keeps the original's name
			vm.TargetName = pv.TargetName
		}
		if it := vm.Item; it != nil && it.Modernized() && s.Phase == result.Failback {
			vm.TargetDatastore, vm.TargetName = cmp.Or(it.TargetDatastore, pv.Datastore), cmp.Or(it.TargetVMName, vm.TargetName)
		}
		vm.Azure = azureTarget(pv, vm.Item)
		vm.AzureVM, vm.Elsewhere = azureVMs.locate(vm.Azure)
		if vm.Modernized {
			vm.Appliance, vm.ApplianceFrom = appliance(s, vm)
		} else if fabrics != nil && vm.Item != nil {
			vm.Classic.Fabric, vm.Classic.ProcessServer, vm.Classic.MasterTarget = fabrics.ClassicServers(vm.Item.ProcessServerID, vm.Item.MasterTargetID)
		}
	}
	f.Hosts = groupBy(f.VMs, func(vm *VM) string { return vm.Host })
	f.Datastores = groupBy(f.VMs, func(vm *VM) string { return vm.TargetDatastore })
	for _, g := range groupBy(f.VMs, func(vm *VM) string { return vm.Appliance }) {
		ag := ApplianceGroup{Name: g.Name, VMs: g.VMs}
		if fabrics != nil {
			id := ""
			if it := g.VMs[0].Item; it != nil && strings.EqualFold(g.VMs[0].ApplianceFrom, "Site Recovery") {
				id = cmp.Or(it.ReprotectAgentID, it.ProcessServerID)
			}
			ag.Appliance = fabrics.Appliance(id, g.Name)
		}
		f.Appliances = append(f.Appliances, ag)
	}
	return f
}

// targetHost is the ESXi host a VM will run on: the plan's; else, classic, the master target's;
// modernized, its original VM's. Else why not.
func (f *Facts) targetHost(vm *VM) (string, string) {
	switch {
	case vm.VM.Host != "":
		return vm.VM.Host, ""
	case !vm.Modernized && f.MasterTarget.Host() != "":
		return f.MasterTarget.Host(), ""
	case !vm.Modernized:
		return "", "no host in the plan, and the master target's host is unknown (see master-target.vm)"
	case vm.Location == plan.Original && vm.OnPrem != nil && vm.OnPrem.Host != "":
		return vm.OnPrem.Host, ""
	}
	return "", "no host in the plan, and no original VM to run where it ran (a modernized failback runs on the original's host, or on the plan's): set host in the plan"
}

// appliance is the modernized appliance a VM goes through, and who says so: before reprotect the
// plan VM's, the plan's, else the one it replicated through; before failback the one the item
// records, else the plan's.
func appliance(s *inventory.Snapshot, vm *VM) (string, string) {
	it := vm.Item
	if s.Phase == result.Failback && it != nil && it.ReprotectAgentName != "" {
		return it.ReprotectAgentName, "Site Recovery"
	}
	switch {
	case vm.VM.Appliance != "":
		return vm.VM.Appliance, "the plan"
	case s.Plan.Appliance != "":
		return s.Plan.Appliance, "the plan"
	case it != nil && s.Phase == result.Reprotect && it.ProcessServerName != "":
		return it.ProcessServerName, "Site Recovery"
	}
	return "", ""
}

// groupBy groups the VMs by key, in order of first use; VMs of an empty key are left out.
func groupBy(vms []VM, key func(*VM) string) []Group {
	var out []Group
	index := map[string]int{}
	for i := range vms {
		vm := &vms[i]
		k := key(vm)
		if k == "" {
			continue
		}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, Group{Name: k})
		}
		out[j].VMs = append(out[j].VMs, vm)
	}
	return out
}

// masterTarget finds the master target VM, or says why it cannot.
func masterTarget(vc *inventory.VCenter, found []inventory.VM, name string) (*inventory.VM, string) {
	switch {
	case name == "":
		return nil, "the plan names no masterTarget"
	case len(found) == 0:
		return nil, fmt.Sprintf("no VM named %s (plan masterTarget) in datacenter %s", name, vc.Datacenter)
	case len(found) > 1:
		return nil, fmt.Sprintf("%d VMs named %s (plan masterTarget): %s", len(found), name, DescribeVMs(found))
	case found[0].Brief:
		return nil, fmt.Sprintf("master target %s (%s) was not read in full", name, found[0].Ref)
	case found[0].Host == "":
		return nil, fmt.Sprintf("master target %s is not registered on any ESXi host", name)
	}
	return &found[0], ""
}

// onPrem finds a plan VM's on-premises VM: the one of the instance UUID its modernized item names
// (Site Recovery's own reference: a renamed original is still the original, a new VM of the same
// name is not), else the single VM of its name; or says why it cannot.
// unread says the original is known but was not read in full (the inventory has it brief).
func (f *Facts) onPrem(it *inventory.ProtectedItem, name string) (vm *inventory.VM, problem string, byUUID, unread bool) {
	found := f.named[name]
	// vCenter reports no UUID for an inaccessible or orphaned VM: of such a VM, only its name speaks.
	unknown := slices.ContainsFunc(found, func(vm inventory.VM) bool { return vm.InstanceUUID == "" })
	if it != nil && it.SourceUUID != "" && len(f.byUUID) > 0 && !unknown {
		if vm, ok := f.byUUID[it.SourceUUID]; ok && vm.Brief {
			return nil, fmt.Sprintf("%s, the original of %s as Site Recovery names it (instance UUID %s), was not read in full: the vault answered too late", DescribeVMs([]inventory.VM{*vm}), name, it.SourceUUID), true, true
		} else if ok {
			return vm, "", true, false
		}
		problem := fmt.Sprintf("no on-premises VM has instance UUID %s, the original of %s as Site Recovery names it", it.SourceUUID, name)
		if len(found) > 0 {
			problem += fmt.Sprintf("; %s carries the name but is not the original", DescribeVMs(found))
		}
		return nil, problem, true, false
	}
	switch {
	case len(found) == 0:
		return nil, "no on-premises VM named " + name, false, false
	case len(found) == 1 && found[0].Brief:
		return nil, fmt.Sprintf("%s, the on-premises VM named %s, was not read in full", DescribeVMs(found), name), false, true
	case len(found) == 1:
		return &found[0], "", false, false
	}
	return nil, fmt.Sprintf("%d on-premises VMs named %s", len(found), name), false, false
}

// item returns the protected item of an on-premises machine, by friendly name.
func item(items []inventory.ProtectedItem, name string) *inventory.ProtectedItem {
	for i := range items {
		if strings.EqualFold(items[i].FriendlyName, name) {
			return &items[i]
		}
	}
	return nil
}

// azureTarget resolves a plan VM's Azure VM: the plan's azureVM, else the one Site Recovery
// recorded on its item (nil when the vault was not read).
func azureTarget(vm plan.VM, it *inventory.ProtectedItem) AzureRef {
	ref := AzureRef{}
	if it != nil {
		ref = AzureRef{ResourceGroup: it.RecoveryResourceGroup, Name: it.RecoveryVMName, ID: it.RecoveryVMID, From: "Site Recovery"}
	}
	if vm.AzureVM != nil && !(strings.EqualFold(vm.AzureVM.Name, ref.Name) && strings.EqualFold(vm.AzureVM.ResourceGroup, ref.ResourceGroup)) {
		ref = AzureRef{ResourceGroup: vm.AzureVM.ResourceGroup, Name: vm.AzureVM.Name, From: "the plan"}
	}
	if ref.Name == "" {
		ref.From = ""
	}
	return ref
}

// azureIndex finds the subscription's VMs by name and by ID (both case-insensitive) without a
// scan of the subscription per plan VM.
type azureIndex struct {
	vms          []inventory.AzureVM
	byName, byID map[string][]int
}

func index(vms []inventory.AzureVM) azureIndex {
	x := azureIndex{vms: vms, byName: map[string][]int{}, byID: map[string][]int{}}
	for i, vm := range vms {
		x.byName[strings.ToLower(vm.Name)] = append(x.byName[strings.ToLower(vm.Name)], i)
		x.byID[strings.ToLower(vm.ID)] = append(x.byID[strings.ToLower(vm.ID)], i)
	}
	return x
}

// locate finds the Azure VM in its resource group, and VMs elsewhere of its name or recorded ID.
func (x azureIndex) locate(ref AzureRef) (found *inventory.AzureVM, elsewhere []inventory.AzureVM) {
	if ref.From == "" {
		return nil, nil
	}
	candidates := x.byName[strings.ToLower(ref.Name)]
	if ref.ID != "" {
		candidates = append(slices.Clip(candidates), x.byID[strings.ToLower(ref.ID)]...)
	}
	seen := map[int]bool{}
	for _, i := range candidates {
		if seen[i] {
			continue
		}
		seen[i] = true
		if strings.EqualFold(x.vms[i].Name, ref.Name) && strings.EqualFold(x.vms[i].ResourceGroup, ref.ResourceGroup) {
			found = &x.vms[i]
		} else {
			elsewhere = append(elsewhere, x.vms[i])
		}
	}
	return found, elsewhere
}

// DescribeVMs names VMs with their reference, host and state: "web01 (vm-42 on esx01, poweredOn)",
// with the connection state when it is not connected; a brief VM by its reference alone.
func DescribeVMs(vms []inventory.VM) string {
	parts := make([]string, len(vms))
	for i, v := range vms {
		if v.Brief {
			parts[i] = fmt.Sprintf("%s (%s)", v.Name, v.Ref)
			continue
		}
		state := v.PowerState
		if v.ConnectionState != "" && v.ConnectionState != "connected" {
			state = v.ConnectionState
		}
		parts[i] = fmt.Sprintf("%s (%s on %s, %s)", v.Name, v.Ref, v.Host, state)
	}
	return strings.Join(parts, ", ")
}

// Server is a classic server a VM's item goes through, named as the checks name it.
type Server struct {
	Kind result.Kind
	Name string          // its name, else its ID (as the item or the fabric records it)
	ID   string          // as the item records it
	Role *inventory.Role // nil when the vault's fabrics do not list it
}

// Servers lists the classic configuration, process and master target servers a classic VM's
// item goes through.
func (vm *VM) Servers() []Server {
	if vm.Modernized || vm.Item == nil {
		return nil
	}
	var out []Server
	add := func(kind result.Kind, id string, role *inventory.Role) {
		name := id
		if role != nil {
			name = cmp.Or(role.Name, role.ID)
		}
		out = append(out, Server{Kind: kind, Name: name, ID: id, Role: role})
	}
	c := vm.Classic
	if c.Fabric != nil {
		add(result.ConfigServerKind, c.Fabric.Name, &c.Fabric.ConfigServer)
	}
	if id := vm.Item.ProcessServerID; id != "" {
		add(result.ProcessServerKind, id, c.ProcessServer)
	}
	if id := vm.Item.MasterTargetID; id != "" {
		var mt *inventory.Role
		if c.MasterTarget != nil {
			mt = &c.MasterTarget.Role
		}
		add(result.MasterTargetKind, id, mt)
	}
	return out
}

// Scope maps each plan VM to the targets whose results apply to it — itself; the host it will run
// on and, failing back to the original, its original's; its datastore; the appliance (modernized)
// or the master target, configuration and process servers and the probes (classic) it goes
// through. Results about vCenter, the datacenter, Azure or a check as a whole apply to every VM.
func (f *Facts) Scope(s *inventory.Snapshot) result.Scope {
	sc := result.Scope{Depends: map[string][]result.Ref{},
		Global: []result.Ref{{Kind: result.VCenterKind, Name: "vcenter"}, {Kind: result.AzureKind, Name: "azure"}, {Kind: result.CheckKind, Name: "-"}}}
	if s.VCenter != nil && s.VCenter.Datacenter != "" {
		sc.Global = append(sc.Global, result.Ref{Kind: result.DatacenterKind, Name: s.VCenter.Datacenter})
	}
	sc.Plans = planScopes(f.RecoveryPlans)
	cs := s.Plan.ConfigurationServerAddr()
	for i := range f.VMs {
		vm := &f.VMs[i]
		sc.VMs = append(sc.VMs, vm.Name)
		deps := []result.Ref{{Kind: result.VMKind, Name: vm.Name}}
		add := func(kind result.Kind, name string) {
			if name != "" {
				deps = append(deps, result.Ref{Kind: kind, Name: name})
			}
		}
		for _, h := range vm.Hosts() {
			add(result.HostKind, h)
		}
		add(result.DatastoreKind, vm.TargetDatastore)
		if vm.Modernized {
			add(result.ApplianceKind, vm.Appliance)
		} else {
			add(result.MasterTargetKind, "master-target")
			add(result.MasterTargetKind, f.MasterTarget.Name)
			add(result.ConfigServerKind, cs)
			add(result.ProbeKind, "probe") // the configuration server and guest probes serve classic VMs
			for _, srv := range vm.Servers() {
				add(srv.Kind, srv.Name)
			}
		}
		sc.Depends[vm.Name] = deps
	}
	return sc
}
