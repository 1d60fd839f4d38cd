package report

import (
	"fmt"
	"strings"
	"unicode"
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
