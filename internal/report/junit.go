package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

type junitSuite struct {
	XMLName   xml.Name    `xml:"testsuite"`
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// writeJUnit renders one test case per result, then one per VM (classname "vm"): blocked VMs fail,
// unknown ones are errors, so CI dashboards show the VMs.
func writeJUnit(w io.Writer, r Report) error {
	s := junitSuite{
		Name:      "asr-preflight " + string(r.Phase),
		Tests:     len(r.Results) + len(r.VMs),
		Failures:  r.Summary.Fail + r.Summary.VMs.Blocked,
		Errors:    r.Summary.Error + r.Summary.VMs.Unknown,
		Skipped:   r.Summary.Skip,
		Time:      fmt.Sprintf("%.3f", float64(r.DurationMs)/1000),
		Timestamp: r.StartedAt.Format(time.RFC3339),
	}
	for _, res := range r.Results {
		c := junitCase{ClassName: res.Check, Name: res.Target}
		d := details(res)
		p := &junitProblem{Message: message(res), Type: res.Code, Body: d}
		switch res.Status {
		case result.Fail:
			c.Failure = p
		case result.Error:
			c.Error = p
		case result.Skip:
			c.Skipped = &junitProblem{Message: res.Message}
		default:
			c.SystemOut = fmt.Sprintf("%s: %s", res.Status, d)
		}
		s.Cases = append(s.Cases, c)
	}
	for _, vm := range r.VMs {
		c := junitCase{ClassName: "vm", Name: vm.Name}
		why := reasons(vm)
		p := &junitProblem{Message: string(vm.Verdict) + ": " + why, Body: why}
		switch vm.Verdict {
		case result.Blocked:
			c.Failure = p
		case result.Unknown:
			c.Error = p
		default:
			c.SystemOut = p.Message
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// message is the one-line summary of a result: its ASR code, if any, and message.
func message(r result.Result) string {
	if r.Code != "" {
		return fmt.Sprintf("ASR %s: %s", r.Code, r.Message)
	}
	return r.Message
}

// details is the message with its fix and documentation link.
func details(r result.Result) string {
	s := message(r)
	if r.Fix != "" {
		s += "\nFix: " + r.Fix
	}
	if r.DocURL != "" {
		s += "\nDoc: " + r.DocURL
	}
	return s
}

// reasons lists a VM's reasons as "check [target] ASR code" lines.
func reasons(vm result.VM) string {
	if len(vm.Reasons) == 0 {
		return "nothing fails, errs or warns for it"
	}
	var b strings.Builder
	for i, rs := range vm.Reasons {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s [%s]", rs.Status, rs.Check, rs.Target)
		if rs.Code != "" {
			fmt.Fprintf(&b, " ASR %s", rs.Code)
		}
	}
	return b.String()
}
