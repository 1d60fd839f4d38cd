package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func newPlanCmd() *cobra.Command {
	var (
		f     preflight.Flags
		vp    preflight.VaultPlan
		phase string
	)
	cmd := &cobra.Command{
		Use:   "plan --vault RG/NAME",
		Short: "Print a plan taken from a vault's protected items, for you to review",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			vp.Phase = result.Phase(phase)
			text, err := preflight.WritePlan(cmd.Context(), input(cmd, "", f), vp)
			if err == nil {
				_, err = cmd.OutOrStdout().Write(text)
			}
			if err != nil {
				return outcome(nil, err) // 2 for bad input, else 1
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&vp.Vault, "vault", "", "the Recovery Services vault, as `RESOURCE-GROUP/NAME`")
	fl.StringVar(&phase, "phase", "reprotect", "take items ready for reprotect (failed over) or failback (reprotected)")
	fl.StringVar(&vp.MasterTarget, "master-target", "", "master target VM name to write into the plan")
	fl.StringVar(&vp.Datastore, "datastore", "", "default target datastore to write into the plan")
	fl.StringArrayVar(&vp.RecoveryPlans, "recovery-plan", nil, "take the items of this recovery plan `NAME`, whatever their stage, and name the plan in the file (repeat for several)")
	fl.StringVar(&vp.OnlyVMs, "only-vms", "", "take only the VMs named in `FILE`, one per line (as --ready-file writes them)")
	fl.DurationVar(&vp.Timeout, "timeout", 2*time.Minute, "time limit")
	azureFlags(fl, &f.Azure)
	_ = cmd.MarkFlagRequired("vault")
	return cmd
}
