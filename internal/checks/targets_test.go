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

// TestShortReasons: a size in a few words has thousands separators above 1,000 GB, and the checks
// whose messages are long give the fact that decides first, without their target.
func TestShortReasons(t *testing.T) {
	for mb, want := range map[int64]string{4 << 10: "4.0 GB", 999 << 10: "999.0 GB", 6304 << 10: "6,304 GB", 1_234_567 << 10: "1,234,567 GB"} {
		if got := roundGB(mb); got != want {
			t.Errorf("roundGB(%d) = %q, want %q", mb, got, want)
		}
	}
	s := healthy()
	hostRef(s, "esx01").MemoryUsageMB = 118 << 10
	if got := (ESXiMemory{}).Run(input(s)); len(got) != 1 || got[0].Short != "2.0 GB of memory short (10.0 GB free, 12.0 GB needed)" {
		t.Errorf("esxi.memory: %s", dump(got))
	}
}
