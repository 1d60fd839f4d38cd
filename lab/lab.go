// Package lab runs a vCenter simulator (govmomi's vcsim) in-process with a small failback
// inventory and the matching plan, for demos and end-to-end tests.
package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"crypto/tls"
	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// Names in the lab's inventory.
const (
	Datacenter   = "DC0"
	MasterHost   = "DC0_H0" // the master target's ESXi host
	OtherHost    = "DC0_H1"
	Datastore    = "LocalDS_0"
	MasterTarget = "mt01"
)

// Options shape a lab.
type Options struct {
	Addr     string // listen address, loopback only; default 127.0.0.1:0
	Username string // default "administrator@vsphere.local"
	Password string // default "lab-password"
}

// Lab is a running vCenter simulator.
type Lab struct {
	Model    *simulator.Model
	Server   *simulator.Server
	URL      string // https://127.0.0.1:PORT/sdk, without credentials
	Username string
	Password string
	CAFile   string // PEM file of the server's certificate
}

// VM is a VM the lab creates.
type VM struct {
	Name     string
	Host     string
	MemoryMB int32
}

// DefaultVMs is the demo inventory: the master target, two originals, and a stray VM named db01 on
// the master target's host, which collides with the protected db01 (ASR 78052).
var DefaultVMs = []VM{
	{Name: MasterTarget, Host: MasterHost, MemoryMB: 8192},
	{Name: "web01", Host: OtherHost, MemoryMB: 4096},
	{Name: "db01", Host: OtherHost, MemoryMB: 8192},
	{Name: "db01", Host: MasterHost, MemoryMB: 2048},
}

// DefaultPlan is the plan matching DefaultVMs: web01 and app01 are fine, db01 collides.
const DefaultPlan = `version: 1
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
`

// Start builds the inventory with two standalone ESXi hosts and one datastore, creates vms, and
// serves the simulator over HTTPS on a loopback address.
func Start(ctx context.Context, o Options, vms []VM) (*Lab, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if err := loopback(o.Addr); err != nil {
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
	m.Cluster, m.Host, m.Machine = 0, 2, 0
	if err := m.Create(); err != nil {
		return nil, fmt.Errorf("lab: building inventory: %w", err)
	}
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: o.Addr, User: url.UserPassword(o.Username, o.Password)}
	s := m.Service.NewServer()
	lab := &Lab{Model: m, Server: s, Username: o.Username, Password: o.Password}
	u := *s.URL
	u.User = nil
	lab.URL = u.String()
	if lab.CAFile, err = s.CertificateFile(); err != nil {
		lab.Close()
		return nil, fmt.Errorf("lab: writing certificate: %w", err)
	}
	if err := lab.createVMs(ctx, vms); err != nil {
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

// Env is the GOVC_* environment that points asr-preflight (and govc) at the lab.
func (l *Lab) Env() []string {
	return []string{
		"GOVC_URL=" + l.URL,
		"GOVC_USERNAME=" + l.Username,
		"GOVC_PASSWORD=" + l.Password,
		"GOVC_TLS_CA_CERTS=" + l.CAFile,
	}
}

// WritePlan writes plan text to dir/plan.yaml and returns its path.
func WritePlan(dir, text string) (string, error) {
	path := filepath.Join(dir, "plan.yaml")
	return path, os.WriteFile(path, []byte(text), 0o644)
}

// createVMs creates the VMs through the vSphere API, as an administrator would.
func (l *Lab) createVMs(ctx context.Context, vms []VM) error {
	u, err := soap.ParseURL(l.URL)
	if err != nil {
		return err
	}
	u.User = url.UserPassword(l.Username, l.Password)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return fmt.Errorf("lab: connecting: %w", err)
	}
	defer func() { _ = c.Logout(ctx) }()
	f := find.NewFinder(c.Client)
	dc, err := f.Datacenter(ctx, Datacenter)
	if err != nil {
		return err
	}
	f.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	for _, vm := range vms {
		if err := createVM(ctx, f, folders.VmFolder, vm); err != nil {
			return fmt.Errorf("lab: creating VM %s on %s: %w", vm.Name, vm.Host, err)
		}
	}
	return nil
}

func createVM(ctx context.Context, f *find.Finder, folder *object.Folder, vm VM) error {
	host, err := f.HostSystem(ctx, vm.Host)
	if err != nil {
		return err
	}
	pool, err := host.ResourcePool(ctx)
	if err != nil {
		return err
	}
	spec := types.VirtualMachineConfigSpec{
		Name:     vm.Name,
		GuestId:  string(types.VirtualMachineGuestOsIdentifierOtherGuest64),
		MemoryMB: int64(vm.MemoryMB),
		NumCPUs:  2,
		Files:    &types.VirtualMachineFileInfo{VmPathName: "[" + Datastore + "]"},
	}
	task, err := folder.CreateVM(ctx, spec, pool, host)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

// loopback refuses listen addresses off this machine.
func loopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("lab: listen address %q: expected host:port", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return errors.New("lab: listen address must be on loopback (127.0.0.0/8, ::1 or localhost), got " + addr)
	}
	return nil
}
