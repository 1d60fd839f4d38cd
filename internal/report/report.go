// Package report renders a run's results as text, JSON, JUnit XML, Markdown or HTML: the verdict of
// every VM first, then each problem once with the VMs it affects. Renderers are pure functions of
// the report.
package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

// SchemaVersion is the version of the JSON output contract.
const SchemaVersion = 1

// Report is one run's results with its context.
type Report struct {
	SchemaVersion int          `json:"schemaVersion"`
	Tool          string       `json:"tool"`
	Version       string       `json:"version"`
	Phase         result.Phase `json:"phase"`
	Context       Context      `json:"context"`
	StartedAt     time.Time    `json:"startedAt"`
	DurationMs    int64        `json:"durationMs"`
	Summary       Summary      `json:"summary"`
	VMs           []result.VM  `json:"vms"` // every plan VM's verdict, sorted by name
	// RecoveryPlans are the verdicts of the recovery plans checked, in the plan's order; only when
	// the plan names any.
	RecoveryPlans []result.RecoveryPlan `json:"recoveryPlans,omitempty"`
	Results       []result.Result       `json:"results"`
	Steps         []Step                `json:"steps,omitempty"` // how long each step of the pipeline took
	// Waivers are the run's waivers and what became of each; only when there are any.
	Waivers []result.WaiverOutcome `json:"waivers,omitempty"`
	// Problems are the failures, errors and warnings, each with the VMs it affects, worst first:
	// what the human-readable reports are built around.
	Problems []result.Problem `json:"-"`
}

// Context names what the run was about.
type Context struct {
	Plan     string `json:"plan,omitempty"`     // the plan file of a live run
	Snapshot string `json:"snapshot,omitempty"` // the snapshot an offline analysis read
	VCenter  string `json:"vcenter,omitempty"`  // host:port the inventory was read from
	Vault    string `json:"vault,omitempty"`    // resource group/name
}

// Step is one step of the pipeline and its duration.
type Step struct {
	Name string `json:"step"`
	Ms   int64  `json:"ms"`
}

// Summary counts results by status, and VMs by verdict.
type Summary struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
	// Waived counts the failures, errors and warnings a live waiver sets aside: they are in none
	// of the counts above.
	Waived int      `json:"waived"`
	VMs    VMCounts `json:"vms"`
	// RecoveryPlans counts the recovery plans by verdict, when the plan names any.
	RecoveryPlans *VMCounts `json:"recoveryPlans,omitempty"`
}

// VMCounts counts VMs (or recovery plans) by verdict.
type VMCounts struct {
	Ready   int `json:"ready"`
	Warn    int `json:"warn"`
	Blocked int `json:"blocked"`
	Unknown int `json:"unknown"`
}

// Count is the number of VMs of the verdict.
func (c VMCounts) Count(v result.Verdict) int {
	switch v {
	case result.Ready:
		return c.Ready
	case result.Warned:
		return c.Warn
	case result.Blocked:
		return c.Blocked
	}
	return c.Unknown
}

// New builds a report from sorted results and the verdicts judged from them.
func New(version string, phase result.Phase, ctx Context, started time.Time, took time.Duration, results []result.Result,
	vms []result.VM, problems []result.Problem) Report {
	r := Report{
		SchemaVersion: SchemaVersion,
		Tool:          "asr-preflight",
		Version:       version,
		Phase:         phase,
		Context:       ctx,
		StartedAt:     started.UTC().Truncate(time.Second),
		DurationMs:    took.Milliseconds(),
		Results:       results,
		VMs:           vms,
		Problems:      problems,
	}
	if r.Results == nil {
		r.Results = []result.Result{}
	}
	if r.VMs == nil {
		r.VMs = []result.VM{}
	}
	for _, vm := range vms {
		r.Summary.VMs.add(vm.Verdict)
	}
	for _, res := range results {
		if res.Waived != nil {
			r.Summary.Waived++
			continue
		}
		switch res.Status {
		case result.Pass:
			r.Summary.Pass++
		case result.Warn:
			r.Summary.Warn++
		case result.Fail:
			r.Summary.Fail++
		case result.Error:
			r.Summary.Error++
		case result.Skip:
			r.Summary.Skip++
		}
	}
	return r
}

// add counts one more of the verdict.
func (c *VMCounts) add(v result.Verdict) {
	switch v {
	case result.Ready:
		c.Ready++
	case result.Warned:
		c.Warn++
	case result.Blocked:
		c.Blocked++
	default:
		c.Unknown++
	}
}

// SetRecoveryPlans adds the recovery plans' verdicts and their counts; none leaves both out.
func (r *Report) SetRecoveryPlans(plans []result.RecoveryPlan) {
	if len(plans) == 0 {
		r.RecoveryPlans, r.Summary.RecoveryPlans = nil, nil
		return
	}
	r.RecoveryPlans, r.Summary.RecoveryPlans = plans, &VMCounts{}
	for _, p := range plans {
		r.Summary.RecoveryPlans.add(p.Verdict)
	}
}

// Waived are the results a live waiver sets aside, in the report's order.
func (r Report) Waived() []result.Result {
	var out []result.Result
	for _, res := range r.Results {
		if res.Waived != nil {
			out = append(out, res)
		}
	}
	return out
}

// WaiverNotices are the waivers to act on — ended, ending within 14 days, matching nothing — each
// in a line naming it and where it is written.
func (r Report) WaiverNotices() []string {
	var out []string
	for _, w := range r.Waivers {
		what := w.Check + " for " + cmp.Or(w.VM, w.Target)
		switch w.State {
		case result.WaiverExpired:
			out = append(out, fmt.Sprintf("waiver of %s (%s) ended on %s: what it set aside counts again (%d result(s), unless another waiver holds them)", what, w.At, w.Expires, w.Matched))
		case result.WaiverEnding:
			out = append(out, fmt.Sprintf("waiver of %s (%s) ends on %s (owner %s): renew it or fix the problem", what, w.At, w.Expires, w.Owner))
		case result.WaiverUnused:
			out = append(out, fmt.Sprintf("waiver of %s (%s) matched nothing in this run: remove it, or check its check, target and code", what, w.At))
		}
	}
	return out
}

// Exit codes of a run.
const (
	ExitOK         = 0 // every check passed (skips allowed)
	ExitUnexpected = 1 // the tool itself failed
	ExitInput      = 2 // invalid flags or plan
	ExitFailed     = 3 // a check failed or could not be evaluated
	ExitWarnings   = 4 // warnings, no failure or error
)

// ExitCode is the process exit code the summary calls for.
func (s Summary) ExitCode() int {
	switch {
	case s.Fail > 0 || s.Error > 0:
		return ExitFailed
	case s.Warn > 0:
		return ExitWarnings
	}
	return ExitOK
}

// Format is an output format.
type Format string

// The output formats.
const (
	Text     Format = "text"
	JSON     Format = "json"
	JUnit    Format = "junit"
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// Formats lists every format, for help and validation.
var Formats = []Format{Text, JSON, JUnit, Markdown, HTML}

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q; expected one of %s", s, strings.Join(names, ", "))
}

// Options tune the text report.
type Options struct {
	Color   bool // ANSI colours (a terminal without NO_COLOR)
	Verbose bool // every pass and skip in full, and every VM in a row of its own
	Width   int  // columns the verdict table fits in; DefaultWidth when 0
}

// DefaultWidth is the text report's width when the terminal's is not known.
const DefaultWidth = 100

// Write renders the report in the format; the options apply to text only.
func Write(w io.Writer, f Format, r Report, o Options) error {
	switch f {
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		return writeJUnit(w, r)
	case Markdown:
		return writeMarkdown(w, printableReport(r))
	case HTML:
		return writeHTML(w, printableReport(r))
	}
	return writeText(w, printableReport(r), o)
}
