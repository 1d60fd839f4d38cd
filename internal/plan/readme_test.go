package plan

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEExamples keeps the README's plan examples valid: the modernized one first, then the
// classic one, then one of recovery plans.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## The plan\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var plans []*Plan
	for _, block := range strings.Split(section, "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		p, err := Parse("README.md", []byte(block))
		if err != nil {
			t.Fatalf("a README plan example does not load:\n%v\n%s", err, block)
		}
		plans = append(plans, p)
	}
	if len(plans) != 3 {
		t.Fatalf("want the modernized, the classic and the recovery plans examples, got %d", len(plans))
	}
	m, c, rp := plans[0], plans[1], plans[2]
	if len(rp.RecoveryPlans) != 2 || !rp.FromVault() || rp.VMs[0].Host == "" || rp.VMs[0].Datastore != "" {
		t.Errorf("recovery plans example read as %+v", rp)
	}
	if m.MasterTarget != "" || m.Appliance == "" || m.VMs[0].Appliance == "" || m.VMs[0].AzureVM == nil || m.Defaults.Datastore != "ds01" || !m.FromVault() {
		t.Errorf("modernized example read as %+v", m)
	}
	if c.MasterTarget == "" || c.ConfigurationServerAddr() != "cs01.example.com:443" {
		t.Errorf("classic example read as %+v", c)
	}
}
