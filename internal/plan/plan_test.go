package plan

import (
	"strings"
	"testing"
)

const good = `version: 1
vcenter:
  url: https://vcsa.example.com/sdk
  datacenter: DC1
masterTarget: mt01
configurationServer: cs01.example.com:443
azure:
  subscriptionId: 00000000-0000-0000-0000-000000000000
  vault: {resourceGroup: rg-asr, name: vault01}
vms:
  - name: web01
    location: original
    datastore: ds01
    host: esx01.example.com
    memoryMB: 8192
    azureVM: {resourceGroup: rg-dr, name: web01}
  - name: db01
    datastore: ds01
`

func TestParseGood(t *testing.T) {
	p, err := Parse("plan.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if p.MasterTarget != "mt01" || p.VCenter.Datacenter != "DC1" || len(p.VMs) != 2 {
		t.Fatalf("unexpected plan: %+v", p)
	}
	if p.VMs[0].MemoryMB != 8192 || p.VMs[0].AzureVM.Name != "web01" || p.Azure.Vault.Name != "vault01" {
		t.Fatalf("unexpected VM: %+v", p.VMs[0])
	}
	if p.VMs[1].Location != Original {
		t.Fatalf("location default: got %q, want original", p.VMs[1].Location)
	}
}

func TestParseBad(t *testing.T) {
	const head = "version: 1\nmasterTarget: mt01\n"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"plan.yaml: empty plan; expected a YAML mapping with version and vms"}},
		{"syntax", "version: 1\nmasterTarget: mt01: x\n", []string{"plan.yaml:2: syntax: mapping values are not allowed in this context"}},
		{"key twice", head + "masterTarget: mt02\nvms:\n  - {name: a, datastore: ds}\n", []string{"plan.yaml:3: masterTarget: field given twice"}},
		{"not a mapping", "- a\n", []string{"plan.yaml:1: plan: expected a mapping, got a list"}},
		{"waivers", head + "vms:\n  - {name: a, datastore: ds, location: original}\nwaivers:\n  - check: vm.name-collision\n    vm: a\n    expires: 2027-13-01\n",
			[]string{"plan.yaml:6: waivers[0].reason: missing; expected why the problem is accepted", "plan.yaml:6: waivers[0].owner: missing; expected who answers for it",
				`plan.yaml:8: waivers[0].expires: expected a date as YYYY-MM-DD, got "2027-13-01"`}},
		{"unknown key", head + "colour: red\nvms:\n  - {name: a, datastore: ds}\n",
			[]string{"plan.yaml:3: colour: unknown field; expected one of version, vcenter, masterTarget, appliance, configurationServer, azure, defaults, recoveryPlans, vms, waivers"}},
		{"unknown VM key", head + "vms:\n  - name: a\n    datastore: ds\n    size: 3\n",
			[]string{"plan.yaml:6: vms[0].size: unknown field; expected one of name, location, datastore, host, memoryMB, azureVM, appliance, targetName"}},
		{"missing vms", head, []string{"plan.yaml:1: vms: missing; expected a list of at least one VM, or azure.vault to take them from Site Recovery"}},
		{"empty vms", head + "vms: []\n", []string{"plan.yaml:3: vms: missing; expected a list of at least one VM, or azure.vault to take them from Site Recovery"}},
		{"bad default location", head + "defaults: {location: home}\nvms:\n  - {name: a, datastore: ds}\n", []string{`plan.yaml:3: defaults.location: expected "original" or "alternate", got "home"`}},
		{"vms not a list", head + "vms: web01\n", []string{`plan.yaml:3: vms: expected a list, got "web01"`}},
		{"duplicate name", head + "vms:\n  - {name: a, datastore: ds}\n  - {name: a, datastore: ds}\n",
			[]string{`plan.yaml:5: vms[1].name: duplicate VM name "a"; already used by vms[0]`}},
		{"bad location", head + "vms:\n  - name: a\n    datastore: ds\n    location: elsewhere\n",
			[]string{`plan.yaml:6: vms[0].location: expected "original" or "alternate", got "elsewhere"`}},
		{"bad memory", head + "vms:\n  - {name: a, datastore: ds, memoryMB: lots}\n",
			[]string{`plan.yaml:4: vms[0].memoryMB: expected an integer, got "lots"`}},
		{"missing fields", "version: 2\nvms:\n  - location: original\n", []string{
			"plan.yaml:1: version: expected 1, got 2",
			"plan.yaml:3: vms[0].name: missing; expected the on-premises VM's name",
			"plan.yaml:3: vms[0].datastore: missing; expected the target datastore's name (or defaults.datastore)",
		}},
		{"missing version", "masterTarget: mt01\nvms:\n  - {name: a, datastore: ds}\n", []string{"plan.yaml:1: version: missing; expected 1"}},
		{"half a vault", head + "azure:\n  vault: {name: v}\nvms:\n  - {name: a, datastore: ds}\n",
			[]string{"plan.yaml:4: azure.vault: expected both resourceGroup and name"}},
		{"two problems at once", head + "vms:\n  - {name: a, datastore: ds, location: x}\n  - {name: a, datastore: ds}\n", []string{
			`plan.yaml:4: vms[0].location: expected "original" or "alternate", got "x"`,
			`plan.yaml:5: vms[1].name: duplicate VM name "a"; already used by vms[0]`,
		}},
		{"configuration server injection", head + "configurationServer: \"cs01';touch /tmp/x;':443\"\nvms:\n  - {name: a, datastore: ds}\n", []string{
			`plan.yaml:3: configurationServer: expected host[:port] (a DNS name or an IP address, port 1-65535), got "cs01';touch /tmp/x;':443": not a DNS name or IP address`}},
		{"configuration server port", head + "configurationServer: cs01:99999\nvms:\n  - {name: a, datastore: ds}\n", []string{
			`plan.yaml:3: configurationServer: expected host[:port] (a DNS name or an IP address, port 1-65535), got "cs01:99999": the port must be a number from 1 to 65535`}},
		{"subscription not a GUID", head + "azure: {subscriptionId: my-sub}\nvms:\n  - {name: a, datastore: ds}\n", []string{
			`plan.yaml:3: azure.subscriptionId: expected a subscription ID (a GUID such as 00000000-0000-0000-0000-000000000000), got "my-sub"`}},
		{"memory beyond vSphere", head + "vms:\n  - {name: a, datastore: ds, memoryMB: 25165825}\n  - {name: b, datastore: ds, memoryMB: -1}\n", []string{
			"plan.yaml:4: vms[0].memoryMB: expected a number of MB from 1 to 25165824 (24 TB, the most vSphere gives a VM), got 25165825",
			"plan.yaml:5: vms[1].memoryMB: expected a number of MB from 1 to 25165824 (24 TB, the most vSphere gives a VM), got -1"}},
		{"memory overflowing int64", head + "vms:\n  - {name: a, datastore: ds, memoryMB: 99999999999999999999}\n", []string{
			`plan.yaml:4: vms[0].memoryMB: expected an integer, got "99999999999999999999"`}},
		{"control characters", head + "vms:\n  - {name: \"web\\e[31m01\", datastore: \"ds\\x00\"}\n  - {name: \"db\\n01\", datastore: ds}\n", []string{
			"plan.yaml:4: vms[0].name: contains the control character U+001B; expected printable text",
			"plan.yaml:4: vms[0].datastore: contains the control character U+0000; expected printable text",
			"plan.yaml:5: vms[1].name: contains the control character U+000A; expected printable text"}},
		{"second document", head + "vms:\n  - {name: a, datastore: ds}\n---\nversion: 1\n", []string{
			"plan.yaml:5: plan: a second YAML document; expected one document"}},
		{"recovery plans without a vault", head + "recoveryPlans: [rp-web]\nvms:\n  - {name: a, datastore: ds}\n", []string{
			"plan.yaml:3: recoveryPlans: expected azure.vault too: the recovery plans are read from the vault"}},
		{"recovery plan named twice", head + "azure: {vault: {resourceGroup: rg, name: v}}\nrecoveryPlans: [rp-web, RP-Web]\n", []string{
			`plan.yaml:4: recoveryPlans: recovery plan "RP-Web" is named twice (entries 0 and 1)`}},
		{"recovery plan empty", head + "azure: {vault: {resourceGroup: rg, name: v}}\nrecoveryPlans: [\" \"]\n", []string{
			"plan.yaml:4: recoveryPlans: entry 0 is empty; expected the name of a recovery plan of the vault"}},
		{"recovery plans, a bad location is still bad", head + "azure: {vault: {resourceGroup: rg, name: v}}\nrecoveryPlans: [rp]\nvms:\n  - {name: a, location: x}\n", []string{
			`plan.yaml:6: vms[0].location: expected "original" or "alternate", got "x"`}},
		{"too large", head + "vms:\n  - {name: a, datastore: ds}\n#" + strings.Repeat("x", 4<<20) + "\n", []string{
			"plan.yaml: larger than 4 MiB; expected a plan of a few KiB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("plan.yaml", []byte(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			perr, ok := err.(*Error)
			if !ok {
				t.Fatalf("error type %T, want *Error", err)
			}
			if got, want := strings.Join(perr.Problems, "\n"), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestPlanFromVault(t *testing.T) {
	const text = `version: 1
masterTarget: mt01
azure:
  subscriptionId: 11111111-2222-3333-4444-555555555555
  vault: {resourceGroup: rg-asr, name: vault01}
defaults: {datastore: ds01, location: alternate}
vms:
  - {name: web01, datastore: ds02}
  - {name: db01}
`
	p, err := Parse("plan.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if p.VMs[1].Datastore != "ds01" || p.VMs[1].Location != Alternate || p.VMs[0].Datastore != "ds02" {
		t.Fatalf("defaults not applied: %+v", p.VMs)
	}
	err = p.AddVMs([]VM{{Name: "WEB01", Datastore: "dsX"}, {Name: "app01", MemoryMB: 2048}})
	if err != nil || len(p.VMs) != 3 || p.VMs[0].Datastore != "ds02" || p.VMs[2].Name != "app01" || p.VMs[2].Datastore != "ds01" || p.VMs[2].MemoryMB != 2048 {
		t.Fatalf("AddVMs: %v %+v", err, p.VMs)
	}
	vaultOnly, err := Parse("plan.yaml", []byte("version: 1\nmasterTarget: mt01\nazure: {vault: {resourceGroup: rg, name: v}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := vaultOnly.AddVMs([]VM{{Name: "a"}, {Name: "b"}}); err == nil || err.Error() != "no datastore for a, b, taken from the vault: set defaults.datastore in the plan, or list them under vms" {
		t.Errorf("AddVMs without a datastore: %v", err)
	}
}

// TestRecoveryPlanVMs: with recovery plans, vms entries only set where the plans' VMs go; the VMs
// are exactly the plans', in their order, and the entries of no plan VM are returned.
func TestRecoveryPlanVMs(t *testing.T) {
	const text = `version: 1
azure: {vault: {resourceGroup: rg-asr, name: vault01}}
recoveryPlans: [rp-app]
defaults: {datastore: ds01}
vms:
  - {name: WEB01, host: esx02}
  - {name: db01, datastore: ds09, location: alternate, targetName: db01-new}
  - {name: old01}
`
	p, err := Parse("plan.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if p.VMs[0].Datastore != "" || p.VMs[0].Location != "" {
		t.Fatalf("defaults applied before the plans are read: %+v", p.VMs[0])
	}
	left, err := p.UseVMs([]VM{{Name: "db01", Datastore: "ds-item"}, {Name: "web01", Datastore: "ds-item", AzureVM: &Resource{ResourceGroup: "rg-dr", Name: "web01"}}, {Name: "app01"}})
	want := []VM{{Name: "db01", Location: Alternate, Datastore: "ds09"}, {Name: "web01", Location: Original, Datastore: "ds-item", Host: "esx02", AzureVM: &Resource{ResourceGroup: "rg-dr", Name: "web01"}},
		{Name: "app01", Location: Original, Datastore: "ds01"}}
	if err != nil || len(left) != 1 || left[0] != "old01" || len(p.VMs) != 3 {
		t.Fatalf("UseVMs: %v, left %v, VMs %+v", err, left, p.VMs)
	}
	if p.VMs[0].TargetName != "db01-new" {
		t.Errorf("db01's targetName: %q", p.VMs[0].TargetName)
	}
	for i, w := range want {
		g := p.VMs[i]
		if g.Name != w.Name || g.Location != w.Location || g.Datastore != w.Datastore || g.Host != w.Host || (g.AzureVM == nil) != (w.AzureVM == nil) {
			t.Errorf("VM %d: got %+v, want %+v", i, g, w)
		}
	}
	bare, _ := Parse("plan.yaml", []byte("version: 1\nazure: {vault: {resourceGroup: rg, name: v}}\nrecoveryPlans: [rp-app]\n"))
	if _, err := bare.UseVMs([]VM{{Name: "a"}}); err == nil || !strings.Contains(err.Error(), "no datastore for a, of the recovery plans rp-app") {
		t.Errorf("UseVMs without a datastore: %v", err)
	}
}

func TestHostPort(t *testing.T) {
	for _, tc := range []struct{ in, host, port string }{
		{"cs01", "cs01", "443"},
		{"cs01.example.com:8443", "cs01.example.com", "8443"},
		{"10.0.0.4:443", "10.0.0.4", "443"},
		{"10.0.0.4", "10.0.0.4", "443"},
		{"[fd00::4]:9443", "fd00::4", "9443"},
		{"[fd00::4]", "fd00::4", "443"},
		{"fd00::4", "fd00::4", "443"},
	} {
		host, port, err := HostPort(tc.in, "443")
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("%q: got %q %q %v, want %q %q", tc.in, host, port, err, tc.host, tc.port)
		}
	}
	for _, bad := range []string{"", ":443", "cs01:", "cs01:0", "cs01:65536", "cs01:+443", "cs01:0443", "cs 01", "cs01;id", "-cs01", "cs01-.x",
		"$(id)", "cs01:443:1", "[10.0.0.4]:443", "[fd00::4", "fd00::zz", strings.Repeat("a", 64) + ".com", "a.."} {
		if _, _, err := HostPort(bad, "443"); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
