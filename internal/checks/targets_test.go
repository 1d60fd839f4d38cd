package checks

import (
	"fmt"
	"strings"
	"testing"
)

// TestListed: a message lists ten items at most, however many VMs there are.
func TestListed(t *testing.T) {
	var items []string
	for i := range 2000 {
		items = append(items, fmt.Sprintf("vm%04d 4.0 GB", i))
	}
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, ""},
		{2, "vm0000 4.0 GB + vm0001 4.0 GB"},
		{10, strings.Join(items[:10], " + ")},
		{2000, strings.Join(items[:10], " + ") + " + … and 1990 more"},
	} {
		if got := listed(items[:tc.n], " + "); got != tc.want {
			t.Errorf("%d items: %q, want %q", tc.n, got, tc.want)
		}
	}
}
