package preflight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
)

// VaultPlan is what asr-preflight plan asks for: a vault, the phase whose items to take, and what to
// write into the plan beside them.
type VaultPlan struct {
	Vault                   string // RESOURCE-GROUP/NAME
	Phase                   result.Phase
	MasterTarget, Datastore string
	Timeout                 time.Duration
	OnlyVMs                 string   // a file of VM names, one per line (a --ready-file): take only those
	RecoveryPlans           []string // take the items of these recovery plans, whatever their stage
}

// WritePlan reads the vault's protected items and renders a plan of those ready for the phase,
// with the Azure VM and memory Site Recovery recorded, for the operator to review and keep.
func WritePlan(ctx context.Context, in Input, vp VaultPlan) ([]byte, error) {
	rg, name, ok := strings.Cut(vp.Vault, "/")
	if !ok || rg == "" || name == "" || strings.Contains(name, "/") {
		return nil, Invalid("--vault: expected RESOURCE-GROUP/NAME, got %q", vp.Vault)
	}
	if err := checkPhase(vp.Phase); err != nil {
		return nil, err
	}
	if err := Positive("--timeout", vp.Timeout); err != nil {
		return nil, err
	}
	only, err := readNames(vp.OnlyVMs)
	if err != nil {
		return nil, err
	}
	if err := plan.CheckRecoveryPlans(vp.RecoveryPlans); err != nil {
		return nil, Invalid("--recovery-plan: %v", err)
	}
	if only != nil && len(vp.RecoveryPlans) > 0 {
		return nil, Invalid("--only-vms and --recovery-plan: a plan of recovery plans checks all their items; choose one")
	}
	cfg, _, err := in.AzureConfig(nil)
	if err != nil {
		return nil, err
	}
	if cfg.SubscriptionID == "" {
		return nil, Invalid("no Azure subscription: set --subscription or AZURE_SUBSCRIPTION_ID")
	}
	ctx, cancel := context.WithTimeoutCause(ctx, vp.Timeout, fmt.Errorf("no answer from Azure Resource Manager %s within --timeout %v", cfg.EndpointURL(), vp.Timeout))
	defer cancel()
	inv, parts, err := azure.Collect(ctx, cfg, azure.Request{Vault: &azure.Resource{ResourceGroup: rg, Name: name}, RecoveryPlans: vp.RecoveryPlans})
	for _, part := range []inventory.Part{inventory.VaultPart, inventory.RecoveryPlansPart} {
		if err == nil && parts[part].Error != "" {
			err = errors.New(parts[part].Error)
		}
	}
	if err != nil {
		return nil, errors.New(oneLine(err))
	}
	p := plan.Plan{Version: 1, MasterTarget: vp.MasterTarget, Defaults: plan.Defaults{Datastore: vp.Datastore},
		Azure:         &plan.Azure{SubscriptionID: cfg.SubscriptionID, Vault: plan.Resource{ResourceGroup: rg, Name: name}},
		RecoveryPlans: vp.RecoveryPlans, VMs: VaultVMs(inv, vp.Phase, true)}
	taken := "ready for " + string(vp.Phase)
	if len(vp.RecoveryPlans) > 0 {
		taken = "of recovery plan(s) " + strings.Join(vp.RecoveryPlans, ", ") + ", in boot order"
		if p.VMs, err = RecoveryPlanVMs(&inventory.Snapshot{Plan: &p, Azure: inv, Parts: parts}, vp.Phase, true); err != nil {
			return nil, err
		}
	}
	var missing []string
	if only != nil {
		p.VMs = slices.DeleteFunc(p.VMs, func(vm plan.VM) bool { return !slices.Contains(only, vm.Name) })
		for _, name := range only {
			if !slices.ContainsFunc(p.VMs, func(vm plan.VM) bool { return vm.Name == name }) {
				missing = append(missing, name)
			}
		}
	}
	if only != nil && len(p.VMs) == 0 {
		// A plan with a vault and no VMs would check every item of the vault.
		return nil, Invalid("--only-vms %s: none of its %d VM(s) is an item of vault %s ready for %s", vp.OnlyVMs, len(only), vp.Vault, vp.Phase)
	}
	if len(missing) > 0 {
		fmt.Fprintf(in.Stderr, "asr-preflight: --only-vms %s: left out, not items of vault %s ready for %s: %s\n", vp.OnlyVMs, vp.Vault, vp.Phase, strings.Join(missing, ", "))
	}
	hoistAppliance(&p)
	out, err := p.Marshal()
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("# Taken from vault %s for %s: %d VM(s) %s. Review the appliance (or masterTarget, for classic VMs),\n# defaults and each VM's location and datastore before use.\n",
		vp.Vault, vp.Phase, len(p.VMs), taken)
	if len(missing) > 0 {
		head += fmt.Sprintf("# Left out, not items of the vault ready for %s: %s (from --only-vms %s).\n", vp.Phase, strings.Join(missing, ", "), vp.OnlyVMs)
	}
	return append([]byte(head), out...), nil
}

// readNames reads a list of VM names, one per line, exactly as --ready-file writes them (a
// UTF-8 byte order mark, CRs of CRLF line ends and empty lines aside: a VM name may start with #
// or a space); nil when no file is named. A file that names no VM is an input error: a plan of no
// VMs would take the whole vault.
func readNames(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readLimited(path, strictyaml.MaxBytes)
	if err != nil {
		return nil, Invalid("--only-vms: %v", err)
	}
	if len(data) > strictyaml.MaxBytes {
		return nil, Invalid("--only-vms %s: larger than %d bytes", path, strictyaml.MaxBytes)
	}
	var names []string
	for line := range strings.Lines(strings.TrimPrefix(string(data), "\ufeff")) {
		if name := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, Invalid("--only-vms %s: names no VM; expected one VM name per line (as --ready-file writes them)", path)
	}
	return names, nil
}

// hoistAppliance writes one plan-wide appliance when every VM names the same one.
func hoistAppliance(p *plan.Plan) {
	if len(p.VMs) == 0 || p.VMs[0].Appliance == "" {
		return
	}
	for _, vm := range p.VMs {
		if vm.Appliance != p.VMs[0].Appliance {
			return
		}
	}
	p.Appliance = p.VMs[0].Appliance
	for i := range p.VMs {
		p.VMs[i].Appliance = ""
	}
}
