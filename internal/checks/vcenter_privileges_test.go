package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestVCenterPrivileges(t *testing.T) {
	runCases(t, VCenterPrivileges{}, []checkCase{
		{"all held", nil, []want{{"vcenter", Pass, "", "the logged-in account holds all 2 privileges on datacenter DC1, host esx01, datastore ds01"}}},
		{"read-only", func(s *inventory.Snapshot) {
			for i := range s.VCenter.Privileges.Entities {
				s.VCenter.Privileges.Entities[i].Missing = []string{"Datastore.Browse", "Task.Create"}
			}
		}, []want{
			{"DC1", Fail, "", "the logged-in account lacks 2 of 2 privileges on datacenter DC1: Datastore.Browse, Task.Create; reprotect will not list the datastores"},
			{"esx01", Fail, "", "on host esx01"}, {"ds01", Fail, "", "on datastore ds01"}}},
		{"another principal", func(s *inventory.Snapshot) {
			s.VCenter.Privileges.Principal = `CORP\asr`
			s.VCenter.Privileges.Entities[2].Missing = []string{"Datastore.Browse"}
		}, []want{{"ds01", Fail, "", `account CORP\asr lacks 1 of 2 privileges on datastore ds01: Datastore.Browse`}}},
		{"hosts and datastores no VM uses do not matter", func(s *inventory.Snapshot) {
			p := s.VCenter.Privileges
			p.Entities = append(p.Entities, inventory.EntityPrivilege{Type: "HostSystem", Name: "esx09", Missing: []string{"Task.Create"}},
				inventory.EntityPrivilege{Type: "Datastore", Name: "scratch", Missing: []string{"Task.Create"}},
				inventory.EntityPrivilege{Type: "HostSystem", Name: "esx02", Missing: []string{}})
		}, []want{{"vcenter", Pass, "", "on datacenter DC1, host esx01, datastore ds01, host esx02"}}},
	})
}
