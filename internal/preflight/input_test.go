package preflight

import "testing"

// TestColumns: the text report takes the shell's COLUMNS, and the default (0) for anything else.
func TestColumns(t *testing.T) {
	for value, want := range map[string]int{"132": 132, " 80\n": 80, "": 0, "wide": 0, "-5": 0} {
		if got := columns(func(string) string { return value }); got != want {
			t.Errorf("COLUMNS=%q: %d, want %d", value, got, want)
		}
	}
}
