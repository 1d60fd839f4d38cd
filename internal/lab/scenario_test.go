package lab

import (
	"strings"
	"testing"
)

func TestParseScenarioBad(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"unknown fault method", "vcenter:\n  faults:\n    - {method: DeleteEverything}\n", []string{
			`s.yaml:3: vcenter.faults[0].method: unknown vSphere method "DeleteEverything"; expected a method of the vSphere API, such as RetrievePropertiesEx or HasPrivilegeOnEntities`}},
		{"negative sizes", "vcenter:\n  hosts:\n    - {memoryGB: -8}\n  datastores:\n    - {capacityGB: 100, freeGB: -1}\n  vms:\n    - {name: a, memoryMB: -4, disksGB: [-1]}\n", []string{
			"s.yaml:3: vcenter.hosts[0].memoryGB: expected 1 to 24576 GB (24 TB, the most an ESXi host takes), got -8",
			"s.yaml:5: vcenter.datastores[0].freeGB: expected 0 to 100 GB (at most capacityGB), got -1",
			"s.yaml:7: vcenter.vms[0].memoryMB: expected 1 to 25165824 MB (24 TB, the most vSphere gives a VM), got -4",
			"s.yaml:7: vcenter.vms[0].disksGB[0]: expected 1 to 63488 GB (62 TB, the largest virtual disk), got -1"}},
		{"overflowing sizes", "vcenter:\n  datastores:\n    - {capacityGB: 9223372036854775807}\n  latencyMs: 99999999\n", []string{
			"s.yaml:3: vcenter.datastores[0].capacityGB: expected 1 to 65536 GB (64 TB, the largest VMFS datastore), got 9223372036854775807",
			"s.yaml:4: vcenter.latencyMs: expected 0 to 60000 ms, got 99999999"}},
		{"unknown item type", "azure:\n  items:\n    - {name: a, instanceType: HyperVReplicaAzure}\n", []string{
			`s.yaml:3: azure.items[0].instanceType: expected one of InMageAzureV2, InMageRcm, InMage, InMageRcmFailback, got "HyperVReplicaAzure"`}},
		{"bad health level", "azure:\n  items:\n    - name: a\n      healthErrors: [{code: '1', level: Fatal}]\n", []string{
			`s.yaml:4: azure.items[0].healthErrors[0].level: expected one of Error, Warning, Info, got "Fatal"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("s.yaml", []byte(tc.in))
			if err == nil {
				t.Fatal("accepted")
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	for _, m := range []string{"RetrievePropertiesEx", "HasPrivilegeOnEntities", "CreateVM_Task", "Login"} {
		if !vsphereMethod(m) {
			t.Errorf("%s is a vSphere method", m)
		}
	}
	for _, m := range []string{"VirtualDisk", "HostSystem", "", "Nope_Task"} {
		if vsphereMethod(m) {
			t.Errorf("%q is not a vSphere method", m)
		}
	}
}
