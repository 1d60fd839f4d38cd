// Package waiver sets known, accepted problems aside for a while: a waiver names a check and the
// VM or target it fails for, why, who owns it and when it ends. A result it matches keeps its
// status but no longer counts toward verdicts and exit codes; once it expires, the result counts
// again, and the report says the waiver ended.
package waiver

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
)

// Waiver is one entry of a waivers file or of a plan's waivers.
type Waiver struct {
	Check   string `yaml:"check" json:"check"`
	VM      string `yaml:"vm,omitempty" json:"vm,omitempty"`
	Target  string `yaml:"target,omitempty" json:"target,omitempty"` // KIND:NAME, "host:esx01"
	Code    string `yaml:"code,omitempty" json:"code,omitempty"`
	Reason  string `yaml:"reason" json:"reason"`
	Owner   string `yaml:"owner" json:"owner"`
	Expires string `yaml:"expires" json:"expires"` // YYYY-MM-DD, the last day it holds
	At      string `yaml:"-" json:"at"`            // file:line, for messages
}

// MaxAhead is how far ahead a waiver may end.
const MaxAhead = 180 * 24 * time.Hour

// WarnAhead is how soon before its end a waiver is said to be ending.
const WarnAhead = 14 * 24 * time.Hour

// dateLayout is the layout of Expires.
const dateLayout = "2006-01-02"

// File is a waivers file (--waivers).
type File struct {
	Waivers []Waiver `yaml:"waivers"`
}

// Parse reads a waivers file; name is the file name used in messages. Every problem of shape — an
// unknown key, a missing reason, a date that is not one — is an *strictyaml.Error naming the file,
// line and field.
func Parse(name string, data []byte) ([]Waiver, error) {
	var f File
	d, err := strictyaml.Decode(name, data, &f, "waivers", "empty waivers file; expected a mapping with waivers: a list")
	if err != nil {
		return nil, err
	}
	if len(f.Waivers) == 0 {
		d.Addf("waivers", "missing; expected a list of at least one waiver")
	}
	d.RejectControl()
	Validate(d, "waivers", f.Waivers)
	return f.Waivers, d.Err()
}

// Validate checks the waivers at field (a list) of a decoded file for what their shape alone
// cannot say, and records where each is. The file's parser rejects control characters.
func Validate(d *strictyaml.Doc, field string, ws []Waiver) {
	for i := range ws {
		at := fmt.Sprintf("%s[%d]", field, i)
		ws[i].At = fmt.Sprintf("%s:%d", d.File(), d.Line(at))
		check(ws[i], func(sub, format string, args ...any) { d.Addf(at+sub, format, args...) })
	}
}

// Loaded checks waivers read back from a snapshot's plan as Validate checks a file's, control and
// bidirectional characters included: a snapshot is a file too.
func Loaded(ws []Waiver) error {
	var problems []string
	for i, w := range ws {
		check(w, func(sub, format string, args ...any) {
			problems = append(problems, fmt.Sprintf("%s: waivers[%d]%s: %s", w.At, i, sub, fmt.Sprintf(format, args...)))
		})
		for name, v := range map[string]string{"check": w.Check, "vm": w.VM, "target": w.Target, "code": w.Code, "reason": w.Reason, "owner": w.Owner, "expires": w.Expires, "at": w.At} {
			if i := strings.IndexFunc(v, strictyaml.Unsafe); i >= 0 {
				problems = append(problems, fmt.Sprintf("waivers[%d].%s: contains the character %U; expected printable text", i, name, []rune(v[i:])[0]))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return &strictyaml.Error{Problems: problems}
	}
	return nil
}

// check says, through add (a field below the waiver, "" for the waiver itself), what is wrong with
// a waiver's fields.
func check(w Waiver, add func(field, format string, args ...any)) {
	if w.Check == "" {
		add(".check", "missing; expected the ID of the check it waives (asr-preflight checks lists them)")
	}
	switch {
	case (w.VM == "") == (w.Target == ""):
		add("", "expected vm: NAME or target: KIND:NAME (one of the two)")
	case w.Target != "":
		if _, err := parseTarget(w.Target); err != nil {
			add(".target", "%v", err)
		}
	}
	for _, f := range []struct{ name, value, what string }{{"reason", w.Reason, "why the problem is accepted"}, {"owner", w.Owner, "who answers for it"}} {
		if strings.TrimSpace(f.value) == "" {
			add("."+f.name, "missing; expected %s", f.what)
		}
	}
	if w.Expires == "" {
		add(".expires", "missing; expected the last day it holds, as YYYY-MM-DD (at most 180 days ahead)")
	} else if _, err := time.Parse(dateLayout, w.Expires); err != nil {
		add(".expires", "expected a date as YYYY-MM-DD, got %q", w.Expires)
	}
}

// parseTarget reads KIND:NAME.
func parseTarget(s string) (result.Ref, error) {
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" || !slices.Contains(result.Kinds, result.Kind(kind)) {
		names := make([]string, len(result.Kinds))
		for i, k := range result.Kinds {
			names[i] = string(k)
		}
		return result.Ref{}, fmt.Errorf("expected KIND:NAME with KIND one of %s, got %q", strings.Join(names, ", "), s)
	}
	return result.Ref{Kind: result.Kind(kind), Name: name}, nil
}

// Check says, for the run's day, what is wrong with waivers that are well formed: a check that does
// not exist (known says why), or an end more than MaxAhead away. Each problem names the waiver's
// file and line.
func Check(ws []Waiver, today time.Time, known func(check string) error) error {
	var problems []string
	last := day(today).Add(MaxAhead)
	for _, w := range ws {
		if err := known(w.Check); err != nil {
			problems = append(problems, fmt.Sprintf("%s: waiver: check: %v", w.At, err))
		}
		if end, err := time.Parse(dateLayout, w.Expires); err == nil && end.After(last) {
			problems = append(problems, fmt.Sprintf("%s: waiver: expires: %s is more than 180 days ahead; expected %s at the latest", w.At, w.Expires, last.Format(dateLayout)))
		}
	}
	if len(problems) > 0 {
		return &strictyaml.Error{Problems: problems}
	}
	return nil
}

// day is the date of t, at midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Apply marks the failures, errors and warnings each live waiver matches as waived, and says what
// became of every waiver on the run's day (today; a waiver holds through its Expires day). ran
// are the checks of the run: a waiver of another check is Disabled, not Unused.
func Apply(results []result.Result, ws []Waiver, today time.Time, ran []string) []result.WaiverOutcome {
	outs := make([]result.WaiverOutcome, len(ws))
	for i, w := range ws {
		end, _ := time.Parse(dateLayout, w.Expires) // valid: Validate saw to it
		o := result.WaiverOutcome{Check: w.Check, VM: w.VM, Target: w.Target, Code: w.Code,
			Waived: result.Waived{Reason: w.Reason, Owner: w.Owner, Expires: w.Expires, At: w.At}}
		for j := range results {
			r := &results[j]
			if !matches(w, *r) {
				continue
			}
			o.Matched++
			if r.Waived == nil && !day(today).After(end) { // the first live waiver of a result holds it
				r.Waived = &o.Waived
			}
		}
		switch {
		case !slices.Contains(ran, w.Check):
			o.State = result.WaiverDisabled
		case o.Matched == 0:
			o.State = result.WaiverUnused
		case day(today).After(end):
			o.State = result.WaiverExpired
		case !day(today).Add(WarnAhead).Before(end):
			o.State = result.WaiverEnding
		default:
			o.State = result.WaiverLive
		}
		outs[i] = o
	}
	return outs
}

// matches tells whether a waiver names a problem result: its check, its VM or target, and its code
// when the waiver gives one.
func matches(w Waiver, r result.Result) bool {
	if r.Check != w.Check || (w.Code != "" && r.Code != w.Code) || !r.IsProblem() {
		return false
	}
	if w.VM != "" {
		return r.Kind == result.VMKind && r.Target == w.VM
	}
	t, err := parseTarget(w.Target)
	return err == nil && r.Ref() == t
}
