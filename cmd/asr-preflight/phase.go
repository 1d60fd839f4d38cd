package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/checks"
	"github.com/asr-preflight/asr-preflight/plan"
	"github.com/asr-preflight/asr-preflight/report"
	"github.com/asr-preflight/asr-preflight/vcenter"
)

// phaseFlags are the flags of reprotect and failback.
type phaseFlags struct {
	plan                        string
	format                      string
	jsonFile, junitFile, mdFile string
	only, skip, ignore          []string
	concurrency                 int
	timeout, checkTimeout       time.Duration
	vcURL, vcUser, vcPassword   string
	vcPasswordFile              string
	insecure                    bool
	vcCA, vcThumbprint          string
	asrUser                     string
	azure                       azureFlags
	probeGuest                  bool
}

func newPhaseCmd(phase checks.Phase, short string) *cobra.Command {
	var f phaseFlags
	cmd := &cobra.Command{
		Use:   string(phase) + " --plan FILE",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPhase(cmd, phase, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.plan, "plan", "p", "", "plan file (YAML); - reads standard input")
	fl.StringVarP(&f.format, "format", "f", "text", "report format on standard output: text, json, junit or markdown")
	fl.StringVar(&f.jsonFile, "json", "", "also write the JSON report to `FILE`")
	fl.StringVar(&f.junitFile, "junit", "", "also write the JUnit XML report to `FILE`")
	fl.StringVar(&f.mdFile, "markdown", "", "also write the Markdown report to `FILE`")
	fl.StringSliceVar(&f.only, "only", nil, "run only these check `IDS` (comma list)")
	fl.StringSliceVar(&f.skip, "skip", nil, "skip these check `IDS` (comma list)")
	fl.StringSliceVar(&f.ignore, "ignore", nil, "report failures of these check `IDS` as warnings (comma list)")
	fl.IntVar(&f.concurrency, "concurrency", 8, "checks run at once")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "time limit for the whole run")
	fl.DurationVar(&f.checkTimeout, "check-timeout", 30*time.Second, "time limit for one check")
	fl.StringVar(&f.vcURL, "vcenter-url", "", "vCenter `URL`, may carry user:password (env GOVC_URL; default: plan vcenter.url)")
	fl.StringVar(&f.vcUser, "vcenter-username", "", "vCenter user name (env GOVC_USERNAME)")
	fl.StringVar(&f.vcPassword, "vcenter-password", "", "vCenter password (env GOVC_PASSWORD; prefer --vcenter-password-file)")
	fl.StringVar(&f.vcPasswordFile, "vcenter-password-file", "", "read the vCenter password from `FILE`")
	fl.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate verification of vCenter (env GOVC_INSECURE)")
	fl.StringVar(&f.vcCA, "vcenter-ca", "", "PEM `FILE` of CA certificates to trust for vCenter (env GOVC_TLS_CA_CERTS)")
	fl.StringVar(&f.vcThumbprint, "vcenter-thumbprint", "", "SHA-1 or SHA-256 thumbprint of vCenter's certificate to trust")
	f.azure.register(fl)
	fl.BoolVar(&f.probeGuest, "probe-guest", false, "also check services inside each Azure VM with Run Command; NOT read-only: it runs a command in the VMs")
	fl.StringVar(&f.asrUser, "asr-vcenter-user", "", "check the privileges of this `DOMAIN\\user` (the account ASR uses) instead of the logged-in one")
	_ = cmd.MarkFlagRequired("plan")
	return cmd
}

func runPhase(cmd *cobra.Command, phase checks.Phase, f *phaseFlags) error {
	started := time.Now()
	format, err := report.ParseFormat(f.format)
	if err != nil {
		return inputError("--format: %v", err)
	}
	for i, ids := range [][]string{f.only, f.skip, f.ignore} {
		if err := checks.Validate(ids); err != nil {
			return inputError("%s: %v", []string{"--only", "--skip", "--ignore"}[i], err)
		}
	}
	if f.concurrency < 1 {
		return inputError("--concurrency: expected a number ≥ 1, got %d", f.concurrency)
	}
	if f.timeout <= 0 || f.checkTimeout <= 0 {
		return inputError("--timeout and --check-timeout must be positive")
	}
	pl, err := loadPlan(cmd.InOrStdin(), f.plan)
	if err != nil {
		return err
	}
	selected := checks.ForPhase(phase, f.only)
	active := make([]checks.Check, 0, len(selected))
	for _, c := range selected {
		if !slices.Contains(f.skip, c.Info().ID) {
			active = append(active, c)
		}
	}
	stderr := cmd.ErrOrStderr()
	ctx, cancel := context.WithTimeoutCause(cmd.Context(), f.timeout, fmt.Errorf("run timed out after %v (--timeout)", f.timeout))
	defer cancel()
	snap, err := collect(ctx, cmd, f, phase, pl, active)
	if err != nil {
		return err
	}
	progress(stderr, "running checks…")
	results := checks.Run(ctx, selected, snap, checks.Options{
		Concurrency: f.concurrency, CheckTimeout: f.checkTimeout, Skip: f.skip, Ignore: f.ignore,
	})
	rep := report.New(toolVersion(), phase, started, time.Since(started), results)

	color := format == report.Text && isTerminal(cmd.OutOrStdout()) && os.Getenv("NO_COLOR") == ""
	if err := report.Write(cmd.OutOrStdout(), format, rep, color); err != nil {
		return &exitError{code: report.ExitUnexpected, err: fmt.Errorf("writing report: %w", err)}
	}
	for file, ff := range map[string]report.Format{f.jsonFile: report.JSON, f.junitFile: report.JUnit, f.mdFile: report.Markdown} {
		if file == "" {
			continue
		}
		if err := writeFile(file, ff, rep); err != nil {
			return &exitError{code: report.ExitUnexpected, err: err}
		}
	}
	return &exitError{code: rep.Summary.ExitCode()}
}

// loadPlan reads and validates the plan file; problems are an input error listing each one.
func loadPlan(stdin io.Reader, path string) (*plan.Plan, error) {
	var (
		data []byte
		err  error
		name = path
	)
	if path == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, inputError("reading plan: %v", err)
	}
	pl, err := plan.Parse(name, data)
	if err != nil {
		return nil, &exitError{code: report.ExitInput, err: fmt.Errorf("invalid plan:\n%w", err)}
	}
	return pl, nil
}

// vcenterConfig resolves vCenter settings: flag, then GOVC_* environment, then plan.
func vcenterConfig(cmd *cobra.Command, f *phaseFlags, pl *plan.Plan) (vcenter.Config, error) {
	cfg := vcenter.Config{
		URL:        setting(cmd, "vcenter-url", f.vcURL, "GOVC_URL"),
		Username:   setting(cmd, "vcenter-username", f.vcUser, "GOVC_USERNAME"),
		Password:   setting(cmd, "vcenter-password", f.vcPassword, "GOVC_PASSWORD"),
		CAFile:     setting(cmd, "vcenter-ca", f.vcCA, "GOVC_TLS_CA_CERTS"),
		Thumbprint: f.vcThumbprint,
		Datacenter: pl.VCenter.Datacenter,
		Insecure:   f.insecure,
	}
	if cfg.URL == "" {
		cfg.URL = pl.VCenter.URL
	}
	if !cmd.Flags().Changed("insecure") {
		if v := os.Getenv("GOVC_INSECURE"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return cfg, inputError("GOVC_INSECURE: expected true or false, got %q", v)
			}
			cfg.Insecure = b
		}
	}
	if f.vcPasswordFile != "" {
		b, err := os.ReadFile(f.vcPasswordFile)
		if err != nil {
			return cfg, inputError("--vcenter-password-file: %v", err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	}
	if cfg.URL == "" {
		return cfg, inputError("no vCenter URL: set --vcenter-url, GOVC_URL or vcenter.url in the plan")
	}
	return cfg, nil
}

// setting returns the flag's value if it was given, else the environment variable's.
func setting(cmd *cobra.Command, flag, value, env string) string {
	if cmd.Flags().Changed(flag) {
		return value
	}
	return os.Getenv(env)
}

func writeFile(path string, f report.Format, r report.Report) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing %s report: %w", f, err)
	}
	if err := report.Write(file, f, r, false); err != nil {
		file.Close()
		return fmt.Errorf("writing %s report %s: %w", f, path, err)
	}
	return file.Close()
}

// oneLine keeps an error's reason on one line for reports.
func oneLine(err error) error {
	return errors.New(strings.Join(strings.Fields(err.Error()), " "))
}

// progress tells a person at a terminal what is happening; it prints nothing otherwise.
func progress(w io.Writer, msg string) {
	if isTerminal(w) {
		fmt.Fprintln(w, msg)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
