package test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/checks"
)

// TestREADMEChecks keeps the README's check table the registry's: every check once, with its
// phases and its ASR code, and no check the registry does not have.
func TestREADMEChecks(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(b), "\n## Checks\n")
	table, _, _ = strings.Cut(table, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\| ([a-z, ]+) \\| ([^|]+) \\|")
	seen := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		id, phases, code := m[1], strings.ReplaceAll(m[2], " ", ""), strings.TrimSpace(m[3])
		c, ok := checks.Lookup(id)
		if !ok {
			t.Errorf("README lists %s, which is not a check", id)
			continue
		}
		if seen[id] {
			t.Errorf("README lists %s twice", id)
		}
		seen[id] = true
		info := c.Info()
		var want []string
		for _, p := range info.Phases {
			want = append(want, string(p))
		}
		if phases != strings.Join(want, ",") {
			t.Errorf("%s: README says phases %q, the check runs in %q", id, phases, strings.Join(want, ","))
		}
		wantCode := info.Code
		switch {
		case id == "asr.health":
			wantCode = "ASR's"
		case wantCode == "":
			wantCode = "—"
		}
		if code != wantCode {
			t.Errorf("%s: README says ASR code %q, the check predicts %q", id, code, wantCode)
		}
	}
	for _, id := range checks.IDs() {
		if !seen[id] {
			t.Errorf("README's check table lacks %s", id)
		}
	}
	if !slices.Equal(checks.IDs(), sortedKeys(seen)) && !t.Failed() {
		t.Error("README's check table and the registry differ")
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
