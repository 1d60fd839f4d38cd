package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

func init() { Register(GuestServices{}) }

// GuestProber runs the opt-in probe inside a failed-over VM (Run Command).
type GuestProber interface {
	Probe(ctx context.Context, vm azure.VM, configServer string) (azure.GuestState, error)
}

// GuestServices checks, from inside each failed-over VM, that the Mobility service runs and the
// configuration server's port answers (ASR 95226). It runs only with --probe-guest.
type GuestServices struct{}

// Info describes the check.
func (GuestServices) Info() Info {
	c := Codes["95226"]
	return Info{
		ID:     "azure.guest-services",
		Title:  "Inside the Azure VM, the Mobility service runs and reaches the configuration server (opt-in)",
		Code:   c.Code,
		Phases: []Phase{Reprotect},
		Needs:  []Source{Azure, Guest},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// Run probes each plan VM's Azure VM through Run Command.
func (GuestServices) Run(ctx context.Context, s *Snapshot) []Result {
	if s.Plan.ConfigurationServer == "" {
		return []Result{{Target: "-", Status: Skip, Message: "the plan names no configurationServer to reach from inside the VMs"}}
	}
	cs := configServerAddr(s.Plan.ConfigurationServer)
	return perAzureVM(s, func(vm plan.VM, ref azureRef) Result {
		found, _ := locate(s.Azure, ref)
		if found == nil {
			return Result{Status: Skip, Message: fmt.Sprintf("Azure VM %s was not found (see azure.vm-exists)", ref)}
		}
		target := *found
		if it, ok := protectedItem(s, vm.Name); ok && target.OSType == "" {
			target.OSType = it.OSType
		}
		st, err := s.Guest.Probe(ctx, target, cs)
		if err != nil {
			return Result{Status: Error, Message: fmt.Sprintf("Run Command in %s failed: %v", ref, err)}
		}
		var problems []string
		if !strings.EqualFold(st.Service, "Running") {
			problems = append(problems, fmt.Sprintf("the Mobility service (InMage Scout Application, svagents) is %s", st.Service))
		}
		if st.Port != "open" {
			problems = append(problems, fmt.Sprintf("%s is %s from inside the VM", cs, st.Port))
		}
		if len(problems) > 0 {
			return Result{Status: Fail, Code: "95226", Message: fmt.Sprintf("in Azure VM %s: %s", ref, strings.Join(problems, "; "))}
		}
		return Result{Status: Pass, Message: fmt.Sprintf("in Azure VM %s: the Mobility service runs and %s answers", ref, cs)}
	})
}
