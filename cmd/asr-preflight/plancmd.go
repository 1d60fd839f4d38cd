package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
)

func newPlanCmd() *cobra.Command {
	var (
		af                          azureFlags
		vault, phase, mt, datastore string
		timeout                     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "plan --vault RG/NAME",
		Short: "Print a plan taken from a vault's protected items, for you to review",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rg, name, ok := strings.Cut(vault, "/")
			if !ok || rg == "" || name == "" || strings.Contains(name, "/") {
				return inputError("--vault: expected RESOURCE-GROUP/NAME, got %q", vault)
			}
			if phase != string(checks.Reprotect) && phase != string(checks.Failback) {
				return inputError("--phase: expected reprotect or failback, got %q", phase)
			}
			if timeout <= 0 {
				return inputError("--timeout: expected a positive duration, got %v", timeout)
			}
			cfg, _, err := af.config(cmd, nil)
			if err != nil {
				return err
			}
			if cfg.SubscriptionID == "" {
				return inputError("no Azure subscription: set --subscription or AZURE_SUBSCRIPTION_ID")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			inv, err := azure.Collect(ctx, cfg, azure.Request{Vault: &azure.Resource{ResourceGroup: rg, Name: name}})
			if err == nil && inv.Unavailable["vault"] != "" {
				err = fmt.Errorf("%s", inv.Unavailable["vault"])
			}
			if err != nil {
				return &exitError{code: report.ExitUnexpected, err: oneLine(err)}
			}
			p := plan.Plan{Version: 1, MasterTarget: mt, Defaults: plan.Defaults{Datastore: datastore},
				Azure: &plan.Azure{SubscriptionID: cfg.SubscriptionID, Vault: plan.Resource{ResourceGroup: rg, Name: name}},
				VMs:   azure.PlanVMs(inv, phase == string(checks.Reprotect))}
			out, err := p.Marshal()
			if err != nil {
				return &exitError{code: report.ExitUnexpected, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# Taken from vault %s for %s: %d VM(s). Review masterTarget, defaults and each VM's\n# location and datastore before use.\n%s",
				vault, phase, len(p.VMs), out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&vault, "vault", "", "the Recovery Services vault, as `RESOURCE-GROUP/NAME`")
	fl.StringVar(&phase, "phase", "reprotect", "take items ready for reprotect (failed over) or failback (reprotected)")
	fl.StringVar(&mt, "master-target", "", "master target VM name to write into the plan")
	fl.StringVar(&datastore, "datastore", "", "default target datastore to write into the plan")
	fl.DurationVar(&timeout, "timeout", 2*time.Minute, "time limit")
	af.register(fl)
	_ = cmd.MarkFlagRequired("vault")
	return cmd
}
