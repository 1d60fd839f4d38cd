package vcenter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// The watch's timing: how long one WaitForUpdatesEx waits on the server when nothing changes (so
// an idle watch costs two requests a minute, whatever the inventory's size; it also keeps the
// session alive), and the backoff between two attempts to log in again.
const (
	MaxWait    = 30 * time.Second
	MinBackoff = time.Second
	MaxBackoff = time.Minute
)

// Watch follows one vCenter datacenter's hosts, datastores and VMs, as Collect reads them,
// through one session, the same two container views and one property collector of its own: its
// filters read every VM by name and instance UUID, the hosts and datastores in full, and in full
// the VMs it is told to follow; WaitForUpdatesEx brings each change, applied to the watched
// inventory. When the session is lost (NotAuthenticated), the connection drops or vCenter
// restarts, it says so, logs in again with a backoff, reads everything again and watches on. It
// never changes anything in vCenter.
type Watch struct {
	cfg     Config
	timeout time.Duration // of each call, beyond the wait itself
	maxWait time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	state   WatchState
	follow  *inventory.Detailed
	pending bool          // follow changed since the loop last read it
	wake    func()        // cancels the outstanding wait, so that a new follow is read at once
	changed chan struct{} // closed, and replaced, at every change of state
}

// WatchState is what a watch knows: the inventory (nil until the first full read; never changed
// once handed out), whether the session is up, and the object updates applied so far.
type WatchState struct {
	Inventory *inventory.VCenter
	Up        bool
	Err       error // why it is not up
	Updates   uint64
}

// WatchOptions tune a watch.
type WatchOptions struct {
	Timeout time.Duration // of each call to vCenter, beyond the wait itself
	MaxWait time.Duration // of one WaitForUpdatesEx on the server; 0 for MaxWait
	Log     *slog.Logger
}

// NewWatch returns a watch of the vCenter; Run runs it.
func NewWatch(cfg Config, o WatchOptions) *Watch {
	return &Watch{cfg: cfg, timeout: o.Timeout, maxWait: cmp.Or(o.MaxWait, MaxWait), log: o.Log, follow: inventory.NewDetailed(nil, nil), changed: make(chan struct{})}
}

// Follow adds VMs — by name and instance UUID — to those the watch reads in full.
func (w *Watch) Follow(d *inventory.Detailed) {
	if d == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	more := inventory.NewDetailed(slices.Concat(w.follow.Names, d.Names), slices.Concat(w.follow.InstanceUUIDs, d.InstanceUUIDs))
	if slices.Equal(more.Names, w.follow.Names) && slices.Equal(more.InstanceUUIDs, w.follow.InstanceUUIDs) {
		return
	}
	w.follow, w.pending = more, true
	if w.wake != nil {
		w.wake()
	}
}

// State returns what the watch knows now.
func (w *Watch) State() WatchState {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// Changed returns a channel closed at the next change of state.
func (w *Watch) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// set changes the state and tells those waiting.
func (w *Watch) set(change func(*WatchState)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	change(&w.state)
	close(w.changed)
	w.changed = make(chan struct{})
}

// Run watches until ctx ends.
func (w *Watch) Run(ctx context.Context) {
	backoff := MinBackoff
	for {
		synced := false
		err := w.session(ctx, func() { synced, backoff = true, MinBackoff })
		if ctx.Err() != nil {
			return
		}
		err = redact(err, w.cfg)
		w.set(func(s *WatchState) { s.Up, s.Err = false, err })
		w.log.Warn("vCenter watch lost; logging in again", "vcenter", w.cfg.Address(), "after", backoff.String(), "synced", synced, "error", oneLine(err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, MaxBackoff)
	}
}

// call bounds one call to vCenter by the watch's timeout.
func (w *Watch) call(ctx context.Context, extra time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, w.timeout+extra, fmt.Errorf("vCenter %s did not answer within %v (--timeout)", w.cfg.Address(), w.timeout))
}

// session logs in, reads everything and applies the updates until the session fails; onSync is
// called once the first full read is applied.
func (w *Watch) session(ctx context.Context, onSync func()) error {
	cctx, cancel := w.call(ctx, 0)
	c, err := connect(cctx, w.cfg)
	cancel()
	if err != nil {
		return err
	}
	defer c.close(ctx)
	for {
		published, err := w.collector(ctx, c, onSync)
		if !errors.Is(err, errGone) {
			return err
		}
		if !published { // gone again before anything was read: as a lost session, with the backoff
			return err
		}
		w.log.Info("vCenter watch reading everything again: an object it follows is gone", "vcenter", w.cfg.Address())
	}
}

// errGone is a wait that failed on an object a filter names, now gone (a filter by object, as
// vcsim keeps them): the collector is made again, and everything read again.
var errGone = errors.New("an object the watch follows is gone")

// collector makes a property collector of the watch's own, its filters, and applies their
// updates until the session fails, or an object it follows is gone (errGone); published says
// whether it published a state.
func (w *Watch) collector(ctx context.Context, c *conn, onSync func()) (published bool, err error) {
	cctx, cancel := w.call(ctx, 0)
	pc, err := property.DefaultCollector(c.vc).Create(cctx)
	cancel()
	if err != nil {
		return false, fmt.Errorf("creating a property collector: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupGrace)
		defer cancel()
		_ = pc.Destroy(cctx)
	}()
	filter := func(spec types.PropertyFilterSpec) (types.ManagedObjectReference, error) {
		cctx, cancel := w.call(ctx, 0)
		defer cancel()
		f, err := pc.CreateFilter(cctx, types.CreateFilter{Spec: spec})
		if err != nil {
			return types.ManagedObjectReference{}, err
		}
		return f.Reference(), nil
	}
	view, err := filter(types.PropertyFilterSpec{ObjectSet: []types.ObjectSpec{through(c.views[0]), through(c.views[1])},
		PropSet: append(vmSpecs(briefProps), infraSpecs...)})
	if err != nil {
		return false, fmt.Errorf("creating the watch's filter: %w", err)
	}
	t := &tracked{view: view, objs: map[string]*object{}, detailed: map[string]bool{}}
	var (
		version           string
		synced, truncated bool
		n                 uint64 // object updates since the last publication
	)
	for {
		set, err := w.wait(ctx, c, pc, version, synced && !truncated)
		if err != nil {
			return published, err
		}
		if set != nil {
			version = set.Version
			applied, err := t.apply(ctx, w, c, set)
			if err != nil {
				return published, err
			}
			if synced {
				n += applied // the first read, and each read again, are no updates
			}
			if truncated = set.Truncated != nil && *set.Truncated; truncated {
				continue // the rest comes at once
			}
		} else if !synced || truncated {
			continue // never publish a read cut short
		}
		w.mu.Lock()
		follow := w.follow
		w.pending = false
		w.mu.Unlock()
		// The VMs to follow now — a VM created under a plan VM's name, an original renamed… — get
		// a filter of their own, for their changes, and are read at once (a filter's first content
		// may come only with the next change).
		if more := t.unfollowed(follow); len(more) > 0 {
			spec := types.PropertyFilterSpec{PropSet: vmSpecs(vmProps)}
			for _, ref := range more {
				spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: types.ManagedObjectReference{Type: "VirtualMachine", Value: ref}})
				t.detailed[ref] = true
			}
			// The filter as vCenter keeps one (a VM destroyed leaves it; vcsim fails the wait
			// instead, errGone); the read leaves out a VM destroyed meanwhile.
			if _, err := filter(spec); err != nil {
				return published, fmt.Errorf("following %d VM(s): %w", len(more), err)
			}
			if err := t.read(ctx, w, c, byObject(spec.ObjectSet, spec.PropSet)); err != nil {
				return published, fmt.Errorf("following %d VM(s): %w", len(more), err)
			}
		} else if set == nil {
			continue // nothing changed
		}
		inv := t.inventory(c, follow)
		w.set(func(s *WatchState) { s.Inventory, s.Up, s.Err, s.Updates = inv, true, nil, s.Updates+n })
		n, published = 0, true
		if !synced {
			synced = true
			if onSync != nil {
				onSync()
				onSync = nil
			}
			w.log.Info("watching vCenter", "vcenter", w.cfg.Address(), "datacenter", c.dc.Name, "hosts", len(inv.Hosts), "datastores", len(inv.Datastores), "vms", len(inv.VMs))
		}
	}
}

// wait is one WaitForUpdatesEx: the changes since version, or nil when none came within MaxWait.
// When woken may be (a full read is applied), a Follow wakes it — it returns nil — and it does not
// wait at all if a follow came since the loop read it.
func (w *Watch) wait(ctx context.Context, c *conn, pc *property.Collector, version string, woken bool) (*types.UpdateSet, error) {
	cctx, cancel := w.call(ctx, w.maxWait)
	defer cancel()
	if woken {
		w.mu.Lock()
		if w.pending {
			w.mu.Unlock()
			return nil, nil
		}
		w.wake = func() {
			go func() {
				wctx, cancel := w.call(ctx, 0)
				defer cancel()
				_ = pc.CancelWaitForUpdates(wctx)
			}()
		}
		w.mu.Unlock()
		defer func() { w.mu.Lock(); w.wake = nil; w.mu.Unlock() }()
	}
	secs := int32(max(w.maxWait/time.Second, 1))
	res, err := methods.WaitForUpdatesEx(cctx, c.vc, &types.WaitForUpdatesEx{This: pc.Reference(), Version: version,
		Options: &types.WaitOptions{MaxWaitSeconds: &secs}})
	switch {
	case err != nil && woken && ctx.Err() == nil && fault.Is(err, &types.RequestCanceled{}):
		return nil, nil
	case err != nil && ctx.Err() == nil && fault.Is(err, &types.ManagedObjectNotFound{}):
		return nil, errGone
	case err != nil:
		return nil, fmt.Errorf("waiting for updates: %w", deadline(cctx, err))
	}
	return res.Returnval, nil
}

// tracked is the watched objects' properties, as the updates bring them, and which VMs have a
// filter of their own (read in full).
type tracked struct {
	view     types.ManagedObjectReference // the filter over the views: only its updates bring objects in
	objs     map[string]*object           // by reference value
	detailed map[string]bool
}

// object is one watched object's type and properties.
type object struct {
	ref   types.ManagedObjectReference
	props map[string]any
}

// paths are the property paths the filters read, by object type.
var paths = map[string][]string{"HostSystem": hostProps, "Datastore": dsProps, "VirtualMachine": vmProps}

// apply applies an update set and returns the number of object updates. A change below a path
// the filters read (a part of a property, as vCenter may report one) is not applied piecemeal: the
// object's properties are read again, in one retrieval for the set.
func (t *tracked) apply(ctx context.Context, w *Watch, c *conn, set *types.UpdateSet) (uint64, error) {
	var n uint64
	reread := map[types.ManagedObjectReference]bool{}
	for _, fu := range set.FilterSet {
		for _, ou := range fu.ObjectSet {
			n++
			if ou.Kind == types.ObjectUpdateKindLeave {
				delete(t.objs, ou.Obj.Value)
				delete(t.detailed, ou.Obj.Value)
				continue
			}
			o := t.objs[ou.Obj.Value]
			switch {
			case o == nil && fu.Filter != t.view:
				continue // a followed VM that left the views: gone for the watch
			case o == nil:
				o = &object{ref: ou.Obj, props: map[string]any{}}
				t.objs[ou.Obj.Value] = o
			}
			for _, ch := range ou.ChangeSet {
				switch {
				case !slices.Contains(paths[ou.Obj.Type], ch.Name):
					reread[ou.Obj] = true
				case ch.Op == types.PropertyChangeOpRemove || ch.Op == types.PropertyChangeOpIndirectRemove:
					delete(o.props, ch.Name)
				default:
					o.props[ch.Name] = ch.Val
				}
			}
		}
	}
	if len(reread) == 0 {
		return n, nil
	}
	spec := byObject(nil, nil)
	kinds := map[string]bool{}
	for ref := range reread {
		spec.ObjectSet = append(spec.ObjectSet, types.ObjectSpec{Obj: ref})
		if !kinds[ref.Type] {
			kinds[ref.Type] = true
			spec.PropSet = append(spec.PropSet, types.PropertySpec{Type: ref.Type, PathSet: paths[ref.Type]})
		}
	}
	if err := t.read(ctx, w, c, spec); err != nil {
		return n, fmt.Errorf("reading %d changed object(s) again: %w", len(reread), err)
	}
	return n, nil
}

// read reads the spec's objects' properties into the tracked ones; those no longer there are gone.
func (t *tracked) read(ctx context.Context, w *Watch, c *conn, spec types.PropertyFilterSpec) error {
	cctx, cancel := w.call(ctx, 0)
	defer cancel()
	objs, err := retrieve(cctx, c.vc, spec)
	if err != nil {
		return deadline(cctx, err)
	}
	read := map[string]bool{}
	for _, oc := range objs {
		if o := t.objs[oc.Obj.Value]; o != nil && len(oc.MissingSet) == 0 {
			read[oc.Obj.Value] = true
			for _, p := range oc.PropSet {
				o.props[p.Name] = p.Val
			}
		}
	}
	for _, os := range spec.ObjectSet {
		if !read[os.Obj.Value] {
			delete(t.objs, os.Obj.Value)
			delete(t.detailed, os.Obj.Value)
		}
	}
	return nil
}

// unfollowed returns the VMs to read in full that have no filter yet, sorted.
func (t *tracked) unfollowed(follow *inventory.Detailed) []string {
	var out []string
	for ref, o := range t.objs {
		if o.ref.Type != "VirtualMachine" || t.detailed[ref] {
			continue
		}
		name, _ := o.props["name"].(string)
		uuid, _ := o.props["config.instanceUuid"].(string)
		if follow.Follows(inventory.VM{Name: name, InstanceUUID: uuid}) {
			out = append(out, ref)
		}
	}
	slices.Sort(out)
	return out
}

// inventory builds the watched inventory, as Collect decodes it.
func (t *tracked) inventory(c *conn, follow *inventory.Detailed) *inventory.VCenter {
	objs := make([]types.ObjectContent, 0, len(t.objs))
	for _, o := range t.objs {
		oc := types.ObjectContent{Obj: o.ref}
		for name, val := range o.props {
			oc.PropSet = append(oc.PropSet, types.DynamicProperty{Name: name, Val: val})
		}
		objs = append(objs, oc)
	}
	inv := &inventory.VCenter{About: c.about(), Datacenter: c.dc.Name, Detailed: follow}
	r := decodeInfra(inv, objs)
	decodeVMs(inv, objs, &r, func(vm inventory.VM) bool { return t.detailed[vm.Ref] })
	return inv
}

// oneLine is an error's message on one line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Overlay returns base with the watched hosts, datastores and VMs in place of its own; what only
// base read — host licences, VM details, privileges — is kept, object by object. Neither is
// changed.
func Overlay(base, watched *inventory.VCenter) *inventory.VCenter {
	out := *base
	out.Hosts, out.Datastores, out.VMs, out.Detailed = slices.Clone(watched.Hosts), watched.Datastores, slices.Clone(watched.VMs), watched.Detailed
	licences := map[string]*inventory.License{}
	for _, h := range base.Hosts {
		licences[h.Ref] = h.License
	}
	for i := range out.Hosts {
		out.Hosts[i].License = licences[out.Hosts[i].Ref]
	}
	details := map[string]*inventory.VMDetails{}
	for _, vm := range base.VMs {
		details[vm.Ref] = vm.Details
	}
	for i := range out.VMs {
		out.VMs[i].Details = details[out.VMs[i].Ref]
	}
	return &out
}

// Differences lists where a full read disagrees with the watched state, one object a line, in
// the properties both read: hosts and VMs without what only a full read adds (licences, details);
// a VM brief in either, by its name and instance UUID. The counters vCenter refreshes on its own
// schedule — a host's memory in use, a datastore's free space, a VM's provisioned space — are left
// out: read a moment apart, they differ without anything being wrong.
func Differences(watched, read *inventory.VCenter) []string {
	var out []string
	diff := func(kind, ref, name string, w, r any, inW, inR bool) {
		switch {
		case !inW:
			out = append(out, fmt.Sprintf("%s %s (%s) read, not watched", kind, ref, name))
		case !inR:
			out = append(out, fmt.Sprintf("%s %s (%s) watched, not read", kind, ref, name))
		case !reflect.DeepEqual(w, r):
			wj, _ := json.Marshal(w)
			rj, _ := json.Marshal(r)
			out = append(out, fmt.Sprintf("%s %s (%s): watched %s, read %s", kind, ref, name, wj, rj))
		}
	}
	compare(watched.Hosts, read.Hosts, func(h inventory.Host) string { return h.Ref }, func(w, r inventory.Host, inW, inR bool) {
		w.License, r.License, w.MemoryUsageMB, r.MemoryUsageMB = nil, nil, 0, 0
		diff("host", cmp.Or(w.Ref, r.Ref), cmp.Or(w.Name, r.Name), w, r, inW, inR)
	})
	compare(watched.Datastores, read.Datastores, func(d inventory.Datastore) string { return d.Ref }, func(w, r inventory.Datastore, inW, inR bool) {
		w.FreeBytes, r.FreeBytes = 0, 0
		diff("datastore", cmp.Or(w.Ref, r.Ref), cmp.Or(w.Name, r.Name), w, r, inW, inR)
	})
	compare(watched.VMs, read.VMs, func(vm inventory.VM) string { return vm.Ref }, func(w, r inventory.VM, inW, inR bool) {
		if w.Brief || r.Brief {
			w, r = inventory.VM{Ref: w.Ref, Name: w.Name, InstanceUUID: w.InstanceUUID}, inventory.VM{Ref: r.Ref, Name: r.Name, InstanceUUID: r.InstanceUUID}
		}
		w.Details, r.Details = nil, nil
		w.Storage, r.Storage = disksOnly(w.Storage), disksOnly(r.Storage)
		diff("VM", cmp.Or(w.Ref, r.Ref), cmp.Or(w.Name, r.Name), w, r, inW, inR)
	})
	return out
}

// disksOnly is a VM's storage summary without its provisioned space.
func disksOnly(s *inventory.VMStorage) *inventory.VMStorage {
	if s == nil {
		return nil
	}
	return &inventory.VMStorage{Disks: s.Disks}
}

// compare pairs two lists' items by key and calls each with a pair; the zero value stands for
// a missing one.
func compare[T any](watched, read []T, key func(T) string, each func(w, r T, inW, inR bool)) {
	byKey := map[string]T{}
	for _, r := range read {
		byKey[key(r)] = r
	}
	var zero T
	for _, w := range watched {
		r, ok := byKey[key(w)]
		each(w, r, true, ok)
		delete(byKey, key(w))
	}
	for _, r := range read {
		if _, left := byKey[key(r)]; left {
			each(zero, r, false, true)
		}
	}
}
