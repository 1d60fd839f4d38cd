// Package test runs the real asr-preflight binary against an in-process vCenter simulator.
package test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/report"
)

// The binaries under test, built once.
var binary, labBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "asr-preflight-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary, labBinary = filepath.Join(dir, "asr-preflight"), filepath.Join(dir, "asr-preflight-lab")
	build := exec.Command("go", "build", "-o", dir, "../cmd/asr-preflight", "../cmd/asr-preflight-lab")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the binaries:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startScenarioFile serves a scenario of test/scenarios for one test.
func startScenarioFile(t *testing.T, name string) *lab.World {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("scenarios", name))
	if err != nil {
		t.Fatal(err)
	}
	return startScenario(t, string(data))
}

// healthyVCenter is a scenario of a vCenter where every check passes, and no Azure side.
const healthyVCenter = "description: a healthy vCenter, no Azure\n"

type ran struct {
	stdout, stderr string
	code           int
}

// run runs asr-preflight with only the given environment (plus PATH and HOME).
func run(t *testing.T, stdin string, env []string, args ...string) ran {
	t.Helper()
	return runBinary(t, binary, stdin, env, args...)
}

// runBinary runs a binary with only the given environment (plus PATH and HOME).
func runBinary(t *testing.T, bin, stdin string, env []string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return ran{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

func writePlan(t *testing.T, text string) string {
	t.Helper()
	path, err := lab.WritePlan(t.TempDir(), text)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func decode(t *testing.T, out string) report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out)
	}
	return r
}

// statuses maps "check/target" to "status code".
func statuses(r report.Report) map[string]string {
	m := map[string]string{}
	for _, res := range r.Results {
		m[res.Check+"/"+res.Target] = strings.TrimSpace(string(res.Status) + " " + res.Code)
	}
	return m
}

// healthyPlan is the plan of the lab's default scenario.
const healthyPlan = lab.Plan

func TestNameCollisionFails(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	dir := t.TempDir()
	files := map[string]string{"--json": "r.json", "--junit": "r.xml", "--markdown": "r.md"}
	args := []string{"failback", "-p", w.PlanPath}
	for flag, name := range files {
		args = append(args, flag, filepath.Join(dir, name))
	}
	res := run(t, "", w.Env(), args...)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "\nblocked  db01   78052  ") || !strings.Contains(res.stdout, "VM db01\n  FAIL vm.name-collision ASR 78052\n") {
		t.Errorf("text report on stdout lacks the failure:\n%s", res.stdout)
	}
	for _, name := range files { // reports name hosts and VMs: only their owner reads them (on Windows, the folder's ACL decides)
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "r.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := decode(t, string(data))
	if r.SchemaVersion != 1 || r.Tool != "asr-preflight" || r.Phase != checks.Failback || r.StartedAt.IsZero() || r.Summary.Fail == 0 {
		t.Errorf("report header: %+v", r)
	}
	want := map[string]string{"vcenter.connection/vcenter": "pass", "vm.name-collision/app01": "pass",
		"vm.name-collision/db01": "fail 78052", "vm.name-collision/web01": "pass"}
	if got := statuses(r); !contains(got, want) {
		t.Errorf("results %v, want %v among them", got, want)
	}
	for _, res := range r.Results {
		if res.Check == "vm.name-collision" && res.Target == "db01" && (!strings.Contains(res.Message, "on host DC0_H0 (master target mt01's host)") || res.Fix == "" || res.DocURL == "") {
			t.Errorf("failure must name the conflicting VM and host, with fix and doc: %+v", res)
		}
	}
	for _, name := range []string{"r.xml", "r.md"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Contains(b, []byte("78052")) {
			t.Errorf("%s: %v, %s", name, err, b)
		}
	}
}

func TestIgnoreAndSkip(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	planPath, env := w.PlanPath, w.Env()
	res := run(t, "", env, "reprotect", "-p", planPath, "-f", "json", "--ignore", "vm.name-collision")
	if got := statuses(decode(t, res.stdout))["vm.name-collision/db01"]; res.code != 4 || got != "warn 78052" {
		t.Errorf("--ignore: exit %d and db01 %q, want exit 4 and warn 78052", res.code, got)
	}
	res = run(t, "", env, "reprotect", "-p", planPath, "-f", "json", "--skip", "vm.name-collision,datastore.capacity")
	got := statuses(decode(t, res.stdout))
	if res.code != 0 || got["vm.name-collision/-"] != "skip" || got["vcenter.connection/vcenter"] != "pass" {
		t.Errorf("--skip: exit %d, %v", res.code, got)
	}
	res = run(t, "", env, "reprotect", "-p", planPath, "--only", "nope")
	if res.code != 2 || !strings.Contains(res.stderr, `--only: unknown check "nope"; valid checks: `+strings.Join(checks.IDs(), ", ")) {
		t.Errorf("--only nope: exit %d, %s", res.code, res.stderr)
	}
}

// TestSkippedChecksCollectNothing: with every vCenter check skipped, vCenter is neither needed nor
// contacted.
func TestSkippedChecksCollectNothing(t *testing.T) {
	n := len(checks.ForPhase(checks.Failback, nil))
	res := run(t, healthyPlan, nil, "failback", "-p", "-", "-f", "json", "--skip", strings.Join(checks.IDs(), ","))
	if r := decode(t, res.stdout); res.code != 0 || r.Summary.Skip != n || len(r.Results) != n {
		t.Errorf("exit %d, %+v", res.code, r)
	}
}

func TestVCenterUnreachable(t *testing.T) {
	res := run(t, healthyPlan, []string{"GOVC_URL=https://" + closedPort(t) + "/sdk", "GOVC_USERNAME=u", "GOVC_PASSWORD=p"},
		"reprotect", "--plan", "-", "-f", "json")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	r := decode(t, res.stdout)
	if len(r.Results) != len(checks.ForPhase(checks.Reprotect, nil)) {
		t.Fatalf("want an error for each check, got %+v", r.Results)
	}
	for _, res := range r.Results {
		if c, _ := checks.Lookup(res.Check); !checks.Needs([]checks.Check{c}, checks.VCenter) {
			continue
		}
		if res.Status != "error" || !strings.HasPrefix(res.Message, "cannot reach vCenter at https://") ||
			!strings.Contains(res.Message, "connection refused") || strings.Contains(res.Message, "\n") {
			t.Errorf("want an error with a one-line reason, got %+v", res)
		}
	}
	if len(r.VMs) == 0 || r.Summary.VMs != (report.VMCounts{Unknown: len(r.VMs)}) {
		t.Errorf("vCenter down must leave every VM unknown: %+v %+v", r.Summary.VMs, r.VMs)
	}
}

func TestWrongPasswordNeverShown(t *testing.T) {
	w := startScenarioFile(t, "name-collision-78052.yaml")
	l := w.Lab
	const secret = "Wr0ng-Pa55word-e2e"
	dir := t.TempDir()
	env := append(w.Env(), "GOVC_PASSWORD="+secret)
	outputs := []string{}
	for _, args := range [][]string{
		{"reprotect", "-p", w.PlanPath, "--json", filepath.Join(dir, "r.json"), "--junit", filepath.Join(dir, "r.xml"), "--markdown", filepath.Join(dir, "r.md")},
		{"reprotect", "-p", w.PlanPath, "-f", "json"},
		{"failback", "-p", w.PlanPath, "--vcenter-url", "https://administrator:" + secret + "@" + strings.TrimPrefix(l.URL, "https://")},
	} {
		res := run(t, "", env, args...)
		if res.code != 3 || !strings.Contains(res.stdout, "Login failure") {
			t.Errorf("%v: exit %d, want 3 with the login failure\n%s%s", args, res.code, res.stdout, res.stderr)
		}
		outputs = append(outputs, res.stdout, res.stderr)
	}
	for _, name := range []string{"r.json", "r.xml", "r.md"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
	}
	for _, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, l.Password) {
			t.Errorf("a password appears in the output:\n%s", out)
		}
	}
}

func TestPasswordFileAndThumbprint(t *testing.T) {
	w := startScenario(t, healthyVCenter)
	l := w.Lab
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(l.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOVC_URL=" + l.URL, "GOVC_USERNAME=" + l.Username}
	planPath := w.PlanPath
	res := run(t, "", env, "reprotect", "-p", planPath, "--vcenter-password-file", pwFile)
	if res.code != 3 || !strings.Contains(res.stdout, "cannot verify vCenter") || !strings.Contains(res.stdout, "--vcenter-ca") {
		t.Errorf("TLS must be verified by default: exit %d\n%s", res.code, res.stdout)
	}
	res = run(t, "", env, "reprotect", "-p", planPath, "--vcenter-password-file", pwFile, "--vcenter-thumbprint", l.Thumbprint())
	if res.code != 0 {
		t.Errorf("pinned thumbprint: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = run(t, "", append(env, "GOVC_INSECURE=true"), "reprotect", "-p", planPath, "--vcenter-password-file", pwFile)
	if res.code != 0 {
		t.Errorf("GOVC_INSECURE: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A thumbprint pins: a certificate the CA trusts is still refused when it does not match.
	wrong := strings.Repeat("AB:", 31) + "AB"
	res = run(t, "", w.Env(), "reprotect", "-p", planPath, "--vcenter-thumbprint", wrong)
	if res.code != 3 || !strings.Contains(res.stdout, "certificate does not match --vcenter-thumbprint "+wrong) {
		t.Errorf("wrong thumbprint with a trusted CA: exit %d\n%s", res.code, res.stdout)
	}
}

// TestReportFiles: a report that cannot be written does not stop the others; each is written
// whole or not at all.
func TestReportFiles(t *testing.T) {
	w := startScenario(t, healthyVCenter)
	dir := t.TempDir()
	blocked := filepath.Join(dir, "r.xml")
	if err := os.Mkdir(blocked, 0o755); err != nil { // a folder where the JUnit file should go
		t.Fatal(err)
	}
	res := run(t, "", w.Env(), "reprotect", "-p", w.PlanPath, "--json", filepath.Join(dir, "r.json"),
		"--junit", blocked, "--markdown", filepath.Join(dir, "r.md"), "--html", filepath.Join(dir, "r.html"), "--ready-file", filepath.Join(dir, "ready"))
	if res.code != 1 || !strings.Contains(res.stderr, "writing junit report "+blocked+": ") {
		t.Errorf("exit %d, stderr %s", res.code, res.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "ready")); err != nil || string(b) != "app01\ndb01\nweb01\n" {
		t.Errorf("ready list %q, %v", b, err)
	}
	for _, name := range []string{"r.json", "r.md", "r.html"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || len(b) == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestBadInput(t *testing.T) {
	good, dir := writePlan(t, healthyPlan), t.TempDir()
	badPlan := writePlan(t, "version: 1\nmasterTarget: mt01\nvms:\n  - {name: a, datastore: ds, location: there}\n  - {name: a, datastore: ds}\n")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"bad plan", []string{"reprotect", "-p", badPlan}, "asr-preflight: invalid plan:\n" + badPlan +
			`:4: vms[0].location: expected "original" or "alternate", got "there"` + "\n" + badPlan +
			`:5: vms[1].name: duplicate VM name "a"; already used by vms[0]` + "\n"},
		{"missing plan file", []string{"failback", "-p", "/nonexistent/plan.yaml"}, "asr-preflight: reading plan: open /nonexistent/plan.yaml: no such file or directory\n"},
		{"no plan flag", []string{"reprotect"}, "asr-preflight: required flag(s) \"plan\" not set\n"},
		{"bad format", []string{"reprotect", "-p", badPlan, "-f", "yaml"}, `asr-preflight: --format: unknown format "yaml"; expected one of text, json, junit, markdown, html` + "\n"},
		{"unknown flag", []string{"reprotect", "--colour"}, "asr-preflight: unknown flag: --colour\n"},
		{"unknown code", []string{"explain", "12345"}, `asr-preflight: unknown ASR code or check "12345"; known codes: 806, 8038, 8061, 78022, 78052, 78093, 78174, 78186, 95226, 161011, 310056, 325091, 325092, 531006, 548004; checks: ` + strings.Join(checks.IDs(), ", ") + "\n"},
		{"no vCenter URL", []string{"reprotect", "-p", writePlan(t, healthyPlan)}, "asr-preflight: no vCenter URL: set --vcenter-url, GOVC_URL or vcenter.url in the plan\n"},
		{"bad concurrency", []string{"reprotect", "-p", badPlan, "--concurrency", "0"}, "asr-preflight: --concurrency: expected a number ≥ 1, got 0\n"},
		{"plain http vCenter", []string{"reprotect", "-p", good, "--vcenter-url", "http://vcsa.example.com/sdk"},
			`asr-preflight: --vcenter-url: "http://vcsa.example.com/sdk": plain http would send the password in clear; use https (http is allowed only on this machine: 127.0.0.0/8, ::1, localhost)` + "\n"},
		{"empty http URL", []string{"reprotect", "-p", good, "--vcenter-url", "http://"}, `asr-preflight: --vcenter-url: expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "http://"` + "\n"},
		{"colons URL", []string{"reprotect", "-p", good, "--vcenter-url", "::::"}, `asr-preflight: --vcenter-url: expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "::::"` + "\n"},
		{"open bracket URL", []string{"reprotect", "-p", good, "--vcenter-url", "https://[::1"}, `asr-preflight: --vcenter-url: expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got "https://[::1"` + "\n"},
		{"port out of range", []string{"reprotect", "-p", good, "--vcenter-url", "https://vcsa:99999"}, `asr-preflight: --vcenter-url: port 99999 in "https://vcsa:99999": expected 1-65535` + "\n"},
		{"ftp URL in the plan", []string{"reprotect", "-p", writePlan(t, strings.Replace(healthyPlan, "vcenter:\n", "vcenter:\n  url: ftp://vcsa/sdk\n", 1))},
			`asr-preflight: %PLAN%:3: vcenter.url: expected an https:// URL, got scheme "ftp" in "ftp://vcsa/sdk"` + "\n"},
		{"CA file missing", []string{"reprotect", "-p", good, "--vcenter-url", "vcsa", "--vcenter-ca", "/nonexistent/ca.pem"},
			"asr-preflight: --vcenter-ca: reading CA file: open /nonexistent/ca.pem: no such file or directory\n"},
		{"CA file not PEM", []string{"reprotect", "-p", good, "--vcenter-url", "vcsa", "--vcenter-ca", good},
			"asr-preflight: --vcenter-ca: CA file " + good + ` holds no PEM certificate; expected one or more "-----BEGIN CERTIFICATE-----" blocks` + "\n"},
		{"thumbprint not hex", []string{"reprotect", "-p", good, "--vcenter-url", "vcsa", "--vcenter-thumbprint", "not-a-thumbprint"},
			`asr-preflight: --vcenter-thumbprint: expected the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint, colons allowed, got "not-a-thumbprint"` + "\n"},
		{"empty user name", []string{"reprotect", "-p", good, "--vcenter-url", "vcsa", "--vcenter-username", ""},
			"asr-preflight: no vCenter username: set --vcenter-username, GOVC_USERNAME or user:password in the URL\n"},
		{"subscription not a GUID", []string{"reprotect", "-p", good, "--subscription", "my-subscription"},
			`asr-preflight: --subscription: expected a subscription ID (a GUID such as 00000000-0000-0000-0000-000000000000), got "my-subscription"` + "\n"},
		{"audience not a URL", []string{"reprotect", "-p", good, "--subscription", lab.Subscription, "--azure-endpoint", "https://management.local.azurestack.external", "--azure-audience", "x"},
			`asr-preflight: Azure Resource Manager audience "x": expected https://host[/path]` + "\n"},
		{"only checks of the other phase", []string{"reprotect", "-p", good, "--only", "esxi.memory,guest.linux-network"},
			"asr-preflight: --only: no check of reprotect selected: esxi.memory runs only before failback; guest.linux-network runs only before failback\n"},
		{"report over the plan", []string{"reprotect", "-p", good, "--json", good},
			"asr-preflight: --json " + good + ": the same file as the plan file (--plan); each output needs a file of its own\n"},
		{"two reports, one file", []string{"reprotect", "-p", good, "--json", filepath.Join(dir, "r"), "--markdown", filepath.Join(dir, "r")},
			"asr-preflight: --markdown " + filepath.Join(dir, "r") + ": the same file as --json's; each output needs a file of its own\n"},
		{"include-warn alone", []string{"reprotect", "-p", good, "--include-warn"},
			"asr-preflight: --include-warn: it adds the warn VMs to --ready-file FILE (and the warn plans to --ready-plans-file FILE), neither of which is set\n"},
		{"ready list over the HTML report", []string{"reprotect", "-p", good, "--html", filepath.Join(dir, "r"), "--ready-file", filepath.Join(dir, "r")},
			"asr-preflight: --ready-file " + filepath.Join(dir, "r") + ": the same file as --html's; each output needs a file of its own\n"},
		{"report in a missing folder", []string{"reprotect", "-p", good, "--junit", "/nonexistent/r.xml"},
			"asr-preflight: --junit /nonexistent/r.xml: folder /nonexistent does not exist\n"},
		{"control character in a name", []string{"reprotect", "-p", writePlan(t, "version: 1\nmasterTarget: \"mt\\e[2J01\"\nvms: [{name: a, datastore: ds}]\n")},
			"asr-preflight: invalid plan:\n%PLAN%:2: masterTarget: contains the control character U+001B; expected printable text\n"},
		{"plan timeout zero", []string{"plan", "--vault", "rg/v", "--subscription", lab.Subscription, "--timeout", "0"}, "asr-preflight: --timeout: expected a positive duration, got 0s\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.stderr, "%PLAN%") {
				tc.stderr = strings.ReplaceAll(tc.stderr, "%PLAN%", tc.args[2])
			}
			res := run(t, "", []string{"GOVC_USERNAME=u"}, tc.args...)
			if res.code != 2 || res.stderr != tc.stderr || res.stdout != "" {
				t.Errorf("exit %d, stderr:\n%q\nwant exit 2, stderr:\n%q\nstdout: %q", res.code, res.stderr, tc.stderr, res.stdout)
			}
		})
	}
}

func TestOfflineCommands(t *testing.T) {
	res := run(t, "", nil, "checks")
	if res.code != 0 || !strings.Contains(res.stdout, "vm.name-collision") || !strings.Contains(res.stdout, "78052") {
		t.Errorf("checks: %d %s", res.code, res.stdout)
	}
	for _, code := range []string{"95226", "78052", "78093", "8061", "8038", "806", "78022", "78174", "78186", "161011", "325091", "325092", "531006", "548004", "310056"} {
		res := run(t, "", nil, "explain", code)
		if res.code != 0 || !strings.HasPrefix(res.stdout, "ASR error "+code+": ") || !strings.Contains(res.stdout, "Fix:") {
			t.Errorf("explain %s: %d %s", code, res.code, res.stdout)
		}
	}
	// The codes a modernized VM gets say what applies to it, apart from the classic text.
	for _, code := range []string{"78052", "78093", "8061", "78174", "806"} {
		res := run(t, "", nil, "explain", code)
		_, modern, ok := strings.Cut(res.stdout, "\nModernized (replication appliance, no configuration, process or master target server):\n")
		if !ok || strings.Contains(modern, "master target") || strings.Contains(modern, "#deploy-a-separate-master-target-server") || strings.Contains(modern, "9443") {
			t.Errorf("explain %s, modernized part: %q", code, modern)
		}
	}
	res = run(t, "", nil, "explain", "vm.name-collision")
	if res.code != 0 || !strings.Contains(res.stdout, "ASR code: 78052") {
		t.Errorf("explain check: %d %s", res.code, res.stdout)
	}
	if res := run(t, "", nil, "version"); res.code != 0 || !strings.HasPrefix(res.stdout, "asr-preflight ") || !strings.Contains(res.stdout, "\ngo      go1.") || !strings.Contains(res.stdout, "\nos/arch "+runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("version: %d %s", res.code, res.stdout)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// contains reports whether got holds every entry of want.
func contains(got, want map[string]string) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestTerminal runs the binary under a pseudo-terminal (util-linux script): colour and progress
// appear there, and NO_COLOR turns colour off.
func TestTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) not installed")
	}
	w := startScenario(t, healthyVCenter)
	planPath := w.PlanPath
	for _, noColor := range []bool{false, true} {
		env := w.Env()
		if noColor {
			env = append(env, "NO_COLOR=1")
		}
		cmd := exec.Command(script, "-qec", binary+" reprotect -p "+planPath, "/dev/null")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm"}, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !bytes.Contains(out, []byte("collecting vCenter inventory")) {
			t.Errorf("no progress on a terminal:\n%s", out)
		}
		if colored := bytes.Contains(out, []byte("\x1b[32mready")); colored == noColor {
			t.Errorf("NO_COLOR=%v: colour %v:\n%q", noColor, colored, out)
		}
	}
}
