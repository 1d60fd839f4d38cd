package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIExamples: the CI examples are valid YAML and call the real commands and scenarios.
func TestCIExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/ci/*.yml")
	if len(files) != 2 {
		t.Fatalf("want the GitHub Actions and GitLab CI examples, got %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		for _, want := range []string{"make build", "bin/asr-preflight-lab run --scenario", "bin/asr-preflight \"$PHASE\" --plan", "--junit", "--markdown", "test/scenarios/healthy.yaml"} {
			if !strings.Contains(string(data), want) {
				t.Errorf("%s does not call %q", f, want)
			}
		}
	}
	if _, err := os.Stat("scenarios/healthy.yaml"); err != nil {
		t.Error(err)
	}
}
