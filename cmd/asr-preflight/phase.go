package main

import (
	"errors"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func newPhaseCmd(phase result.Phase, short string) *cobra.Command {
	var f preflight.Flags
	cmd := &cobra.Command{
		Use:   string(phase) + " --plan FILE",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := preflight.Run(cmd.Context(), input(cmd, phase, f))
			return outcome(out, err)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.Plan, "plan", "p", "", "plan file (YAML); - reads standard input")
	reportFlags(fl, &f)
	fl.StringVar(&f.SaveSnapshot, "save-snapshot", "", "also write everything collected to `FILE`, for asr-preflight analyze (no secrets)")
	sourceFlags(fl, &f)
	_ = cmd.MarkFlagRequired("plan")
	return cmd
}

// sourceFlags are the flags of what a run reads — vCenter, Azure, the guest probe — and its time
// limit, shared by the phases and serve.
func sourceFlags(fl *pflag.FlagSet, f *preflight.Flags) {
	fl.DurationVar(&f.Timeout, "timeout", 2*time.Minute, "time limit for the whole run")
	fl.StringArrayVar(&f.RecoveryPlans, "recovery-plan", nil, "check the items of this recovery `NAME` of the plan's vault, in boot order (repeat for several; replaces the plan's recoveryPlans)")
	fl.StringVar(&f.VCenterURL, "vcenter-url", "", "vCenter `URL`, may carry user:password (env GOVC_URL; default: plan vcenter.url)")
	fl.StringVar(&f.VCenterUser, "vcenter-username", "", "vCenter user name (env GOVC_USERNAME)")
	fl.StringVar(&f.VCenterPassword, "vcenter-password", "", "vCenter password (env GOVC_PASSWORD; prefer --vcenter-password-file)")
	fl.StringVar(&f.VCenterPasswordFile, "vcenter-password-file", "", "read the vCenter password from `FILE`")
	fl.BoolVar(&f.Insecure, "insecure", false, "skip TLS certificate verification of vCenter (env GOVC_INSECURE)")
	fl.StringVar(&f.VCenterCA, "vcenter-ca", "", "PEM `FILE` of CA certificates to trust for vCenter (env GOVC_TLS_CA_CERTS)")
	fl.StringVar(&f.VCenterThumbprint, "vcenter-thumbprint", "", "SHA-1 or SHA-256 thumbprint vCenter's certificate must match")
	azureFlags(fl, &f.Azure)
	fl.BoolVar(&f.ProbeGuest, "probe-guest", false, "also check services inside each Azure VM with Run Command; NOT read-only: it runs a command in the VMs")
	fl.StringVar(&f.ASRUser, "asr-vcenter-user", "", "check the privileges of this `DOMAIN\\user` (the account ASR uses) instead of the logged-in one")
}

func newAnalyzeCmd() *cobra.Command {
	var f preflight.Flags
	var phase string
	cmd := &cobra.Command{
		Use:   "analyze --snapshot FILE",
		Short: "Run the checks on a snapshot saved with --save-snapshot, offline",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := preflight.Analyze(cmd.Context(), input(cmd, result.Phase(phase), f))
			return outcome(out, err)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Snapshot, "snapshot", "", "snapshot `FILE` written by reprotect or failback --save-snapshot")
	fl.StringVar(&phase, "phase", "", "reprotect or failback (default: the phase the snapshot was taken for)")
	reportFlags(fl, &f)
	_ = cmd.MarkFlagRequired("snapshot")
	return cmd
}

// reportFlags are the flags of the checks and the reports, shared by the phases and analyze.
func reportFlags(fl *pflag.FlagSet, f *preflight.Flags) {
	fl.StringVarP(&f.Format, "format", "f", "text", "report format on standard output: text, json, junit, markdown or html")
	fl.BoolVarP(&f.Verbose, "verbose", "v", false, "text report: print every pass and skip, and every ready VM")
	fl.StringVar(&f.JSON, "json", "", "also write the JSON report to `FILE`")
	fl.StringVar(&f.JUnit, "junit", "", "also write the JUnit XML report to `FILE`")
	fl.StringVar(&f.Markdown, "markdown", "", "also write the Markdown report to `FILE`")
	fl.StringVar(&f.HTML, "html", "", "also write the HTML report (one self-contained file) to `FILE`")
	fl.StringVar(&f.ReadyFile, "ready-file", "", "write the names of the ready VMs to `FILE`, one per line")
	fl.StringVar(&f.ReadyPlansFile, "ready-plans-file", "", "write the names of the ready recovery plans to `FILE`, one per line")
	fl.BoolVar(&f.Suggest, "suggest", false, "for each VM blocked or warned for its host, datastore or target name, suggest one the checks accept (same snapshot, no new request)")
	fl.StringVar(&f.SuggestedPlan, "suggested-plan", "", "write the plan with every suggestion applied to `FILE` (implies --suggest)")
	fl.BoolVar(&f.IncludeWarn, "include-warn", false, "--ready-file and --ready-plans-file list those with only warnings too")
	checkFlags(fl, f)
}

// checkFlags choose the checks and how they run, shared by the phases, analyze and serve.
func checkFlags(fl *pflag.FlagSet, f *preflight.Flags) {
	fl.StringSliceVar(&f.Only, "only", nil, "run only these check `IDS` (comma list)")
	fl.StringSliceVar(&f.Skip, "skip", nil, "skip these check `IDS` (comma list)")
	fl.StringSliceVar(&f.Ignore, "ignore", nil, "report failures of these check `IDS` as warnings (comma list)")
	fl.StringVar(&f.Waivers, "waivers", "", "set aside the known problems the waivers in `FILE` name, each until it expires (with the plan's waivers)")
	fl.IntVar(&f.Concurrency, "concurrency", 8, "checks run at once")
	fl.DurationVar(&f.CheckTimeout, "check-timeout", 30*time.Second, "time limit for one check")
}

// azureFlags are the Azure settings shared by the phases and the plan command.
func azureFlags(fl *pflag.FlagSet, a *preflight.AzureFlags) {
	fl.StringVar(&a.Subscription, "subscription", "", "Azure subscription `ID` (env AZURE_SUBSCRIPTION_ID; default: plan azure.subscriptionId)")
	fl.StringVar(&a.Cloud, "azure-cloud", "", "AzurePublic, AzureChina or AzureUSGovernment (env AZURE_CLOUD; default AzurePublic)")
	fl.StringVar(&a.Endpoint, "azure-endpoint", "", "Azure Resource Manager `URL` for Azure Stack Hub or a lab (env AZURE_RESOURCE_MANAGER_ENDPOINT)")
	fl.StringVar(&a.Audience, "azure-audience", "", "token audience `URL` for --azure-endpoint, as Azure Stack Hub gives it (env AZURE_RESOURCE_MANAGER_AUDIENCE; default: the cloud's)")
}

// input hands the command line to the pipeline.
func input(cmd *cobra.Command, phase result.Phase, f preflight.Flags) preflight.Input {
	stdout := cmd.OutOrStdout()
	return preflight.Input{Phase: phase, Flags: f, Changed: cmd.Flags().Changed, Getenv: os.Getenv,
		Stdin: cmd.InOrStdin(), Stdout: stdout, Stderr: cmd.ErrOrStderr(), Version: toolVersion(),
		Color: preflight.IsTerminal(stdout) && os.Getenv("NO_COLOR") == ""}
}

// outcome turns the pipeline's outcome into the exit code: 2 for bad input, 1 when an output
// could not be written, else what the results call for.
func outcome(out *preflight.Outcome, err error) error {
	switch {
	case preflight.IsInput(err):
		return inputError("%v", err)
	case err != nil:
		return &exitError{code: report.ExitUnexpected, err: err}
	}
	return &exitError{code: out.ExitCode(), err: errors.Join(out.Failed...)}
}
