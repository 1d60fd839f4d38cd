// Package preflight is the pipeline: it resolves the configuration, then runs
// plan → collect → derive → analyze → report, one function per step, each timed.
package preflight

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
	"github.com/asr-preflight/asr-preflight/internal/waiver"
)

// InputError is bad input — a flag, a variable, the plan — found before any network traffic.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// Invalid is an *InputError of the message.
func Invalid(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Input is what the command line hands the pipeline: the phase, the flags' values and which were
// given, the environment and the standard streams.
type Input struct {
	Phase   result.Phase
	Flags   Flags
	Changed func(flag string) bool // whether the flag was given on the command line
	Getenv  func(string) string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Color   bool   // the text report may use colour
	Version string // of the tool, for the report and the snapshot
}

// Flags are the values of the phase commands' flags (and of analyze's, which has a subset).
type Flags struct {
	Plan, Snapshot, SaveSnapshot          string
	Format, JSON, JUnit, Markdown, HTML   string
	ReadyFile                             string   // --ready-file
	ReadyPlansFile                        string   // --ready-plans-file
	RecoveryPlans                         []string // --recovery-plan: replace the plan's recoveryPlans
	IncludeWarn, Verbose                  bool     // --include-warn, -v
	Suggest                               bool     // --suggest
	SuggestedPlan                         string   // --suggested-plan: implies --suggest
	Only, Skip, Ignore                    []string
	Waivers                               string // --waivers FILE
	Concurrency                           int
	Timeout, CheckTimeout                 time.Duration
	VCenterURL, VCenterUser               string
	VCenterPassword, VCenterPasswordFile  string
	VCenterCA, VCenterThumbprint, ASRUser string
	Insecure, ProbeGuest                  bool
	Azure                                 AzureFlags
}

// AzureFlags are the Azure settings shared by the phases and the plan command.
type AzureFlags struct {
	Subscription, Cloud, Endpoint, Audience string
}

// Config is the resolved configuration of one run.
type Config struct {
	Phase     result.Phase
	Plan      *plan.Plan
	Selected  []checks.Check // the phase's checks, narrowed by --only
	Active    []checks.Check // those not skipped: what collection serves
	Runner    checks.Options
	Timeout   time.Duration
	VCenter   *vcenter.Config // nil when no active check needs vCenter
	Azure     *azure.Config   // nil when Azure is not configured
	Guest     bool            // --probe-guest
	Suggest   bool            // --suggest (or --suggested-plan)
	Principal string          // --asr-vcenter-user
	Output    Output
	Version   string
	Stderr    io.Writer
	Waivers   []waiver.Waiver // the plan's, then --waivers'
	Today     time.Time       // the run's day, for the waivers
}

// Output says where the reports go.
type Output struct {
	Format      report.Format
	Text        report.Options // colour and verbosity of the text report on standard output
	Stdout      io.Writer
	Files       []File // in a fixed order: snapshot, JSON, JUnit, Markdown, HTML, ready list
	IncludeWarn bool   // the ready list names the warn VMs too
	Context     report.Context
}

// File is an output written to a file.
type File struct {
	Flag, Path string
	Content    Content
	Format     report.Format // of a report
}

// Content is what an output file holds.
type Content int

// The contents of output files.
const (
	ReportFile        Content = iota // a report in File.Format
	SnapshotFile                     // the inventory (--save-snapshot)
	ReadyFile                        // the names of the ready VMs, one per line (--ready-file)
	ReadyPlansFile                   // the names of the ready recovery plans, one per line (--ready-plans-file)
	SuggestedPlanFile                // the plan with the suggestions applied (--suggested-plan)
)

// Resolve checks every flag and variable, reads the plan, and resolves each setting — flag, then
// environment, then plan — before any network traffic. Its errors are *InputError.
func Resolve(in Input) (*Config, error) {
	cfg, err := resolveAnalysis(in)
	if err != nil {
		return nil, err
	}
	f := in.Flags
	if err := Positive("--timeout", f.Timeout); err != nil {
		return nil, err
	}
	cfg.Timeout, cfg.Guest, cfg.Principal = f.Timeout, f.ProbeGuest, f.ASRUser
	if f.RecoveryPlans != nil {
		if err := plan.CheckRecoveryPlans(f.RecoveryPlans); err != nil {
			return nil, Invalid("--recovery-plan: %v", err)
		}
	}
	if cfg.Plan, err = loadPlan(in.Stdin, f.Plan, f.RecoveryPlans); err != nil {
		return nil, err
	}
	cfg.Waivers = append(slices.Clone(cfg.Plan.Waivers), cfg.Waivers...)
	if err := cfg.checkWaivers(); err != nil {
		return nil, err
	}
	if f.ReadyPlansFile != "" && len(cfg.Plan.RecoveryPlans) == 0 {
		return nil, Invalid("--ready-plans-file: no recovery plan is checked: name them with --recovery-plan or the plan's recoveryPlans")
	}
	if cfg.Output.Files, err = outputFiles(f, f.Plan, "the plan file (--plan)"); err != nil {
		return nil, err
	}
	cfg.Output.Context.Plan = f.Plan
	if f.Plan == "-" {
		cfg.Output.Context.Plan = "<stdin>"
	}
	if cfg.Azure, err = resolveAzure(in, cfg.Plan); err != nil {
		return nil, err
	}
	if checks.Needs(cfg.Active, checks.VCenter) {
		vc, err := resolveVCenter(in, cfg.Plan)
		if err != nil {
			return nil, err
		}
		cfg.VCenter = &vc
	}
	return cfg, nil
}

// resolveAnalysis resolves what a live run and an offline analysis share: the checks selected and
// the report.
func resolveAnalysis(in Input) (*Config, error) {
	f := in.Flags
	format, err := report.ParseFormat(f.Format)
	if err != nil {
		return nil, Invalid("--format: %v", err)
	}
	for i, ids := range [][]string{f.Only, f.Skip, f.Ignore} {
		if err := checks.Validate(ids); err != nil {
			return nil, Invalid("%s: %v", []string{"--only", "--skip", "--ignore"}[i], err)
		}
	}
	if f.Concurrency < 1 {
		return nil, Invalid("--concurrency: expected a number ≥ 1, got %d", f.Concurrency)
	}
	if err := Positive("--check-timeout", f.CheckTimeout); err != nil {
		return nil, err
	}
	cfg := &Config{Phase: in.Phase, Version: in.Version, Stderr: in.Stderr, Suggest: f.Suggest || f.SuggestedPlan != "", Today: time.Now(),
		Runner: checks.Options{Concurrency: f.Concurrency, CheckTimeout: f.CheckTimeout, Skip: f.Skip, Ignore: f.Ignore},
		Output: Output{Format: format, Text: report.Options{Color: in.Color && format == report.Text, Verbose: f.Verbose, Width: columns(in.Getenv)},
			Stdout: in.Stdout, IncludeWarn: f.IncludeWarn}}
	if f.IncludeWarn && f.ReadyFile == "" && f.ReadyPlansFile == "" {
		return nil, Invalid("--include-warn: it adds the warn VMs to --ready-file FILE (and the warn plans to --ready-plans-file FILE), neither of which is set")
	}
	if err := cfg.selectChecks(f.Only); err != nil {
		return nil, err
	}
	if f.Waivers != "" {
		data, err := readLimited(f.Waivers, strictyaml.MaxBytes)
		if err != nil {
			return nil, Invalid("--waivers: %v", err)
		}
		if cfg.Waivers, err = waiver.Parse(f.Waivers, data); err != nil {
			return nil, Invalid("invalid waivers:\n%w", err)
		}
	}
	return cfg, nil
}

// checkWaivers checks the run's waivers — the plan's, then --waivers' — against the checks and
// the day: each names a check that exists and ends at most 180 days ahead.
func (cfg *Config) checkWaivers() error {
	known := func(id string) error { return checks.Validate([]string{id}) }
	if err := waiver.Check(cfg.Waivers, cfg.Today, known); err != nil {
		return Invalid("invalid waivers:\n%w", err)
	}
	return nil
}

// selectChecks picks the phase's checks, narrowed by --only, and those --skip leaves to run.
func (cfg *Config) selectChecks(only []string) error {
	cfg.Selected = checks.ForPhase(cfg.Phase, only)
	if len(only) > 0 && len(cfg.Selected) == 0 {
		var parts []string
		for _, id := range only {
			c, _ := checks.Lookup(id)
			parts = append(parts, fmt.Sprintf("%s runs only before %s", id, strings.Join(result.PhaseNames(c.Info().Phases), ",")))
		}
		return Invalid("--only: no check of %s selected: %s", cfg.Phase, strings.Join(parts, "; "))
	}
	cfg.Active = nil
	for _, c := range cfg.Selected {
		if !slices.Contains(cfg.Runner.Skip, c.Info().ID) {
			cfg.Active = append(cfg.Active, c)
		}
	}
	return nil
}

// loadPlan reads and validates the plan file, with the recovery plans of --recovery-plan when
// given; problems are an input error listing each one.
func loadPlan(stdin io.Reader, path string, recoveryPlans []string) (*plan.Plan, error) {
	if path == "" {
		return nil, Invalid("no plan: set --plan FILE (- reads standard input)")
	}
	var (
		data []byte
		err  error
		name = path
	)
	if path == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(io.LimitReader(stdin, strictyaml.MaxBytes+1))
	} else {
		data, err = readLimited(path, strictyaml.MaxBytes) // the parser reports a larger file
	}
	if err != nil {
		return nil, Invalid("reading plan: %v", err)
	}
	pl, err := plan.ParseWith(name, data, recoveryPlans)
	if err != nil {
		return nil, Invalid("invalid plan:\n%w", err)
	}
	return pl, nil
}

// Positive is an input error unless the flag's duration is positive.
func Positive(flag string, d time.Duration) error {
	if d <= 0 {
		return Invalid("%s: expected a positive duration, got %v", flag, d)
	}
	return nil
}

// checkPhase is an input error unless p is a phase.
func checkPhase(p result.Phase) error {
	if !slices.Contains(result.Phases, p) {
		return Invalid("--phase: expected reprotect or failback, got %q", p)
	}
	return nil
}

// readLimited reads a file, but no more than one byte past max, so that the caller can refuse a
// larger file without the tool reading all of it.
func readLimited(path string, max int64) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, max+1))
}

// outputFiles lists the files to write, in a fixed order, refusing a path that is the input file
// (named inputName in messages) or another output's, or whose folder does not exist.
func outputFiles(f Flags, input, inputName string) ([]File, error) {
	var out []File
	seen := map[string]string{}
	if input != "" && input != "-" {
		if abs, err := filepath.Abs(input); err == nil {
			seen[abs] = inputName
		}
	}
	for _, file := range []File{{"--save-snapshot", f.SaveSnapshot, SnapshotFile, ""}, {"--json", f.JSON, ReportFile, report.JSON},
		{"--junit", f.JUnit, ReportFile, report.JUnit}, {"--markdown", f.Markdown, ReportFile, report.Markdown},
		{"--html", f.HTML, ReportFile, report.HTML}, {"--ready-file", f.ReadyFile, ReadyFile, ""}, {"--ready-plans-file", f.ReadyPlansFile, ReadyPlansFile, ""},
		{"--suggested-plan", f.SuggestedPlan, SuggestedPlanFile, ""}} {
		if file.Path == "" {
			continue
		}
		abs, err := filepath.Abs(file.Path)
		if err != nil {
			return nil, Invalid("%s %s: %v", file.Flag, file.Path, err)
		}
		if other, dup := seen[abs]; dup {
			return nil, Invalid("%s %s: the same file as %s; each output needs a file of its own", file.Flag, file.Path, other)
		}
		if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
			return nil, Invalid("%s %s: folder %s does not exist", file.Flag, file.Path, filepath.Dir(file.Path))
		}
		seen[abs] = file.Flag + "'s"
		out = append(out, file)
	}
	return out, nil
}

// setting returns the flag's value if it was given, else the environment variable's, and where
// the value came from ("--flag" or "VARIABLE"; "" when neither is set).
func (in Input) setting(flag, value, env string) (string, string) {
	if in.Changed(flag) {
		return value, "--" + flag
	}
	if v := in.Getenv(env); v != "" {
		return v, env
	}
	return "", ""
}

// resolveVCenter resolves vCenter settings — flag, then GOVC_* environment, then plan — and
// validates them: a bad value is an input error naming where it came from.
func resolveVCenter(in Input, pl *plan.Plan) (vcenter.Config, error) {
	f := in.Flags
	origin := map[string]string{"thumbprint": "--vcenter-thumbprint"}
	var cfg vcenter.Config
	cfg.URL, origin["url"] = in.setting("vcenter-url", f.VCenterURL, "GOVC_URL")
	cfg.Username, _ = in.setting("vcenter-username", f.VCenterUser, "GOVC_USERNAME")
	cfg.Password, _ = in.setting("vcenter-password", f.VCenterPassword, "GOVC_PASSWORD")
	cfg.CAFile, origin["ca"] = in.setting("vcenter-ca", f.VCenterCA, "GOVC_TLS_CA_CERTS")
	cfg.Thumbprint, cfg.Datacenter, cfg.Insecure = f.VCenterThumbprint, pl.VCenter.Datacenter, f.Insecure
	if cfg.URL == "" && pl.VCenter.URL != "" {
		cfg.URL, origin["url"] = pl.VCenter.URL, pl.Where("vcenter.url")
	}
	if !in.Changed("insecure") {
		if v := in.Getenv("GOVC_INSECURE"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return cfg, Invalid("GOVC_INSECURE: expected true or false, got %q", v)
			}
			cfg.Insecure = b
		}
	}
	if f.VCenterPasswordFile != "" {
		b, err := os.ReadFile(f.VCenterPasswordFile)
		if err != nil {
			return cfg, Invalid("--vcenter-password-file: %v", err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	}
	if err := cfg.Validate(); err != nil {
		var se *vcenter.SettingError
		if errors.As(err, &se) && origin[se.Setting] != "" {
			return cfg, Invalid("%s: %v", origin[se.Setting], se.Err)
		}
		return cfg, Invalid("%v", err)
	}
	return cfg, nil
}

// resolveAzure resolves Azure settings, flag then environment then plan; nil when Azure is not
// configured at all. A malformed value is an input error naming where it came from.
func resolveAzure(in Input, pl *plan.Plan) (*azure.Config, error) {
	cfg, on, err := in.AzureConfig(pl)
	if err != nil || !on {
		return nil, err
	}
	return &cfg, nil
}

// AzureConfig resolves the Azure settings (the plan may be nil), whether Azure is configured at
// all, and checks them. The plan command uses it too.
func (in Input) AzureConfig(pl *plan.Plan) (azure.Config, bool, error) {
	f := in.Flags.Azure
	var cfg azure.Config
	var from string
	cfg.SubscriptionID, from = in.setting("subscription", f.Subscription, "AZURE_SUBSCRIPTION_ID")
	cfg.Cloud, _ = in.setting("azure-cloud", f.Cloud, "AZURE_CLOUD")
	cfg.Endpoint, _ = in.setting("azure-endpoint", f.Endpoint, "AZURE_RESOURCE_MANAGER_ENDPOINT")
	cfg.Audience, _ = in.setting("azure-audience", f.Audience, "AZURE_RESOURCE_MANAGER_AUDIENCE")
	on := cfg.SubscriptionID != "" || pl != nil && pl.Azure != nil
	if cfg.SubscriptionID == "" && pl != nil && pl.Azure != nil {
		cfg.SubscriptionID = pl.Azure.SubscriptionID // validated with the plan
	}
	if from != "" {
		if err := plan.CheckSubscription(cfg.SubscriptionID); err != nil {
			return cfg, on, Invalid("%s: %v", from, err)
		}
	}
	if err := cfg.Validate(); on && err != nil {
		return cfg, on, Invalid("%v", err)
	}
	return cfg, on, nil
}

// redactURL hides user information (user:password@) in a URL.
func redactURL(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	if scheme := strings.Index(s, "://"); scheme >= 0 && scheme < at {
		return s[:scheme+3] + s[at+1:]
	}
	return s[at+1:]
}

// columns is the terminal's width as the shell gives it (COLUMNS), or 0 when it gives none.
func columns(getenv func(string) string) int {
	n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS")))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
