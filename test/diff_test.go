package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDiff runs the real binary: a run of the lab's name collision (db01 blocked), one with it
// waived (db01 ready), and diff both ways — better is exit 0, newly blocked exit 3 — on the JSON
// reports and on a snapshot analysed again; bad input is exit 2.
func TestDiff(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	dir := t.TempDir()
	blocked, fixed, snap := filepath.Join(dir, "blocked.json"), filepath.Join(dir, "fixed.json"), filepath.Join(dir, "snap.json")
	waivers := filepath.Join(dir, "waivers.yaml")
	text := "waivers:\n  - {check: vm.name-collision, vm: db01, reason: kept, owner: dba, expires: " + time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02") + "}\n"
	if err := os.WriteFile(waivers, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "--json", blocked, "--save-snapshot", snap); res.code != 3 {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stderr)
	}
	if res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "--json", fixed, "--waivers", waivers); res.code != 0 {
		t.Fatalf("waived run: exit %d\n%s", res.code, res.stderr)
	}
	notReport := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(notReport, []byte(`{"version": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(blocked)
	var other map[string]any
	_ = json.Unmarshal(data, &other)
	other["phase"] = "failback"
	failback := filepath.Join(dir, "failback.json")
	data, _ = json.Marshal(other)
	if err := os.WriteFile(failback, data, 0o600); err != nil {
		t.Fatal(err)
	}
	other["phase"], other["vms"] = "reprotect", []map[string]string{{"name": "db01", "verdict": "nonsense"}}
	nonsense := filepath.Join(dir, "nonsense.json")
	data, _ = json.Marshal(other)
	if err := os.WriteFile(nonsense, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"better", []string{blocked, fixed}, 0, []string{"  db01                 blocked → ready", "Resolved problems\n  FAIL vm.name-collision ASR 78052 [VM db01]"}},
		{"newly blocked", []string{fixed, blocked}, 3, []string{"! db01                 ready → blocked", "New problems\n  FAIL vm.name-collision ASR 78052 [VM db01]"}},
		{"a snapshot, analysed with the waivers", []string{snap, blocked, "--waivers", waivers}, 3, []string{"ready → blocked"}},
		{"the same", []string{blocked, blocked}, 0, []string{"Nothing changed."}},
		{"json", []string{fixed, blocked, "--format", "json"}, 3, []string{`"to": "blocked"`}},
		{"not a report", []string{notReport, blocked}, 2, []string{notReport + " is not a JSON report (--json FILE) or a snapshot (--save-snapshot FILE) of asr-preflight"}},
		{"another phase", []string{failback, blocked}, 2, []string{"compare runs of one phase, or give --any-phase"}},
		{"any phase", []string{failback, blocked, "--any-phase"}, 0, []string{"Nothing changed."}},
		{"a missing file", []string{filepath.Join(dir, "nope.json"), blocked}, 2, []string{"reading " + filepath.Join(dir, "nope.json")}},
		{"a verdict that does not exist", []string{nonsense, blocked}, 2, []string{nonsense + ` is not a JSON report of asr-preflight: vms[0].verdict "nonsense" is not a verdict`}},
		{"waivers for reports", []string{blocked, fixed, "--waivers", waivers}, 2, []string{"--waivers applies to snapshots"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, "", nil, append([]string{"diff"}, tc.args...)...)
			out := res.stdout + res.stderr
			for _, want := range tc.want {
				if res.code != tc.code || !strings.Contains(out, want) {
					t.Errorf("exit %d, want %d and %q in\n%s", res.code, tc.code, want, out)
				}
			}
		})
	}
}
