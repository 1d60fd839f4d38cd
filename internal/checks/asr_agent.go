package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(Agent{}) }

// Agent reports failed-over VMs whose Mobility agent cannot drive reprotect: modernized, it did
// not re-register with Site Recovery after failover; classic, it stopped sending heartbeats.
type Agent struct{}

// Info describes the check.
func (Agent) Info() Info {
	c := Codes["78174"]
	return Info{
		ID:     "asr.agent",
		Kind:   VMKind,
		Title:  "The failed-over VM's Mobility agent re-registered after failover (modernized) or sends heartbeats (classic)",
		Code:   c.Code,
		Phases: []Phase{Reprotect},
		Needs:  []inventory.Part{Azure, Vault},
		Cause: "Reprotect reverses replication through the Mobility agent inside the failed-over Azure VM. Modernized, it must have re-registered with Site Recovery after failover (isAgentRegistrationSuccessfulAfterFailover) with no agent health error; " +
			"its heartbeat stops near the failover time, so the heartbeat's age says nothing. Classic, it must keep sending heartbeats. " + c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run reads each failed-over item's agent registration (modernized) or heartbeat (classic).
func (Agent) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		it := vm.Item
		r := Result{Target: vm.Name}
		if !it.Modernized() {
			r.Status, r.Message = heartbeat(s, "its Mobility agent", it.AgentHeartbeat)
			if r.Status == Fail {
				r.Code = "78174"
			}
			r.Message = vm.Name + ": " + r.Message
			return []Result{r}
		}
		if it.Stage() != inventory.FailedOver {
			return []Result{{Target: vm.Name, Status: Skip, Message: fmt.Sprintf("%s is not failed over (%s): its agent re-registers only after failover (see asr.protected-item)", vm.Name, it.Stage())}}
		}
		beat := lastBeat(s, it)
		for _, e := range it.HealthErrors {
			if e.Code == "78174" && levelStatus(e.Level) == Fail {
				r.Status, r.Code = Fail, "78174"
				r.Message = fmt.Sprintf("%s: Site Recovery reports error 78174 on the item, its Mobility agent has no heartbeat: %s; %s", vm.Name, e.Message, beat)
				r.Short = "Mobility agent has no heartbeat"
				return []Result{r}
			}
		}
		switch {
		case it.AgentRegistered == nil:
			r.Status, r.Message = Warn, fmt.Sprintf("%s: Site Recovery does not say whether the Mobility agent re-registered after failover; %s", vm.Name, beat)
		case !*it.AgentRegistered:
			r.Status, r.Code = Fail, "78174"
			r.Message = fmt.Sprintf("%s: the Mobility agent did not re-register with Site Recovery after failover; %s", vm.Name, beat)
			r.Short = "Mobility agent not re-registered after failover"
		default:
			r.Status, r.Message = Pass, fmt.Sprintf("%s: the Mobility agent re-registered with Site Recovery after failover, no agent health error; %s", vm.Name, beat)
		}
		return []Result{r}
	})
}

// lastBeat says when a failed-over modernized item's agent last sent a heartbeat, against the
// failover: a heartbeat that stopped near it is what Site Recovery reports, not a fault.
func lastBeat(s *Input, it *inventory.ProtectedItem) string {
	switch hb, fo := it.AgentHeartbeat, it.LastFailover; {
	case hb.IsZero():
		return "no agent heartbeat recorded"
	case fo.IsZero():
		return fmt.Sprintf("its last agent heartbeat was %s ago", ago(s.CollectedAt.Sub(hb)))
	case hb.Before(fo):
		return fmt.Sprintf("its last agent heartbeat was %s before the failover (%s ago), as Site Recovery reports failed-over items", ago(fo.Sub(hb)), ago(s.CollectedAt.Sub(hb)))
	default:
		return fmt.Sprintf("its last agent heartbeat was %s after the failover (%s ago)", ago(hb.Sub(fo)), ago(s.CollectedAt.Sub(hb)))
	}
}
