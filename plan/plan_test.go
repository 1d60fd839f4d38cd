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
		{"empty", "", []string{"plan.yaml: empty plan; expected a YAML mapping with version, masterTarget and vms"}},
		{"syntax", "version: 1\nmasterTarget: mt01: x\n", []string{"plan.yaml:2: syntax: mapping values are not allowed in this context"}},
		{"key twice", head + "masterTarget: mt02\nvms:\n  - {name: a, datastore: ds}\n", []string{"plan.yaml:3: masterTarget: field given twice"}},
		{"not a mapping", "- a\n", []string{"plan.yaml:1: plan: expected a mapping, got a list"}},
		{"unknown key", head + "colour: red\nvms:\n  - {name: a, datastore: ds}\n",
			[]string{"plan.yaml:3: colour: unknown field; expected one of version, vcenter, masterTarget, configurationServer, azure, defaults, vms"}},
		{"unknown VM key", head + "vms:\n  - name: a\n    datastore: ds\n    size: 3\n",
			[]string{"plan.yaml:6: vms[0].size: unknown field; expected one of name, location, datastore, host, memoryMB, azureVM"}},
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
			"plan.yaml:1: masterTarget: missing; expected the master target VM's name in vCenter",
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
  subscriptionId: s
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
