package test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var updateExpected = flag.Bool("update", false, "rewrite the scenarios' expected files from what the tool reports")

// expected is what a scenario must produce: NAME.expected beside NAME.yaml.
type expected struct {
	Phase   string   `yaml:"phase"`
	Args    []string `yaml:"args,omitempty"`
	Exit    int      `yaml:"exit"`
	Results []string `yaml:"results"` // "check target status [code]", sorted
}

// configServer normalises the configuration server's address, which changes every run.
var configServer = regexp.MustCompile(`^127\.0\.0\.1:\d+$`)

// TestScenarios runs every scenario in test/scenarios through the real binaries: asr-preflight-lab
// run serves it and runs asr-preflight. Adding a scenario is adding NAME.yaml and NAME.expected
// (go test ./test -run Scenarios -update writes the latter; review it).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expFile := strings.TrimSuffix(file, ".yaml") + ".expected"
			data, err := os.ReadFile(expFile)
			if err != nil {
				t.Fatalf("%v: every scenario needs an expected file with at least its phase", err)
			}
			var want expected
			if err := yaml.Unmarshal(data, &want); err != nil || want.Phase == "" {
				t.Fatalf("%s: %v (phase %q)", expFile, err, want.Phase)
			}
			args := append([]string{"run", "--scenario", file, "--checker", binary, "--", want.Phase, "-f", "json"}, want.Args...)
			res := runBinary(t, labBinary, "", nil, args...)
			got := expected{Phase: want.Phase, Args: want.Args, Exit: res.code}
			for _, r := range decode(t, res.stdout).Results {
				target := r.Target
				if configServer.MatchString(target) {
					target = "configuration-server"
				}
				got.Results = append(got.Results, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", r.Check, target, r.Status, r.Code)))
			}
			slices.Sort(got.Results)
			if *updateExpected {
				var out strings.Builder
				enc := yaml.NewEncoder(&out)
				enc.SetIndent(2)
				if err := enc.Encode(got); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(expFile, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.Exit != want.Exit || !slices.Equal(got.Results, want.Results) {
				t.Errorf("%s: exit %d, want %d\n got: %s\nwant: %s\n(stderr: %s)", name, got.Exit, want.Exit,
					strings.Join(got.Results, "\n      "), strings.Join(want.Results, "\n      "), res.stderr)
			}
		})
	}
}
