package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// TestSuggestedPlansRunClean (one scenario at a time: the in-process simulator is not safe to start
// in parallel): for every --suggest scenario, the suggested plan loads as is, names
// each change's reason in a comment, and a run with it against the same estate no longer reports
// any suggestion's reason for its VM; the verdicts of the first run stand (advice, not a pass).
func TestSuggestedPlansRunClean(t *testing.T) {
	files, _ := filepath.Glob("scenarios/suggest-*.yaml")
	if len(files) < 6 {
		t.Fatalf("%d suggest scenarios", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(strings.TrimSuffix(file, ".yaml") + ".expected")
			var want expected
			if err != nil || yaml.Unmarshal(data, &want) != nil {
				t.Fatalf("%s: %v", name, err)
			}
			w := startScenarioFile(t, filepath.Base(file))
			suggested := filepath.Join(t.TempDir(), "suggested.yaml")
			first := run(t, "", w.Env(), append([]string{want.Phase, "-p", w.PlanPath, "-f", "json", "--suggested-plan", suggested}, want.Args...)...)
			before := decode(t, first.stdout)
			text, err := os.ReadFile(suggested)
			if err != nil {
				t.Fatalf("no suggested plan: %v\n%s", err, first.stderr)
			}
			if _, err := plan.Parse("suggested.yaml", text); err != nil {
				t.Fatalf("the suggested plan does not load: %v\n%s", err, text)
			}
			second := decode(t, run(t, "", w.Env(), want.Phase, "-p", suggested, "-f", "json").stdout)
			after := map[string][]string{}
			for _, vm := range second.VMs {
				for _, r := range vm.Reasons {
					after[vm.Name] = append(after[vm.Name], r.Check)
				}
			}
			moved := 0
			for _, vm := range before.VMs {
				if vm.Verdict != want.VMs[vm.Name] {
					t.Errorf("%s: verdict %s with --suggest, want %s: a suggestion is advice", vm.Name, vm.Verdict, want.VMs[vm.Name])
				}
				for _, sg := range vm.Suggestions {
					for _, check := range after[vm.Name] {
						if check == sg.Check {
							t.Errorf("%s: %s %s → %s, yet the suggested plan's run still reports %s", vm.Name, sg.Field, sg.From, sg.To, check)
						}
					}
					if sg.From != sg.To {
						moved++
						if !strings.Contains(string(text), " # suggested, was "+sg.From+": "+sg.Check) {
							t.Errorf("%s: no comment for %s → %s in\n%s", vm.Name, sg.Field, sg.To, text)
						}
					}
				}
			}
			if moved == 0 && name != "suggest-nothing-fits" {
				t.Errorf("no suggestion moved anything")
			}
		})
	}
}
