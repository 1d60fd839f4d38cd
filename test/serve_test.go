package test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/serve"
)

// served is a running asr-preflight serve.
type served struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	client *http.Client
	token  string
	stderr *logLines
	exited chan error
	done   chan struct{} // closed once serve exited
}

// logLines collects a process's standard error, line by line, while a test reads it.
type logLines struct {
	lines chan string
	all   strings.Builder
}

// startServe runs asr-preflight serve with the arguments (--listen 127.0.0.1:0 unless given) and
// waits for it to listen; it is stopped with the test.
func startServe(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	if !strings.Contains(strings.Join(args, " "), "--listen") {
		args = append(args, "--listen", "127.0.0.1:0")
	}
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	pipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, client: &http.Client{Timeout: 10 * time.Second}, stderr: &logLines{lines: make(chan string, 1000)}, exited: make(chan error, 1), done: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			if m := regexp.MustCompile(`msg=serving listen=(\S+)|"msg":"serving","listen":"([^"]+)"`).FindStringSubmatch(line); m != nil {
				m[1] += m[2]
				listening <- m[1]
			}
			select {
			case s.stderr.lines <- line:
			default:
			}
		}
		s.exited <- cmd.Wait()
		close(s.done)
	}()
	// Stopped as an operator would, so that it ends its vCenter watch (a wait held open in the
	// lab's vCenter would delay the lab's own stop), then killed if it does not stop.
	t.Cleanup(func() {
		select {
		case <-s.done:
			return
		default:
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(2 * serve.ShutdownGrace):
			_ = cmd.Process.Kill()
		}
	})
	select {
	case addr := <-listening:
		s.base = "http://" + addr
	case err := <-s.exited:
		t.Fatalf("serve exited before listening: %v\n%s", err, s.log())
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not listen\n%s", s.log())
	}
	return s
}

// log is what serve logged so far.
func (s *served) log() string {
	for {
		select {
		case l := <-s.stderr.lines:
			s.stderr.all.WriteString(l + "\n")
		default:
			return s.stderr.all.String()
		}
	}
}

// get fetches a path, with the token when there is one.
func (s *served) get(t *testing.T, path string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waitFor polls until ok holds, or fails the test after limit.
func (s *served) waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within %v\n%s", what, limit, s.log())
}

// stop sends SIGTERM and says how long serve took to exit, and how.
func (s *served) stop(t *testing.T) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		return time.Since(start), err
	case <-time.After(15 * time.Second):
		t.Fatalf("serve still running 15 s after SIGTERM\n%s", s.log())
		return 0, nil
	}
}

// metric is the value of the series whose name and labels (a subset, as k="v" pairs) match in a
// scrape, and whether there is one.
func metric(scrape, name string, labels ...string) (float64, bool) {
	for line := range strings.Lines(scrape) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		all := true
		for _, l := range labels {
			all = all && strings.Contains(line, l)
		}
		if all {
			v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			return v, err == nil
		}
	}
	return 0, false
}

// TestServe runs serve on the demo's modernized estate, every second, for both phases: readiness,
// the metrics (checked by promtool when it is there), the reports; then Azure goes away, and the
// next run makes the VMs unknown and the source down; then SIGTERM stops it.
// series is one series of a scrape and the value it must have.
type series struct {
	name   string
	labels []string
	want   float64
}

// checkScrape checks each series' value in the scrape, then the whole exposition with promtool
// (Debian's prometheus package; required when ASR_PREFLIGHT_REQUIRE_PROMETHEUS is set).
func checkScrape(t *testing.T, scrape string, want []series) {
	t.Helper()
	for _, tc := range want {
		if got, ok := metric(scrape, tc.name, tc.labels...); !ok || got != tc.want {
			t.Errorf("%s%v = %v (found %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(scrape)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else if os.Getenv("ASR_PREFLIGHT_REQUIRE_PROMETHEUS") != "" {
		t.Error("promtool not found (Debian's prometheus package)")
	}
}

func TestServe(t *testing.T) {
	w := startScenarioFile(t, "mixed-modernized.yaml")    // before reprotect: web01 ready, db01 and app01 blocked
	waivers := filepath.Join(t.TempDir(), "waivers.yaml") // a waiver of a problem web01 does not have: it is logged at each run
	if err := os.WriteFile(waivers, []byte("waivers:\n  - {check: vm.name-collision, vm: web01, reason: r, owner: o, expires: "+
		time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--interval", "1s", "--waivers", waivers)
	if code, body := s.get(t, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	s.waitFor(t, 20*time.Second, "/readyz", func() bool { code, _ := s.get(t, "/readyz"); return code == 200 })

	_, scrape := s.get(t, "/metrics")
	plan := `plan="` + w.PlanPath + `"`
	checkScrape(t, scrape, []series{
		{"asr_preflight_vm_ready", []string{plan, `phase="reprotect"`, `vm="web01"`}, 1},
		{"asr_preflight_vm_ready", []string{plan, `phase="reprotect"`, `vm="db01"`}, 0},
		{"asr_preflight_vm_verdict", []string{`phase="reprotect"`, `verdict="blocked"`, `vm="app01"`}, 1},
		{"asr_preflight_vm_verdict", []string{`phase="reprotect"`, `verdict="ready"`, `vm="app01"`}, 0},
		{"asr_preflight_check_failures", []string{`check="azure.vm-running"`, `code="78093"`, `phase="reprotect"`}, 1},
		{"asr_preflight_check_failures", []string{`check="vm.name-collision"`, `code=""`, `phase="reprotect"`}, 0},
		{"asr_preflight_source_up", []string{plan, `source="vcenter"`}, 1},
		{"asr_preflight_source_up", []string{plan, `source="azure"`}, 1},
		{"asr_preflight_source_up", []string{plan, `source="vault"`}, 1},
		{"asr_preflight_source_up", []string{plan, `source="appliance"`}, 1},
		{"asr_preflight_run_interval_seconds", nil, 1},
	})
	for _, name := range []string{"asr_preflight_last_run_timestamp_seconds", "asr_preflight_run_duration_seconds_bucket",
		"asr_preflight_runs_total", "asr_preflight_build_info", "go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := metric(scrape, name); !ok {
			t.Errorf("no %s in the scrape", name)
		}
	}
	if runs, _ := metric(scrape, "asr_preflight_runs_total", `phase="failback"`, `result="fail"`); runs < 1 {
		t.Errorf("runs_total of failback: %v", runs)
	}

	// The reports: the phase must be named (both are served), the plan need not (one is).
	if code, body := s.get(t, "/report"); code != 400 || !strings.Contains(body, "phase: several are served; ask for one of reprotect, failback") {
		t.Errorf("/report without a phase: %d %s", code, body)
	}
	if code, body := s.get(t, "/report?phase=nope"); code != 404 {
		t.Errorf("/report?phase=nope: %d %s", code, body)
	}
	code, body := s.get(t, "/report?phase=reprotect")
	var r report.Report
	if err := json.Unmarshal([]byte(body), &r); code != 200 || err != nil || r.Summary.VMs.Ready != 1 || r.Summary.VMs.Blocked != 2 {
		t.Errorf("/report?phase=reprotect: %d %v %+v", code, err, r.Summary)
	}
	for _, ask := range [][]string{{"/report?phase=failback&format=html"}, {"/report?phase=failback&plan=" + w.PlanPath, "Accept", "text/html,application/xhtml+xml"}} {
		if code, body := s.get(t, ask[0], ask[1:]...); code != 200 || !strings.HasPrefix(body, "<!DOCTYPE html>") || !strings.Contains(body, "asr-preflight <span id=\"phase\">failback</span>") {
			t.Errorf("%v: %d %.200s", ask, code, body)
		}
	}

	// Azure goes away: on the next run the VMs cannot be told ready, and the sources say why.
	time.Sleep(1100 * time.Millisecond) // since= has a second's precision: the first report is before it
	before := time.Now().UTC().Format(time.RFC3339)
	w.ARM.Close()
	s.waitFor(t, 20*time.Second, "web01 not ready once Azure is gone", func() bool {
		_, scrape := s.get(t, "/metrics")
		ready, _ := metric(scrape, "asr_preflight_vm_ready", `phase="reprotect"`, `vm="web01"`)
		unknown, _ := metric(scrape, "asr_preflight_vm_verdict", `phase="reprotect"`, `vm="web01"`, `verdict="unknown"`)
		azure, _ := metric(scrape, "asr_preflight_source_up", `source="azure"`)
		vcenter, _ := metric(scrape, "asr_preflight_source_up", `source="vcenter"`)
		return ready == 0 && unknown == 1 && azure == 0 && vcenter == 1
	})

	if code, body := s.get(t, "/report?phase=reprotect&format=text&since="+before); code != 200 || !strings.Contains(body, "! web01                ready → unknown") {
		t.Errorf("/report?since=%s: %d\n%s", before, code, body)
	}

	took, err := s.stop(t)
	if err != nil || took > 5*time.Second {
		t.Errorf("SIGTERM: exit %v after %v", err, took)
	}
	logged := s.log()
	for _, want := range []string{"level=INFO msg=run plan=" + w.PlanPath + " phase=reprotect result=fail", "vms=3 ready=1 warn=0 blocked=2 unknown=0", "msg=stopped",
		"level=WARN msg=waiver plan=" + w.PlanPath + " phase=reprotect notice=\"waiver of vm.name-collision for web01 (" + waivers + ":2) matched nothing in this run"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q:\n%s", want, logged)
		}
	}
}

// TestServeStopsDuringARun: a run waiting on a vCenter that never answers is cancelled by SIGTERM;
// serve stops within a few seconds, not at --timeout.
func TestServeStopsDuringARun(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accepts, never answers
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	path := writePlan(t, healthyPlan)
	s := startServe(t, []string{"GOVC_URL=https://" + l.Addr().String() + "/sdk", "GOVC_USERNAME=u", "GOVC_PASSWORD=p", "GOVC_INSECURE=true"},
		"--plan", path, "--phase", "reprotect", "--timeout", "5m", "--log-format", "json")
	time.Sleep(500 * time.Millisecond) // the first run is waiting on vCenter
	if code, _ := s.get(t, "/readyz"); code != 503 {
		t.Errorf("/readyz before the first run ends: %d", code)
	}
	took, err := s.stop(t)
	if err != nil || took > 5*time.Second {
		t.Errorf("SIGTERM during a run: exit %v after %v\n%s", err, took, s.log())
	}
	if logged := s.log(); !strings.Contains(logged, `"msg":"run cancelled: stopping"`) {
		t.Errorf("no JSON log line of the cancelled run:\n%s", logged)
	}
}

// TestServeAuthAndTLS: over TLS, with a bearer token, every path but the probes (/healthz, /readyz)
// asks for it.
func TestServeAuthAndTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir)
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("s3cret-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, []string{"GOVC_URL=https://" + closedPort(t) + "/sdk", "GOVC_USERNAME=u", "GOVC_PASSWORD=p"},
		"--plan", writePlan(t, healthyPlan), "--phase", "reprotect", "--interval", "1h", "--tls-cert", cert, "--tls-key", key, "--auth-token-file", token)
	s.base = strings.Replace(s.base, "http://", "https://", 1)
	s.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test's own certificate
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200}, {"/metrics", "", 401}, {"/report", "", 401}, {"/report", "wrong", 401},
		{"/metrics", "s3cret-token", 200},
	} {
		s.token = tc.token
		if code, body := s.get(t, tc.path); code != tc.want || strings.Contains(body, "s3cret") {
			t.Errorf("%s with token %q: %d, want %d: %s", tc.path, tc.token, code, tc.want, body)
		}
	}
	s.token = ""
	s.waitFor(t, 20*time.Second, "/readyz without a token", func() bool { code, _ := s.get(t, "/readyz"); return code == 200 })
	if res, err := http.Get(strings.Replace(s.base, "https://", "http://", 1) + "/metrics"); err == nil {
		if res.Body.Close(); res.StatusCode != http.StatusBadRequest {
			t.Errorf("plain http on the TLS port: %d, want 400", res.StatusCode)
		}
	}
}

// TestServeBadInput: bad flags and plans are exit 2, before anything listens.
func TestServeBadInput(t *testing.T) {
	good, dir := writePlan(t, healthyPlan), t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOVC_URL=https://vcsa.example.com/sdk", "GOVC_USERNAME=u"}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{}, `required flag(s) "plan" not set`},
		{[]string{"--plan", good, "--interval", "0s"}, "--interval: expected a positive duration, got 0s"},
		{[]string{"--plan", good, "--phase", "soon"}, `--phase: expected reprotect, failback or both, got "soon"`},
		{[]string{"--plan", good, "--log-format", "xml"}, `--log-format: expected text or json, got "xml"`},
		{[]string{"--plan", good, "--plan", good}, "--plan " + good + ": the same file as --plan " + good},
		{[]string{"--plan", good, "--listen", "127.0.0.1:99999"}, `--listen: expected HOST:PORT (port 0-65535), got "127.0.0.1:99999"`},
		{[]string{"--plan", "-"}, "--plan -: serve reads each plan again before every run; give a file"},
		{[]string{"--plan", good, "--tls-cert", good}, "--tls-cert and --tls-key go together: set both or neither"},
		{[]string{"--plan", good, "--tls-cert", good, "--tls-key", good}, "--tls-cert, --tls-key: tls: failed to find any PEM data in certificate input"},
		{[]string{"--plan", good, "--auth-token-file", empty}, "--auth-token-file " + empty + ": expected a file holding the bearer token"},
		{[]string{"--plan", good, "--auth-token-file", good, "--listen", "0.0.0.0:9797"}, "--auth-token-file: the token would travel in clear to 0.0.0.0:9797"},
		{[]string{"--plan", good, "--listen", "9797"}, `--listen: expected HOST:PORT (port 0-65535), got "9797"`},
		{[]string{"--plan", "/nonexistent/plan.yaml"}, "reading plan: open /nonexistent/plan.yaml: no such file or directory"},
		{[]string{"--plan", good, "--concurrency", "0"}, "--concurrency: expected a number ≥ 1, got 0"},
	} {
		res := run(t, "", env, append([]string{"serve"}, tc.args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.stderr) || res.stdout != "" {
			t.Errorf("serve %v: exit %d, stderr %q; want 2, %q", tc.args, res.code, res.stderr, tc.stderr)
		}
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key.
func writeCert(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	c := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	k := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, c, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, k, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestServeMemory: serve's memory does not grow with its runs — 100 runs of a 200-VM modernized
// estate (vCenter and the vault), one every 100 ms.
func TestServeMemory(t *testing.T) {
	var sc strings.Builder
	sc.WriteString("description: 200 modernized VMs, ready for reprotect\nvcenter:\n  vms:\n")
	for i := range 200 {
		fmt.Fprintf(&sc, "    - {name: vm%03d, memoryMB: 1024, disksGB: [4]}\n", i)
	}
	// Four appliances of 50 VMs each: one carries at most 60 disks.
	sc.WriteString("azure:\n  appliances: [{name: appliance0}, {name: appliance1}, {name: appliance2}, {name: appliance3}]\n  items:\n")
	for i := range 200 {
		fmt.Fprintf(&sc, "    - {name: vm%03d, instanceType: InMageRcm, appliance: appliance%d}\n", i, i/50)
	}
	sc.WriteString("plan:\n  version: 1\n  vcenter: {datacenter: DC0}\n  azure: {vault: {resourceGroup: rg-asr, name: vault01}}\n  defaults: {datastore: LocalDS_0}\n")
	w := startScenario(t, sc.String())
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--phase", "reprotect", "--interval", "100ms")

	// memory waits for the runs, then gives the least heap in use, resident memory and goroutines
	// over a few scrapes (a scrape may land in the middle of a run's allocations).
	memory := func(runs float64) (heap, rss, goroutines float64) {
		s.waitFor(t, 2*time.Minute, fmt.Sprintf("%v runs", runs), func() bool {
			_, scrape := s.get(t, "/metrics")
			n, _ := metric(scrape, "asr_preflight_runs_total", `phase="reprotect"`)
			return n >= runs
		})
		heap, rss, goroutines = 1e18, 1e18, 1e18
		for range 10 {
			_, scrape := s.get(t, "/metrics")
			h, _ := metric(scrape, "go_memstats_heap_inuse_bytes")
			r, _ := metric(scrape, "process_resident_memory_bytes")
			g, _ := metric(scrape, "go_goroutines")
			heap, rss, goroutines = min(heap, h), min(rss, r), min(goroutines, g)
			time.Sleep(30 * time.Millisecond)
		}
		return heap, rss, goroutines
	}
	heap10, rss10, g10 := memory(10)
	heap100, rss100, g100 := memory(100)
	_, scrape := s.get(t, "/metrics")
	if ready, _ := metric(scrape, "asr_preflight_vm_ready", `vm="vm199"`); ready != 1 {
		t.Errorf("vm199 not ready: the runs did not check the estate\n%s", s.log())
	}
	t.Logf("after 10 runs: heap in use %.1f MB, resident %.1f MB, %v goroutines; after 100: %.1f MB, %.1f MB, %v goroutines",
		heap10/1e6, rss10/1e6, g10, heap100/1e6, rss100/1e6, g100)
	// Each run used to leave its vCenter connections open: two goroutines and a TLS state each.
	if heap100 > heap10*1.5+4e6 || rss100 > rss10+16e6 || g100 > g10+20 {
		t.Errorf("memory grows with the runs: heap %.1f → %.1f MB, resident %.1f → %.1f MB, goroutines %v → %v",
			heap10/1e6, heap100/1e6, rss10/1e6, rss100/1e6, g10, g100)
	}
}

// TestServeRunFails: when the plan becomes unreadable, the next runs fail — counted and logged —
// and the VMs turn unknown rather than keep the last verdicts; once it is fixed, they come back.
func TestServeRunFails(t *testing.T) {
	w := startScenario(t, healthyVCenter)
	good, err := os.ReadFile(w.PlanPath)
	if err != nil {
		t.Fatal(err)
	}
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--phase", "reprotect", "--interval", "500ms")
	verdict := func(v string) func() bool {
		return func() bool {
			_, scrape := s.get(t, "/metrics")
			n, _ := metric(scrape, "asr_preflight_vm_verdict", `vm="web01"`, `verdict="`+v+`"`)
			return n == 1
		}
	}
	s.waitFor(t, 20*time.Second, "web01 ready", verdict("ready"))
	if err := os.WriteFile(w.PlanPath, []byte("version: 1\nvms: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, 20*time.Second, "web01 unknown once the plan is unreadable", verdict("unknown"))
	_, scrape := s.get(t, "/metrics")
	if n, _ := metric(scrape, "asr_preflight_runs_total", `result="error"`); n < 1 {
		t.Errorf("runs_total{result=\"error\"} = %v", n)
	}
	if err := os.WriteFile(w.PlanPath, good, 0o600); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, 20*time.Second, "web01 ready again", verdict("ready"))
	if !strings.Contains(s.log(), "level=ERROR msg=run plan="+w.PlanPath+" phase=reprotect result=error") {
		t.Errorf("the failed runs are not logged:\n%s", s.log())
	}
}

// TestServeWatches: with --interval 15m, no run comes after the first; vCenter's change feed alone
// makes a VM created under the name a plan VM fails back under turn web01 not ready within 5 s,
// and its removal ready again; the updates and the last change are counted; /report shows the watched state; SIGTERM
// still stops serve at once. With --no-watch, the same change goes unseen.
func TestServeWatches(t *testing.T) {
	// Modernized, before reprotect: web01 fails back to an alternate location as web01-restored,
	// a name no VM carries yet.
	w := startScenario(t, `description: web01 ready, to fail back as web01-restored
vcenter:
  vms: [{name: web01}, {name: db01}]
azure:
  appliances: [{name: appliance01}]
  vms: [{name: web01}, {name: db01}]
  items: [{name: web01, instanceType: InMageRcm}, {name: db01, instanceType: InMageRcm}]
plan:
  version: 1
  vcenter: {datacenter: DC0}
  azure: {vault: {resourceGroup: rg-asr, name: vault01}}
  defaults: {datastore: LocalDS_0}
  vms:
    - {name: web01, location: alternate, targetName: web01-restored, host: DC0_H0}
    - {name: db01}
`)
	s := startServe(t, w.Env(), "--plan", w.PlanPath, "--phase", "reprotect", "--interval", "15m")
	unwatched := startServe(t, w.Env(), "--plan", w.PlanPath, "--phase", "reprotect", "--interval", "15m", "--no-watch")
	ready := func(s *served) float64 {
		_, scrape := s.get(t, "/metrics")
		v, ok := metric(scrape, "asr_preflight_vm_ready", `vm="web01"`)
		if !ok {
			return -1
		}
		return v
	}
	for _, s := range []*served{s, unwatched} {
		s.waitFor(t, 20*time.Second, "web01 ready", func() bool { return ready(s) == 1 })
	}
	s.waitFor(t, 10*time.Second, "the watch's first read", func() bool { return strings.Contains(s.log(), `msg="watching vCenter"`) })
	_, scrape := s.get(t, "/metrics")
	firstChange, _ := metric(scrape, "asr_preflight_last_change_timestamp_seconds", `phase="reprotect"`)

	ctx := context.Background()
	before := map[types.ManagedObjectReference]bool{}
	for _, e := range w.Lab.Model.Map().All("VirtualMachine") {
		before[e.Reference()] = true
	}
	created := time.Now()
	if err := w.Lab.CreateVMs(ctx, []lab.VM{{Name: "web01-restored", Host: "DC0_H0", Datastore: "LocalDS_0", MemoryMB: 512}}); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, 5*time.Second, "web01 not ready once a VM takes its name", func() bool { return ready(s) == 0 })
	t.Logf("a VM created under the name web01 fails back as: web01 not ready after %v", time.Since(created).Round(time.Millisecond))
	code, body := s.get(t, "/report?phase=reprotect")
	var r report.Report
	if err := json.Unmarshal([]byte(body), &r); code != 200 || err != nil || r.Summary.VMs.Blocked != 1 {
		t.Errorf("/report after the change: %d %v %+v", code, err, r.Summary)
	}
	if !strings.Contains(body, "already in datacenter DC0; alternate-location failback creates a new VM named web01-restored there") {
		t.Errorf("/report does not name the VM that took the name: %.400s", body)
	}

	var namesake types.ManagedObjectReference
	for _, e := range w.Lab.Model.Map().All("VirtualMachine") {
		if !before[e.Reference()] {
			namesake = e.Reference()
		}
	}
	u, _ := url.Parse(w.Lab.URL)
	u.User = url.UserPassword(w.Lab.Username, w.Lab.Password)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		t.Fatal(err)
	}
	task, err := object.NewVirtualMachine(c.Client, namesake).Destroy(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	s.waitFor(t, 5*time.Second, "web01 ready again once that VM is gone", func() bool { return ready(s) == 1 })
	t.Logf("that VM destroyed: web01 ready after %v", time.Since(removed).Round(time.Millisecond))

	_, scrape = s.get(t, "/metrics")
	if n, _ := metric(scrape, "asr_preflight_vcenter_updates_total"); n < 2 {
		t.Errorf("vcenter_updates_total %v; want the creation and the removal at least", n)
	}
	if last, _ := metric(scrape, "asr_preflight_last_change_timestamp_seconds", `phase="reprotect"`); last <= firstChange {
		t.Errorf("last_change_timestamp_seconds %v, not after the first report's %v", last, firstChange)
	}
	if runs, _ := metric(scrape, "asr_preflight_runs_total", `phase="reprotect"`); runs != 1 {
		t.Errorf("runs_total %v: the change was seen by a run, not by the watch", runs)
	}
	if ready(unwatched) != 1 {
		t.Error("--no-watch saw the change without a run")
	}
	took, err := s.stop(t)
	if err != nil || took > 5*time.Second {
		t.Errorf("SIGTERM: exit %v after %v", err, took)
	}
	if logged := s.log(); strings.Contains(logged, "differed") || !strings.Contains(logged, `msg="re-checked on vCenter changes"`) {
		t.Errorf("the log:\n%s", logged)
	}
}
