package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

var colors = map[result.Status]string{
	result.Pass:  "\x1b[32m",
	result.Warn:  "\x1b[33m",
	result.Fail:  "\x1b[31m",
	result.Error: "\x1b[35m",
	result.Skip:  "\x1b[2m",
}

func writeText(w io.Writer, r Report, color bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "asr-preflight %s\n\n", r.Phase)
	for _, res := range r.Results {
		label := strings.ToUpper(string(res.Status))
		if color {
			label = colors[res.Status] + label + "\x1b[0m"
		}
		fmt.Fprintf(&b, "%s %s [%s]", label, printable(res.Check), printable(res.Target))
		if res.Code != "" {
			fmt.Fprintf(&b, " ASR %s", printable(res.Code))
		}
		fmt.Fprintf(&b, "\n  %s\n", printable(res.Message))
		if res.Status != result.Pass && res.Status != result.Skip {
			if res.Fix != "" {
				fmt.Fprintf(&b, "  fix: %s\n", printable(res.Fix))
			}
			if res.DocURL != "" {
				fmt.Fprintf(&b, "  doc: %s\n", printable(res.DocURL))
			}
		}
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%d pass, %d warn, %d fail, %d error, %d skip in %d ms\n", s.Pass, s.Warn, s.Fail, s.Error, s.Skip, r.DurationMs)
	_, err := io.WriteString(w, b.String())
	return err
}
