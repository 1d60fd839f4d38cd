// Package report renders check results as text, JSON, JUnit XML or Markdown. Renderers are pure
// functions of the report.
package report

import (
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
	SchemaVersion int             `json:"schemaVersion"`
	Tool          string          `json:"tool"`
	Version       string          `json:"version"`
	Phase         result.Phase    `json:"phase"`
	StartedAt     time.Time       `json:"startedAt"`
	DurationMs    int64           `json:"durationMs"`
	Summary       Summary         `json:"summary"`
	Results       []result.Result `json:"results"`
	Steps         []Step          `json:"steps,omitempty"` // how long each step of the pipeline took
}

// Step is one step of the pipeline and its duration.
type Step struct {
	Name string `json:"step"`
	Ms   int64  `json:"ms"`
}

// Summary counts results by status.
type Summary struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// New builds a report from sorted results.
func New(version string, phase result.Phase, started time.Time, took time.Duration, results []result.Result) Report {
	r := Report{
		SchemaVersion: SchemaVersion,
		Tool:          "asr-preflight",
		Version:       version,
		Phase:         phase,
		StartedAt:     started.UTC().Truncate(time.Second),
		DurationMs:    took.Milliseconds(),
		Results:       results,
	}
	if r.Results == nil {
		r.Results = []result.Result{}
	}
	for _, res := range results {
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
)

// Formats lists every format, for help and validation.
var Formats = []Format{Text, JSON, JUnit, Markdown}

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

// Write renders the report in the format. Colour applies to text only.
func Write(w io.Writer, f Format, r Report, color bool) error {
	switch f {
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		return writeJUnit(w, r)
	case Markdown:
		return writeMarkdown(w, r)
	}
	return writeText(w, r, color)
}
