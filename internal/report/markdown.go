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

func writeMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "## asr-preflight %s: %d pass, %d warn, %d fail, %d error, %d skip\n\n", r.Phase, s.Pass, s.Warn, s.Fail, s.Error, s.Skip)
	b.WriteString("| Status | Check | Target | ASR code | Message | Fix |\n|---|---|---|---|---|---|\n")
	for _, res := range r.Results {
		fix := res.Fix
		if res.DocURL != "" && fix != "" {
			fix += fmt.Sprintf(" ([doc](%s))", res.DocURL)
		}
		if res.Status == result.Pass || res.Status == result.Skip {
			fix = ""
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", icons[res.Status], cell(res.Check), cell(res.Target), cell(res.Code), cell(res.Message), cell(fix))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell: control characters as escapes, then what Markdown
// would read as markup.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(printable(s))
}
