package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

var icons = map[result.Status]string{
	result.Pass:  "✅ pass",
	result.Warn:  "⚠️ warn",
	result.Fail:  "❌ fail",
	result.Error: "⛔ error",
	result.Skip:  "⏭️ skip",
}

var verdictIcons = map[result.Verdict]string{
	result.Ready:   "✅ ready",
	result.Warned:  "⚠️ warn",
	result.Blocked: "❌ blocked",
	result.Unknown: "⛔ unknown",
}

// writeMarkdown renders, for a CI summary, the verdict table and the problems.
func writeMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	counts := vmCounts(r.Summary.VMs)
	if pc := planCounts(r.Summary); pc != "" {
		counts = pc + " · " + counts
	}
	fmt.Fprintf(&b, "## asr-preflight %s: %s\n\n", r.Phase, cell(counts))
	if c := context(r.Context); c != "" {
		fmt.Fprintf(&b, "%s\n\n", cell(strings.TrimPrefix(c, " · ")))
	}
	vmTable := func(t table) {
		if len(t.Rows) > 0 {
			b.WriteString("| Verdict | VM | ASR codes | Reason |\n|---|---|---|---|\n")
			for _, rw := range t.Rows {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", verdictIcons[rw.VM.Verdict], cell(rw.VM.Name), cell(rw.Codes), cell(rw.Reason))
			}
			b.WriteString("\n")
		}
		if t.Folded > 0 {
			fmt.Fprintf(&b, "And %d ready VMs.\n\n", t.Folded)
		}
	}
	if secs := planSections(r, false); len(secs) > 0 {
		b.WriteString("| Verdict | Recovery plan | VMs | ASR codes | Reason |\n|---|---|---|---|---|\n")
		for _, sec := range secs {
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s |\n", verdictIcons[sec.Plan.Verdict], cell(sec.Plan.Name), len(sec.Plan.VMs), cell(sec.Codes), cell(sec.Reason))
		}
		b.WriteString("\n")
		for _, sec := range secs {
			for _, g := range sec.Groups {
				fmt.Fprintf(&b, "### Recovery plan %s · %s\n\n", cell(sec.Plan.Name), cell(g.Name))
				vmTable(g.Table)
			}
		}
	} else {
		vmTable(verdictTable(r, false))
	}
	if as := advices(r); len(as) > 0 {
		b.WriteString("### Suggestions\n\nAdvice: the verdicts stand.\n\n| VM | Suggestion | Clears |\n|---|---|---|\n")
		for _, a := range as {
			for _, t := range a.Tries {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(a.VM), cell(t.Change), cell(t.Clears))
			}
			for _, s := range a.Still {
				fmt.Fprintf(&b, "| %s | still: %s | |\n", cell(a.VM), cell(s))
			}
		}
		b.WriteString("\n")
	}
	if gs := groups(r.Problems); len(gs) > 0 {
		b.WriteString("### Problems\n\n| About | Status | Check | ASR code | Message | Fix |\n|---|---|---|---|---|---|\n")
		for _, g := range gs {
			for _, e := range g.Entries {
				msg := e.Message
				if a := affects(e.Problem, false); a != "" {
					msg += " — " + a
				}
				fix := cell(e.Fix)
				if e.DocURL != "" {
					fix += fmt.Sprintf(" ([doc](%s))", docLink.Replace(e.DocURL))
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(g.Heading), icons[e.Status], cell(strings.Join(e.Checks, ", ")), cell(e.Code), cell(msg), fix)
			}
		}
		b.WriteString("\n")
	}
	if ws := r.Waived(); len(ws) > 0 {
		b.WriteString("### Waived\n\nThey count toward no verdict until their waiver ends.\n\n| About | Status | Check | ASR code | Message | Waiver |\n|---|---|---|---|---|---|\n")
		for _, res := range ws {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(heading(res.Kind, res.Target)), icons[res.Status], cell(res.Check), cell(res.Code), cell(res.Message), cell(waivedBy(*res.Waived)))
		}
		b.WriteString("\n")
	}
	for _, n := range r.WaiverNotices() {
		fmt.Fprintf(&b, "%s %s\n\n", icons[result.Warn], cell(n))
	}
	fmt.Fprintf(&b, "%s in %d ms\n", statusCounts(r.Summary), r.DurationMs)
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell: control characters as escapes (printable, done
// for the whole report), then every character Markdown or GFM would read as markup — emphasis,
// links and images, code, strike-through, HTML, the cell separator — with a backslash or as an
// entity, so that a name from vCenter or Azure shows as written and loads nothing.
func cell(s string) string {
	return markdown.Replace(s)
}

// docLink escapes what would end a Markdown link's address.
var docLink = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20")

var markdown = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "~", `\~`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;")
