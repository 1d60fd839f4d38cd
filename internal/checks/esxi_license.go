package checks

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(ESXiLicense{}) }

// ESXiLicense reports target hosts running a free ESXi edition, to which failback fails.
type ESXiLicense struct{}

// Info describes the check.
func (ESXiLicense) Info() Info {
	return Info{
		ID:               "esxi.license",
		Kind:             HostKind,
		Title:            "No target host runs a free ESXi edition",
		Phases:           []Phase{Reprotect, Failback},
		Needs:            []inventory.Part{VCenter, Licenses},
		Cause:            "With the ESXi 5.5 free edition or the vSphere 6 Hypervisor free edition, failover succeeds but failback fails: the free edition's API is read-only.",
		Fix:              "Assign an evaluation or a paid vSphere licence to the host, then retry.",
		DocURL:           docFailback + "#common-issues",
		ModernizedDocURL: docTutorialModern,
	}
}

// freeLicense tells a free ESXi licence by its edition key or name.
func freeLicense(editionKey, name string) bool {
	return strings.HasPrefix(editionKey, "esxBasic") || strings.Contains(name, "Hypervisor") || strings.Contains(strings.ToLower(name), "free")
}

// Run evaluates the licence of every host a plan VM will run on.
func (ESXiLicense) Run(s *Input) []Result {
	out := unplaced(s, false)
	for _, g := range s.Facts.Hosts {
		r := Result{Target: g.Name}
		h, ok := s.VCenter.Host(g.Name)
		switch {
		case !ok:
			r.Status, r.Message = Skip, fmt.Sprintf("host %s is not in the inventory (see esxi.host)", g.Name)
		case h.License == nil:
			r.Status, r.Message = Error, fmt.Sprintf("vCenter reports no licence assignment for host %s", g.Name)
			r.Fix = "Check the host's licence in vCenter (Administration > Licensing > Assets)."
		case freeLicense(h.License.EditionKey, h.License.Name):
			r.Status = Fail
			r.Message = fmt.Sprintf("host %s runs the free licence %q (edition %s); failover works but failback to it fails", g.Name, h.License.Name, h.License.EditionKey)
		default:
			r.Status, r.Message = Pass, fmt.Sprintf("host %s is licensed with %q (edition %s)", g.Name, h.License.Name, h.License.EditionKey)
		}
		out = append(out, r)
	}
	return out
}
