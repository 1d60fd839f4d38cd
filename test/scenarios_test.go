package test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

var updateExpected = flag.Bool("update", false, "rewrite the scenarios' expected files from what the tool reports")

// expected is what a scenario must produce: NAME.expected beside NAME.yaml. Passes are counted
// nowhere, so that adding a check that passes changes no expected file.
type expected struct {
	Phase    string                    `yaml:"phase"`
	Args     []string                  `yaml:"args,omitempty"`
	Exit     int                       `yaml:"exit"`
	Summary  counts                    `yaml:"summary"`
	Problems []string                  `yaml:"problems"` // every result that is not a pass: "check target status [code]", sorted
	VMs      map[string]result.Verdict `yaml:"vms"`      // every plan VM's verdict
	// RecoveryPlans is every recovery plan's verdict, when the plan names any.
	RecoveryPlans map[string]result.Verdict `yaml:"recoveryPlans,omitempty"`
	// Suggestions (--suggest) are each VM's, as "field from → to", then "unresolved: N".
	Suggestions map[string][]string `yaml:"suggestions,omitempty"`
}

// add records one of a VM's suggestions.
func (e *expected) add(vm, s string) {
	if e.Suggestions == nil {
		e.Suggestions = map[string][]string{}
	}
	e.Suggestions[vm] = append(e.Suggestions[vm], s)
}

// counts are a report's summary without the passes.
type counts struct {
	Warn  int `yaml:"warn"`
	Fail  int `yaml:"fail"`
	Error int `yaml:"error"`
	Skip  int `yaml:"skip"`
}

// configServer normalises the configuration server's address, which changes every run.
var configServer = regexp.MustCompile(`^127\.0\.0\.1:\d+$`)

// results lists a report's results as "check target status [code]", sorted; with problems, only
// those that are not a pass.
func results(r report.Report, problems bool) []string {
	var out []string
	for _, res := range r.Results {
		if problems && res.Status == "pass" {
			continue
		}
		target := res.Target
		if configServer.MatchString(target) {
			target = "configuration-server"
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", res.Check, target, res.Status, res.Code)))
	}
	slices.Sort(out)
	return out
}

// unowned reports a failure, error or warning that applies to no VM of the plan: the VMs it
// concerns would be reported ready.
func unowned(t *testing.T, r report.Report) {
	t.Helper()
	applied := map[[2]string]bool{}
	for _, vm := range r.VMs {
		for _, rs := range vm.Reasons {
			applied[[2]string{rs.Check, rs.Target}] = true
		}
	}
	for _, p := range r.RecoveryPlans { // a plan's own results apply to the plan
		for _, rs := range p.Reasons {
			applied[[2]string{rs.Check, rs.Target}] = true
		}
	}
	for _, res := range r.Results {
		if (res.Status == result.Fail || res.Status == result.Error || res.Status == result.Warn) && len(r.VMs) > 0 && !applied[[2]string{res.Check, res.Target}] {
			t.Errorf("%s [%s] %s applies to no VM: %s", res.Check, res.Target, res.Status, res.Message)
		}
	}
}

// TestScenarios runs every scenario in test/scenarios through the real binaries: asr-preflight-lab
// run serves it and runs asr-preflight, which also saves a snapshot; asr-preflight analyze then
// replays the snapshot, offline, and must give the same result for every (check, target). Adding
// a scenario is adding NAME.yaml and NAME.expected (go test ./test -run Scenarios -update writes
// the latter; review it).
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
			snapshot := filepath.Join(t.TempDir(), "snapshot.json")
			args := append([]string{"run", "--scenario", file, "--checker", binary, "--", want.Phase, "-f", "json", "--save-snapshot", snapshot}, want.Args...)
			res := runBinary(t, labBinary, "", nil, args...)
			live := decode(t, res.stdout)
			s := live.Summary
			got := expected{Phase: want.Phase, Args: want.Args, Exit: res.code, Summary: counts{s.Warn, s.Fail, s.Error, s.Skip}, Problems: results(live, true),
				VMs: map[string]result.Verdict{}}
			for _, vm := range live.VMs {
				got.VMs[vm.Name] = vm.Verdict
			}
			for _, vm := range live.VMs {
				for _, sg := range vm.Suggestions {
					got.add(vm.Name, fmt.Sprintf("%s %s → %s", sg.Field, sg.From, sg.To))
				}
				if len(vm.Unresolved) > 0 {
					got.add(vm.Name, fmt.Sprintf("unresolved: %d", len(vm.Unresolved)))
				}
			}
			for _, p := range live.RecoveryPlans {
				if got.RecoveryPlans == nil {
					got.RecoveryPlans = map[string]result.Verdict{}
				}
				got.RecoveryPlans[p.Name] = p.Verdict
			}
			unowned(t, live)
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
			if got.Exit != want.Exit || got.Summary != want.Summary || !slices.Equal(got.Problems, want.Problems) || !maps.Equal(got.VMs, want.VMs) ||
				!maps.Equal(got.RecoveryPlans, want.RecoveryPlans) || !maps.EqualFunc(got.Suggestions, want.Suggestions, slices.Equal) {
				t.Errorf("%s: exit %d, want %d; summary %+v, want %+v\n got: %s\nwant: %s\nverdicts %v, want %v\nrecovery plans %v, want %v\n(stderr: %s)", name, got.Exit, want.Exit,
					got.Summary, want.Summary, strings.Join(got.Problems, "\n      "), strings.Join(want.Problems, "\n      "), got.VMs, want.VMs,
					got.RecoveryPlans, want.RecoveryPlans, res.stderr)
				t.Errorf("suggestions %v, want %v", got.Suggestions, want.Suggestions)
			}

			// The snapshot replayed offline gives the same results as the live run.
			replay := runBinary(t, binary, "", nil, "analyze", "--snapshot", snapshot, "-f", "json")
			if replay.code != res.code || !slices.Equal(results(decode(t, replay.stdout), false), results(live, false)) {
				t.Errorf("%s: analyze --snapshot: exit %d, want %d\n got: %s\nwant: %s\n(stderr: %s)", name, replay.code, res.code,
					strings.Join(results(decode(t, replay.stdout), false), "\n      "), strings.Join(results(live, false), "\n      "), replay.stderr)
			}
		})
	}
}
