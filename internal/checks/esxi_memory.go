package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(ESXiMemory{}) }

// ESXiMemory reports target hosts without enough free memory to power on all the plan VMs that
// land on them (ASR 8038).
type ESXiMemory struct{}

// Info describes the check.
func (ESXiMemory) Info() Info {
	c := Codes["8038"]
	return Info{
		ID:     "esxi.memory",
		Kind:   HostKind,
		Title:  "Each target host has free memory for all the VMs that power on there",
		Code:   c.Code,
		Phases: []Phase{Failback},
		Needs:  []inventory.Part{VCenter},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// headroom is the share of a host's memory that should stay free after failback.
const headroom = 0.10

// Run sums, per host, the memory of the plan VMs that will run there and compares it with the
// host's free memory.
func (ESXiMemory) Run(s *Input) []Result {
	out := unplaced(s, false)
	for _, g := range s.Facts.Hosts {
		out = append(out, hostMemory(s.VCenter, g))
	}
	return out
}

func hostMemory(inv *inventory.VCenter, g derive.Group) Result {
	r := Result{Target: g.Name}
	h, ok := inv.Host(g.Name)
	if !ok {
		r.Status, r.Message = Skip, fmt.Sprintf("host %s is not in the inventory (see esxi.host)", g.Name)
		return r
	}
	totalMB := h.MemoryBytes >> 20
	freeMB := totalMB - h.MemoryUsageMB
	needMB, parts, unknown := sizes(g.VMs, (*derive.VM).Memory, gb)
	have := fmt.Sprintf("host %s has %s free (%s total, %s in use)", g.Name, gb(freeMB), gb(totalMB), gb(h.MemoryUsageMB))
	need := fmt.Sprintf("%s need %s", listed(parts, " + "), gb(needMB))
	switch {
	case needMB > freeMB:
		r.Status, r.Code = Fail, "8038"
		r.Message = fmt.Sprintf("%s; %s together: %s short", have, need, gb(needMB-freeMB))
		r.Short = fmt.Sprintf("%s of memory short (%s free, %s needed)", roundGB(needMB-freeMB), roundGB(freeMB), roundGB(needMB))
		if len(unknown) > 0 {
			r.Message += fmt.Sprintf(", and more for %s, whose memory is unknown", listed(unknown, ", "))
		}
	case len(unknown) > 0:
		r.Status = Error
		r.Message = fmt.Sprintf("%s; memory unknown for %s", have, listed(unknown, ", "))
		r.Fix = "Set memoryMB in the plan for VMs that have no on-premises VM to read it from."
	case float64(freeMB-needMB) < headroom*float64(totalMB):
		r.Status = Warn
		r.Message = fmt.Sprintf("%s; %s, leaving %s, under 10%% of the host's memory", have, need, gb(freeMB-needMB))
		r.Short = fmt.Sprintf("%s of memory left after failback, under 10%%", roundGB(freeMB-needMB))
	default:
		r.Status = Pass
		r.Message = fmt.Sprintf("%s; %s", have, need)
	}
	return r
}
