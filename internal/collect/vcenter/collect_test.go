package vcenter_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// server starts a vcsim with one datacenter, hosts standalone hosts and vms VMs per host.
func server(t testing.TB, hosts, vms int, tweak func(*simulator.Model)) (*simulator.Model, *simulator.Server) {
	t.Helper()
	m, s, err := lab.Simulator(hosts, vms, tweak)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Remove() })
	return m, s
}

func config(s *simulator.Server) vcenter.Config {
	return vcenter.Config{URL: s.URL.String(), Insecure: true}
}

func TestCollect(t *testing.T) {
	_, s := server(t, 2, 2, nil)
	inv, _, err := vcenter.Collect(context.Background(), config(s), vcenter.Request{VMs: []string{"DC0_H0_VM0", "DC0_H0_VM1", "DC0_H1_VM0", "DC0_H1_VM1"}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Datacenter != "DC0" || inv.About.APIVersion == "" || inv.About.APIType != "VirtualCenter" {
		t.Errorf("about/datacenter: %+v %q", inv.About, inv.Datacenter)
	}
	if len(inv.Hosts) != 2 || inv.Hosts[0].Name != "DC0_H0" || inv.Hosts[0].ConnectionState != "connected" {
		t.Errorf("hosts: %+v", inv.Hosts)
	}
	if len(inv.Datastores) != 1 || inv.Datastores[0].Name != "LocalDS_0" || !inv.Datastores[0].Accessible || inv.Datastores[0].Type == "" {
		t.Errorf("datastores: %+v", inv.Datastores)
	}
	if len(inv.VMs) != 4 {
		t.Fatalf("got %d VMs, want 4: %+v", len(inv.VMs), inv.VMs)
	}
	for _, vm := range inv.VMs {
		if vm.Host == "" || !strings.HasPrefix(vm.Name, vm.Host) || vm.ConnectionState != "connected" || vm.PowerState != "poweredOn" || vm.Ref == "" {
			t.Errorf("VM not fully read: %+v", vm)
		}
	}
}

// TestCollectReadsInFullOnlyWhatChecksLookAt: every VM by name and instance UUID; the plan's VMs,
// the names they fail back under, the master target and the originals Related names (by UUID, a
// renamed original too, once Related answers) in full, in one retrieval by object.
func TestCollectReadsInFullOnlyWhatChecksLookAt(t *testing.T) {
	_, s := server(t, 2, 3, nil)
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, s.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	original, err := find.NewFinder(c.Client, true).VirtualMachine(ctx, "/DC0/vm/DC0_H0_VM0")
	var props mo.VirtualMachine
	if err == nil {
		err = original.Properties(ctx, original.Reference(), []string{"config.instanceUuid"}, &props)
	}
	var task *object.Task
	if err == nil {
		task, err = original.Rename(ctx, "renamed-original")
	}
	if err == nil {
		err = task.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	uuid := props.Config.InstanceUuid
	answered := make(chan struct{})
	var rec lab.Recorder
	cfg := config(s)
	cfg.Transport = rec.Wrap
	req := vcenter.Request{VMs: []string{"DC0_H0_VM1"}, Names: []string{"DC0_H1_VM2"}, MasterTarget: "DC0_H1_VM0",
		Related: func(ctx context.Context) ([]string, []string) {
			<-answered
			return []string{"DC0_H1_VM1"}, []string{strings.ToUpper(uuid)}
		}}
	go func() { time.Sleep(100 * time.Millisecond); close(answered) }()
	inv, _, err := vcenter.Collect(ctx, cfg, req)
	if err != nil {
		t.Fatal(err)
	}
	full := map[string]bool{}
	for _, vm := range inv.VMs {
		if vm.Name == "" || len(vm.InstanceUUID) != 36 || vm.Ref == "" {
			t.Errorf("VM not listed by name and UUID: %+v", vm)
		}
		if !vm.Brief {
			full[vm.Name] = true
			if vm.Host == "" || vm.MemoryMB == 0 || vm.PowerState == "" || vm.Storage == nil {
				t.Errorf("VM %s read in full lacks properties: %+v", vm.Name, vm)
			}
		} else if vm.Host != "" || vm.MemoryMB != 0 || vm.PowerState != "" {
			t.Errorf("brief VM %s carries more than its name and UUID: %+v", vm.Name, vm)
		}
	}
	want := map[string]bool{"DC0_H0_VM1": true, "DC0_H1_VM2": true, "DC0_H1_VM0": true, "DC0_H1_VM1": true, "renamed-original": true}
	if !maps.Equal(full, want) || len(inv.VMs) != 6 {
		t.Errorf("read in full: %v of %d VMs; want %v", full, len(inv.VMs), want)
	}
	if d := inv.Detailed; d == nil || !slices.Contains(d.Names, "DC0_H1_VM1") || !slices.Equal(d.InstanceUUIDs, []string{strings.ToLower(uuid)}) {
		t.Errorf("detailed: %+v", d)
	}
	if n := strings.Count(strings.Join(rec.Methods(), " "), "RetrieveProperties"); n != 4 {
		t.Errorf("%d retrievals (%v); want 4: datacenters, VMs by name, hosts and datastores, the VMs read in full", n, rec.Methods())
	}

	// A plan of more than WholeAbove VMs: every VM in full, in the listing itself.
	rec = lab.Recorder{}
	req = vcenter.Request{}
	for i := range vcenter.WholeAbove + 1 {
		req.VMs = append(req.VMs, fmt.Sprintf("vm%d", i))
	}
	if inv, _, err = vcenter.Collect(ctx, cfg, req); err != nil {
		t.Fatal(err)
	}
	for _, vm := range inv.VMs {
		if vm.Brief || vm.Host == "" {
			t.Errorf("VM %s not read in full for a large plan: %+v", vm.Name, vm)
		}
	}
	if n := strings.Count(strings.Join(rec.Methods(), " "), "RetrieveProperties"); n != 3 {
		t.Errorf("%d retrievals for a large plan (%v); want 3", n, rec.Methods())
	}
}

// TestCollectVMGoneBeforeItIsRead: a VM the checks look at, destroyed between the listing and the
// retrieval by object, is gone from the inventory; the rest stands.
func TestCollectVMGoneBeforeItIsRead(t *testing.T) {
	_, s := server(t, 1, 2, nil)
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, s.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	req := vcenter.Request{VMs: []string{"DC0_H0_VM0", "DC0_H0_VM1"}, Related: func(ctx context.Context) ([]string, []string) {
		vm, err := find.NewFinder(c.Client, true).VirtualMachine(ctx, "/DC0/vm/DC0_H0_VM1")
		var task *object.Task
		if err == nil {
			task, err = vm.PowerOff(ctx)
		}
		if err == nil {
			_ = task.Wait(ctx)
			task, err = vm.Destroy(ctx)
		}
		if err == nil {
			err = task.Wait(ctx)
		}
		if err != nil {
			t.Error(err)
		}
		return nil, nil
	}}
	inv, _, err := vcenter.Collect(ctx, config(s), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.VMs) != 1 || inv.VMs[0].Name != "DC0_H0_VM0" || inv.VMs[0].Brief || inv.VMs[0].Host == "" {
		t.Errorf("VMs: %+v", inv.VMs)
	}
}

func TestCollectErrors(t *testing.T) {
	_, s := server(t, 2, 1, func(m *simulator.Model) { m.Datacenter = 2 })
	good := config(s)
	caFile, err := s.CertificateFile()
	if err != nil {
		t.Fatal(err)
	}
	thumb := soap.ThumbprintSHA256(s.Certificate())
	pw, _ := s.URL.User.Password()
	tests := []struct {
		name string
		cfg  func(c *vcenter.Config)
		want string // "" means success
	}{
		{"several datacenters", func(c *vcenter.Config) {}, "vCenter has 2 datacenters (DC0, DC1); set vcenter.datacenter in the plan"},
		{"named datacenter", func(c *vcenter.Config) { c.Datacenter = "DC1" }, ""},
		{"unknown datacenter", func(c *vcenter.Config) { c.Datacenter = "DC9" }, `datacenter "DC9" (plan vcenter.datacenter) not found; vCenter has DC0, DC1`},
		{"TLS verified by default", func(c *vcenter.Config) { c.Insecure, c.Datacenter = false, "DC0" }, "cannot verify vCenter " + s.URL.Host + "'s TLS certificate"},
		{"trusted CA", func(c *vcenter.Config) { c.Insecure, c.Datacenter, c.CAFile = false, "DC0", caFile }, ""},
		{"pinned thumbprint", func(c *vcenter.Config) { c.Insecure, c.Datacenter, c.Thumbprint = false, "DC0", thumb }, ""},
		{"pinned thumbprint, lower case without colons", func(c *vcenter.Config) {
			c.Insecure, c.Datacenter, c.Thumbprint = false, "DC0", strings.ToLower(strings.ReplaceAll(thumb, ":", ""))
		}, ""},
		{"wrong thumbprint, trusted CA", func(c *vcenter.Config) {
			c.Insecure, c.Datacenter, c.CAFile, c.Thumbprint = false, "DC0", caFile, strings.Repeat("AB:", 31)+"AB"
		},
			"vCenter " + s.URL.Host + "'s certificate does not match --vcenter-thumbprint AB:AB:"},
		{"wrong thumbprint, insecure", func(c *vcenter.Config) { c.Datacenter, c.Thumbprint = "DC0", strings.Repeat("AB", 20) },
			"vCenter " + s.URL.Host + "'s certificate does not match --vcenter-thumbprint AB:AB:"},
		{"wrong password", func(c *vcenter.Config) { c.Datacenter, c.Password = "DC0", "not-"+pw }, `vCenter login as "admin" failed: ServerFaultCode: Login failure`},
		{"no URL", func(c *vcenter.Config) { c.URL = "" }, "no vCenter URL: set --vcenter-url, GOVC_URL or vcenter.url in the plan"},
		{"no user", func(c *vcenter.Config) { c.URL = "https://" + s.URL.Host + "/sdk" }, "no vCenter username"},
		{"unreachable", func(c *vcenter.Config) { c.URL = "https://u:secret-pw@127.0.0.1:1/sdk" }, "cannot reach vCenter at https://127.0.0.1:1/sdk: "},
		{"http off this machine", func(c *vcenter.Config) { c.URL = "http://u:secret-pw@vcsa.example.com/sdk" },
			`"http://****@vcsa.example.com/sdk": plain http would send the password in clear; use https`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.cfg(&cfg)
			inv, _, err := vcenter.Collect(context.Background(), cfg, vcenter.Request{})
			if strings.Contains(tc.name, "wrong thumbprint") && (err == nil || !strings.Contains(err.Error(), "certificate does not match --vcenter-thumbprint")) {
				t.Errorf("a thumbprint pins the certificate, whatever else trusts it: %v", err)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want == "" && inv.Datacenter != cfg.Datacenter:
				t.Errorf("collected datacenter %q, want %q", inv.Datacenter, cfg.Datacenter)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Fatalf("got error %v, want %q", err, tc.want)
			}
			if err != nil {
				for _, secret := range []string{"secret-pw", pw, "not-" + pw} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error reveals a password: %v", err)
					}
				}
			}
		})
	}
}

func TestCollectParts(t *testing.T) {
	m, s := server(t, 2, 2, nil)
	req := vcenter.Request{VMs: []string{"DC0_H0_VM0", "nope"}, Details: true, GuestNet: true, Licenses: true,
		Privileges: []string{"Datastore.Browse", "VirtualMachine.Config.*"}, MasterTarget: "DC0_H0_VM1"}
	inv, parts, err := vcenter.Collect(context.Background(), config(s), req)
	if err != nil {
		t.Fatal(err)
	}
	collected := inventory.Parts{}
	for _, p := range []inventory.Part{inventory.VMDetailsPart, inventory.GuestNetPart, inventory.LicensesPart, inventory.PrivilegesPart} {
		collected.Collect(p)
	}
	if !maps.Equal(parts, collected) {
		t.Fatalf("parts %v", parts)
	}
	for _, vm := range inv.VMs {
		// The master target has every detail; plan VM DC0_H0_VM0, a Linux guest, its guest network alone.
		switch d := vm.Details; {
		case vm.Name == "DC0_H0_VM0" && (d == nil || d.NICs == nil || d.Disks != nil || d.ToolsRunningStatus != ""),
			vm.Name == "DC0_H0_VM1" && (d == nil || d.NICs != nil),
			vm.Name != "DC0_H0_VM0" && vm.Name != "DC0_H0_VM1" && d != nil:
			t.Errorf("details of %s: %+v; want every detail of the master target, the guest network alone of the plan VM", vm.Name, d)
		}
		if vm.Brief != (vm.Name != "DC0_H0_VM0" && vm.Name != "DC0_H0_VM1") {
			t.Errorf("VM %s: brief %v; only the plan's VMs and the master target are read in full", vm.Name, vm.Brief)
		}
		if vm.Brief {
			continue
		}
		if vm.MemoryMB == 0 || vm.GuestID == "" || len(vm.InstanceUUID) != 36 || vm.Storage == nil || vm.Storage.Disks != 1 || vm.Storage.ProvisionedBytes < 10<<30 {
			t.Errorf("VM %s: memory, guest or storage not read: %+v %+v", vm.Name, vm, vm.Storage)
		}
	}
	mt := slices.IndexFunc(inv.VMs, func(vm inventory.VM) bool { return vm.Name == "DC0_H0_VM1" })
	if d := inv.VMs[mt].Details; len(d.Disks) == 0 || d.Disks[0].CapacityBytes == 0 || d.ToolsRunningStatus == "" || len(d.SCSIControllers) == 0 {
		t.Errorf("details: %+v", d)
	}
	h := inv.Hosts[0]
	if h.License == nil || h.License.EditionKey != "eval" || h.Version == "" || h.ProductLineID != "embeddedEsx" || h.MemoryBytes == 0 {
		t.Errorf("host: %+v", h)
	}
	if ds := inv.Datastores[0]; len(ds.Mounts) != 2 || !ds.Mounts[0].Mounted || ds.Mounts[0].AccessMode != "readWrite" || ds.CapacityBytes == 0 {
		t.Errorf("datastore: %+v", ds)
	}
	var entities []string
	for _, e := range inv.Privileges.Entities {
		entities = append(entities, e.Type+":"+e.Name)
		if len(e.Missing) != 0 {
			t.Errorf("vcsim grants everything, yet %s misses %v", e.Name, e.Missing)
		}
	}
	// The datacenter, every host and datastore of it: which matter is the check's to tell.
	if want := []string{"Datacenter:DC0", "HostSystem:DC0_H0", "HostSystem:DC0_H1", "Datastore:LocalDS_0"}; !slices.Equal(entities, want) {
		t.Errorf("privilege targets %v, want %v", entities, want)
	}
	if len(inv.Privileges.Checked) < 10 || !slices.Contains(inv.Privileges.Checked, "VirtualMachine.Config.AddNewDisk") {
		t.Errorf("VirtualMachine.Config.* not expanded: %v", inv.Privileges.Checked)
	}

	// A failing optional part is recorded; the rest of the inventory stands.
	m.Service.AddFaultRule(&simulator.FaultInjectionRule{MethodName: "HasPrivilegeOnEntities", ObjectType: "*", ObjectName: "*",
		Probability: 1, Enabled: true, Fault: &types.NoPermission{PrivilegeId: "System.View"}})
	inv, parts, err = vcenter.Collect(context.Background(), config(s), req)
	if err != nil {
		t.Fatal(err)
	}
	if !parts[inventory.VMDetailsPart].Collected || !parts[inventory.GuestNetPart].Collected || !parts[inventory.LicensesPart].Collected ||
		!strings.HasPrefix(parts[inventory.PrivilegesPart].Error, "reading privileges: ") || len(inv.VMs) != 4 {
		t.Errorf("parts %v", parts)
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := vcenter.Config{URL: "https://vcsa.example.com/sdk", Username: "u"}
	tests := []struct {
		name          string
		cfg           func(c *vcenter.Config)
		setting, want string
	}{
		{"good", func(*vcenter.Config) {}, "", ""},
		{"host only", func(c *vcenter.Config) { c.URL = "vcsa.example.com" }, "", ""},
		{"http on loopback", func(c *vcenter.Config) { c.URL = "http://127.0.0.1:8989/sdk" }, "", ""},
		{"user in the URL", func(c *vcenter.Config) { c.URL, c.Username = "https://admin:pw@vcsa/sdk", "" }, "", ""},
		{"empty http", func(c *vcenter.Config) { c.URL = "http://" }, "url", `expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "http://"`},
		{"colons", func(c *vcenter.Config) { c.URL = "::::" }, "url", `expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "::::"`},
		{"open bracket", func(c *vcenter.Config) { c.URL = "https://[::1" }, "url", `expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "https://[::1"`},
		{"port", func(c *vcenter.Config) { c.URL = "https://vcsa:99999/sdk" }, "url", `port 99999 in "https://vcsa:99999/sdk": expected 1-65535`},
		{"ftp", func(c *vcenter.Config) { c.URL = "ftp://vcsa/sdk" }, "url", `expected an https:// URL, got scheme "ftp" in "ftp://vcsa/sdk"`},
		{"http elsewhere", func(c *vcenter.Config) { c.URL = "http://vcsa/sdk" }, "url", `"http://vcsa/sdk": plain http would send the password in clear; use https (http is allowed only on this machine: 127.0.0.0/8, ::1, localhost)`},
		{"no user", func(c *vcenter.Config) { c.Username = "" }, "username", "no vCenter username: set --vcenter-username, GOVC_USERNAME or user:password in the URL"},
		{"CA missing", func(c *vcenter.Config) { c.CAFile = filepath.Join(dir, "none.pem") }, "ca", "reading CA file: open " + filepath.Join(dir, "none.pem") + ": no such file or directory"},
		{"CA not PEM", func(c *vcenter.Config) { c.CAFile = notPEM }, "ca", "CA file " + notPEM + ` holds no PEM certificate; expected one or more "-----BEGIN CERTIFICATE-----" blocks`},
		{"thumbprint not hex", func(c *vcenter.Config) { c.Thumbprint = "zz" }, "thumbprint", `expected the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint, colons allowed, got "zz"`},
		{"thumbprint length", func(c *vcenter.Config) { c.Thumbprint = "AB:CD" }, "thumbprint", `expected the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint, colons allowed, got "AB:CD"`},
	}
	for _, tc := range tests {
		cfg := base
		tc.cfg(&cfg)
		err := cfg.Validate()
		var se *vcenter.SettingError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.As(err, &se) || se.Setting != tc.setting || se.Error() != tc.want):
			t.Errorf("%s: got %#v (%v)\nwant %s: %s", tc.name, err, err, tc.setting, tc.want)
		}
	}
}

// TestHungVCenter: a vCenter that stops answering costs the collector its deadline plus the
// clean-up grace, never the time the server takes, and the error says it was a timeout.
func TestHungVCenter(t *testing.T) {
	_, s := server(t, 1, 1, func(m *simulator.Model) {
		m.DelayConfig.MethodDelay = map[string]int{"RetrieveProperties": 6000, "Logout": 6000}
	})
	ctx, cancel := context.WithTimeoutCause(context.Background(), 500*time.Millisecond, errors.New("no answer from vCenter within 500ms (--timeout)"))
	defer cancel()
	start := time.Now()
	_, _, err := vcenter.Collect(ctx, config(s), vcenter.Request{})
	took := time.Since(start)
	if err == nil || err.Error() != "listing datacenters: no answer from vCenter within 500ms (--timeout)" {
		t.Errorf("error %v", err)
	}
	if limit := 500*time.Millisecond + vcenter.CleanupGrace + time.Second; took > limit {
		t.Errorf("took %v, want at most %v", took, limit)
	}
}

// TestTimeoutDuringOptionalReads: when the run's deadline passes while the licences and the
// privileges are being read (the inventory itself read in time), those parts are recorded as not
// read, with the timeout — never as collected and empty. Several rounds: the timeout races the
// inventory's answer inside the collector.
func TestTimeoutDuringOptionalReads(t *testing.T) {
	_, s := server(t, 1, 1, func(m *simulator.Model) {
		m.DelayConfig.MethodDelay = map[string]int{"QueryAssignedLicenses": 2500, "HasPrivilegeOnEntities": 2500}
	})
	req := vcenter.Request{Licenses: true, Privileges: []string{"Datastore.Browse"}}
	for range 6 {
		ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second, errors.New("no answer from vCenter within 1s (--timeout)"))
		inv, parts, err := vcenter.Collect(ctx, config(s), req)
		cancel()
		if err != nil {
			t.Fatalf("the inventory was read in time, yet: %v", err)
		}
		if len(inv.VMs) == 0 {
			t.Fatal("no VMs")
		}
		for p, what := range map[inventory.Part]string{inventory.LicensesPart: "host licences", inventory.PrivilegesPart: "privileges"} {
			if want := "reading " + what + ": no answer from vCenter within 1s (--timeout)"; parts[p].Collected || parts[p].Error != want {
				t.Errorf("%s: %+v, want the error %q", p, parts[p], want)
			}
		}
	}
}

// TestPropertyFault: a fault reading properties is reported as such, not blamed on the datacenter.
func TestPropertyFault(t *testing.T) {
	m, s := server(t, 1, 1, nil)
	m.Service.AddFaultRule(&simulator.FaultInjectionRule{MethodName: "RetrieveProperties", ObjectType: "*", ObjectName: "*",
		Probability: 1, Enabled: true, Fault: &types.NoPermission{PrivilegeId: "System.Read"}})
	_, _, err := vcenter.Collect(context.Background(), config(s), vcenter.Request{})
	if err == nil || !strings.HasPrefix(err.Error(), "listing datacenters: ") || strings.Contains(err.Error(), "vcenter.datacenter") {
		t.Errorf("error %v", err)
	}
}
