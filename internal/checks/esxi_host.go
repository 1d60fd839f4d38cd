package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(ESXiHost{}) }

// ESXiHost reports target hosts that are missing, not ESXi, disconnected, in maintenance mode, or
// on an unsupported version.
type ESXiHost struct{}

// Info describes the check.
func (ESXiHost) Info() Info {
	return Info{
		ID:     "esxi.host",
		Kind:   HostKind,
		Title:  "Every target host is a connected ESXi host of a supported version, not in maintenance mode",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter},
		Cause:  "Failback works only to ESXi hosts managed by the vCenter ASR discovered (not Hyper-V, physical servers or Workstation); the host must be connected, out of maintenance mode, and run ESXi 6.5, 6.7, 7.0 or 8.0.",
		Fix:    "Pick a connected ESXi host managed by this vCenter, take it out of maintenance mode, or upgrade it to a supported ESXi version.",
		DocURL: docSupportMatrx,
	}
}

var (
	supportedESXi = []string{"6.5", "6.7", "7.0", "8.0"}
	olderESXi     = []string{"5.5", "6.0"} // allowed only by the 2019 support matrix
)

// Run evaluates every host a plan VM will run on.
func (ESXiHost) Run(s *Input) []Result {
	out := unplaced(s, true)
	for _, g := range s.Facts.Hosts {
		r := Result{Target: g.Name, Status: Pass}
		var problems []string
		h, ok := s.VCenter.Host(g.Name)
		if !ok {
			r.Status = Fail
			problems = append(problems, fmt.Sprintf("host %s (target of %s) is not an ESXi host of datacenter %s; failback works only to ESXi hosts managed by this vCenter",
				g.Name, vmNames(g.VMs), s.VCenter.Datacenter))
		} else {
			problems, r.Status = hostProblems(h)
		}
		if r.Status == Pass {
			r.Message = fmt.Sprintf("host %s runs %s %s, connected, not in maintenance mode (target of %s)", h.Name, h.Product, h.Version, vmNames(g.VMs))
		} else {
			r.Message = listed(problems, "; ")
		}
		out = append(out, r)
	}
	return out
}

func hostProblems(h inventory.Host) ([]string, Status) {
	name, version := h.Name, h.Version
	var problems []string
	status := Pass
	add := func(st Status, format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
		status = worst(status, st)
	}
	if h.ProductLineID != "embeddedEsx" && !strings.Contains(h.Product, "ESXi") {
		add(Fail, "host %s runs %q, not ESXi; failback works only to ESXi hosts", name, h.Product)
	}
	if h.ConnectionState != "connected" {
		add(Fail, "host %s is %s; it must be connected to vCenter", name, h.ConnectionState)
	}
	if h.InMaintenance {
		add(Fail, "host %s is in maintenance mode; VMs cannot be created or powered on there", name)
	}
	major, minor, ok := majorMinor(version)
	v := fmt.Sprintf("%d.%d", major, minor)
	switch {
	case !ok:
		add(Fail, "host %s reports no ESXi version we can read (%q); expected 6.5, 6.7, 7.0 or 8.0", name, version)
	case slices.Contains(olderESXi, v):
		add(Warn, "host %s runs ESXi %s, which only the 2019 support matrix allows; current docs support 6.5, 6.7, 7.0 and 8.0", name, version)
	case !slices.Contains(supportedESXi, v):
		add(Fail, "host %s runs ESXi %s; ASR supports 6.5, 6.7, 7.0 and 8.0", name, version)
	}
	return problems, status
}
