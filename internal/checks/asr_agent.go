package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(Agent{}) }

// Agent reports failed-over VMs whose Mobility agent did not re-register after failover or stopped
// sending heartbeats: reprotect cannot drive it.
type Agent struct{}

// Info describes the check.
func (Agent) Info() Info {
	c := Codes["78174"]
	return Info{
		ID:     "asr.agent",
		Kind:   VMKind,
		Title:  "The failed-over VM's Mobility agent re-registered after failover and sends heartbeats",
		Code:   c.Code,
		Phases: []Phase{Reprotect},
		Needs:  []inventory.Part{Azure, Vault},
		Cause:  "Reprotect reverses replication through the Mobility agent inside the failed-over Azure VM: it must have re-registered with Site Recovery after failover (modernized) and keep sending heartbeats. " + c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run reads each item's agent registration and heartbeat.
func (Agent) Run(s *Input) []Result {
	return perItem(s, func(vm *derive.VM) []Result {
		it := vm.Item
		r := Result{Target: vm.Name}
		status, text := heartbeat(s, "its Mobility agent", it.AgentHeartbeat)
		if status == Fail {
			r.Code = "78174"
		}
		switch {
		case !it.Modernized():
		case it.AgentRegistered == nil:
			status, text = worst(status, Warn), "Site Recovery does not say whether the Mobility agent re-registered after failover; "+text
		case !*it.AgentRegistered:
			status, text = Fail, "the Mobility agent did not re-register with Site Recovery after failover; "+text
			r.Fix = "Sign in to the Azure VM, check the Mobility service runs and reaches the Site Recovery service URLs (*.hypervrecoverymanager.windowsazure.com, *.servicebus.windows.net, *.blob.core.windows.net), then wait for it to re-register."
		default:
			text = "the Mobility agent re-registered after failover; " + text
		}
		r.Status, r.Message = status, fmt.Sprintf("%s: %s", vm.Name, text)
		return []Result{r}
	})
}
