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
	r.Context = Context{Plan: printable(r.Context.Plan), Snapshot: printable(r.Context.Snapshot), VCenter: printable(r.Context.VCenter), Vault: printable(r.Context.Vault)}
	r.Results = printableResults(r.Results)
	vms := make([]result.VM, len(r.VMs))
	for i, vm := range r.VMs {
		vms[i] = result.VM{Name: printable(vm.Name), Verdict: vm.Verdict, Reasons: make([]result.Reason, len(vm.Reasons))}
		for j, rs := range vm.Reasons {
			vms[i].Reasons[j] = result.Reason{Check: printable(rs.Check), Target: printable(rs.Target), Kind: rs.Kind, Status: rs.Status,
				Code: printable(rs.Code), Message: printable(rs.Message)}
		}
	}
	r.VMs = vms
	problems := make([]result.Problem, len(r.Problems))
	for i, p := range r.Problems {
		problems[i] = result.Problem{Result: printableResults([]result.Result{p.Result})[0], VMs: printables(p.VMs)}
	}
	r.Problems = problems
	return r
}

func printableResults(rs []result.Result) []result.Result {
	out := make([]result.Result, len(rs))
	for i, r := range rs {
		out[i] = result.Result{Check: printable(r.Check), Target: printable(r.Target), Kind: r.Kind, Status: r.Status, Code: printable(r.Code),
			Title: printable(r.Title), Message: printable(r.Message), Fix: printable(r.Fix), DocURL: printable(r.DocURL), Ignored: r.Ignored,
			VMs: printables(r.VMs)}
	}
	return out
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
