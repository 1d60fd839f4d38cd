package test

import (
	"strings"
	"testing"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/checks"
	"github.com/asr-preflight/asr-preflight/lab"
)

// planWithoutAlternate fails back web01 and db01 only: every VM has disks to measure.
const planWithoutAlternate = `version: 1
masterTarget: mt01
vms:
  - {name: web01, datastore: LocalDS_0}
  - {name: db01, datastore: LocalDS_0}
`

// faultCase injects one fault into a lab and states what one check must report.
type faultCase struct {
	name  string
	check string
	phase checks.Phase
	vms   []lab.VM // default lab.HealthyVMs
	plan  string   // default healthyPlan
	fault func(l *lab.Lab) error
	args  []string
	env   func(l *lab.Lab) []string // default l.Env()
	exit  int
	want  map[string]string // "target" or "target#n" → "status code | message fragment"
}

func update(kind, name string, changes ...types.PropertyChange) func(*lab.Lab) error {
	return func(l *lab.Lab) error { return l.Update(kind, name, changes...) }
}

func guestNet(origin string) []types.GuestNicInfo {
	return []types.GuestNicInfo{{MacAddress: "00:50:56:aa:bb:01", Connected: true, IpConfig: &types.NetIpConfigInfo{
		IpAddress: []types.NetIpConfigInfoIpAddress{{IpAddress: "10.1.2.3", PrefixLength: 24, Origin: origin}}}}}
}

var faultCases = []faultCase{
	{name: "read-only account", check: "vcenter.privileges", phase: checks.Reprotect,
		fault: func(l *lab.Lab) error { l.AddAccount("readonly@vsphere.local", "R3ad-only-pw", true); return nil },
		env: func(l *lab.Lab) []string {
			return append(l.Env(), "GOVC_USERNAME=readonly@vsphere.local", "GOVC_PASSWORD=R3ad-only-pw")
		},
		exit: 3, want: map[string]string{
			"DC0":       "fail | the logged-in account lacks 50 of 50 privileges on datacenter DC0: Datastore.AllocateSpace, Datastore.Browse",
			"DC0_H0":    "fail | on host DC0_H0",
			"LocalDS_0": "fail | on datastore LocalDS_0",
		}},
	{name: "read-only ASR account checked by name", check: "vcenter.privileges", phase: checks.Failback,
		fault: func(l *lab.Lab) error { l.AddAccount(`VSPHERE.LOCAL\asr`, "x-Pa55word", true); return nil },
		args:  []string{"--asr-vcenter-user", `VSPHERE.LOCAL\asr`},
		exit:  3, want: map[string]string{"DC0": `fail | account VSPHERE.LOCAL\asr lacks 50 of 50 privileges on datacenter DC0`}},
	{name: "admin account", check: "vcenter.privileges", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"vcenter": "pass | holds all 50 privileges on datacenter DC0, host DC0_H0, datastore LocalDS_0"}},

	{name: "host in maintenance mode", check: "esxi.host", phase: checks.Failback,
		fault: update("HostSystem", lab.MasterHost, types.PropertyChange{Name: "runtime.inMaintenanceMode", Val: true}),
		exit:  3, want: map[string]string{"DC0_H0": "fail | host DC0_H0 is in maintenance mode"}},
	{name: "host disconnected", check: "esxi.host", phase: checks.Reprotect,
		fault: update("HostSystem", lab.MasterHost,
			types.PropertyChange{Name: "runtime.connectionState", Val: types.HostSystemConnectionStateDisconnected},
			types.PropertyChange{Name: "summary.runtime.connectionState", Val: types.HostSystemConnectionStateDisconnected}),
		exit: 3, want: map[string]string{"DC0_H0": "fail | host DC0_H0 is disconnected; it must be connected to vCenter"}},
	{name: "ESXi 6.0", check: "esxi.host", phase: checks.Reprotect,
		fault: update("HostSystem", lab.MasterHost, types.PropertyChange{Name: "summary.config.product",
			Val: types.AboutInfo{Name: "VMware ESXi", Version: "6.0.0", ProductLineId: "embeddedEsx", ApiType: "HostAgent"}}),
		exit: 4, want: map[string]string{"DC0_H0": "warn | host DC0_H0 runs ESXi 6.0.0, which only the 2019 support matrix allows"}},
	{name: "host not in vCenter", check: "esxi.host", phase: checks.Failback,
		plan: strings.Replace(healthyPlan, "datastore: LocalDS_0\n  - name: db01", "datastore: LocalDS_0\n    host: hyperv01\n  - name: db01", 1),
		exit: 3, want: map[string]string{"hyperv01": "fail | host hyperv01 (target of web01) is not an ESXi host of datacenter DC0", "DC0_H0": "pass"}},
	{name: "healthy host", check: "esxi.host", phase: checks.Failback,
		exit: 0, want: map[string]string{"DC0_H0": "pass | host DC0_H0 runs VMware ESXi 8.0.2, connected, not in maintenance mode"}},

	{name: "free ESXi licence", check: "esxi.license", phase: checks.Failback,
		fault: func(l *lab.Lab) error {
			return l.AssignLicense(lab.MasterHost, "00000-FREE0-00000-00000-00000", "esxBasic", "vSphere 6 Hypervisor")
		},
		exit: 3, want: map[string]string{"DC0_H0": `fail | host DC0_H0 runs the free licence "vSphere 6 Hypervisor" (edition esxBasic)`}},
	{name: "evaluation licence", check: "esxi.license", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"DC0_H0": `pass | host DC0_H0 is licensed with "Evaluation Mode" (edition eval)`}},

	{name: "host memory short for all VMs together", check: "esxi.memory", phase: checks.Failback,
		fault: func(l *lab.Lab) error { return l.SetHostMemory(lab.MasterHost, 24<<10, 10<<10) },
		exit:  3, want: map[string]string{"DC0_H0": "fail 8038 | host DC0_H0 has 14.0 GB free (24.0 GB total, 10.0 GB in use); web01 4.0 GB + db01 8.0 GB + app01 4.0 GB need 16.0 GB together: 2.0 GB short"}},
	{name: "host memory tight", check: "esxi.memory", phase: checks.Failback,
		fault: func(l *lab.Lab) error { return l.SetHostMemory(lab.MasterHost, 32<<10, 14<<10) },
		exit:  4, want: map[string]string{"DC0_H0": "warn | leaving 2.0 GB, under 10% of the host's memory"}},
	{name: "host memory ample", check: "esxi.memory", phase: checks.Failback,
		exit: 0, want: map[string]string{"DC0_H0": "pass | host DC0_H0 has 112.0 GB free"}},

	{name: "datastore read-only on the master target's host", check: "datastore.access", phase: checks.Reprotect,
		fault: func(l *lab.Lab) error { return l.SetMount(lab.MasterHost, true, true, types.HostMountModeReadOnly) },
		exit:  3, want: map[string]string{"LocalDS_0": "fail 8061 | datastore LocalDS_0 is mounted readOnly on host DC0_H0 (master target mt01's host)"}},
	{name: "datastore inaccessible on the failback host", check: "datastore.access", phase: checks.Failback,
		plan:  strings.Replace(planWithoutAlternate, "{name: web01, datastore: LocalDS_0}", "{name: web01, datastore: LocalDS_0, host: DC0_H1}", 1),
		fault: func(l *lab.Lab) error { return l.SetMount(lab.OtherHost, true, false, types.HostMountModeReadWrite) },
		exit:  3, want: map[string]string{"LocalDS_0": "fail 8061 | datastore LocalDS_0 is not accessible on host DC0_H1 (where web01 will run)"}},
	{name: "NFS datastore", check: "datastore.access", phase: checks.Failback,
		fault: update("Datastore", lab.Datastore, types.PropertyChange{Name: "summary.type", Val: "NFS"}),
		exit:  3, want: map[string]string{"LocalDS_0": "fail | datastore LocalDS_0 is NFS; failback does not support NFS datastores, only VMFS or vSAN"}},
	{name: "datastore healthy", check: "datastore.access", phase: checks.Failback,
		exit: 0, want: map[string]string{"LocalDS_0": "pass | datastore LocalDS_0 (VMFS) is mounted read-write and accessible on DC0_H0"}},

	{name: "datastore too small", check: "datastore.capacity", phase: checks.Reprotect, plan: planWithoutAlternate,
		fault: update("Datastore", lab.Datastore, types.PropertyChange{Name: "summary.freeSpace", Val: int64(100 << 30)}),
		exit:  3, want: map[string]string{"LocalDS_0": "fail | datastore LocalDS_0 has 100.0 GB free of 2048.0 GB; the disks of web01 40.0 GB + db01 240.0 GB need 280.0 GB: 180.0 GB short"}},
	{name: "datastore roomy", check: "datastore.capacity", phase: checks.Reprotect, plan: planWithoutAlternate,
		exit: 0, want: map[string]string{"LocalDS_0": "pass | the disks of web01 40.0 GB + db01 240.0 GB need 280.0 GB"}},
	{name: "datastore capacity unknown for an alternate VM", check: "datastore.capacity", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"LocalDS_0": "skip | disk sizes unknown for app01 (no on-premises VM named app01)"}},

	{name: "master target powered off, no disk.EnableUUID, a snapshot", check: "master-target.vm", phase: checks.Reprotect,
		fault: update("VirtualMachine", lab.MasterTarget,
			types.PropertyChange{Name: "runtime.powerState", Val: types.VirtualMachinePowerStatePoweredOff},
			types.PropertyChange{Name: "summary.runtime.powerState", Val: types.VirtualMachinePowerStatePoweredOff},
			types.PropertyChange{Name: "config.extraConfig", Val: []types.BaseOptionValue{}},
			types.PropertyChange{Name: "rootSnapshot", Val: []types.ManagedObjectReference{{Type: "VirtualMachineSnapshot", Value: "snapshot-1"}}}),
		exit: 3, want: map[string]string{
			"master-target":   "fail | mt01 is poweredOff; it must be powered on",
			"master-target#2": `fail | mt01 has disk.EnableUUID=""; it must be TRUE`,
			"master-target#3": "fail | mt01 has 1 snapshot tree(s); the master target must have none",
		}},
	{name: "master target healthy", check: "master-target.vm", phase: checks.Reprotect,
		exit: 0, want: map[string]string{"master-target": "pass | mt01 is powered on on host DC0_H0 with VMware Tools running"}},

	{name: "Linux VM with a static IP", check: "guest.linux-network", phase: checks.Failback,
		fault: update("VirtualMachine", "web01", types.PropertyChange{Name: "guest.net", Val: guestNet("manual")},
			types.PropertyChange{Name: "guest.guestFamily", Val: "linuxGuest"}),
		exit: 4, want: map[string]string{"web01": "warn | web01 is a Linux guest with static IP 10.1.2.3", "db01": "skip", "app01": "skip"}},
	{name: "Linux VM with DHCP", check: "guest.linux-network", phase: checks.Failback,
		fault: update("VirtualMachine", "web01", types.PropertyChange{Name: "guest.net", Val: guestNet("dhcp")},
			types.PropertyChange{Name: "guest.guestFamily", Val: "linuxGuest"}),
		exit: 0, want: map[string]string{"web01": "pass | web01 is a Linux guest using DHCP"}},

	{name: "orphaned VM of the same name on the master target's host", check: "vm.name-collision", phase: checks.Reprotect,
		vms: append(append([]lab.VM{}, lab.HealthyVMs...), lab.VM{Name: "app01", Host: lab.MasterHost, MemoryMB: 1024}),
		fault: update("VirtualMachine", "app01",
			types.PropertyChange{Name: "runtime.connectionState", Val: types.VirtualMachineConnectionStateOrphaned},
			types.PropertyChange{Name: "summary.runtime.connectionState", Val: types.VirtualMachineConnectionStateOrphaned}),
		exit: 3, want: map[string]string{"app01": "fail 78052 | on host DC0_H0 (master target mt01's host) is orphaned", "web01": "pass"}},
}

// TestFaults injects each fault into its own lab and checks the JSON result of the real binary.
func TestFaults(t *testing.T) {
	for _, tc := range faultCases {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			vms := tc.vms
			if vms == nil {
				vms = lab.HealthyVMs
			}
			l := startLab(t, vms)
			if tc.fault != nil {
				if err := tc.fault(l); err != nil {
					t.Fatal(err)
				}
			}
			env := l.Env()
			if tc.env != nil {
				env = tc.env(l)
			}
			p := tc.plan
			if p == "" {
				p = healthyPlan
			}
			args := append([]string{string(tc.phase), "-p", writePlan(t, p), "-f", "json", "--only", tc.check}, tc.args...)
			res := run(t, "", env, args...)
			if res.code != tc.exit {
				t.Errorf("exit %d, want %d\n%s%s", res.code, tc.exit, res.stdout, res.stderr)
			}
			expect(t, decode(t, res.stdout).Results, tc.want)
			for _, r := range decode(t, res.stdout).Results {
				if (r.Status == checks.Fail || r.Status == checks.Warn) && r.DocURL == "" {
					t.Errorf("%s: a %s result needs a doc link: %+v", r.Target, r.Status, r)
				}
			}
		})
	}
}
