package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

// junitCounts are the attributes a suite and the suites share.
type junitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
}

type junitSuite struct {
	XMLName xml.Name `xml:"testsuite"`
	junitCounts
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

// junitSuites holds the run's suite and one suite per recovery plan.
type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
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
// unknown ones are errors, so CI dashboards show the VMs. With recovery plans, the suites are
// wrapped in testsuites, with one more suite per plan.
func writeJUnit(w io.Writer, r Report) error {
	s := junitSuite{junitCounts: junitCounts{
		Name:     "asr-preflight " + string(r.Phase),
		Tests:    len(r.Results) + len(r.VMs),
		Failures: r.Summary.Fail + r.Summary.VMs.Blocked,
		Errors:   r.Summary.Error + r.Summary.VMs.Unknown,
		Skipped:  r.Summary.Skip + r.Summary.Waived,
		Time:     fmt.Sprintf("%.3f", float64(r.DurationMs)/1000),
	}, Timestamp: r.StartedAt.Format(time.RFC3339)}
	for _, res := range r.Results {
		c := junitCase{ClassName: res.Check, Name: res.Target}
		d := details(res)
		p := &junitProblem{Message: message(res), Type: res.Code, Body: d}
		switch {
		case res.Waived != nil: // set aside: skipped, with the waiver's reason
			c.Skipped = &junitProblem{Message: waivedBy(*res.Waived) + " — " + message(res), Body: d}
		case res.Status == result.Fail:
			c.Failure = p
		case res.Status == result.Error:
			c.Error = p
		case res.Status == result.Skip:
			c.Skipped = &junitProblem{Message: res.Message}
		default:
			c.SystemOut = fmt.Sprintf("%s: %s", res.Status, d)
		}
		s.Cases = append(s.Cases, c)
	}
	for _, vm := range r.VMs {
		s.Cases = append(s.Cases, verdictCase("vm", vm.Name, vm.Verdict, vm.Reasons))
	}
	var doc any = s
	if len(r.RecoveryPlans) > 0 {
		all := junitSuites{junitCounts: s.junitCounts, Suites: []junitSuite{s}}
		byName := vmsByName(r)
		for _, p := range r.RecoveryPlans {
			all.Suites = append(all.Suites, planSuite(r, p, byName))
		}
		for _, ps := range all.Suites[1:] {
			all.Tests, all.Failures, all.Errors = all.Tests+ps.Tests, all.Failures+ps.Failures, all.Errors+ps.Errors
		}
		doc = all
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// planSuite is one recovery plan's suite: the plan's verdict, then each of its VMs' by group in
// boot order (classname "recovery-plan NAME/GROUP").
func planSuite(r Report, p result.RecoveryPlan, byName map[string]result.VM) junitSuite {
	s := junitSuite{junitCounts: junitCounts{Name: "asr-preflight " + string(r.Phase) + " recovery plan " + p.Name, Time: fmt.Sprintf("%.3f", float64(r.DurationMs)/1000)},
		Timestamp: r.StartedAt.Format(time.RFC3339), Cases: []junitCase{verdictCase("recovery-plan", p.Name, p.Verdict, p.Reasons)}}
	for _, g := range p.Groups {
		for _, vm := range groupVMs(byName, g) {
			s.Cases = append(s.Cases, verdictCase("recovery-plan "+p.Name+"/"+g.Name, vm.Name, vm.Verdict, vm.Reasons))
		}
	}
	for _, c := range s.Cases {
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		if c.Error != nil {
			s.Errors++
		}
	}
	return s
}

// verdictCase is the test case of a verdict: blocked fails, unknown is an error.
func verdictCase(class, name string, v result.Verdict, rs []result.Reason) junitCase {
	c := junitCase{ClassName: class, Name: name}
	why := reasons(rs)
	p := &junitProblem{Message: string(v) + ": " + why, Body: why}
	switch v {
	case result.Blocked:
		c.Failure = p
	case result.Unknown:
		c.Error = p
	default:
		c.SystemOut = p.Message
	}
	return c
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

// reasons lists a VM's or plan's reasons as "check [target] ASR code" lines.
func reasons(list []result.Reason) string {
	if len(list) == 0 {
		return "nothing fails, errs or warns for it"
	}
	var b strings.Builder
	for i, rs := range list {
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
