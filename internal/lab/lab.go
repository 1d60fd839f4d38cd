// Package lab runs a vCenter simulator (govmomi's vcsim) in-process with a small failback
// inventory and the matching plan, for demos and end-to-end tests. Its helpers inject the faults
// the checks detect.
package lab

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/loopback"
)

// Names in the lab's inventory.
const (
	Datacenter   = "DC0"
	Datastore    = "LocalDS_0"
	MasterTarget = "mt01"
)

// vcsimHost and vcsimDatastore are the names vcsim gives its i-th host and datastore, which a
// scenario's names replace.
func vcsimHost(i int) string      { return fmt.Sprintf("DC0_H%d", i) }
func vcsimDatastore(i int) string { return fmt.Sprintf("LocalDS_%d", i) }

// Sizes of the lab's hosts and datastore.
const (
	HostMemoryMB      = 128 << 10
	HostMemoryUsageMB = 16 << 10
	DatastoreBytes    = 2 << 40
	DatastoreFree     = 3 << 39 // 1.5 TiB
)

// Options shape a lab.
type Options struct {
	Addr       string // listen address, loopback only; default 127.0.0.1:0
	Username   string // default "administrator@vsphere.local"
	Password   string // default "lab-password"
	Hosts      int    // standalone ESXi hosts DC0_H0…; default 2
	Datastores int    // datastores LocalDS_0…, mounted on every host; default 1
	LatencyMS  int    // added to every vCenter call, building the lab included
}

// Lab is a running vCenter simulator.
type Lab struct {
	Model    *simulator.Model
	Server   *simulator.Server
	URL      string // https://127.0.0.1:PORT/sdk, without credentials
	Username string
	Password string
	CAFile   string // PEM file of the server's certificate

	mu       sync.Mutex
	accounts map[string]string // user → password
	limits   map[string]limit  // user → what it may not do
	authz    *authorization
}

// VM is a VM the lab creates.
type VM struct {
	Name         string
	Host         string
	Datastore    string // default LocalDS_0
	MemoryMB     int32
	DisksGB      []int
	GuestID      string // default rhel8_64Guest
	Paravirtual  bool   // a Paravirtual SCSI controller instead of LSI Logic
	MasterTarget bool   // powered on, VMware Tools running, disk.EnableUUID=TRUE
}

// Plan is the plan of a scenario that names none: web01 and db01 fail back to their original VMs,
// app01 (which has no on-premises VM) to an alternate location.
const Plan = `version: 1
vcenter:
  datacenter: DC0
masterTarget: mt01
vms:
  - name: web01
    location: original
    datastore: LocalDS_0
  - name: db01
    location: original
    datastore: LocalDS_0
  - name: app01
    location: alternate
    datastore: LocalDS_0
    memoryMB: 4096
`

// Start builds the inventory — standalone ESXi hosts sized like real ones, VMFS datastores — and
// serves the simulator over HTTPS on a loopback address; StartScenario then creates the VMs.
func Start(o Options) (*Lab, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if err := onLoopback(o.Addr); err != nil {
		return nil, err
	}
	if o.Username == "" {
		o.Username = "administrator@vsphere.local"
	}
	if o.Password == "" {
		o.Password = "lab-password"
	}
	// Fail with an error, not the simulator's panic, when the port is taken.
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l.Close()

	m := simulator.VPX()
	m.Cluster, m.Host, m.Datastore, m.Machine = 0, cmp.Or(o.Hosts, 2), cmp.Or(o.Datastores, 1), 0
	if err := m.Create(); err != nil {
		return nil, fmt.Errorf("lab: building inventory: %w", err)
	}
	m.DelayConfig.Delay = o.LatencyMS // set before serving: vcsim reads it unlocked
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: o.Addr, User: url.UserPassword(o.Username, o.Password)}
	s := m.Service.NewServer()
	lab := &Lab{Model: m, Server: s, Username: o.Username, Password: o.Password,
		accounts: map[string]string{o.Username: o.Password}, limits: map[string]limit{}}
	m.Map().SessionManager().ValidLogin = lab.validLogin
	u := *s.URL
	u.User = nil
	lab.URL = u.String()
	if lab.CAFile, err = s.CertificateFile(); err != nil {
		lab.Close()
		return nil, fmt.Errorf("lab: writing certificate: %w", err)
	}
	if err := lab.build(m.Host, m.Datastore); err != nil {
		lab.Close()
		return nil, err
	}
	return lab, nil
}

// Close stops the simulator.
func (l *Lab) Close() {
	l.Server.Close()
	l.Model.Remove()
}

// Thumbprint is the SHA-256 thumbprint of the server's certificate.
func (l *Lab) Thumbprint() string {
	return soap.ThumbprintSHA256(l.Server.Certificate())
}

// WritePlan writes plan text to dir/plan.yaml and returns its path.
func WritePlan(dir, text string) (string, error) {
	path := filepath.Join(dir, "plan.yaml")
	return path, os.WriteFile(path, []byte(text), 0o644)
}

// build sizes the hosts and the datastores like real ones.
func (l *Lab) build(hosts, datastores int) error {
	for i := range hosts {
		if err := l.SetHostMemory(vcsimHost(i), HostMemoryMB, HostMemoryUsageMB); err != nil {
			return err
		}
	}
	for i := range datastores {
		if err := l.setDatastore(vcsimDatastore(i), "VMFS", DatastoreBytes, DatastoreFree); err != nil {
			return err
		}
	}
	return nil
}

// placement is where a VM is created: its host and the host's resource pool.
type placement struct {
	host *object.HostSystem
	pool *object.ResourcePool
}

func (l *Lab) createVM(ctx context.Context, folder *object.Folder, at placement, vm VM) (types.ManagedObjectReference, error) {
	var none types.ManagedObjectReference
	vm.GuestID = cmp.Or(vm.GuestID, "rhel8_64Guest")
	vm.Datastore = cmp.Or(vm.Datastore, Datastore)
	spec := types.VirtualMachineConfigSpec{
		Name:         vm.Name,
		GuestId:      vm.GuestID,
		MemoryMB:     int64(vm.MemoryMB),
		NumCPUs:      2,
		Files:        &types.VirtualMachineFileInfo{VmPathName: "[" + vm.Datastore + "]"},
		DeviceChange: disks(vm),
	}
	if vm.MasterTarget {
		spec.ExtraConfig = []types.BaseOptionValue{&types.OptionValue{Key: "disk.EnableUUID", Value: "TRUE"}}
	}
	task, err := folder.CreateVM(ctx, spec, at.pool, at.host)
	if err != nil {
		return none, err
	}
	info, err := task.WaitForResult(ctx)
	if err != nil {
		return none, err
	}
	ref := info.Result.(types.ManagedObjectReference)
	if !vm.MasterTarget {
		return ref, nil
	}
	if task, err = object.NewVirtualMachine(folder.Client(), ref).PowerOn(ctx); err != nil {
		return none, err
	}
	if err := task.Wait(ctx); err != nil {
		return none, err
	}
	l.UpdateRef(ref, types.PropertyChange{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)})
	return ref, nil
}

// disks is a SCSI controller (LSI Logic, or Paravirtual) with a thin disk of each of the VM's sizes.
func disks(vm VM) []types.BaseVirtualDeviceConfigSpec {
	if len(vm.DisksGB) == 0 {
		return nil
	}
	const ctl = -100
	scsi := types.VirtualSCSIController{
		SharedBus:          types.VirtualSCSISharingNoSharing,
		VirtualController:  types.VirtualController{BusNumber: 0, VirtualDevice: types.VirtualDevice{Key: ctl}},
		HotAddRemove:       types.NewBool(true),
		ScsiCtlrUnitNumber: 7,
	}
	var controller types.BaseVirtualDevice = &types.VirtualLsiLogicController{VirtualSCSIController: scsi}
	if vm.Paravirtual {
		controller = &types.ParaVirtualSCSIController{VirtualSCSIController: scsi}
	}
	changes := []types.BaseVirtualDeviceConfigSpec{&types.VirtualDeviceConfigSpec{
		Operation: types.VirtualDeviceConfigSpecOperationAdd, Device: controller}}
	for i, gb := range vm.DisksGB {
		unit := int32(i)
		if unit >= 7 {
			unit++ // 7 is the controller's own
		}
		changes = append(changes, &types.VirtualDeviceConfigSpec{
			Operation:     types.VirtualDeviceConfigSpecOperationAdd,
			FileOperation: types.VirtualDeviceConfigSpecFileOperationCreate,
			Device: &types.VirtualDisk{
				VirtualDevice: types.VirtualDevice{
					Key:           int32(-200 - i),
					ControllerKey: ctl,
					UnitNumber:    &unit,
					Backing: &types.VirtualDiskFlatVer2BackingInfo{
						VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{
							FileName: fmt.Sprintf("[%s] %s/%s-%s-%d.vmdk", vm.Datastore, vm.Name, vm.Name, vm.Host, i),
						},
						DiskMode:        string(types.VirtualDiskModePersistent),
						ThinProvisioned: types.NewBool(true),
					},
				},
				CapacityInKB:    int64(gb) << 20,
				CapacityInBytes: int64(gb) << 30,
			},
		})
	}
	return changes
}

// ErrListenAddress is returned for a listen address that is malformed or not on loopback.
var ErrListenAddress = errors.New("lab: listen address must be host:port on loopback (127.0.0.0/8, ::1 or localhost)")

// onLoopback refuses listen addresses off this machine.
func onLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w, got %q", ErrListenAddress, addr)
	}
	if !loopback.Host(host) {
		return fmt.Errorf("%w, got %q", ErrListenAddress, addr)
	}
	return nil
}

// CreateVMs creates VMs in the running lab, as an administrator would.
func (l *Lab) CreateVMs(ctx context.Context, vms []VM) error {
	_, err := l.createVMs(ctx, vms)
	return err
}

// createVMs creates the VMs through the vSphere API, as an administrator would — eight at a
// time — and returns their references in order.
func (l *Lab) createVMs(ctx context.Context, vms []VM) ([]types.ManagedObjectReference, error) {
	if len(vms) == 0 {
		return nil, nil
	}
	u, err := soap.ParseURL(l.URL)
	if err != nil {
		return nil, err
	}
	u.User = url.UserPassword(l.Username, l.Password)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return nil, fmt.Errorf("lab: connecting: %w", err)
	}
	defer func() { _ = c.Logout(ctx) }()
	f := find.NewFinder(c.Client)
	dc, err := f.Datacenter(ctx, Datacenter)
	if err != nil {
		return nil, err
	}
	f.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		return nil, err
	}
	places := map[string]placement{}
	for _, vm := range vms {
		if _, done := places[vm.Host]; done {
			continue
		}
		host, err := f.HostSystem(ctx, vm.Host)
		if err != nil {
			return nil, fmt.Errorf("lab: creating VM %s on %s: %w", vm.Name, vm.Host, err)
		}
		pool, err := host.ResourcePool(ctx)
		if err != nil {
			return nil, err
		}
		places[vm.Host] = placement{host, pool}
	}
	refs := make([]types.ManagedObjectReference, len(vms))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, vm := range vms {
		g.Go(func() (err error) {
			if refs[i], err = l.createVM(gctx, folders.VmFolder, places[vm.Host], vm); err != nil {
				return fmt.Errorf("lab: creating VM %s on %s: %w", vm.Name, vm.Host, err)
			}
			return nil
		})
	}
	return refs, g.Wait()
}
