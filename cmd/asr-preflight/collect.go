package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

// budget splits --timeout: the collectors share all of it but a reserve kept for the checks and the
// report, so that a source that never answers still leaves time to report on the others.
type budget struct {
	timeout  time.Duration // --timeout
	deadline time.Time     // the whole run's
	reserve  time.Duration // kept for the checks and the report
}

func newBudget(started time.Time, timeout time.Duration) budget {
	return budget{timeout: timeout, deadline: started.Add(timeout), reserve: min(timeout/5, 5*time.Second)}
}

// collector returns the context one collector runs in: it ends at deadline, and its cause names
// the endpoint and --timeout.
func (b budget) collector(ctx context.Context, what string, deadline time.Time) (context.Context, context.CancelFunc) {
	cause := fmt.Errorf("no answer from %s within %v (its share of --timeout %v; %v are kept for the checks and the report)",
		what, time.Until(deadline).Round(100*time.Millisecond), b.timeout, b.reserve)
	return context.WithDeadlineCause(ctx, deadline, cause)
}

// checks returns the context the checks run in: until the run's deadline, and never less than the
// reserve, even when a collector's clean-up used its grace after the deadline.
func (b budget) checks(ctx context.Context) (context.Context, context.CancelFunc) {
	end := b.deadline
	if least := time.Now().Add(b.reserve); least.After(end) {
		end = least
	}
	return context.WithDeadlineCause(ctx, end, fmt.Errorf("the checks did not finish within --timeout %v", b.timeout))
}

// collect gathers what the active checks need into one snapshot. When the plan takes its VMs from
// the vault, Azure is read first (it names the VMs) within half the collection time; otherwise
// Azure and vCenter are read at once, each within the collection time. A source that fails becomes
// the reason its checks report error; configuration mistakes are input errors, found before any
// collection starts.
func collect(ctx context.Context, cmd *cobra.Command, f *phaseFlags, phase checks.Phase, pl *plan.Plan, active []checks.Check, b budget) (*checks.Snapshot, error) {
	snap := &checks.Snapshot{Phase: phase, Plan: pl, Network: checks.TLSProber{},
		Errors: map[checks.Source]error{}, NotConfigured: map[checks.Source]string{}}
	stderr := cmd.ErrOrStderr()

	az, azureOn, err := f.azure.config(cmd, pl)
	if err != nil {
		return nil, err
	}
	switch {
	case !azureOn:
		snap.NotConfigured[checks.Azure] = "Azure is not configured: the plan has no azure section, and no --subscription or AZURE_SUBSCRIPTION_ID is set"
	case !pl.FromVault():
		snap.NotConfigured[checks.Vault] = "the plan names no azure.vault"
	}
	if !f.probeGuest {
		snap.NotConfigured[checks.Guest] = "opt-in: run with --probe-guest to check services inside the Azure VMs (it runs a command in each VM)"
	}
	needVC := checks.Needs(active, checks.VCenter)
	var vc vcenter.Config
	if needVC {
		if vc, err = vcenterConfig(cmd, f, pl); err != nil {
			return nil, err
		}
	}
	collectEnd := b.deadline.Add(-b.reserve)
	az.TryTimeout = min(time.Until(collectEnd)/3, 30*time.Second)
	if f.probeGuest && azureOn {
		probe, err := azure.NewGuestProbe(az)
		if err != nil {
			return nil, inputError("--probe-guest: %v", err)
		}
		snap.Guest = probe
	}
	var azureErr error
	readAzure := func(end time.Time) {
		if !azureOn || !checks.Needs(active, checks.Azure) && !pl.FromVault() {
			return
		}
		progress(stderr, "collecting Azure inventory…")
		actx, cancel := b.collector(ctx, "Azure Resource Manager "+az.EndpointURL(), end)
		defer cancel()
		snap.Azure, azureErr = azure.Collect(actx, az, azureRequest(pl))
	}
	if pl.FromVault() {
		readAzure(time.Now().Add(time.Until(collectEnd) / 2))
		if snap.Azure != nil && snap.Azure.Unavailable["vault"] == "" {
			if err := pl.AddVMs(azure.PlanVMs(snap.Azure, phase == checks.Reprotect)); err != nil {
				return nil, inputError("%v", err)
			}
		}
		if len(pl.VMs) == 0 {
			return nil, inputError("no VMs to check: the plan lists none, and vault %s/%s has no items ready for %s (or could not be read)",
				pl.Azure.Vault.ResourceGroup, pl.Azure.Vault.Name, phase)
		}
	}

	var wg sync.WaitGroup
	if !pl.FromVault() {
		wg.Go(func() { readAzure(collectEnd) }) // writes only snap.Azure and azureErr, read after Wait
	}
	if needVC {
		progress(stderr, "collecting vCenter inventory…")
		vctx, cancel := b.collector(ctx, "vCenter "+vc.Address(), collectEnd)
		inv, err := vcenter.Collect(vctx, vc, checks.VCenterRequest(active, pl, f.asrUser))
		cancel()
		if err != nil {
			snap.Errors[checks.VCenter] = oneLine(err)
		}
		snap.VCenter = inv
	}
	wg.Wait()
	if azureErr != nil {
		snap.Errors[checks.Azure] = oneLine(azureErr)
	}
	return snap, nil
}

// azureRequest names the resource groups of the plan's Azure VMs and the vault.
func azureRequest(pl *plan.Plan) azure.Request {
	var req azure.Request
	for _, vm := range pl.VMs {
		if vm.AzureVM != nil {
			req.ResourceGroups = append(req.ResourceGroups, vm.AzureVM.ResourceGroup)
		}
	}
	if pl.FromVault() {
		req.Vault = &azure.Resource{ResourceGroup: pl.Azure.Vault.ResourceGroup, Name: pl.Azure.Vault.Name}
	}
	return req
}
