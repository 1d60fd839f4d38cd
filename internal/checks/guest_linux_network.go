package checks

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(LinuxNetwork{}) }

// LinuxNetwork warns about Linux VMs with a static IP, which come back from failback with DHCP.
type LinuxNetwork struct{}

// Info describes the check.
func (LinuxNetwork) Info() Info {
	return Info{
		ID:               "guest.linux-network",
		Kind:             VMKind,
		Title:            "Linux VMs with a static IP are flagged: they come back with DHCP",
		Phases:           []Phase{Failback},
		Needs:            []inventory.Part{VCenter, GuestNet},
		Cause:            "A Linux VM with a static IP gets its address from DHCP in Azure, and keeps using DHCP after failback; the network-manager package is removed during recovery in Azure. Windows VMs get their static IP back.",
		Fix:              "After failback, sign in on the VM's console, reinstall network-manager if the distribution uses it, and set the static IP address again.",
		DocURL:           docFailback + "#common-issues",
		ModernizedDocURL: docModernized,
	}
}

// Run looks at the guest network that VMware Tools last reported for each plan VM's on-premises VM.
func (LinuxNetwork) Run(s *Input) []Result {
	var out []Result
	for _, vm := range s.Facts.VMs {
		name, v := vm.Name, vm.OnPrem
		r := Result{Target: name}
		switch {
		case v == nil:
			r.Status, r.Message = Skip, vm.OnPremProblem+": no guest network to read"
		case v.OSFamily() != "linuxGuest":
			r.Status, r.Message = Skip, fmt.Sprintf("%s is not a Linux guest (%s)", name, cmp.Or(v.GuestFamily, v.GuestID, "unknown OS"))
		case v.Details == nil || len(v.Details.NICs) == 0:
			r.Status, r.Message = Skip, fmt.Sprintf("%s is a Linux guest, but VMware Tools report no network configuration (VM %s)", name, v.PowerState)
		default:
			if static := staticIPs(v.Details.NICs); len(static) > 0 {
				r.Status = Warn
				r.Message = fmt.Sprintf("%s is a Linux guest with static IP %s: after failback it comes back with DHCP and without the network-manager package", name, strings.Join(static, ", "))
				r.Fix = fmt.Sprintf("After failback, sign in on %s's console, reinstall network-manager if the distribution uses it, and set %s again.", name, strings.Join(static, ", "))
			} else {
				r.Status, r.Message = Pass, name+" is a Linux guest using DHCP"
			}
		}
		out = append(out, r)
	}
	return out
}

// staticIPs lists the addresses set by hand, or on an adapter with DHCP off.
func staticIPs(nics []inventory.NIC) []string {
	var out []string
	for _, n := range nics {
		dhcpOff := n.DHCP != nil && !*n.DHCP
		for _, a := range n.Addresses {
			if a.Origin == "manual" || dhcpOff && a.Origin != "linklayer" && !strings.HasPrefix(a.IP, "fe80:") {
				out = append(out, a.IP)
			}
		}
	}
	return out
}
