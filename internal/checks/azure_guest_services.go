package checks

import (
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(GuestServices{}) }

// GuestServices reads what the opt-in probe found inside each failed-over VM: the Mobility
// service runs and the configuration server's port answers (ASR 95226). The probe runs during
// collection, only with --probe-guest.
type GuestServices struct{}

// Info describes the check.
func (GuestServices) Info() Info {
	c := Codes["95226"]
	return Info{
		ID:     "azure.guest-services",
		Kind:   VMKind,
		Title:  "Inside the Azure VM, the Mobility service runs and reaches the configuration server (opt-in)",
		Code:   c.Code,
		Phases: []Phase{Reprotect},
		Needs:  []inventory.Part{Azure, Guest},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run reports the probe's finding in each plan VM's Azure VM.
func (GuestServices) Run(s *Input) []Result {
	cs := s.Plan.ConfigurationServerAddr()
	return perAzureVM(s, func(vm *derive.VM) Result {
		st, probed := s.Probes.Guest[vm.Name]
		switch {
		case vm.Modernized:
			return Result{Status: Skip, Message: vm.Name + " is modernized: there is no configuration server to reach (asr.agent reads the agent's registration and heartbeat)"}
		case !probed:
			return Result{Status: Skip, Message: fmt.Sprintf("Azure VM %s was not found (see azure.vm-exists)", vm.Azure)}
		case st.Error != "":
			return Result{Status: Error, Message: fmt.Sprintf("Run Command in %s failed: %s", st.AzureVM, st.Error)}
		}
		var problems []string
		if !strings.EqualFold(st.Service, "Running") {
			problems = append(problems, fmt.Sprintf("the Mobility service (InMage Scout Application, svagents) is %s", st.Service))
		}
		if st.Port != "open" {
			problems = append(problems, fmt.Sprintf("%s is %s from inside the VM", cs, st.Port))
		}
		if len(problems) > 0 {
			return Result{Status: Fail, Code: "95226", Message: fmt.Sprintf("in Azure VM %s: %s", st.AzureVM, strings.Join(problems, "; "))}
		}
		return Result{Status: Pass, Message: fmt.Sprintf("in Azure VM %s: the Mobility service runs and %s answers", st.AzureVM, cs)}
	})
}
