// Package suggest finds, for every VM blocked (or warned) for where it goes — its host, its
// datastore, its target name — a placement the checks accept. It holds no rule of its own: each
// candidate is the plan edited, and the same checks run again on the same snapshot decide; the
// snapshot only orders the candidates (most free memory or space first). No request is made.
package suggest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// field is what a suggestion changes, and the checks whose results it answers.
type field struct {
	name   string
	checks []string
	set    func(vm *plan.VM, to string)
}

var (
	hostField      = field{"host", []string{"esxi.memory", "esxi.host", "esxi.license"}, func(vm *plan.VM, to string) { vm.Host = to }}
	datastoreField = field{"datastore", []string{"datastore.access", "datastore.capacity"}, func(vm *plan.VM, to string) { vm.Datastore = to }}
	nameField      = field{"name", []string{"vm.name-collision"}, func(vm *plan.VM, to string) { vm.TargetName = to }}
	applianceField = field{"appliance", []string{"asr.appliance", "datastore.access"}, func(vm *plan.VM, to string) { vm.Appliance = to }}
)

// nameTries is how many target names are tried: NAME-failback, NAME-failback-2…
const nameTries = 9

// Advice is what the suggestions give one VM.
type Advice struct {
	Suggestions []result.Suggestion
	Unresolved  []string
}

// Outcome is the advice per VM, and the plan with every kept suggestion applied.
type Outcome struct {
	VMs  map[string]*Advice
	Plan *plan.Plan
}

// session runs the checks again on edited plans over one snapshot.
type session struct {
	ctx  context.Context
	snap *inventory.Snapshot
	cs   []checks.Check
	opts checks.Options
	pl   *plan.Plan // the plan as edited so far
	// failed says, per VM and field, why no value fits; verify keeps it only while the field's
	// reason is still reported (another field may have fixed it).
	failed map[string]map[string]string
	until  time.Time // when the search gives up: Budget, or the context's end if sooner
}

// Budget is the most time the search for placements takes; the VMs it did not reach are said.
const Budget = 10 * time.Second

// late reports whether the search is out of time.
func (s *session) late() bool { return s.ctx.Err() != nil || time.Now().After(s.until) }

// fail records why no value of the field fits the VM.
func (s *session) fail(vm string, f field, why string) {
	if s.late() {
		why = fmt.Sprintf("not searched: --suggest stops after %v, or at --timeout", Budget)
	}
	if s.failed[vm] == nil {
		s.failed[vm] = map[string]string{}
	}
	s.failed[vm][f.name] = why
}

// Suggest looks for placements for the VMs the results block or warn for a placement reason,
// host first (placing the VMs jointly, the largest first), then datastore (on the host chosen),
// then target name; keeps a suggestion only if a final run of every check no longer reports that
// reason; and lists what each VM is still blocked or warned for.
func Suggest(ctx context.Context, snap *inventory.Snapshot, cs []checks.Check, opts checks.Options, vms []result.VM) Outcome {
	s := &session{ctx: ctx, snap: snap, cs: cs, opts: opts, pl: clonePlan(snap.Plan), failed: map[string]map[string]string{}, until: time.Now().Add(Budget)}
	if end, ok := ctx.Deadline(); ok && end.Before(s.until) {
		s.until = end
	}
	out := Outcome{VMs: map[string]*Advice{}}
	advice := func(name string) *Advice {
		if out.VMs[name] == nil {
			out.VMs[name] = &Advice{}
		}
		return out.VMs[name]
	}
	reasons := map[string][]result.Reason{}
	for _, vm := range vms {
		if vm.Verdict == result.Blocked || vm.Verdict == result.Warned {
			reasons[vm.Name] = vm.Reasons
		}
	}
	facts := derive.Derive(s.with(s.pl))
	s.hosts(facts, reasons, advice)
	s.datastores(reasons, advice)
	s.appliances(reasons, advice)
	s.names(reasons, advice)
	for vm := range s.failed {
		advice(vm)
	}
	s.verify(out.VMs)
	out.Plan = s.pl
	return out
}

// with is the snapshot with another plan.
func (s *session) with(pl *plan.Plan) *inventory.Snapshot {
	snap := *s.snap
	snap.Plan = pl
	return &snap
}

// run runs the checks of the IDs (all when ids is nil) on the plan and returns each VM's reasons
// from them.
func (s *session) run(pl *plan.Plan, ids []string) map[string][]result.Reason {
	var cs []checks.Check
	for _, c := range s.cs {
		if ids == nil || slices.Contains(ids, c.Info().ID) {
			cs = append(cs, c)
		}
	}
	snap := s.with(pl)
	facts := derive.Derive(snap)
	results := checks.Run(s.ctx, cs, &checks.Input{Snapshot: snap, Facts: facts}, s.opts)
	verdicts, _ := result.Judge(results, facts.Scope(snap))
	out := make(map[string][]result.Reason, len(verdicts))
	for _, vm := range verdicts {
		out[vm.Name] = vm.Reasons
	}
	return out
}

// first is the VM's first reason from the field's checks, if any: a failure, a warning, or an
// error — a check that could not tell accepts nothing.
func (f field) first(rs []result.Reason) (result.Reason, bool) {
	for _, r := range rs {
		if slices.Contains(f.checks, r.Check) && (r.Status == result.Fail || r.Status == result.Warn || r.Status == result.Error) {
			return r, true
		}
	}
	return result.Reason{}, false
}

// placement are the checks of every field: a candidate must not add a problem to any of them.
var placement = slices.Concat(hostField.checks, datastoreField.checks, applianceField.checks[:1], nameField.checks)

// accepts tries a value for the VM together with the plan VMs already sharing it (on the same
// host, datastore or appliance): the value is accepted when none of them then has a reason from
// the field's checks, nor a problem from another placement check it did not have before. The plan
// is not changed; nothing is accepted once the context ends.
func (s *session) accepts(f field, vm string, to string, sharing []string) bool {
	with := map[string]bool{vm: true}
	for _, name := range sharing {
		with[name] = true
	}
	before, after := *s.pl, *s.pl
	before.VMs, after.VMs = nil, nil
	for _, pv := range s.pl.VMs {
		if with[pv.Name] {
			before.VMs = append(before.VMs, pv)
			if pv.Name == vm {
				f.set(&pv, to)
			}
			after.VMs = append(after.VMs, pv)
		}
	}
	if s.late() {
		return false
	}
	was, now := s.run(&before, placement), s.run(&after, placement)
	if s.ctx.Err() != nil {
		return false
	}
	for name, rs := range now {
		if _, bad := f.first(rs); bad {
			return false
		}
		for _, r := range rs {
			if !slices.ContainsFunc(was[name], func(o result.Reason) bool { return o.Check == r.Check && o.Status == r.Status }) {
				return false // a new problem: the move only shifts the VM's trouble
			}
		}
	}
	return true
}

// passes names the field's checks that ran (--only and --skip aside), for a suggestion's detail.
func (s *session) passes(f field) string {
	var ran []string
	for _, id := range f.checks {
		if slices.ContainsFunc(s.cs, func(c checks.Check) bool { return c.Info().ID == id }) && !slices.Contains(s.opts.Skip, id) {
			ran = append(ran, id)
		}
	}
	if len(ran) == 0 {
		return "no check of it ran"
	}
	return "passes " + strings.Join(ran, ", ")
}

// apply sets the value in the plan.
func (s *session) apply(f field, vm, to string) {
	for i := range s.pl.VMs {
		if s.pl.VMs[i].Name == vm {
			f.set(&s.pl.VMs[i], to)
		}
	}
}

// spot is a place a VM can go — a host, a datastore, an appliance — and the room it has, in words.
type spot struct{ name, room string }

// move tries the VM on each spot in order but the one it is at, with the plan VMs already there
// (at says where each goes), applies the first the checks accept, and records it. refused, when
// given, is per spot the least size of a VM it refused: spots only fill up, so one refuses any VM
// as large, and is not asked again.
func (s *session) move(f field, vm string, r result.Reason, at map[string]string, spots []spot, size int64, refused map[string]int64, advice func(string) *Advice) bool {
	for _, sp := range spots {
		if least, seen := refused[sp.name]; sp.name == at[vm] || seen && size >= least {
			continue
		}
		if !s.accepts(f, vm, sp.name, sharing(at, sp.name, vm)) {
			if least, seen := refused[sp.name]; refused != nil && (!seen || size < least) {
				refused[sp.name] = size
			}
			continue
		}
		s.apply(f, vm, sp.name)
		detail := s.passes(f)
		if sp.room != "" {
			detail = sp.room + "; " + detail
		}
		a := advice(vm)
		a.Suggestions = append(a.Suggestions, result.Suggestion{Field: f.name, From: at[vm], To: sp.name, Reason: r.Message, Check: r.Check, Code: r.Code, Detail: detail})
		at[vm] = sp.name
		return true
	}
	return false
}

// sharing lists the plan VMs but vm that go to the spot.
func sharing(at map[string]string, spot, vm string) []string {
	var there []string
	for name, on := range at {
		if on == spot && name != vm {
			there = append(there, name)
		}
	}
	return there
}

// hosts places the VMs blocked for their host, the largest first, each on the host with the most
// free memory that takes it with the plan VMs already there; VMs that pass stay where they are.
func (s *session) hosts(facts *derive.Facts, reasons map[string][]result.Reason, advice func(string) *Advice) {
	type want struct {
		vm     *derive.VM
		reason result.Reason
		mb     int64
	}
	var todo []want
	hostOf := map[string]string{}
	for i := range facts.VMs {
		vm := &facts.VMs[i]
		hostOf[vm.Name] = vm.Host
		if r, ok := hostField.first(reasons[vm.Name]); ok {
			mb, _ := vm.Memory()
			todo = append(todo, want{vm, r, mb})
		}
	}
	if len(todo) == 0 || s.snap.VCenter == nil {
		return
	}
	slices.SortStableFunc(todo, func(a, b want) int { return cmp.Compare(b.mb, a.mb) })
	free := func(h inventory.Host) int64 { return h.MemoryBytes>>20 - h.MemoryUsageMB }
	hosts := slices.Clone(s.snap.VCenter.Hosts)
	slices.SortStableFunc(hosts, func(a, b inventory.Host) int { return cmp.Compare(free(b), free(a)) })
	spots := make([]spot, len(hosts))
	for i, h := range hosts {
		spots[i] = spot{h.Name, gb(free(h)) + " free"}
	}
	movedFrom := map[string][]string{} // host → the VMs suggested elsewhere
	refused := map[string]int64{}
	for _, w := range todo {
		cur := hostOf[w.vm.Name]
		if w.reason.Target != cur && w.reason.Kind == result.HostKind {
			// The original's host, which a move of the VM does not change.
			s.fail(w.vm.Name, hostField, fmt.Sprintf("host %s is its original's: a move of %s does not change it", w.reason.Target, w.vm.Name))
			continue
		}
		if len(movedFrom[cur]) > 0 && s.accepts(hostField, w.vm.Name, cur, sharing(hostOf, cur, w.vm.Name)) {
			// Larger VMs move away: it fits where it is, which is advice too.
			a := advice(w.vm.Name)
			a.Suggestions = append(a.Suggestions, result.Suggestion{Field: hostField.name, From: cur, To: cur, Reason: w.reason.Message, Check: w.reason.Check, Code: w.reason.Code,
				Detail: fmt.Sprintf("it fits once %s moves to another host; %s", strings.Join(movedFrom[cur], " and "), s.passes(hostField))})
			continue
		}
		if s.move(hostField, w.vm.Name, w.reason, hostOf, spots, w.mb, refused, advice) {
			movedFrom[cur] = append(movedFrom[cur], w.vm.Name)
			continue
		}
		best := "no other host"
		if len(hosts) > 0 {
			best = fmt.Sprintf("the most free memory is %s on %s", gb(free(hosts[0])), hosts[0].Name)
		}
		s.fail(w.vm.Name, hostField, fmt.Sprintf("no host the checks accept (it needs %s, with the VMs already there): %s", gb(w.mb), best))
	}
}

// datastores moves the VMs blocked for their datastore — on the host now planned — to the
// datastore with the most free space that takes them with the plan VMs already going there.
func (s *session) datastores(reasons map[string][]result.Reason, advice func(string) *Advice) {
	if s.snap.VCenter == nil {
		return
	}
	now := s.run(s.pl, datastoreField.checks)
	facts := derive.Derive(s.with(s.pl))
	datastores := slices.Clone(s.snap.VCenter.Datastores)
	slices.SortStableFunc(datastores, func(a, b inventory.Datastore) int { return cmp.Compare(b.FreeBytes, a.FreeBytes) })
	spots := make([]spot, len(datastores))
	for i, d := range datastores {
		spots[i] = spot{d.Name, gb(d.FreeBytes>>20) + " free"}
	}
	onDS := map[string]string{}
	for _, vm := range facts.VMs {
		onDS[vm.Name] = vm.TargetDatastore
	}
	refused := map[string]int64{} // by provisioned space
	for _, vm := range facts.VMs {
		r, ok := datastoreField.first(now[vm.Name])
		if _, blocked := reasons[vm.Name]; !ok || !blocked { // a VM that passed stays where it is
			continue
		}
		var size int64
		if vm.OnPrem != nil && vm.OnPrem.Storage != nil {
			size = vm.OnPrem.Storage.ProvisionedBytes
		}
		if s.move(datastoreField, vm.Name, r, onDS, spots, size, refused, advice) {
			continue
		}
		why := fmt.Sprintf("no datastore the checks accept on host %s", vm.Host)
		if vm.Modernized && s.snap.Phase == result.Failback {
			why += " (modernized failback goes to the datastore its item records, chosen at reprotect)"
		} else if len(datastores) > 0 {
			why += fmt.Sprintf(": the most free space is %s on %s", gb(datastores[0].FreeBytes>>20), datastores[0].Name)
		}
		s.fail(vm.Name, datastoreField, why)
	}
}

// appliances moves the modernized VMs still blocked by their appliance — unhealthy, over 60 disks,
// or out of reach of their datastore (8061) — to another of the vault's appliances that takes them
// with the plan VMs already going through it. Before failback, the item's appliance stands (the
// checks then refuse every other). An appliance's refusal says nothing of another VM's: each
// reaches its own datastores.
func (s *session) appliances(reasons map[string][]result.Reason, advice func(string) *Advice) {
	if s.snap.Azure == nil || s.snap.Azure.Fabrics == nil || !s.snap.Parts[inventory.FabricsPart].Collected || len(s.snap.Azure.Fabrics.Appliances) < 2 {
		return
	}
	now := s.run(s.pl, applianceField.checks)
	facts := derive.Derive(s.with(s.pl))
	var spots []spot
	for _, ap := range s.snap.Azure.Fabrics.Appliances {
		spots = append(spots, spot{name: ap.Name})
	}
	through := map[string]string{}
	for _, vm := range facts.VMs {
		through[vm.Name] = vm.Appliance
	}
	for _, vm := range facts.VMs {
		r, ok := applianceField.first(now[vm.Name])
		if _, blocked := reasons[vm.Name]; !ok || !blocked || !vm.Modernized || r.Check == "datastore.access" && r.Code != "8061" {
			continue
		}
		if s.move(applianceField, vm.Name, r, through, spots, 0, nil, advice) {
			continue
		}
		why := "no other appliance of the vault the checks accept"
		if s.snap.Phase == result.Failback {
			why += " (before failback, the appliance its item was reprotected to stands)"
		}
		s.fail(vm.Name, applianceField, why)
	}
}

// names gives the VMs whose target name is taken a name no VM of the datacenter carries.
func (s *session) names(reasons map[string][]result.Reason, advice func(string) *Advice) {
	facts := derive.Derive(s.with(s.pl))
	taken := map[string]bool{} // the names the plan's VMs fail back under
	for _, vm := range facts.VMs {
		taken[strings.ToLower(vm.Name)], taken[strings.ToLower(vm.TargetName)] = true, true
	}
	for _, pv := range slices.Clone(s.pl.VMs) {
		r, ok := nameField.first(reasons[pv.Name])
		if vm := facts.VM(pv.Name); !ok || r.Code != "78052" || pv.Location != plan.Alternate || vm == nil || !vm.Modernized {
			continue // a classic VM fails back under its own name
		}
		from := cmp.Or(pv.TargetName, pv.Name)
		placed := false
		for i := 1; i <= nameTries && !placed; i++ {
			to := pv.Name + "-failback"
			if i > 1 {
				to += fmt.Sprintf("-%d", i)
			}
			if !taken[strings.ToLower(to)] && s.accepts(nameField, pv.Name, to, nil) {
				s.apply(nameField, pv.Name, to)
				taken[strings.ToLower(to)] = true
				a := advice(pv.Name)
				a.Suggestions = append(a.Suggestions, result.Suggestion{Field: nameField.name, From: from, To: to, Reason: r.Message, Check: r.Check, Code: r.Code,
					Detail: "no VM of that name in the datacenter, nor another plan VM's; " + s.passes(nameField)})
				placed = true
			}
		}
		if !placed {
			s.fail(pv.Name, nameField, fmt.Sprintf("no target name the checks accept (tried %s-failback to %s-failback-%d)", pv.Name, pv.Name, nameTries))
		}
	}
}

// verify runs every check on the plan with every suggestion: a suggestion whose reason is still
// reported is dropped (and undone), and the checks run again, until every suggestion left holds;
// every reason left is unresolved.
func (s *session) verify(advice map[string]*Advice) {
	if len(advice) == 0 {
		return
	}
	fields := map[string]field{hostField.name: hostField, datastoreField.name: datastoreField, nameField.name: nameField, applianceField.name: applianceField}
	names := slices.Sorted(maps.Keys(advice))
	dropped := map[string][]string{}
	var final map[string][]result.Reason
	for {
		final = s.run(s.pl, nil)
		undone := false
		for _, name := range names {
			a := advice[name]
			kept := a.Suggestions[:0]
			for _, sg := range a.Suggestions {
				if _, still := fields[sg.Field].first(final[name]); still {
					s.apply(fields[sg.Field], name, sg.From)
					dropped[name] = append(dropped[name], fmt.Sprintf("%s %s: the checks still report %s with every other suggestion applied", sg.Field, sg.To, sg.Check))
					undone = true
					continue
				}
				kept = append(kept, sg)
			}
			a.Suggestions = kept
		}
		if !undone || s.ctx.Err() != nil {
			break
		}
	}
	for _, name := range names {
		a := advice[name]
		a.Unresolved = append(a.Unresolved, dropped[name]...)
		for _, f := range []field{hostField, datastoreField, applianceField, nameField} {
			if why := s.failed[name][f.name]; why != "" {
				if _, still := f.first(final[name]); still {
					a.Unresolved = append(a.Unresolved, why)
				}
			}
		}
		for _, r := range final[name] {
			if r.Status == result.Fail || r.Status == result.Warn || r.Status == result.Error {
				a.Unresolved = append(a.Unresolved, fmt.Sprintf("%s %s [%s]: %s", r.Status, r.Check, r.Target, r.Message))
			}
		}
	}
}

// clonePlan copies the plan deeply enough to edit its VMs.
func clonePlan(p *plan.Plan) *plan.Plan {
	c := *p
	c.VMs = slices.Clone(p.VMs)
	return &c
}

// gb says megabytes as gigabytes: "96.0 GB".
func gb(mb int64) string { return fmt.Sprintf("%.1f GB", float64(mb)/1024) }
