package test

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/asr-preflight/asr-preflight/"

// pkg is what go list says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list -json on the patterns.
func listPackages(t *testing.T, patterns ...string) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)...)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module)] = p
	}
	return pkgs
}

// TestChecksAndReportsBuildWithoutSDKs: the checks, the facts, the inventory and the reports
// depend on neither govmomi nor the Azure SDK (go list -deps), so that they stay pure functions of
// data and a snapshot can be analysed anywhere.
func TestChecksAndReportsBuildWithoutSDKs(t *testing.T) {
	for name, p := range listPackages(t, "./internal/checks", "./internal/report", "./internal/derive", "./internal/inventory", "./internal/result", "./internal/suggest") {
		for _, dep := range p.Deps {
			if strings.Contains(dep, "github.com/vmware/govmomi") || strings.Contains(dep, "github.com/Azure/azure-sdk-for-go") {
				t.Errorf("%s depends on %s", name, dep)
			}
		}
	}
}

// TestDataFlowsOneWay: plan → collect → derive → checks → report, with the pipeline above them,
// serve above the pipeline and the commands above all. No package imports one later in the flow,
// or the pipeline.
func TestDataFlowsOneWay(t *testing.T) {
	allowed := map[string][]string{ // the project packages each may import
		"internal/result":          nil,
		"internal/strictyaml":      nil,
		"internal/plan":            {"internal/strictyaml", "internal/waiver"},
		"internal/waiver":          {"internal/result", "internal/strictyaml"},
		"internal/inventory":       {"internal/plan", "internal/result"},
		"internal/loopback":        nil,
		"internal/collect/vcenter": {"internal/inventory", "internal/loopback"},
		"internal/collect/azure":   {"internal/inventory", "internal/loopback"},
		"internal/collect/probe":   nil,
		"internal/derive":          {"internal/inventory", "internal/plan", "internal/result"},
		"internal/checks":          {"internal/derive", "internal/inventory", "internal/plan", "internal/result"},
		"internal/suggest":         {"internal/checks", "internal/derive", "internal/inventory", "internal/plan", "internal/result"},
		"internal/report":          {"internal/result"},
		"internal/diff":            {"internal/report", "internal/result"},
		"internal/serve":           {"internal/collect/vcenter", "internal/diff", "internal/inventory", "internal/loopback", "internal/preflight", "internal/report", "internal/result"},
	}
	pkgs := listPackages(t, "./internal/...")
	for name, want := range allowed {
		p, ok := pkgs[name]
		if !ok {
			t.Errorf("package %s is gone: update the rule", name)
			continue
		}
		for _, imp := range p.Imports {
			if rel, ours := strings.CutPrefix(imp, module); ours && !slices.Contains(want, rel) {
				t.Errorf("%s imports %s; it may import only %v", name, rel, want)
			}
		}
	}
}
