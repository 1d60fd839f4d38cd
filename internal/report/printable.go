package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

// printable escapes what must not reach a terminal or a Markdown file raw — control characters
// (ESC, NUL, newlines…) and the bidirectional overrides that reorder text — whatever their source:
// a vCenter object or an Azure resource can carry them in its name.
func printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unsafeRune(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// printableReport is the report with printable applied to every text that a human-readable
// renderer prints.
func printableReport(r Report) Report {
	c := &r.Context
	c.Plan, c.Snapshot, c.VCenter, c.Vault = printable(c.Plan), printable(c.Snapshot), printable(c.VCenter), printable(c.Vault)
	r.Results = printableResults(r.Results)
	vms := make([]result.VM, len(r.VMs))
	for i, vm := range r.VMs {
		vm.Name, vm.Reasons, vm.Unresolved = printable(vm.Name), printableReasons(vm.Reasons), printables(vm.Unresolved)
		vm.Suggestions = append([]result.Suggestion(nil), vm.Suggestions...)
		for j := range vm.Suggestions {
			sg := &vm.Suggestions[j]
			sg.Field, sg.From, sg.To, sg.Reason = printable(sg.Field), printable(sg.From), printable(sg.To), printable(sg.Reason)
			sg.Check, sg.Code, sg.Detail = printable(sg.Check), printable(sg.Code), printable(sg.Detail)
		}
		vms[i] = vm
	}
	r.VMs = vms
	if r.RecoveryPlans != nil {
		plans := make([]result.RecoveryPlan, len(r.RecoveryPlans))
		for i, p := range r.RecoveryPlans {
			p.Name, p.VMs, p.Reasons = printable(p.Name), printables(p.VMs), printableReasons(p.Reasons)
			p.Groups = append([]result.Group(nil), p.Groups...)
			for j := range p.Groups {
				g := &p.Groups[j]
				g.Name, g.Type, g.VMs = printable(g.Name), printable(g.Type), printables(g.VMs)
			}
			plans[i] = p
		}
		r.RecoveryPlans = plans
	}
	problems := make([]result.Problem, len(r.Problems))
	for i, p := range r.Problems {
		problems[i] = result.Problem{Result: printableResult(p.Result), VMs: printables(p.VMs)}
	}
	r.Problems = problems
	if r.Waivers != nil {
		ws := make([]result.WaiverOutcome, len(r.Waivers))
		for i, w := range r.Waivers {
			w.Check, w.VM, w.Target, w.Code = printable(w.Check), printable(w.VM), printable(w.Target), printable(w.Code)
			w.Reason, w.Owner, w.Expires, w.At = printable(w.Reason), printable(w.Owner), printable(w.Expires), printable(w.At)
			ws[i] = w
		}
		r.Waivers = ws
	}
	return r
}

// printableReasons is a copy of the reasons with printable applied to their texts.
func printableReasons(list []result.Reason) []result.Reason {
	out := append(make([]result.Reason, 0, len(list)), list...)
	for j := range out {
		rs := &out[j]
		rs.Check, rs.Target, rs.Code, rs.Message, rs.Short = printable(rs.Check), printable(rs.Target), printable(rs.Code), printable(rs.Message), printable(rs.Short)
	}
	return out
}

func printableResults(rs []result.Result) []result.Result {
	out := make([]result.Result, len(rs))
	for i, r := range rs {
		out[i] = printableResult(r)
	}
	return out
}

// printableResult is the result with printable applied to its texts.
func printableResult(r result.Result) result.Result {
	r.Check, r.Target, r.Code, r.Title = printable(r.Check), printable(r.Target), printable(r.Code), printable(r.Title)
	r.Message, r.Short, r.Fix, r.DocURL, r.VMs = printable(r.Message), printable(r.Short), printable(r.Fix), printable(r.DocURL), printables(r.VMs)
	if w := r.Waived; w != nil {
		r.Waived = &result.Waived{Reason: printable(w.Reason), Owner: printable(w.Owner), Expires: printable(w.Expires), At: printable(w.At)}
	}
	return r
}

func printables(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = printable(s)
	}
	return out
}

// Printable is printable for other renderers of report data (diff): control characters and
// bidirectional overrides escaped.
func Printable(s string) string { return printable(s) }

// MarkdownCell is s, made printable, escaped for a Markdown table cell.
func MarkdownCell(s string) string { return cell(printable(s)) }
