package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// TestSnapshotHoldsNoSecret: a snapshot keeps the plan as resolved but never a password — not the
// one in the plan's vCenter URL, not the environment's — nor the lab's Azure token.
func TestSnapshotHoldsNoSecret(t *testing.T) {
	w := startScenario(t, "azure: {}\n"+azurePlan)
	plan, err := os.ReadFile(w.PlanPath)
	if err != nil {
		t.Fatal(err)
	}
	withURL := strings.Replace(string(plan), "vcenter:\n", "vcenter:\n    url: https://admin:"+w.Lab.Password+"@"+strings.TrimPrefix(w.Lab.URL, "https://")+"\n", 1)
	var env []string
	for _, kv := range w.Env() {
		if !strings.HasPrefix(kv, "GOVC_URL=") {
			env = append(env, kv)
		}
	}
	snap := filepath.Join(t.TempDir(), "snap.json")
	res := run(t, withURL, env, "reprotect", "-p", "-", "-f", "json", "--save-snapshot", snap)
	if res.code != 4 { // the classic items warn (asr.architecture), and nothing else is wrong
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{w.Lab.Password, "asr-preflight-lab-token"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the snapshot holds %q", secret)
		}
	}
	var s struct {
		SnapshotVersion int    `json:"snapshotVersion"`
		ToolVersion     string `json:"toolVersion"`
		CollectedAt     string `json:"collectedAt"`
		Plan            struct {
			VCenter struct{ URL string } `json:"vcenter"`
		} `json:"plan"`
		Parts map[string]map[string]any `json:"parts"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.SnapshotVersion != 1 || s.ToolVersion == "" || s.CollectedAt == "" || !strings.HasPrefix(s.Plan.VCenter.URL, "https://127.0.0.1:") ||
		s.Parts["vcenter"]["collected"] != true || s.Parts["azure/vault"]["collected"] != true || s.Parts["probe/guest"]["notConfigured"] == nil {
		t.Errorf("snapshot header, plan URL or parts: %+v", s)
	}
}

// TestAnalyzeInput: analyze refuses what is not a snapshot of its version (exit 2), and replays
// a snapshot for the other phase when asked.
func TestAnalyzeInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notJSON, other, newer := write("plan.yaml", lab.Plan), write("other.json", `{"results": []}`),
		write("newer.json", `{"snapshotVersion": 2, "tool": "asr-preflight", "toolVersion": "v9.0.0", "plan": {}}`)
	for _, tc := range []struct{ args, stderr string }{
		{"analyze --snapshot " + notJSON, "asr-preflight: " + notJSON + " is not an asr-preflight snapshot: invalid character 'v' looking for beginning of value\n"},
		{"analyze --snapshot " + other, "asr-preflight: " + other + " is not an asr-preflight snapshot (write one with --save-snapshot)\n"},
		{"analyze --snapshot " + newer, "asr-preflight: " + newer + " is a snapshot of version 2, written by a newer asr-preflight (v9.0.0); this one reads version 1\n"},
		{"analyze --snapshot /nonexistent.json", "asr-preflight: reading snapshot: open /nonexistent.json: no such file or directory\n"},
		{"analyze --snapshot " + newer + " --phase later", "asr-preflight: --phase: expected reprotect or failback, got \"later\"\n"},
	} {
		res := run(t, "", nil, strings.Fields(tc.args)...)
		if res.code != 2 || res.stderr != tc.stderr {
			t.Errorf("%s: exit %d, stderr %q; want 2, %q", tc.args, res.code, res.stderr, tc.stderr)
		}
	}

	// A reprotect snapshot analysed for failback runs failback's checks on the same data.
	w := startScenario(t, healthyVCenter)
	snap := filepath.Join(dir, "snap.json")
	if res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "--save-snapshot", snap); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
	res := run(t, "", nil, "analyze", "--snapshot", snap, "--phase", "failback", "-f", "json")
	r := decode(t, res.stdout)
	if r.Phase != "failback" || !strings.Contains(res.stdout, `"check": "esxi.memory"`) || strings.Contains(res.stdout, `"check": "datastore.capacity"`) {
		t.Errorf("failback analysis of a reprotect snapshot: exit %d, phase %s\n%s", res.code, r.Phase, res.stdout)
	}
}

// TestListedVMsAreExact: a plan that names a vault and lists its VMs checks exactly those, however
// many items the vault holds (and however little the plan says of them).
func TestListedVMsAreExact(t *testing.T) {
	w := startScenario(t, `azure:
  items:
    - {name: web01}
    - {name: db01}
    - {name: app01}
    - {name: old01, instanceType: InMage}
plan:
  version: 1
  masterTarget: mt01
  azure: {vault: {resourceGroup: rg-asr, name: vault01}}
  vms:
    - {name: web01, datastore: LocalDS_0}
`)
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "-f", "json")
	if res.code != 4 { // web01's classic item warns (asr.architecture), and nothing else is wrong
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, r := range decode(t, res.stdout).Results {
		if r.Target == "db01" || r.Target == "app01" || r.Target == "old01" {
			t.Errorf("a VM the plan does not list was checked: %+v", r)
		}
	}
	if !strings.Contains(res.stdout, `"target": "web01"`) {
		t.Errorf("web01 was not checked:\n%s", res.stdout)
	}
}
