package preflight

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/errgroup"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/collect/probe"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// budget splits --timeout: the collectors share all of it but a reserve kept for the checks and the
// report, so that a source that never answers still leaves time to report on the others.
type budget struct {
	timeout  time.Duration // --timeout
	deadline time.Time     // the whole run's
	reserve  time.Duration // kept for the checks and the report
}

func newBudget(started time.Time, timeout time.Duration) budget {
	return budget{timeout: timeout, deadline: started.Add(timeout), reserve: min(timeout/5, 5*time.Second)}
}

// collectEnd is when every collector must have finished.
func (b budget) collectEnd() time.Time { return b.deadline.Add(-b.reserve) }

// collector returns the context one collector runs in: it ends at end, and its cause names what
// did not answer and --timeout.
func (b budget) collector(ctx context.Context, what string, end time.Time) (context.Context, context.CancelFunc) {
	cause := fmt.Errorf("no answer from %s within %v (its share of --timeout %v; %v are kept for the checks and the report)",
		what, time.Until(end).Round(100*time.Millisecond), b.timeout, b.reserve)
	return context.WithDeadlineCause(ctx, end, cause)
}

// checks returns the context the checks run in: until the run's deadline, and never less than the
// reserve, even when a collector's clean-up used its grace after the deadline.
func (b budget) checks(ctx context.Context) (context.Context, context.CancelFunc) {
	end := b.deadline
	if least := time.Now().Add(b.reserve); least.After(end) {
		end = least
	}
	return context.WithDeadlineCause(ctx, end, fmt.Errorf("the checks did not finish within --timeout %v", b.timeout))
}

// newSnapshot starts the snapshot of a live run: the parts the configuration asks nothing of are
// recorded with the reason, so that their checks skip saying why.
func newSnapshot(cfg *Config) *inventory.Snapshot {
	s := &inventory.Snapshot{SnapshotVersion: inventory.SnapshotVersion, Tool: "asr-preflight", ToolVersion: cfg.Version,
		CollectedAt: time.Now().UTC(), Phase: cfg.Phase, Plan: cfg.Plan, Parts: inventory.Parts{}}
	if cfg.VCenter != nil {
		s.VCenterAddress = cfg.VCenter.Address()
	}
	switch {
	case cfg.Azure == nil:
		s.Parts.Skip(inventory.AzurePart, "Azure is not configured: the plan has no azure section, and no --subscription or AZURE_SUBSCRIPTION_ID is set")
	case !cfg.Plan.FromVault():
		s.Parts.Skip(inventory.VaultPart, "the plan names no azure.vault")
		s.Parts.Skip(inventory.FabricsPart, "the plan names no azure.vault")
	}
	switch {
	case !cfg.Guest:
		s.Parts.Skip(inventory.GuestPart, "opt-in: run with --probe-guest to check services inside the Azure VMs (it runs a command in each VM)")
	case cfg.Plan.ConfigurationServer == "":
		s.Parts.Skip(inventory.GuestPart, "the plan names no configurationServer to reach from inside the VMs")
	}
	if cfg.Plan.ConfigurationServer == "" {
		s.Parts.Skip(inventory.ConfigServerPart, "the plan names no configurationServer")
	}
	return s
}

// planFromVault is the plan step: a plan that names recovery plans checks exactly their items; a
// plan that names a vault and lists no VMs checks every item of the vault ready for the phase.
// Azure is read first for them, within half the collection time; a plan that lists its VMs checks
// exactly those (the vault fills in what they leave out later).
func planFromVault(ctx context.Context, cfg *Config, b budget, s *inventory.Snapshot) error {
	recoveryPlans := len(cfg.Plan.RecoveryPlans) > 0
	if len(cfg.Plan.VMs) > 0 && !recoveryPlans || !cfg.Plan.FromVault() || cfg.Azure == nil {
		return nil
	}
	end := time.Now().Add(time.Until(b.collectEnd()) / 2)
	maps.Copy(s.Parts, collectAzure(ctx, cfg, b, end, s))
	switch {
	case recoveryPlans:
		// No VM is no input error here: the plans that could not be read, or whose items the
		// vault does not protect, are what asr.recovery-plan reports (unknown, blocked).
		return useRecoveryPlans(cfg, s)
	case s.Parts[inventory.VaultPart].Collected:
		if err := cfg.Plan.AddVMs(VaultVMs(s.Azure, cfg.Phase, false)); err != nil {
			return &InputError{Err: err}
		}
	}
	if len(cfg.Plan.VMs) == 0 {
		why := "it has no items ready for " + string(cfg.Phase)
		for _, part := range []inventory.Part{inventory.VaultPart, inventory.AzurePart} {
			if st := s.Parts[part]; st.Error != "" {
				why = st.Error
			}
		}
		return Invalid("no VMs to check: the plan lists none, and vault %s/%s: %s", cfg.Plan.Azure.Vault.ResourceGroup, cfg.Plan.Azure.Vault.Name, why)
	}
	return nil
}

// useRecoveryPlans makes the plan's VMs the items of its recovery plans, in boot order, once the
// vault was read; a recovery plan the vault does not have is an input error naming those it has.
func useRecoveryPlans(cfg *Config, s *inventory.Snapshot) error {
	if !s.Parts[inventory.RecoveryPlansPart].Collected || !s.Parts[inventory.VaultPart].Collected {
		cfg.Plan.VMs = nil // what is not known cannot be checked: asr.recovery-plan says why
		return nil
	}
	vms, err := RecoveryPlanVMs(s, cfg.Phase, false)
	if err != nil {
		return err
	}
	left, err := cfg.Plan.UseVMs(vms)
	if err != nil {
		return &InputError{Err: err}
	}
	if len(left) > 0 {
		fmt.Fprintf(cfg.Stderr, "asr-preflight: not checked, in none of the recovery plans %s: %q\n", strings.Join(cfg.Plan.RecoveryPlans, ", "), left)
	}
	return nil
}

// RecoveryPlanVMs are the plan VMs of the snapshot's recovery plans: their items, in boot order,
// each once, whatever their stage (the checks say which are not ready). A recovery plan the vault
// does not have is an input error naming those it has.
func RecoveryPlanVMs(s *inventory.Snapshot, phase checks.Phase, memory bool) ([]plan.VM, error) {
	var vms []plan.VM
	byName := map[string]*inventory.ProtectedItem{} // lower-case VM name → its item: VMs are told by name
	named := map[*inventory.RecoveryPlan]string{}
	var unknown []string
	for _, rp := range derive.RecoveryPlans(s) {
		if rp.Plan == nil {
			unknown = append(unknown, rp.Name)
			continue
		}
		if first, twice := named[rp.Plan]; twice {
			return nil, Invalid("recovery plans %s and %s are the same plan of the vault (%s): name it once", printable(first), printable(rp.Name), printable(rp.Plan.Name))
		}
		named[rp.Plan] = rp.Name
		for _, it := range rp.Items() {
			key := strings.ToLower(it.FriendlyName)
			switch other := byName[key]; {
			case other == it:
			case other != nil:
				return nil, Invalid("recovery plans %s name two protected items of machine %s (%s and %s): asr-preflight tells the VMs by name; remove the stale one from the plan",
					strings.Join(s.Plan.RecoveryPlans, ", "), printable(it.FriendlyName), printable(other.ID), printable(it.ID))
			default:
				byName[key] = it
				vms = append(vms, vaultVM(*it, phase, memory))
			}
		}
	}
	if len(unknown) > 0 {
		vault := s.Plan.Azure.Vault
		var have []string
		for _, p := range s.Azure.RecoveryPlans {
			have = append(have, printable(p.Name))
		}
		if have == nil {
			have = []string{"none"}
		}
		return nil, Invalid("vault %s/%s has no recovery plan %s; its recovery plans: %s", vault.ResourceGroup, vault.Name,
			strings.Join(unknown, ", "), strings.Join(have, ", "))
	}
	return vms, nil
}

// VaultVMs are the plan VMs of the vault's items ready for the phase — failed over for reprotect,
// reprotected for failback — with the Azure VM Site Recovery recorded, the datastore a modernized
// item fails back to, and, when asked (for a plan to review), its memory and appliance.
func VaultVMs(inv *inventory.Azure, phase checks.Phase, memory bool) []plan.VM {
	var out []plan.VM
	for _, it := range inv.ProtectedItems {
		if forPhase(it, phase) {
			out = append(out, vaultVM(it, phase, memory))
		}
	}
	return out
}

// vaultVM is the plan VM of a vault item (see VaultVMs).
func vaultVM(it inventory.ProtectedItem, phase checks.Phase, memory bool) plan.VM {
	vm := plan.VM{Name: it.FriendlyName, Datastore: it.TargetDatastore}
	if memory {
		vm.MemoryMB = int(it.MemoryMB)
		vm.Appliance = it.ProcessServerName
		if phase == checks.Failback {
			vm.Appliance = it.ReprotectAgentName
		}
	}
	if it.RecoveryVMName != "" && it.RecoveryResourceGroup != "" {
		vm.AzureVM = &plan.Resource{ResourceGroup: it.RecoveryResourceGroup, Name: it.RecoveryVMName}
	}
	return vm
}

// forPhase reports whether a plan from the vault takes the item for the phase: failed over for
// reprotect; for failback reprotected, and also still replicating back or failed back but not
// committed, so that their reports say what to finish first.
func forPhase(it inventory.ProtectedItem, phase checks.Phase) bool {
	if it.FriendlyName == "" {
		return false
	}
	if phase == checks.Reprotect {
		return it.Stage() == inventory.FailedOver
	}
	return slices.Contains([]inventory.Stage{inventory.Reprotected, inventory.Reprotecting, inventory.FailbackPending}, it.Stage())
}

// collect is the collect step: vCenter, Azure (then the guest probe, which needs its VMs) and the
// configuration server probe, all at once, each within the collection time. A source that fails
// is recorded in the snapshot's parts, and its checks report error with the reason.
func collect(ctx context.Context, cfg *Config, b budget, s *inventory.Snapshot) {
	end := b.collectEnd()
	var wg sync.WaitGroup
	var mu sync.Mutex // guards s.Parts
	merge := func(parts inventory.Parts) {
		mu.Lock()
		defer mu.Unlock()
		maps.Copy(s.Parts, parts)
	}
	// vCenter reads in full only the VMs the checks look at, among them the originals and target
	// names the vault's items record: it waits for them once it has listed the datacenter's VMs.
	// It waits at most three quarters of its time: an Azure that never answers does not cost
	// vCenter's results.
	read := make(chan inventory.Parts, 1) // the vault's parts, once Azure is read (or will not be)
	planned := maps.Clone(s.Parts)        // what the plan step read, before the collectors write
	waitUntil := end.Add(-time.Until(end) / 4)
	related := func(ctx context.Context) ([]string, []string) {
		ctx, cancel := context.WithDeadline(ctx, waitUntil)
		defer cancel()
		select {
		case parts := <-read:
			read <- parts
			return relatedVMs(cfg, s, parts)
		case <-ctx.Done():
			return nil, nil
		}
	}
	if cfg.VCenter != nil {
		wg.Go(func() { merge(collectVCenter(ctx, cfg, b, end, s, related)) })
	}
	if cfg.Azure != nil && s.Azure == nil && (checks.Needs(cfg.Active, checks.Azure) || cfg.Plan.FromVault()) {
		wg.Go(func() {
			azureParts := collectAzure(ctx, cfg, b, end, s)
			read <- azureParts
			merge(azureParts)
			merge(probeGuests(ctx, cfg, b, end, s, azureParts))
		})
	} else if s.Azure != nil { // read by the plan step
		azureParts := inventory.Parts{inventory.AzurePart: planned[inventory.AzurePart], inventory.VaultPart: planned[inventory.VaultPart]}
		read <- planned
		wg.Go(func() { merge(probeGuests(ctx, cfg, b, end, s, azureParts)) })
	} else {
		read <- nil
	}
	if addr := cfg.Plan.ConfigurationServerAddr(); addr != "" && checks.Needs(cfg.Active, checks.ConfigServer) {
		wg.Go(func() {
			pctx, cancel := b.collector(ctx, "the configuration server "+addr, end)
			defer cancel()
			r := &inventory.ProbeResult{Address: addr}
			if err := probe.TLS(pctx, addr, probe.Timeout); err != nil {
				r.Error = oneLine(err)
			}
			mu.Lock()
			s.Probes.ConfigServer = r
			s.Parts.Collect(inventory.ConfigServerPart)
			mu.Unlock()
		})
	}
	wg.Wait()
}

// collectVCenter reads vCenter, with the optional parts the active checks need; related gives the
// VMs the vault's items name.
func collectVCenter(ctx context.Context, cfg *Config, b budget, end time.Time, s *inventory.Snapshot, related func(context.Context) ([]string, []string)) inventory.Parts {
	progress(cfg.Stderr, "collecting vCenter inventory…")
	vctx, cancel := b.collector(ctx, "vCenter "+cfg.VCenter.Address(), end)
	defer cancel()
	req := vcenterRequest(cfg)
	req.Related = related
	inv, parts, err := vcenter.Collect(vctx, *cfg.VCenter, req)
	if err != nil {
		return inventory.Parts{inventory.VCenterPart: {Error: oneLine(err)}}
	}
	s.VCenter = inv
	parts.Collect(inventory.VCenterPart)
	return parts
}

// vcenterRequest says which optional parts of the vCenter inventory the active checks need, so
// that a skipped check causes no collection of its own.
func vcenterRequest(cfg *Config) vcenter.Request {
	p := cfg.Plan
	req := vcenter.Request{MasterTarget: p.MasterTarget, Licenses: checks.Needs(cfg.Active, checks.Licenses),
		Details: checks.Needs(cfg.Active, checks.VMDetails), GuestNet: checks.Needs(cfg.Active, checks.GuestNet)}
	for _, vm := range p.VMs {
		req.VMs, req.Names = append(req.VMs, vm.Name), append(req.Names, vm.TargetName)
	}
	if checks.Needs(cfg.Active, checks.Privileges) {
		req.Privileges, req.Principal = checks.CheckedPrivileges, cfg.Principal
	}
	return req
}

// relatedVMs are the names and instance UUIDs of the on-premises VMs the vault's items give the plan
// VMs — the names they fail back under, their originals — as derive finds them (nothing when the
// vault was not read).
func relatedVMs(cfg *Config, s *inventory.Snapshot, parts inventory.Parts) (names, uuids []string) {
	if s.Azure == nil {
		return nil, nil
	}
	facts := derive.Derive(&inventory.Snapshot{Phase: cfg.Phase, Plan: cfg.Plan, Azure: s.Azure, Parts: parts})
	for _, vm := range facts.VMs {
		names = append(names, vm.TargetName)
		if vm.Item != nil {
			uuids = append(uuids, vm.Item.SourceUUID)
		}
	}
	return names, uuids
}

// collectAzure reads Azure into the snapshot and returns its parts.
func collectAzure(ctx context.Context, cfg *Config, b budget, end time.Time, s *inventory.Snapshot) inventory.Parts {
	progress(cfg.Stderr, "collecting Azure inventory…")
	az := *cfg.Azure
	az.TryTimeout = min(time.Until(end)/3, 30*time.Second)
	actx, cancel := b.collector(ctx, "Azure Resource Manager "+az.EndpointURL(), end)
	defer cancel()
	req := azureRequest(cfg.Plan, cfg.Phase)
	req.Fabrics = req.Vault != nil && checks.Needs(cfg.Active, checks.Fabrics)
	inv, got, err := azure.Collect(actx, az, req)
	if err != nil {
		return inventory.Parts{inventory.AzurePart: {Error: oneLine(err)}}
	}
	s.Azure = inv
	parts := inventory.Parts{}
	parts.Collect(inventory.AzurePart)
	maps.Copy(parts, got)
	return parts
}

// azureRequest names the resource groups of the plan's Azure VMs, the vault, and the items to read
// in full: the plan VMs', or, for a plan from the vault, those it takes for the phase.
func azureRequest(pl *plan.Plan, phase checks.Phase) azure.Request {
	var req azure.Request
	names := map[string]bool{}
	if pl.Appliance != "" {
		req.Appliances = append(req.Appliances, pl.Appliance)
	}
	for _, vm := range pl.VMs {
		names[strings.ToLower(vm.Name)] = true
		if vm.Appliance != "" {
			req.Appliances = append(req.Appliances, vm.Appliance)
		}
		if vm.AzureVM != nil {
			req.ResourceGroups = append(req.ResourceGroups, vm.AzureVM.ResourceGroup)
		}
	}
	if pl.FromVault() {
		req.Vault = &azure.Resource{ResourceGroup: pl.Azure.Vault.ResourceGroup, Name: pl.Azure.Vault.Name}
		req.RecoveryPlans = pl.RecoveryPlans
		req.Detail = func(it inventory.ProtectedItem) bool { return names[strings.ToLower(it.FriendlyName)] }
		if len(pl.VMs) == 0 && len(pl.RecoveryPlans) == 0 {
			req.Detail = func(it inventory.ProtectedItem) bool { return forPhase(it, phase) }
		}
	}
	return req
}

// probeGuests runs the opt-in probe inside each plan VM's Azure VM, once Azure was read: the Mobility
// service and the configuration server's port, from inside. Not read-only: Run Command executes
// a script in the VM.
func probeGuests(ctx context.Context, cfg *Config, b budget, end time.Time, s *inventory.Snapshot, parts inventory.Parts) inventory.Parts {
	out := inventory.Parts{}
	if !cfg.Guest || cfg.Plan.ConfigurationServer == "" || !checks.Needs(cfg.Active, checks.Guest) || s.Azure == nil {
		return out
	}
	g, err := azure.NewGuestProbe(*cfg.Azure)
	if err != nil {
		out.Fail(inventory.GuestPart, err)
		return out
	}
	facts := derive.Derive(&inventory.Snapshot{Plan: cfg.Plan, Azure: s.Azure, Parts: parts})
	gctx, cancel := b.collector(ctx, "Run Command in the Azure VMs", end)
	defer cancel()
	cs := cfg.Plan.ConfigurationServerAddr()
	states := map[string]inventory.GuestState{}
	var mu sync.Mutex
	var g8 errgroup.Group
	g8.SetLimit(8) // Run Commands at once
	for _, vm := range facts.VMs {
		target := vm.AzureVM
		if target == nil || vm.Modernized {
			continue // azure.vm-exists reports it; a modernized VM has no configuration server to reach
		}
		t := *target
		if t.OSType == "" && vm.Item != nil {
			t.OSType = vm.Item.OSType
		}
		g8.Go(func() error {
			st, err := g.Probe(gctx, t, cs)
			if err != nil {
				st = inventory.GuestState{AzureVM: t.ResourceGroup + "/" + t.Name, Error: oneLine(err)}
			}
			mu.Lock()
			states[vm.Name] = st
			mu.Unlock()
			return nil
		})
	}
	_ = g8.Wait() // the probes never return errors: they are recorded per VM
	s.Probes.Guest = states
	out.Collect(inventory.GuestPart)
	return out
}

// printable is a name from Azure as a message may print it: quoted when it holds a control
// character (a line break, ESC), as it is otherwise.
func printable(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// oneLine keeps an error's reason on one line for reports.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
