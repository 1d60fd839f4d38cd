package checks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// The codes domain.md lists; explain must know every one.
var domainCodes = []string{"95226", "78052", "78093", "8061", "8038", "806", "78022", "78174", "78186"}

func TestCatalogComplete(t *testing.T) {
	for _, code := range domainCodes {
		e, ok := Codes[code]
		if !ok {
			t.Errorf("ASR code %s missing from the catalog", code)
			continue
		}
		if e.Code != code || e.Title == "" || e.Cause == "" || e.Symptoms == "" || e.Fix == "" || !strings.HasPrefix(e.DocURL, "https://") {
			t.Errorf("ASR code %s lacks code, title, cause, symptoms, fix or doc link: %+v", code, e)
		}
	}
	if len(All()) == 0 {
		t.Fatal("no checks registered")
	}
	for _, c := range All() {
		i := c.Info()
		if i.ID == "" || i.Title == "" || i.Kind == "" || i.Cause == "" || i.Fix == "" || !strings.HasPrefix(i.DocURL, "https://") || len(i.Phases) == 0 {
			t.Errorf("check %q lacks ID, title, kind of target, cause, fix, doc link or phases: %+v", i.ID, i)
		}
		if _, ok := Codes[i.Code]; i.Code != "" && !ok {
			t.Errorf("check %s predicts ASR code %s, which the catalog does not know", i.ID, i.Code)
		}
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering a duplicate ID did not panic")
		}
	}()
	Register(NameCollision{})
}

func TestSelection(t *testing.T) {
	if err := Validate([]string{"vm.name-collision", "nope"}); err == nil || !strings.Contains(err.Error(), `unknown check "nope"; valid checks: `) ||
		!strings.Contains(err.Error(), "vm.name-collision") {
		t.Errorf("Validate: got %v", err)
	}
	var ids []string
	for _, c := range ForPhase(Failback, []string{"vm.name-collision"}) {
		ids = append(ids, c.Info().ID)
	}
	if !slices.Equal(ids, []string{"vm.name-collision"}) {
		t.Errorf("ForPhase with --only: got %v", ids)
	}
	if !Needs(ForPhase(Reprotect, nil), VCenter) || Needs(nil, VCenter) {
		t.Error("Needs")
	}
}

// TestModernizedTexts runs every check on a modernized estate with failures that carry ASR codes
// (78174, 78093, 8061, 78052, 806): no failure or warning tells a modernized operator of a master
// target, configuration server or process server in its fix or link, or in its message.
func TestModernizedTexts(t *testing.T) {
	classic := []string{"master target", "configuration server", "process server", "9443", "master-target"}
	codes := map[string]bool{}
	for _, phase := range []Phase{Reprotect, Failback} {
		s := modernized()
		s.Phase = phase
		if phase == Reprotect {
			for i := range s.Azure.ProtectedItems {
				it := &s.Azure.ProtectedItems[i]
				it.InstanceType, it.ProtectionState, it.ActiveLocation = "InMageRcm", "UnplannedFailoverCommitted", "Recovery"
				it.AllowedOperations, it.ProcessServerName = []string{"SwitchProtection"}, "app01"
			}
			*s.Azure.ProtectedItems[0].AgentRegistered = false // 78174
			s.Azure.VMs[1].PowerState = "deallocated"          // 78093
		} else {
			s.Plan.VMs[0].Location = plan.Alternate // 78052: web01 exists
		}
		s.Azure.Fabrics.Appliances[0].AccessibleDatastores = []string{"ds07"} // 8061
		for j := range s.Azure.Fabrics.Appliances[0].Roles {
			s.Azure.Fabrics.Appliances[0].Roles[j].LastHeartbeat = collectedAt.Add(-3 * time.Hour) // 806
		}
		for _, r := range Run(t.Context(), ForPhase(phase, nil), input(s), Options{}) {
			if r.Status != Fail && r.Status != Warn {
				continue
			}
			codes[r.Code] = true
			for _, word := range classic {
				if strings.Contains(strings.ToLower(r.Fix+" "+r.DocURL), word) || word != "process server" && strings.Contains(strings.ToLower(r.Message), word) {
					t.Errorf("%s %s %s %s: mentions %q: %s | fix %s | %s", phase, r.Check, r.Target, r.Code, word, r.Message, r.Fix, r.DocURL)
				}
			}
		}
	}
	for _, code := range []string{"78174", "78093", "8061", "78052", "806"} {
		if !codes[code] {
			t.Errorf("no result with code %s: the test does not cover it", code)
		}
		if Codes[code].Modernized == nil {
			t.Errorf("code %s has no modernized advice", code)
		}
	}
	for _, url := range []string{"*.hypervrecoverymanager.windowsazure.com", "*.servicebus.windows.net", "*.blob.core.windows.net", "*.backup.windowsazure.com", "*.vault.azure.net"} {
		if !strings.Contains(Codes["78174"].Modernized.Fix, url) {
			t.Errorf("78174's modernized fix lacks %s", url)
		}
	}
}

// modernizedPage reports whether a documentation page is written for the modernized architecture:
// its name says so, or it serves both (the support matrix, recovery plans, preparing vCenter's
// account), or it is the guide from classic to modernized.
func modernizedPage(url string) bool {
	page, _, _ := strings.Cut(strings.TrimPrefix(url, docBase), "#")
	return strings.HasSuffix(page, "-modernized") || slices.Contains([]string{"vmware-physical-azure-support-matrix",
		"site-recovery-create-recovery-plans", "vmware-azure-tutorial-prepare-on-premises", "move-from-classic-to-modernized-vmware-disaster-recovery"}, page)
}

// classicChecks are the checks that only mean something for classic machines and skip modernized
// ones (README, Two architectures).
var classicChecks = []string{"master-target.vm", "network.configuration-server", "azure.guest-services"}

// TestModernizedLinks: every code but the classic components' has advice for modernized machines
// that links to a modernized page, and so does every check that applies to modernized machines;
// a classic code has no modernized advice.
func TestModernizedLinks(t *testing.T) {
	for _, code := range KnownCodes() {
		e := Codes[code]
		switch {
		case e.Classic && e.Modernized != nil:
			t.Errorf("ASR %s is classic only, yet has modernized advice", code)
		case !e.Classic && !modernizedPage(e.For(true).DocURL):
			t.Errorf("ASR %s: a modernized machine's result links to %s, a classic page", code, e.For(true).DocURL)
		}
	}
	for _, c := range All() {
		i := c.Info()
		if doc := i.DocFor(true); !slices.Contains(classicChecks, i.ID) && !modernizedPage(doc) {
			t.Errorf("check %s: a modernized machine's result links to %s, a classic page", i.ID, doc)
		}
	}
	if modernizedPage(docFailback+"#error-code-8038") || modernizedPage(docPrepare+"#deploy-a-separate-master-target-server") {
		t.Error("classic pages taken for modernized ones")
	}
}
