package checks

import (
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestLinuxNetwork(t *testing.T) {
	off := false
	web := func(f func(*inventory.VM)) func(*inventory.Snapshot) {
		return func(s *inventory.Snapshot) { f(vmRef(s, "web01")) }
	}
	runCases(t, LinuxNetwork{}, []checkCase{
		{"DHCP", nil, []want{{"web01", Pass, "", "web01 is a Linux guest using DHCP"}, {"db01", Pass, "", ""}}},
		{"manual address", web(func(v *inventory.VM) { v.Details.NICs[0].Addresses[0].Origin = "manual" }), []want{
			{"web01", Warn, "", "web01 is a Linux guest with static IP 10.0.0.9: after failback it comes back with DHCP and without the network-manager package"},
			{"db01", Pass, "", ""}}},
		{"DHCP off", web(func(v *inventory.VM) {
			v.Details.NICs[0].DHCP = &off
			v.Details.NICs[0].Addresses = append(v.Details.NICs[0].Addresses, inventory.IPAddr{IP: "fe80::1", Origin: "linklayer"})
		}), []want{{"web01", Warn, "", "static IP 10.0.0.9:"}, {"db01", Pass, "", ""}}},
		{"Windows", web(func(v *inventory.VM) {
			v.GuestFamily = "windowsGuest"
			v.Details.NICs[0].Addresses[0].Origin = "manual"
		}), []want{
			{"web01", Skip, "", "web01 is not a Linux guest (windowsGuest)"}, {"db01", Pass, "", ""}}},
		{"no guest network", web(func(v *inventory.VM) { v.Details.NICs = nil }), []want{
			{"web01", Skip, "", "web01 is a Linux guest, but VMware Tools report no network configuration (VM poweredOff)"}, {"db01", Pass, "", ""}}},
		{"no on-prem VM", func(s *inventory.Snapshot) { s.Plan.VMs[0].Name = "app01" }, []want{
			{"app01", Skip, "", "no on-premises VM named app01: no guest network to read"}, {"db01", Pass, "", ""}}},
	})
}
