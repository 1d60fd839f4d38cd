package main

import (
	"context"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/asr-preflight/asr-preflight/azure"
	"github.com/asr-preflight/asr-preflight/checks"
	"github.com/asr-preflight/asr-preflight/plan"
	"github.com/asr-preflight/asr-preflight/vcenter"
)

// collect gathers what the active checks need into one snapshot. When the plan takes its VMs from
// the vault, Azure is read first (it names the VMs); otherwise Azure and vCenter are read at once.
// A source that fails becomes the reason its checks report error; configuration mistakes are input
// errors.
func collect(ctx context.Context, cmd *cobra.Command, f *phaseFlags, phase checks.Phase, pl *plan.Plan, active []checks.Check) (*checks.Snapshot, error) {
	snap := &checks.Snapshot{Phase: phase, Plan: pl, Network: checks.TLSProber{},
		Errors: map[checks.Source]error{}, NotConfigured: map[checks.Source]string{}}
	stderr := cmd.ErrOrStderr()

	az, azureOn := f.azure.config(cmd, pl)
	switch {
	case !azureOn:
		snap.NotConfigured[checks.Azure] = "Azure is not configured: the plan has no azure section, and no --subscription or AZURE_SUBSCRIPTION_ID is set"
	case !pl.FromVault():
		snap.NotConfigured[checks.Vault] = "the plan names no azure.vault"
	}
	if err := az.Validate(); azureOn && err != nil {
		return nil, inputError("%v", err)
	}
	needVC := checks.Needs(active, checks.VCenter)
	var vc vcenter.Config
	if needVC { // every input error before any collection starts
		var err error
		if vc, err = vcenterConfig(cmd, f, pl); err != nil {
			return nil, err
		}
	}
	if f.probeGuest && azureOn {
		probe, err := azure.NewGuestProbe(az)
		if err != nil {
			return nil, inputError("--probe-guest: %v", err)
		}
		snap.Guest = probe
	}
	var azureErr error
	readAzure := func() {
		if !azureOn || !checks.Needs(active, checks.Azure) && !pl.FromVault() {
			return
		}
		progress(stderr, "collecting Azure inventory…")
		snap.Azure, azureErr = azure.Collect(ctx, az, azureRequest(pl))
	}
	if pl.FromVault() {
		readAzure()
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
		wg.Go(readAzure) // writes only snap.Azure and azureErr, read after Wait
	}
	if needVC {
		progress(stderr, "collecting vCenter inventory…")
		inv, err := vcenter.Collect(ctx, vc, checks.VCenterRequest(active, pl, f.asrUser))
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

// azureFlags are the Azure settings shared by reprotect, failback and plan.
type azureFlags struct {
	subscription, cloud, endpoint string
}

func (a *azureFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&a.subscription, "subscription", "", "Azure subscription `ID` (env AZURE_SUBSCRIPTION_ID; default: plan azure.subscriptionId)")
	fl.StringVar(&a.cloud, "azure-cloud", "", "AzurePublic, AzureChina or AzureUSGovernment (env AZURE_CLOUD; default AzurePublic)")
	fl.StringVar(&a.endpoint, "azure-endpoint", "", "Azure Resource Manager `URL` for Azure Stack Hub or a lab (env AZURE_RESOURCE_MANAGER_ENDPOINT)")
}

// config resolves Azure settings, flag then environment then plan (which may be nil), and whether
// Azure is configured at all.
func (a *azureFlags) config(cmd *cobra.Command, pl *plan.Plan) (azure.Config, bool) {
	cfg := azure.Config{
		SubscriptionID: setting(cmd, "subscription", a.subscription, "AZURE_SUBSCRIPTION_ID"),
		Cloud:          setting(cmd, "azure-cloud", a.cloud, "AZURE_CLOUD"),
		Endpoint:       setting(cmd, "azure-endpoint", a.endpoint, "AZURE_RESOURCE_MANAGER_ENDPOINT"),
	}
	on := cfg.SubscriptionID != "" || pl != nil && pl.Azure != nil
	if cfg.SubscriptionID == "" && pl != nil && pl.Azure != nil {
		cfg.SubscriptionID = pl.Azure.SubscriptionID
	}
	return cfg, on
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
