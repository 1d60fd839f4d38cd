package vcenter

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// The property paths the checks read, per managed object type. VM details are read only for the
// VMs a request names.
var (
	hostProps = []string{"name", "runtime.connectionState", "runtime.inMaintenanceMode", "summary.config.product",
		"hardware.memorySize", "summary.quickStats.overallMemoryUsage"}
	dsProps = []string{"name", "summary.type", "summary.accessible", "summary.capacity", "summary.freeSpace", "host"}
	vmProps = []string{"name", "runtime.host", "runtime.connectionState", "runtime.powerState", "config.template",
		"config.hardware.memoryMB", "config.guestId", "config.instanceUuid", "guest.guestFamily", "summary.config.numVirtualDisks",
		"summary.storage.committed", "summary.storage.uncommitted"}
	// briefProps are read for every VM of the datacenter: what tells a namesake or an original.
	briefProps    = []string{"name", "config.instanceUuid"}
	detailProps   = []string{"guest.toolsRunningStatus", "rootSnapshot", "config.hardware.device", "config.extraConfig"}
	guestNetProps = []string{"guest.net"}
)

// infraSpecs read the hosts and datastores; vmSpecs the VMs' properties of the paths.
var infraSpecs = []types.PropertySpec{{Type: "HostSystem", PathSet: hostProps}, {Type: "Datastore", PathSet: dsProps}}

func vmSpecs(paths []string) []types.PropertySpec {
	return []types.PropertySpec{{Type: "VirtualMachine", PathSet: paths}}
}

// Request says which VMs the checks look at, and which optional parts to collect, so that skipped
// checks cost nothing. Every VM of the datacenter is read by name and instance UUID; every other
// property only of the VMs the request names: the plan's VMs, the names they fail back under, the
// master target, and the VMs of the instance UUIDs Site Recovery records as their originals (a
// plan of more than WholeAbove VMs reads every VM in full).
type Request struct {
	VMs   []string // the plan's VMs
	Names []string // more names whose VMs the checks look at: the names the plan's VMs fail back under
	// Related, when set, is called once the datacenter's VMs are listed and returns more names and
	// instance UUIDs whose VMs the checks look at — those of the vault's items, which may still be
	// being read. It returns as soon as it knows, or when ctx ends.
	Related      func(ctx context.Context) (names, uuids []string)
	Details      bool     // read the master target's devices, snapshots and VMware Tools state
	GuestNet     bool     // read the guest network of the plan's VMs that are Linux guests
	Licenses     bool     // read host licence assignments
	Privileges   []string // privilege IDs to check ("X.*" means every privilege under X) on the datacenter, its hosts and datastores; none: skip
	Principal    string   // check this account's privileges instead of the session's own
	MasterTarget string   // the master target, whose details Details reads
}

// Collect logs in, reads the datacenter's hosts, datastores and VMs through one container view and
// the property collector, then the optional parts the request asks for, and logs out. It returns
// the state of each optional part asked for: a failed one is recorded there, and the rest of the
// inventory stands. It never changes anything in vCenter. Errors read well to an operator and
// never contain the password.
func Collect(ctx context.Context, cfg Config, req Request) (*inventory.VCenter, inventory.Parts, error) {
	inv, parts, err := collect(ctx, cfg, req)
	if err != nil {
		return nil, nil, redact(err, cfg)
	}
	for part, st := range parts {
		if st.Error != "" {
			parts.Fail(part, redact(errors.New(st.Error), cfg))
		}
	}
	return inv, parts, nil
}

// CleanupGrace bounds the logout (which also destroys the session's views) when the run's own
// deadline has passed, so that a vCenter that stopped answering costs at most --timeout plus this.
const CleanupGrace = 2 * time.Second

// logout ends the session within CleanupGrace, even after ctx ended.
func logout(ctx context.Context, sm *session.Manager) {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupGrace)
	defer cancel()
	_ = sm.Logout(c)
}

// deadline returns the context's cause (which names the endpoint and --timeout) in place of err
// when the context ended: a timeout is reported as what it is.
func deadline(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// conn is a logged-in session, its datacenter and the two inventory views: the VMs; the hosts
// and datastores — so that neither retrieval walks the other's objects.
type conn struct {
	vc    *vim25.Client
	sm    *session.Manager
	dc    namedRef
	views [2]*view.ContainerView
}

// connect logs in, finds the datacenter and creates the views. The views go with the session:
// close, which logs out, destroys them.
func connect(ctx context.Context, cfg Config) (*conn, error) {
	set, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	u, user := set.url, set.user
	sc := soap.NewClient(u, cfg.Insecure)
	tc := sc.DefaultTransport().TLSClientConfig
	if set.roots != nil {
		tc.RootCAs = set.roots
	}
	if set.pin != "" {
		pin(tc, u.Host, set.pin)
	}
	if cfg.Transport != nil {
		sc.Transport = cfg.Transport(sc.Transport)
	}
	vc, err := vim25.NewClient(ctx, sc)
	if err != nil {
		sc.CloseIdleConnections()
		return nil, reachError(u, deadline(ctx, err))
	}
	c := &conn{vc: vc, sm: session.NewManager(vc)}
	if err := c.sm.Login(ctx, user); err != nil {
		sc.CloseIdleConnections()
		return nil, fmt.Errorf("vCenter login as %q failed: %w", user.Username(), deadline(ctx, err))
	}
	if c.dc, err = datacenter(ctx, vc, cfg.Datacenter); err != nil {
		c.close(ctx)
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	for i, kinds := range [][]string{{"VirtualMachine"}, {"HostSystem", "Datastore"}} {
		g.Go(func() (err error) {
			c.views[i], err = view.NewManager(vc).CreateContainerView(gctx, c.dc.Ref, kinds, true)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		c.close(ctx)
		return nil, fmt.Errorf("creating inventory view: %w", deadline(ctx, err))
	}
	return c, nil
}

// close logs out (within CleanupGrace) and closes the idle connections: a long-lived process
// (serve) keeps no connection per run.
func (c *conn) close(ctx context.Context) {
	logout(ctx, c.sm)
	c.vc.CloseIdleConnections()
}

// about is what the inventory says of the server.
func (c *conn) about() inventory.About {
	a := c.vc.ServiceContent.About
	return inventory.About{FullName: a.FullName, Version: a.Version, Build: a.Build, APIType: a.ApiType, APIVersion: a.ApiVersion}
}

// through selects the objects of a view, for a property filter.
func through(v *view.ContainerView) types.ObjectSpec {
	return types.ObjectSpec{Obj: v.Reference(), Skip: types.NewBool(true),
		SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}}}
}

func collect(ctx context.Context, cfg Config, req Request) (*inventory.VCenter, inventory.Parts, error) {
	c, err := connect(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer c.close(ctx)
	vc, sm, dc, views := c.vc, c.sm, c.dc, c.views
	inv := &inventory.VCenter{About: c.about(), Datacenter: dc.Name}

	// At once: the VMs, whose values are all scalars, and the hosts and datastores, whose are not
	// (each answer goes to the decoder that suits it); the licences; the privileges, as soon as the
	// hosts and datastores are known. An optional part's failure is its own; the inventory's is the
	// run's.
	var (
		vms             []types.ObjectContent
		r               refs
		infra           = make(chan struct{}) // closed once r holds the hosts and datastores
		licErr, privErr error                 // each written by its own goroutine
	)
	listed := briefProps
	if whole(req) {
		listed = vmProps
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		vms, err = retrieve(gctx, vc, types.PropertyFilterSpec{ObjectSet: []types.ObjectSpec{through(views[0])}, PropSet: vmSpecs(listed)})
		return err
	})
	g.Go(func() error {
		objs, err := retrieve(gctx, vc, types.PropertyFilterSpec{ObjectSet: []types.ObjectSpec{through(views[1])}, PropSet: infraSpecs})
		if err == nil {
			r = decodeInfra(inv, objs)
			close(infra)
		}
		return err
	})
	if req.Licenses {
		g.Go(func() error {
			assigned, err := queryLicenses(gctx, vc)
			select {
			case <-infra:
			case <-gctx.Done(): // the run failed or timed out: the licences were not read
				licErr = gctx.Err()
				return nil
			}
			if err == nil {
				attachLicenses(inv, assigned)
			}
			licErr = err
			return nil
		})
	}
	if len(req.Privileges) > 0 {
		g.Go(func() error {
			q, err := prepare(gctx, vc, sm, req)
			select {
			case <-infra:
			case <-gctx.Done(): // the run failed or timed out: the privileges were not read
				privErr = gctx.Err()
				return nil
			}
			if err == nil {
				inv.Privileges, err = privileges(gctx, vc, q, dc, r, req)
			}
			privErr = err
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, fmt.Errorf("reading inventory: %w", deadline(ctx, err))
	}
	decodeVMs(inv, vms, &r, func(inventory.VM) bool { return whole(req) })
	if err := detail(ctx, vc, inv, &r, req); err != nil {
		return nil, nil, fmt.Errorf("reading inventory: %w", deadline(ctx, err))
	}

	// Then what needs the VMs' references.
	var mtErr, netErr error
	if req.Details || req.GuestNet {
		mtErr, netErr = details(ctx, vc, inv, r, req)
	}

	parts := inventory.Parts{}
	for _, o := range []struct {
		part  inventory.Part
		asked bool
		what  string
		err   error
	}{
		{inventory.VMDetailsPart, req.Details, "the master target's details", mtErr}, {inventory.GuestNetPart, req.GuestNet, "guest networks", netErr},
		{inventory.LicensesPart, req.Licenses, "host licences", licErr}, {inventory.PrivilegesPart, len(req.Privileges) > 0, "privileges", privErr},
	} {
		switch err := o.err; {
		case !o.asked:
		case err != nil:
			parts.Fail(o.part, fmt.Errorf("reading %s: %w", o.what, deadline(ctx, err)))
		default:
			parts.Collect(o.part)
		}
	}
	return inv, parts, nil
}

// reachError explains a failure to talk to vCenter at all, with a hint for certificate problems.
func reachError(u *url.URL, err error) error {
	var pinned *pinError
	if errors.As(err, &pinned) {
		return pinned
	}
	var (
		unknownCA x509.UnknownAuthorityError
		badHost   x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &badHost) || errors.As(err, &invalid) || strings.Contains(err.Error(), "x509:") {
		return fmt.Errorf("cannot verify vCenter %s's TLS certificate: %w (trust its CA with --vcenter-ca, pin it with --vcenter-thumbprint, or skip verification with --insecure)", u.Host, err)
	}
	return fmt.Errorf("cannot reach vCenter at %s: %w", u.Redacted(), err)
}

// namedRef is a managed object and its name.
type namedRef struct {
	Name string
	Ref  types.ManagedObjectReference
}

// datacenter finds the named datacenter, or the only one when name is empty, in one retrieval of
// every datacenter's name from the root folder (through nested folders).
func datacenter(ctx context.Context, vc *vim25.Client, name string) (namedRef, error) {
	const folders = "folders"
	res, err := retrieve(ctx, vc, types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{
			Obj: vc.ServiceContent.RootFolder,
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{SelectionSpec: types.SelectionSpec{Name: folders},
				Type: "Folder", Path: "childEntity", SelectSet: []types.BaseSelectionSpec{&types.SelectionSpec{Name: folders}}}},
		}},
		PropSet: []types.PropertySpec{{Type: "Datacenter", PathSet: []string{"name"}}},
	})
	if err != nil {
		return namedRef{}, fmt.Errorf("listing datacenters: %w", deadline(ctx, err))
	}
	var dcs []namedRef
	for _, oc := range res {
		if oc.Obj.Type != "Datacenter" {
			continue
		}
		dc := namedRef{Ref: oc.Obj}
		for _, p := range oc.PropSet {
			dc.Name, _ = p.Val.(string)
		}
		dcs = append(dcs, dc)
	}
	slices.SortFunc(dcs, func(a, b namedRef) int { return strings.Compare(a.Name, b.Name) })
	names := make([]string, len(dcs))
	for i, dc := range dcs {
		names[i] = dc.Name
		if name != "" && dc.Name == name {
			return dc, nil
		}
	}
	switch {
	case len(dcs) == 0:
		return namedRef{}, errors.New("vCenter shows no datacenter to this account")
	case name != "":
		return namedRef{}, fmt.Errorf("datacenter %q (plan vcenter.datacenter) not found; vCenter has %s", name, strings.Join(names, ", "))
	case len(dcs) > 1:
		return namedRef{}, fmt.Errorf("vCenter has %d datacenters (%s); set vcenter.datacenter in the plan", len(dcs), strings.Join(names, ", "))
	}
	return dcs[0], nil
}

// refs maps inventory names to managed object references, for follow-up calls.
type refs struct {
	host, datastore, vm map[string][]types.ManagedObjectReference // by name
	hostName            map[string]string                         // a host's name, by reference value
	index               map[string]int                            // a VM's place in the inventory, by reference value
}

// decodeInfra turns the hosts and datastores of an answer into the inventory.
func decodeInfra(inv *inventory.VCenter, objs []types.ObjectContent) refs {
	r := refs{host: map[string][]types.ManagedObjectReference{}, datastore: map[string][]types.ManagedObjectReference{}, hostName: map[string]string{}}
	for _, oc := range objs { // the hosts first: the datastores' mounts name them
		if oc.Obj.Type == "HostSystem" {
			h := decodeHost(oc)
			r.hostName[oc.Obj.Value] = h.Name
			r.host[h.Name] = append(r.host[h.Name], oc.Obj)
			inv.Hosts = append(inv.Hosts, h)
		}
	}
	for _, oc := range objs {
		if oc.Obj.Type == "Datastore" {
			d := decodeDatastore(oc, r.hostName)
			r.datastore[d.Name] = append(r.datastore[d.Name], oc.Obj)
			inv.Datastores = append(inv.Datastores, d)
		}
	}
	slices.SortFunc(inv.Hosts, func(a, b inventory.Host) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(inv.Datastores, func(a, b inventory.Datastore) int { return strings.Compare(a.Name, b.Name) })
	return r
}

// decodeVMs turns the VMs of an answer into the inventory, their hosts named; those it does not
// count among the followed are brief.
func decodeVMs(inv *inventory.VCenter, objs []types.ObjectContent, r *refs, followed func(inventory.VM) bool) {
	for _, oc := range objs {
		if oc.Obj.Type == "VirtualMachine" {
			vm := decodeVM(oc, r.hostName)
			vm.Brief = !followed(vm)
			inv.VMs = append(inv.VMs, vm)
		}
	}
	slices.SortFunc(inv.VMs, func(a, b inventory.VM) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Ref, b.Ref))
	})
	r.indexVMs(inv)
}

// indexVMs indexes the inventory's VMs by name and by reference.
func (r *refs) indexVMs(inv *inventory.VCenter) {
	r.vm = map[string][]types.ManagedObjectReference{}
	r.index = make(map[string]int, len(inv.VMs))
	for i, vm := range inv.VMs {
		r.vm[vm.Name] = append(r.vm[vm.Name], types.ManagedObjectReference{Type: "VirtualMachine", Value: vm.Ref})
		r.index[vm.Ref] = i
	}
}

// WholeAbove is the number of plan VMs above which every VM is read in full at once: for a plan
// that large, one retrieval of every property over the view costs less than a listing by name
// followed by a retrieval of the plan's VMs by object.
const WholeAbove = 500

// whole reports whether the request reads every VM in full.
func whole(req Request) bool { return len(req.VMs) > WholeAbove }

// detail reads every property of the VMs the request names (by name, or by the instance UUID of
// an original), in one retrieval by object, once Related has answered; it records what it followed
// in inv.Detailed.
func detail(ctx context.Context, vc *vim25.Client, inv *inventory.VCenter, r *refs, req Request) error {
	names := slices.Concat(req.VMs, req.Names, []string{req.MasterTarget})
	var uuids []string
	if req.Related != nil {
		n, u := req.Related(ctx)
		names, uuids = append(names, n...), u
	}
	d := inventory.NewDetailed(names, uuids)
	inv.Detailed = d
	if whole(req) {
		return nil // read in full already
	}
	var objs []types.ObjectSpec
	for _, vm := range inv.VMs {
		if d.Follows(vm) {
			objs = append(objs, types.ObjectSpec{Obj: types.ManagedObjectReference{Type: "VirtualMachine", Value: vm.Ref}})
		}
	}
	if len(objs) == 0 {
		return nil
	}
	answer, err := retrieve(ctx, vc, byObject(objs, vmSpecs(vmProps)))
	if err != nil {
		return err
	}
	read := map[string]bool{}
	for _, oc := range answer {
		if i, ok := r.index[oc.Obj.Value]; ok && len(oc.MissingSet) == 0 {
			inv.VMs[i], read[oc.Obj.Value] = decodeVM(oc, r.hostName), true
		}
	}
	if len(read) < len(objs) { // destroyed since the listing: gone
		inv.VMs = slices.DeleteFunc(inv.VMs, func(vm inventory.VM) bool { return vm.Brief && d.Follows(vm) })
		r.indexVMs(inv)
	}
	return nil
}

// byObject is a retrieval of the objects' properties, where an object that no longer exists is
// left out of the answer (or reported missing), not a fault of the whole retrieval.
func byObject(objs []types.ObjectSpec, props []types.PropertySpec) types.PropertyFilterSpec {
	return types.PropertyFilterSpec{ObjectSet: objs, PropSet: props, ReportMissingObjectsInResults: types.NewBool(true)}
}

func decodeHost(oc types.ObjectContent) inventory.Host {
	h := inventory.Host{Ref: oc.Obj.Value}
	for _, p := range oc.PropSet {
		switch p.Name {
		case "name":
			h.Name, _ = p.Val.(string)
		case "runtime.connectionState":
			h.ConnectionState = enumString(p.Val)
		case "runtime.inMaintenanceMode":
			h.InMaintenance, _ = p.Val.(bool)
		case "summary.config.product":
			if v, ok := p.Val.(types.AboutInfo); ok {
				h.Product, h.ProductLineID, h.Version = v.Name, v.ProductLineId, v.Version
			}
		case "hardware.memorySize":
			h.MemoryBytes, _ = p.Val.(int64)
		case "summary.quickStats.overallMemoryUsage":
			m, _ := p.Val.(int32)
			h.MemoryUsageMB = int64(m)
		}
	}
	return h
}

func decodeDatastore(oc types.ObjectContent, hostName map[string]string) inventory.Datastore {
	d := inventory.Datastore{Ref: oc.Obj.Value}
	for _, p := range oc.PropSet {
		switch p.Name {
		case "name":
			d.Name, _ = p.Val.(string)
		case "summary.type":
			d.Type, _ = p.Val.(string)
		case "summary.accessible":
			d.Accessible, _ = p.Val.(bool)
		case "summary.capacity":
			d.CapacityBytes, _ = p.Val.(int64)
		case "summary.freeSpace":
			d.FreeBytes, _ = p.Val.(int64)
		case "host":
			mounts, _ := p.Val.(types.ArrayOfDatastoreHostMount)
			for _, m := range mounts.DatastoreHostMount {
				d.Mounts = append(d.Mounts, inventory.Mount{
					Host:       hostName[m.Key.Value],
					Mounted:    m.MountInfo.Mounted == nil || *m.MountInfo.Mounted,
					Accessible: m.MountInfo.Accessible == nil || *m.MountInfo.Accessible,
					AccessMode: m.MountInfo.AccessMode,
				})
			}
		}
	}
	return d
}

func decodeVM(oc types.ObjectContent, hostName map[string]string) inventory.VM {
	vm := inventory.VM{Ref: oc.Obj.Value}
	for _, p := range oc.PropSet {
		switch p.Name {
		case "name":
			vm.Name, _ = p.Val.(string)
		case "runtime.host":
			if r, ok := p.Val.(types.ManagedObjectReference); ok {
				vm.Host = hostName[r.Value]
			}
		case "runtime.connectionState":
			vm.ConnectionState = enumString(p.Val)
		case "runtime.powerState":
			vm.PowerState = enumString(p.Val)
		case "config.template":
			vm.Template, _ = p.Val.(bool)
		case "config.hardware.memoryMB":
			m, _ := p.Val.(int32)
			vm.MemoryMB = int64(m)
		case "config.guestId":
			vm.GuestID, _ = p.Val.(string)
		case "config.instanceUuid":
			vm.InstanceUUID, _ = p.Val.(string)
		case "guest.guestFamily":
			vm.GuestFamily, _ = p.Val.(string)
		case "summary.config.numVirtualDisks":
			n, _ := p.Val.(int32)
			storage(&vm).Disks = int(n)
		case "summary.storage.committed", "summary.storage.uncommitted":
			n, _ := p.Val.(int64)
			storage(&vm).ProvisionedBytes += n
		}
	}
	return vm
}

// storage is the VM's storage summary, made when first needed.
func storage(vm *inventory.VM) *inventory.VMStorage {
	if vm.Storage == nil {
		vm.Storage = &inventory.VMStorage{}
	}
	return vm.Storage
}

// enumString returns the value of a vSphere enum property (a named string type).
func enumString(v any) string { return fmt.Sprint(v) }

// redact removes the password from an error message.
func redact(err error, cfg Config) error {
	msg := err.Error()
	secrets := []string{cfg.Password}
	if u, perr := url.Parse(cfg.URL); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p, url.QueryEscape(p))
		}
	}
	clean := msg
	for _, s := range secrets {
		// Shorter strings cannot be told apart from ordinary text; the collector never puts a
		// password in an error, so this is a second line of defence only.
		if len(s) >= 4 {
			clean = strings.ReplaceAll(clean, s, "****")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}
