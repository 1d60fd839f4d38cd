package plan

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/asr-preflight/asr-preflight/internal/fuzzseed"
)

// problemLine is the shape of every message about a plan: the file, a line when there is one, and
// what is wrong.
var problemLine = regexp.MustCompile(`^plan\.yaml(:\d+)?: \S`)

// FuzzParse feeds the plan parser arbitrary files: it never panics, every problem it reports has
// the file:line: field: message shape, and a plan it accepts has printable names and survives a
// round trip through Marshal. The seeds in testdata/fuzz/FuzzParse reach every message.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("plan.yaml", data)
		if err != nil {
			perr, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, line := range perr.Problems {
				if !problemLine.MatchString(line) {
					t.Fatalf("malformed problem %q", line)
				}
			}
			return
		}
		for _, vm := range p.VMs {
			if strings.ContainsFunc(vm.Name+vm.Datastore+vm.Host, unicode.IsControl) {
				t.Fatalf("accepted a control character in %+v", vm)
			}
			if vm.MemoryMB < 0 || vm.MemoryMB > MaxMemoryMB {
				t.Fatalf("accepted memoryMB %d", vm.MemoryMB)
			}
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse("plan.yaml", out); err != nil {
			t.Fatalf("an accepted plan does not load back:\n%s\n%v", out, err)
		}
	})
}

// TestFuzzSeedsReachEveryMessage: the committed seed corpus produces every kind of message the
// parser has, so that fuzzing starts from all of them.
func TestFuzzSeedsReachEveryMessage(t *testing.T) {
	seeds, err := fuzzseed.Read(filepath.Join("testdata", "fuzz", "FuzzParse"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, in := range seeds {
		if _, err := Parse("plan.yaml", in); err != nil {
			all.WriteString(err.Error() + "\n")
		}
	}
	for _, fragment := range []string{
		": syntax: ", "empty plan", "a second YAML document", "unknown field", "field given twice",
		"expected a mapping, got", "expected a list, got", "expected an integer, got", "expected a string, got",
		"contains the control character", "version: expected 1, got", "version: missing", "configurationServer: expected host[:port]",
		"azure.subscriptionId: expected a subscription ID", "azure.vault: expected both",
		"defaults.location: expected", "vms: missing", ".name: missing", "duplicate VM name", ".location: expected",
		".datastore: missing", ".memoryMB: expected a number of MB", ".azureVM: expected both",
	} {
		if !strings.Contains(all.String(), fragment) {
			t.Errorf("no seed reaches %q", fragment)
		}
	}
}
