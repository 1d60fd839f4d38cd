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
	fmt.Fprintf(&b, "## asr-preflight %s: %s\n\n", r.Phase, cell(vmCounts(r.Summary.VMs)))
	if c := context(r.Context); c != "" {
		fmt.Fprintf(&b, "%s\n\n", cell(strings.TrimPrefix(c, " · ")))
	}
	t := verdictTable(r, false)
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
	if gs := groups(r.Problems); len(gs) > 0 {
		b.WriteString("### Problems\n\n| About | Status | Check | ASR code | Message | Fix |\n|---|---|---|---|---|---|\n")
		for _, g := range gs {
			for _, p := range g.Problems {
				msg := p.Message
				if a := affects(p, false); a != "" {
					msg += " — " + a
				}
				fix := p.Fix
				if p.DocURL != "" {
					fix += fmt.Sprintf(" ([doc](%s))", p.DocURL)
				}
				fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s |\n", cell(g.Heading), icons[p.Status], cell(p.Check), cell(p.Code), cell(msg), cell(fix))
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s in %d ms\n", statusCounts(r.Summary), r.DurationMs)
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell: control characters as escapes, then what Markdown
// would read as markup.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}
