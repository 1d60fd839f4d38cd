package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func init() { Register(Appliance{}) }

// Appliance reports replication appliances (modernized) and classic servers that reprotect or
// failback would go through and that are missing, unhealthy, silent or overloaded.
type Appliance struct{}

// Info describes the check.
func (Appliance) Info() Info {
	return Info{
		ID:     "asr.appliance",
		Kind:   ApplianceKind,
		Title:  "The replication appliance (or classic servers) the VMs go through is healthy in every role",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{Azure, Vault, Fabrics},
		Cause:  "Reprotect and failback run through one on-premises replication appliance (modernized) — its process server, RCM proxy, push installer, replication agent, reprotect agent, MARS agent and DRA — or, classic, through the configuration server, a process server and a master target. A role that is missing, unhealthy or silent, or an appliance carrying more than 60 disks, makes the job fail.",
		Fix:    "Repair the appliance named in the message (its services, network path to Azure, disk space), or choose another registered appliance for reprotect; spread more than 60 disks over several appliances.",
		DocURL: docAppliance,
	}
}

// maxApplianceDisks is how many disks one appliance may carry back for failback.
const maxApplianceDisks = 60

// Run reports each appliance the plan's modernized VMs go through, and each classic server the
// classic ones do, once.
func (Appliance) Run(s *Input) []Result {
	var out []Result
	for _, vm := range s.Facts.VMs {
		if vm.Modernized && vm.Item != nil && vm.Appliance == "" {
			out = append(out, Result{Target: vm.Name, Kind: VMKind, Status: Fail,
				Message: fmt.Sprintf("no replication appliance known for %s: Site Recovery records none, and the plan names none", vm.Name),
				Fix:     "Set appliance in the plan (for the VM, or for all) to the replication appliance reprotect should use."})
		}
	}
	for _, g := range s.Facts.Appliances {
		out = append(out, appliance(s, g))
	}
	out = append(out, classicServers(s)...)
	if len(out) == 0 {
		out = append(out, Result{Target: "-", Status: Skip, Message: "no plan VM has a protected item to tell its appliance or servers (see asr.protected-item)"})
	}
	return out
}

// appliance evaluates one modernized appliance: every role, the process server's resources, and
// the disks the VMs going through it carry.
func appliance(s *Input, g derive.ApplianceGroup) Result {
	r := Result{Target: g.Name, Status: Pass}
	who := fmt.Sprintf("appliance %s (named by %s, for %s)", g.Name, g.VMs[0].ApplianceFrom, vmNames(g.VMs))
	a := g.Appliance
	if a == nil {
		known := "it has none"
		if names := s.Azure.Fabrics.ApplianceNames(); len(names) > 0 {
			known = "it has " + strings.Join(names, ", ")
		}
		r.Status, r.Message = Fail, fmt.Sprintf("%s is not registered in vault %s's fabrics (%s)", who, vaultName(s.Plan), known)
		r.Fix = "Register the appliance with the vault, or set appliance in the plan to one that is."
		return r
	}
	var problems, fine []string
	note := func(st Status, text string) {
		r.Status = worst(r.Status, st)
		if st == Pass {
			fine = append(fine, text)
		} else {
			problems = append(problems, text)
		}
	}
	for _, kind := range inventory.ApplianceRoles {
		role, ok := a.Role(kind)
		if !ok {
			note(Fail, "no "+kind+" role is registered")
			continue
		}
		st, text := roleHealth(s, "its "+kind, role)
		if kind == inventory.RoleProcessServer && st == Fail && strings.Contains(text, "heartbeat") && r.Code == "" {
			r.Code = "806"
		}
		if st != Pass {
			note(st, text)
		}
	}
	for _, what := range slices.Sorted(maps.Keys(a.Resources)) {
		switch st := a.Resources[what]; st {
		case "Critical":
			note(Fail, fmt.Sprintf("its process server's %s is Critical", what))
		case "Warning":
			note(Warn, fmt.Sprintf("its process server's %s is Warning", what))
		}
	}
	disks, unknown := 0, []string{}
	for _, vm := range g.VMs {
		n, ok := diskCountOf(vm)
		if !ok {
			unknown = append(unknown, vm.Name)
		}
		disks += n
	}
	diskText := fmt.Sprintf("%d VM(s) carry %d disk(s) through it", len(g.VMs), disks)
	if others, n, unread := reprotectedThrough(s, a); len(others) > 0 {
		disks += n
		unknown = append(unknown, unread...)
		diskText = fmt.Sprintf("%d VM(s) of the plan and %d already reprotected through it (%s) carry %d disk(s)", len(g.VMs), len(others), listed(others, ", "), disks)
	}
	for _, vm := range g.VMs {
		if text := vcenterMismatch(vm, a); text != "" {
			note(Warn, text)
		}
	}
	if last := a.LastDiscovery; !last.IsZero() && s.CollectedAt.Sub(last) > staleDiscovery {
		note(Warn, fmt.Sprintf("its reprotect agent last discovered its vCenter %s ago: its list of reachable datastores may be stale", ago(s.CollectedAt.Sub(last))))
	}
	if len(unknown) > 0 {
		diskText += fmt.Sprintf(" (disks unknown for %s)", listed(unknown, ", "))
	}
	switch {
	case disks > maxApplianceDisks:
		note(Fail, diskText+fmt.Sprintf("; one appliance carries at most %d for failback", maxApplianceDisks))
		r.Fix = "Spread the VMs over several appliances (set appliance per VM in the plan), at most 60 disks each."
	case len(unknown) > 0: // the limit cannot be told to hold
		note(Warn, diskText+fmt.Sprintf("; one appliance carries at most %d for failback", maxApplianceDisks))
	default:
		note(Pass, diskText)
	}
	if r.Status == Pass {
		r.Message = fmt.Sprintf("%s: all %d roles registered, health Normal, heartbeats fresh; %s", who, len(inventory.ApplianceRoles), strings.Join(fine, "; "))
	} else {
		r.Message = fmt.Sprintf("%s: %s", who, strings.Join(problems, "; "))
	}
	return r
}

// roleHealth judges one role (or classic server), named who in messages: its health, its
// heartbeat, its service, its health errors.
func roleHealth(s *Input, who string, role inventory.Role) (Status, string) {
	status, hb := heartbeat(s, who, role.LastHeartbeat)
	var parts []string
	if status != Pass {
		parts = append(parts, hb)
	}
	switch role.Health {
	case "", "Normal":
	case "Warning":
		status = worst(status, Warn)
		parts = append(parts, fmt.Sprintf("%s's health is Warning", who))
	case "Critical":
		status = worst(status, Fail)
		parts = append(parts, fmt.Sprintf("%s's health is Critical", who))
	default:
		status = worst(status, Warn)
		parts = append(parts, fmt.Sprintf("%s reports no health (%s)", who, role.Health))
	}
	if role.ServiceStatus != "" && !strings.EqualFold(role.ServiceStatus, "Running") {
		status = worst(status, Fail)
		parts = append(parts, fmt.Sprintf("%s's service is %s", who, role.ServiceStatus))
	}
	for _, e := range role.HealthErrors {
		st := levelStatus(e.Level)
		if st == Pass { // information
			continue
		}
		status = worst(status, st)
		text := fmt.Sprintf("%s reports error %s: %s", who, e.Code, e.Message)
		if c, known := Codes[e.Code]; known {
			text = fmt.Sprintf("%s reports error %s (%s)", who, e.Code, c.Title)
		}
		parts = append(parts, text)
	}
	if len(parts) == 0 {
		return Pass, hb
	}
	return status, strings.Join(parts, ", ")
}

// staleDiscovery is how old the reprotect agent's last discovery of its vCenter may be before its
// datastore list is taken as possibly stale (the docs give no cycle; a day is clearly late).
const staleDiscovery = 24 * time.Hour

// reprotectedThrough are the vault's reprotected items outside the plan that go through the
// appliance (their reprotect agent is its), with how many disks they carry and those whose disks
// are unknown: the 60-disk limit is the appliance's in total.
func reprotectedThrough(s *Input, a *inventory.Appliance) (names []string, disks int, unknown []string) {
	inPlan := map[*inventory.ProtectedItem]bool{}
	for _, vm := range s.Facts.VMs {
		inPlan[vm.Item] = true
	}
	for i := range s.Azure.ProtectedItems {
		it := &s.Azure.ProtectedItems[i]
		if inPlan[it] || it.InstanceType != "InMageRcmFailback" || a.ID == "" || !strings.EqualFold(it.ReprotectAgentID, a.ID) {
			continue
		}
		if st := it.Stage(); st != inventory.Reprotected && st != inventory.Reprotecting {
			continue
		}
		names = append(names, it.FriendlyName)
		if it.DisksKnown() && len(it.Disks) > 0 {
			disks += len(it.Disks)
		} else {
			unknown = append(unknown, it.FriendlyName)
		}
	}
	return names, disks, unknown
}

// vcenterMismatch says when the appliance's reprotect agent discovers another vCenter than the one
// the VM fails back to (the item's target vCenter; before reprotect, the original's), "" when they
// match or nothing is said of either.
func vcenterMismatch(vm *derive.VM, a *inventory.Appliance) string {
	it := vm.Item
	if it == nil {
		return ""
	}
	want := it.TargetVCenterID
	if want == "" && it.DiscoveredVM != nil {
		want = it.DiscoveredVM.VCenterID
	}
	switch {
	case want == "":
		return ""
	case a.VCenterID == "":
		return fmt.Sprintf("its reprotect agent names no vCenter, so it cannot be matched with %s's vCenter %s", vm.Name, want)
	case !strings.EqualFold(a.VCenterID, want):
		return fmt.Sprintf("its reprotect agent discovers vCenter %s, but %s fails back to vCenter %s: choose an appliance of that vCenter", a.VCenterID, vm.Name, want)
	}
	return ""
}

// diskCountOf is how many disks a VM carries: those Site Recovery protects, else its original's.
func diskCountOf(vm *derive.VM) (int, bool) {
	switch {
	case vm.Item != nil && vm.Item.DisksKnown() && len(vm.Item.Disks) > 0:
		return len(vm.Item.Disks), true
	case vm.OnPrem != nil && vm.OnPrem.Storage != nil:
		return vm.OnPrem.Storage.Disks, true
	}
	return 0, false
}

// classicServers evaluates the configuration, process and master target servers the classic VMs'
// items go through, each once.
func classicServers(s *Input) []Result {
	codes := map[Kind]string{ProcessServerKind: "806", MasterTargetKind: "78022"} // a silent server fails with ASR's code
	var out []Result
	seen := map[result.Ref]bool{}
	for i := range s.Facts.VMs {
		vm := &s.Facts.VMs[i]
		for _, srv := range vm.Servers() {
			ref := result.Ref{Kind: srv.Kind, Name: srv.Name}
			if seen[ref] {
				continue
			}
			seen[ref] = true
			r := Result{Target: srv.Name, Kind: srv.Kind}
			if srv.Role == nil {
				r.Status, r.Message = Fail, fmt.Sprintf("the %s %s that %s goes through is not registered in vault %s's fabrics", srv.Kind.Label(), srv.ID, vm.Name, vaultName(s.Plan))
				out = append(out, r)
				continue
			}
			st, text := roleHealth(s, fmt.Sprintf("the classic %s %s", srv.Kind.Label(), srv.Name), *srv.Role)
			r.Status, r.Message = st, text
			if st == Fail && strings.Contains(text, "heartbeat") {
				r.Code = codes[srv.Kind]
			}
			out = append(out, r)
		}
	}
	return out
}
