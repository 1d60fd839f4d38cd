package test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWaivers runs the real binary on the lab's name collision (db01, 78052, before reprotect) with
// waivers: a live one sets the failure aside (exit 0, summary.waived 1, the result still fail and
// carrying its waiver), in a waivers file or in the plan; an ended one lets it count again and says
// so; one ending within 14 days and one matching nothing warn; a bad one is exit 2 with file:line,
// before any network traffic.
func TestWaivers(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	dir := t.TempDir()
	day := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }
	entry := func(check, who, expires string) string {
		return fmt.Sprintf("  - check: %s\n    %s\n    code: \"78052\"\n    reason: the stray copy is the DBA's until the migration\n    owner: dba-team\n    expires: %s\n", check, who, expires)
	}
	file := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	plan, err := os.ReadFile(w.PlanPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		waived    int
		stderr    string // a line it must hold
		stdoutHas string
	}{
		{"live", []string{"--waivers", file("live.yaml", "waivers:\n"+entry("vm.name-collision", "vm: db01", day(30)))}, 0, 1, "",
			"waived until " + day(30) + " by dba-team: the stray copy is the DBA's until the migration (" + filepath.Join(dir, "live.yaml") + ":2)"},
		{"in the plan", []string{"-p", file("plan.yaml", string(plan)+"waivers:\n"+entry("vm.name-collision", "vm: db01", day(30)))}, 0, 1, "", "\nWaived ("},
		{"ended", []string{"--waivers", file("ended.yaml", "waivers:\n"+entry("vm.name-collision", "vm: db01", day(-1)))}, 3, 0,
			"ended on " + day(-1) + ": what it set aside counts again (1 result(s)", "\nblocked  db01"},
		{"ending", []string{"--waivers", file("ending.yaml", "waivers:\n"+entry("vm.name-collision", "vm: db01", day(7)))}, 0, 1,
			"ends on " + day(7) + " (owner dba-team): renew it or fix the problem", ""},
		{"unused", []string{"--waivers", file("unused.yaml", "waivers:\n"+entry("vm.name-collision", "vm: web01", day(30)))}, 3, 0,
			"waiver of vm.name-collision for web01 (" + filepath.Join(dir, "unused.yaml") + ":2) matched nothing in this run", ""},
		{"too far ahead", []string{"--waivers", file("far.yaml", "waivers:\n"+entry("vm.name-collision", "vm: db01", day(181)))}, 2, 0,
			filepath.Join(dir, "far.yaml") + ":2: waiver: expires: " + day(181) + " is more than 180 days ahead; expected " + day(180) + " at the latest", ""},
		{"unknown check", []string{"--waivers", file("unknown.yaml", "waivers:\n"+entry("vm.name-colision", "vm: db01", day(30)))}, 2, 0,
			`waiver: check: unknown check "vm.name-colision"`, ""},
		{"unknown key", []string{"--waivers", file("key.yaml", "waivers:\n"+entry("vm.name-collision", "vm: db01", day(30))+"    until: never\n")}, 2, 0,
			filepath.Join(dir, "key.yaml") + ":8: waivers[0].until: unknown field", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"reprotect", "-p", w.PlanPath, "--json", filepath.Join(dir, tc.name+".json")}, tc.args...)
			res := run(t, "", w.Env(), args...)
			if res.code != tc.code || !strings.Contains(res.stderr, tc.stderr) || !strings.Contains(res.stdout, tc.stdoutHas) {
				t.Fatalf("exit %d, want %d; want %q on stderr and %q on stdout\n%s\n%s", res.code, tc.code, tc.stderr, tc.stdoutHas, res.stdout, res.stderr)
			}
			if tc.code == 2 {
				if strings.Contains(res.stdout, "VERDICT") {
					t.Error("bad waivers, yet a report")
				}
				return
			}
			data, err := os.ReadFile(filepath.Join(dir, tc.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			r := decode(t, string(data))
			if r.Summary.Waived != tc.waived || (tc.waived > 0) == (r.Summary.Fail > 0) {
				t.Errorf("summary %+v, want %d waived", r.Summary, tc.waived)
			}
			for _, res := range r.Results {
				if res.Check == "vm.name-collision" && res.Target == "db01" && (res.Status != "fail" || (res.Waived != nil) != (tc.waived > 0)) {
					t.Errorf("db01's result: %s, waived %+v", res.Status, res.Waived)
				}
			}
		})
	}
}

// TestSnapshotWaivers: a snapshot keeps the plan's waivers, analyze applies them, and a snapshot
// whose waivers were edited into nonsense is exit 2.
func TestSnapshotWaivers(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	dir := t.TempDir()
	plan, err := os.ReadFile(w.PlanPath)
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	withWaivers := filepath.Join(dir, "plan.yaml")
	text := string(plan) + "waivers:\n  - {check: vm.name-collision, vm: db01, reason: kept, owner: dba, expires: " + expires + "}\n"
	if err := os.WriteFile(withWaivers, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap.json")
	if res := run(t, "", w.Env(), "reprotect", "-p", withWaivers, "--save-snapshot", snap); res.code != 0 {
		t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
	}
	if res := run(t, "", nil, "analyze", "--snapshot", snap); res.code != 0 || !strings.Contains(res.stdout, "waived until "+expires+" by dba: kept") {
		t.Errorf("analyze: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(data), `"expires": "`+expires+`"`, `"expires": "2020-13-45"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := run(t, "", nil, "analyze", "--snapshot", bad); res.code != 2 || !strings.Contains(res.stderr, `waivers[0].expires: expected a date as YYYY-MM-DD, got "2020-13-45"`) {
		t.Errorf("a snapshot with a bad waiver: exit %d\n%s", res.code, res.stderr)
	}
}
