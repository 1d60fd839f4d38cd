package plan

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEExample keeps the README's plan example valid.
func TestREADMEExample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "## The plan")
	_, block, _ := strings.Cut(after, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	p, err := Parse("README.md", []byte(block))
	if err != nil {
		t.Fatalf("the README's plan example does not load:\n%v", err)
	}
	if p.VMs[0].AzureVM == nil || p.Defaults.Datastore != "ds01" || !p.FromVault() {
		t.Errorf("example read as %+v", p)
	}
}
