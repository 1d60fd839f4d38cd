package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
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
	if len(f.only) > 0 && len(selected) == 0 {
		return inputError("--only: no check of %s selected: %s", phase, otherPhase(f.only))
	}
	reports, err := reportFiles(f)
	if err != nil {
		return err
	}
	active := make([]checks.Check, 0, len(selected))
	for _, c := range selected {
		if !slices.Contains(f.skip, c.Info().ID) {
			active = append(active, c)
		}
	}
	stderr := cmd.ErrOrStderr()
	b := newBudget(started, f.timeout)
	ctx, cancel := context.WithDeadlineCause(cmd.Context(), b.deadline, fmt.Errorf("run timed out after %v (--timeout)", f.timeout))
	defer cancel()
	snap, err := collect(ctx, cmd, f, phase, pl, active, b)
	if err != nil {
		return err
	}
	progress(stderr, "running checks…")
	cctx, cancelChecks := b.checks(cmd.Context())
	defer cancelChecks()
	results := checks.Run(cctx, selected, snap, checks.Options{
		Concurrency: f.concurrency, CheckTimeout: f.checkTimeout, Skip: f.skip, Ignore: f.ignore,
	})
	rep := report.New(toolVersion(), phase, started, time.Since(started), results)

	color := format == report.Text && isTerminal(cmd.OutOrStdout()) && os.Getenv("NO_COLOR") == ""
	var failed []error
	if err := report.Write(cmd.OutOrStdout(), format, rep, color); err != nil {
		failed = append(failed, fmt.Errorf("writing the report: %w", err))
	}
	for _, r := range reports { // each one, in a fixed order, whatever happened to the others
		if err := writeFile(r.path, r.format, rep); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return &exitError{code: report.ExitUnexpected, err: errors.Join(failed...)}
	}
	return &exitError{code: rep.Summary.ExitCode()}
}

// otherPhase says, for checks that do not run in this phase, where they do run.
func otherPhase(ids []string) string {
	var parts []string
	for _, id := range ids {
		c, _ := checks.Lookup(id)
		parts = append(parts, fmt.Sprintf("%s runs only before %s", id, phases(c.Info().Phases)))
	}
	return strings.Join(parts, "; ")
}

// reportFile is a report to write to a file.
type reportFile struct {
	flag, path string
	format     report.Format
}

// reportFiles lists the report files asked for, in a fixed order, refusing before any collection a
// path that is the plan file or another report's, or whose folder does not exist.
func reportFiles(f *phaseFlags) ([]reportFile, error) {
	var out []reportFile
	seen := map[string]string{}
	if f.plan != "-" {
		if abs, err := filepath.Abs(f.plan); err == nil {
			seen[abs] = "the plan file (--plan)"
		}
	}
	for _, r := range []reportFile{{"--json", f.jsonFile, report.JSON}, {"--junit", f.junitFile, report.JUnit}, {"--markdown", f.mdFile, report.Markdown}} {
		if r.path == "" {
			continue
		}
		abs, err := filepath.Abs(r.path)
		if err != nil {
			return nil, inputError("%s %s: %v", r.flag, r.path, err)
		}
		if other, dup := seen[abs]; dup {
			return nil, inputError("%s %s: the same file as %s; each report needs a file of its own", r.flag, r.path, other)
		}
		if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
			return nil, inputError("%s %s: folder %s does not exist", r.flag, r.path, filepath.Dir(r.path))
		}
		seen[abs] = r.flag + "'s"
		out = append(out, r)
	}
	return out, nil
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
		data, err = io.ReadAll(io.LimitReader(stdin, strictyaml.MaxBytes+1))
	} else {
		data, err = readLimited(path)
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

// writeFile writes a report through a temporary file in the same folder, renamed into place once
// complete: a failure never leaves a half-written report, nor destroys the file that was there.
func writeFile(path string, f report.Format, r report.Report) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s report %s: %w", f, path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	if err := report.Write(tmp, f, r, false); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s report %s: %w", f, path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s report %s: %w", f, path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s report %s: %w", f, path, err)
	}
	return nil
}

// readLimited reads a file, but no more than one byte past what a plan may hold: the parser
// reports a larger file without the tool reading all of it.
func readLimited(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, strictyaml.MaxBytes+1))
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
