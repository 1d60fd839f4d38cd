package test

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// prometheusTool finds a tool of Debian's prometheus package; it skips the test, with the reason,
// when the package is not installed — except in CI (.ci/run installs it), where it fails.
func prometheusTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	why := name + " not found: install Debian's prometheus package (apt-get install prometheus)"
	if os.Getenv("ASR_PREFLIGHT_REQUIRE_PROMETHEUS") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

// servedMetrics are the metric families serve exports (histograms by their series' names).
var servedMetrics = []string{"asr_preflight_vm_ready", "asr_preflight_vm_verdict", "asr_preflight_check_failures",
	"asr_preflight_source_up", "asr_preflight_last_run_timestamp_seconds", "asr_preflight_run_interval_seconds",
	"asr_preflight_run_duration_seconds_bucket", "asr_preflight_runs_total", "asr_preflight_build_info"}

// TestPrometheusExamples: the example scrape config and alert rules pass promtool (the rules'
// own unit tests included), and the Grafana dashboard asks only for metrics serve exports.
func TestPrometheusExamples(t *testing.T) {
	promtool := prometheusTool(t, "promtool")
	dir := "../examples/prometheus"
	for _, args := range [][]string{{"check", "config", "prometheus.yml"}, {"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &dash); err != nil || len(dash.Panels) == 0 {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	names := regexp.MustCompile(`asr_preflight_[a-z_]+`)
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, name := range names.FindAllString(target.Expr, -1) {
				if !slices.Contains(servedMetrics, name) {
					t.Errorf("panel %q asks for %s, which serve does not export", p.Title, name)
				}
			}
		}
	}
}

// TestPrometheusScrapes runs a real Prometheus (Debian's package) on 127.0.0.1 with the example
// rules, scraping serve every second, and asks its HTTP API for asr_preflight_vm_ready.
func TestPrometheusScrapes(t *testing.T) {
	prom := prometheusTool(t, "prometheus")
	w := startScenario(t, healthyVCenter)
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--phase", "reprotect", "--interval", "1s")
	s.waitFor(t, 20*time.Second, "/readyz", func() bool { code, _ := s.get(t, "/readyz"); return code == 200 })
	_, scrape := s.get(t, "/metrics")
	for _, name := range servedMetrics {
		if !strings.Contains(scrape, "# TYPE "+strings.TrimSuffix(name, "_bucket")+" ") {
			t.Errorf("serve does not export %s", name)
		}
	}

	dir := t.TempDir()
	rules, _ := os.ReadFile("../examples/prometheus/alerts.yml")
	addr := closedPort(t)
	config := "global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [alerts.yml]\nscrape_configs:\n" +
		"  - job_name: asr-preflight\n    static_configs: [{targets: [\"" + strings.TrimPrefix(s.base, "http://") + "\"]}]\n"
	for name, text := range map[string]string{"prometheus.yml": config, "alerts.yml": string(rules)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(prom, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	query := func(q string) []map[string]any {
		res, err := s.client.Get("http://" + addr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil
		}
		defer res.Body.Close()
		var body struct {
			Data struct{ Result []map[string]any }
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		return body.Data.Result
	}
	var got []map[string]any
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && len(got) < 3; time.Sleep(250 * time.Millisecond) {
		got = query(`asr_preflight_vm_ready{job="asr-preflight",phase="reprotect"} == 1`)
	}
	var vms []string
	for _, r := range got {
		vms = append(vms, r["metric"].(map[string]any)["vm"].(string))
	}
	slices.Sort(vms)
	if strings.Join(vms, ",") != "app01,db01,web01" {
		t.Fatalf("Prometheus has ready VMs %v, want app01, db01, web01\n%s", vms, logs.String())
	}
	if up := query(`asr_preflight_source_up{source="vcenter"}`); len(up) != 1 {
		t.Errorf("source_up in Prometheus: %v", up)
	}
}
