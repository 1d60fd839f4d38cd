package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// Formats are the diff's output formats.
var Formats = []string{"text", "json", "markdown"}

// Write renders the diff as text, JSON or Markdown. Names and messages from vCenter or Azure are
// escaped as the reports escape them.
func Write(w io.Writer, format string, d Diff) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "markdown":
		_, err := io.WriteString(w, markdown(d))
		return err
	case "text":
		_, err := io.WriteString(w, text(d))
		return err
	}
	return fmt.Errorf("unknown format %q; expected one of %s", format, strings.Join(Formats, ", "))
}

// Summary is the diff in a line: "2 VMs changed (1 worse) · 1 new problems, 0 changed, 1 resolved".
func (d Diff) Summary() string {
	worse := 0
	for _, c := range slices.Concat(d.VMs, d.RecoveryPlans) {
		if c.Worse() {
			worse++
		}
	}
	s := fmt.Sprintf("%d VMs changed", len(d.VMs))
	if len(d.RecoveryPlans) > 0 {
		s += fmt.Sprintf(", %d recovery plans", len(d.RecoveryPlans))
	}
	return s + fmt.Sprintf(" (%d worse) · %d new problems, %d changed, %d resolved", worse, len(d.New), len(d.Changed), len(d.Resolved))
}

// verdictName is a verdict, or "(absent)" for a VM or plan not in that report.
func verdictName(v result.Verdict) string {
	if v == "" {
		return "(absent)"
	}
	return string(v)
}

// about names a problem's target: "host esx01".
func about(p Problem) string {
	return fmt.Sprintf("%s %s", p.Kind.Label(), report.Printable(p.Target))
}

// text is the diff for a terminal: the verdict changes, then the problems new, changed and
// resolved.
func text(d Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "asr-preflight diff · %s · %s → %s\n%s\n", d.Phase, d.From.Format(time.RFC3339), d.To.Format(time.RFC3339), d.Summary())
	for _, sec := range []struct {
		title string
		list  []Change
	}{{"VMs", d.VMs}, {"Recovery plans", d.RecoveryPlans}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", sec.title)
		for _, c := range sec.list {
			mark := " "
			if c.Worse() {
				mark = "!"
			}
			fmt.Fprintf(&b, "%s %-20s %s → %s\n", mark, report.Printable(c.Name), verdictName(c.From), verdictName(c.To))
		}
	}
	for _, sec := range []struct {
		title string
		list  []Problem
	}{{"New problems", d.New}, {"Changed problems", d.Changed}, {"Resolved problems", d.Resolved}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", sec.title)
		for _, p := range sec.list {
			fmt.Fprintf(&b, "  %s %s", strings.ToUpper(string(p.Status)), report.Printable(p.Check))
			if p.Code != "" {
				fmt.Fprintf(&b, " ASR %s", report.Printable(p.Code))
			}
			fmt.Fprintf(&b, " [%s]\n", about(p))
			if p.WasMessage != "" || p.WasStatus != "" {
				fmt.Fprintf(&b, "    was (%s): %s\n    now: %s\n", p.WasStatus, report.Printable(p.WasMessage), report.Printable(p.Message))
			} else {
				fmt.Fprintf(&b, "    %s\n", report.Printable(p.Message))
			}
		}
	}
	if len(d.VMs)+len(d.RecoveryPlans)+len(d.New)+len(d.Changed)+len(d.Resolved) == 0 {
		b.WriteString("\nNothing changed.\n")
	}
	return b.String()
}

// markdown is the diff for a pull request or a CI summary: two tables.
func markdown(d Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## asr-preflight diff: %s\n\n%s → %s · %s\n\n", d.Phase, d.From.Format(time.RFC3339), d.To.Format(time.RFC3339), d.Summary())
	if changes := slices.Concat(d.VMs, d.RecoveryPlans); len(changes) > 0 {
		b.WriteString("| | Name | From | To |\n|---|---|---|---|\n")
		for _, c := range changes {
			mark := ""
			if c.Worse() {
				mark = "⚠️ worse"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, report.MarkdownCell(c.Name), verdictName(c.From), verdictName(c.To))
		}
		b.WriteString("\n")
	}
	rows := []struct {
		what string
		list []Problem
	}{{"new", d.New}, {"changed", d.Changed}, {"resolved", d.Resolved}}
	if len(d.New)+len(d.Changed)+len(d.Resolved) > 0 {
		b.WriteString("| Problem | Status | Check | About | ASR code | Message |\n|---|---|---|---|---|---|\n")
		for _, r := range rows {
			for _, p := range r.list {
				msg := p.Message
				if p.WasStatus != "" {
					msg = fmt.Sprintf("now: %s — was (%s): %s", p.Message, p.WasStatus, p.WasMessage)
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.what, p.Status, report.MarkdownCell(p.Check), report.MarkdownCell(p.Kind.Label()+" "+p.Target),
					report.MarkdownCell(p.Code), report.MarkdownCell(msg))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
