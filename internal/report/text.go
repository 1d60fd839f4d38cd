package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

var colors = map[result.Status]string{
	result.Pass:  "\x1b[32m",
	result.Warn:  "\x1b[33m",
	result.Fail:  "\x1b[31m",
	result.Error: "\x1b[35m",
	result.Skip:  "\x1b[2m",
}

// verdictColors are the colours of the verdicts: those of the statuses behind them.
var verdictColors = map[result.Verdict]string{
	result.Ready:   colors[result.Pass],
	result.Warned:  colors[result.Warn],
	result.Blocked: colors[result.Fail],
	result.Unknown: colors[result.Error],
}

const reset = "\x1b[0m"

// minReason is the fewest columns the verdict table's reason gets, however narrow the width.
const minReason = 24

// textRow is a row of the text verdict table: a VM, or VMs with the very same reasons folded
// together ("196 VMs", the reason and their names).
type textRow struct {
	name, codes, reason string
	verdict             result.Verdict
}

// fit cuts a reason to n runes. A folded row's reason ("… — vm000, vm001, …") keeps its fact
// whole and names as many of its VMs as fit after it, dropping the fact's details in brackets to
// name at least the first; when even that does not fit, the fact alone.
func fit(s string, n int) string {
	fact, names, folded := strings.Cut(s, " — ")
	if !folded || utf8.RuneCountInString(s) <= n {
		return brief(s, n)
	}
	first, _, _ := strings.Cut(names, ", ")
	least := utf8.RuneCountInString(" — "+first) + 3 // the first name, the comma and space after it, and "…"
	for _, f := range []string{fact, strings.TrimSpace(strings.Split(fact, " (")[0])} {
		if utf8.RuneCountInString(f)+least <= n {
			return brief(f+" — "+names, n)
		}
	}
	return brief(fact, n)
}

// textRows are the verdict table's rows as the text report prints them: folded unless verbose.
func textRows(rows []row, verbose bool) []textRow {
	var out []textRow
	for _, f := range foldSame(rows, verbose) {
		t := textRow{name: f.VM.Name, codes: f.Codes, reason: f.Whole, verdict: f.VM.Verdict}
		if len(f.Names) > 1 {
			t.name, t.reason = fmt.Sprintf("%d VMs", len(f.Names)), f.Whole+" — "+strings.Join(f.Names, ", ")
		}
		out = append(out, t)
	}
	return out
}

// writeText renders the verdict table, the problems grouped by target, the passes and skips per
// check (in full when verbose), and the counts.
func writeText(w io.Writer, r Report, o Options) error {
	var b strings.Builder
	paint := func(color, s string) string {
		if o.Color {
			return color + s + reset
		}
		return s
	}
	label := func(s result.Status) string { return paint(colors[s], strings.ToUpper(string(s))) }

	fmt.Fprintf(&b, "asr-preflight %s%s\n", r.Phase, context(r.Context))
	if pc := planCounts(r.Summary); pc != "" {
		fmt.Fprintf(&b, "%s · ", pc)
	}
	fmt.Fprintf(&b, "%s\n\n", vmCounts(r.Summary.VMs))

	// The verdict is painted outside the tab writer, which would count the colour codes as text.
	// The last column, the reason, is cut to what the width leaves it.
	width := cmp.Or(o.Width, DefaultWidth)
	verdicts := func(head string, rows [][]string, verdict []result.Verdict, indent string) {
		fixed := len(indent) + len("VERDICT  ")
		for i, h := range strings.Split(head, "\t")[:strings.Count(head, "\t")] {
			w := utf8.RuneCountInString(h)
			for _, cols := range rows {
				w = max(w, utf8.RuneCountInString(cols[i]))
			}
			fixed += w + 2
		}
		for _, cols := range rows {
			cols[len(cols)-1] = fit(cols[len(cols)-1], max(width-fixed, minReason))
		}
		var cells strings.Builder
		tw := tabwriter.NewWriter(&cells, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, head)
		for _, cols := range rows {
			fmt.Fprintln(tw, strings.Join(cols, "\t"))
		}
		_ = tw.Flush() // into a strings.Builder: cannot fail
		lines := strings.Split(cells.String(), "\n")
		fmt.Fprintf(&b, "%s%-9s%s\n", indent, "VERDICT", lines[0])
		for i, v := range verdict {
			fmt.Fprintf(&b, "%s%s  %s\n", indent, paint(verdictColors[v], fmt.Sprintf("%-7s", v)), strings.TrimRight(lines[i+1], " "))
		}
	}
	vmTable := func(t table, indent string) {
		if len(t.Rows) == 0 && t.Folded > 0 {
			b.WriteString(indent + "VERDICT\n")
		}
		if len(t.Rows) > 0 {
			var rows [][]string
			var vs []result.Verdict
			for _, f := range textRows(t.Rows, o.Verbose) {
				rows, vs = append(rows, []string{f.name, f.codes, f.reason}), append(vs, f.verdict)
			}
			verdicts("VM\tASR CODES\tREASON", rows, vs, indent)
		}
		if t.Folded > 0 {
			fmt.Fprintf(&b, "%s%s  %d VMs (--ready-file lists them, -v prints them)\n", indent, paint(verdictColors[result.Ready], "ready  "), t.Folded)
		}
	}
	if secs := planSections(r, o.Verbose); len(secs) > 0 {
		var rows [][]string
		var vs []result.Verdict
		for _, sec := range secs {
			rows = append(rows, []string{sec.Plan.Name, fmt.Sprint(len(sec.Plan.VMs)), sec.Codes, sec.Whole})
			vs = append(vs, sec.Plan.Verdict)
		}
		verdicts("RECOVERY PLAN\tVMS\tASR CODES\tREASON", rows, vs, "")
		for _, sec := range secs {
			fmt.Fprintf(&b, "\nrecovery plan %s\n", sec.Plan.Name)
			for _, g := range sec.Groups {
				fmt.Fprintf(&b, "  %s\n", g.Name)
				vmTable(g.Table, "  ")
			}
		}
	} else {
		vmTable(verdictTable(r, o.Verbose), "")
	}

	if as := advices(r); len(as) > 0 {
		b.WriteString("\nSuggestions (--suggest: advice, the verdicts stand)\n")
		for _, a := range as {
			fmt.Fprintf(&b, "\n%s\n", a.VM)
			for _, t := range a.Tries {
				fmt.Fprintf(&b, "  %s\n    clears %s\n", t.Change, t.Clears)
			}
			for _, s := range a.Still {
				fmt.Fprintf(&b, "  still: %s\n", s)
			}
		}
	}

	if gs := groups(r.Problems); len(gs) > 0 {
		b.WriteString("\nProblems\n")
		for _, g := range gs {
			fmt.Fprintf(&b, "\n%s\n", g.Heading)
			for _, e := range g.Entries {
				fmt.Fprintf(&b, "  %s %s", label(e.Status), strings.Join(e.Checks, ", "))
				if e.Code != "" {
					fmt.Fprintf(&b, " ASR %s", e.Code)
				}
				fmt.Fprintf(&b, "\n    %s\n", e.Message)
				if a := affects(e.Problem, o.Verbose); a != "" {
					fmt.Fprintf(&b, "    %s\n", a)
				}
				if e.Fix != "" {
					fmt.Fprintf(&b, "    fix: %s\n", e.Fix)
				}
				if e.DocURL != "" {
					fmt.Fprintf(&b, "    doc: %s\n", e.DocURL)
				}
			}
		}
	}

	if ws := r.Waived(); len(ws) > 0 {
		b.WriteString("\nWaived (they count toward no verdict until their waiver ends)\n")
		for _, res := range ws {
			fmt.Fprintf(&b, "\n  %s %s", label(res.Status), res.Check)
			if res.Code != "" {
				fmt.Fprintf(&b, " ASR %s", res.Code)
			}
			fmt.Fprintf(&b, " [%s]\n    %s\n    %s\n", heading(res.Kind, res.Target), res.Message, waivedBy(*res.Waived))
		}
	}
	if ns := r.WaiverNotices(); len(ns) > 0 {
		b.WriteString("\nWaivers\n")
		for _, n := range ns {
			fmt.Fprintf(&b, "  %s %s\n", label(result.Warn), n)
		}
	}

	if o.Verbose {
		b.WriteString("\nPassed and skipped\n")
		for _, res := range r.Results {
			if res.Status == result.Pass || res.Status == result.Skip {
				fmt.Fprintf(&b, "  %s %s [%s]\n    %s\n", label(res.Status), res.Check, res.Target, res.Message)
			}
		}
	} else if ts := tallies(r.Results); len(ts) > 0 {
		b.WriteString("\nPassed and skipped (-v prints each)\n")
		var why []string                 // the reasons of the checks that only skipped, for one reason, in order
		skipped := map[string][]string{} // reason → those checks
		for _, t := range ts {
			if t.Passed == 0 && len(t.Why) == 1 {
				if skipped[t.Why[0]] == nil {
					why = append(why, t.Why[0])
				}
				skipped[t.Why[0]] = append(skipped[t.Why[0]], t.Check)
				continue
			}
			fmt.Fprintf(&b, "  %s: %s", t.Check, t.counts())
			if len(t.Why) == 1 {
				fmt.Fprintf(&b, " (%s)", t.Why[0])
			}
			b.WriteString("\n")
		}
		for _, w := range why {
			fmt.Fprintf(&b, "  skipped %s: %s\n", strings.Join(skipped[w], ", "), w)
		}
	}

	fmt.Fprintf(&b, "\n%s in %d ms\n", statusCounts(r.Summary), r.DurationMs)
	_, err := io.WriteString(w, b.String())
	return err
}

// context is the header's account of what was checked: " · plan x · vCenter y · vault z".
func context(c Context) string {
	var s string
	for _, part := range [][2]string{{"plan", c.Plan}, {"snapshot", c.Snapshot}, {"vCenter", c.VCenter}, {"vault", c.Vault}} {
		if part[1] != "" {
			s += " · " + part[0] + " " + part[1]
		}
	}
	return s
}
