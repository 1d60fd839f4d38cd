package test

import (
	"bufio"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/lab"
)

func TestLabBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("description: broken\nvcenter:\n  hostz: []\n  masterTarget: {scsi: buslogic}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"malformed scenario", []string{"run", "--scenario", bad, "--", "reprotect"}, "asr-preflight-lab: invalid scenario:\n" +
			bad + ":3: vcenter.hostz: unknown field; expected one of hosts, datastores, masterTarget, vms, accounts, latencyMs, faults\n"},
		{"bad value", []string{"serve", "--scenario", writeScenario(t, "vcenter:\n  masterTarget: {scsi: buslogic}\n")}, "asr-preflight-lab: invalid scenario:\n"},
		{"off loopback", []string{"serve", "--scenario", "scenarios/healthy.yaml", "--listen", "0.0.0.0:8989"},
			`asr-preflight-lab: lab: listen address must be host:port on loopback (127.0.0.0/8, ::1 or localhost), got "0.0.0.0:8989"` + "\n"},
		{"no scenario", []string{"serve"}, "asr-preflight-lab: --scenario is required\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runBinary(t, labBinary, "", nil, tc.args...)
			if res.code != 2 || !strings.HasPrefix(res.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2, stderr starting:\n%s", res.code, res.stderr, tc.stderr)
			}
		})
	}
	res := runBinary(t, labBinary, "", nil, "serve", "--scenario", writeScenario(t, "vcenter:\n  masterTarget: {scsi: buslogic}\n"))
	if !strings.Contains(res.stderr, `:2: vcenter.masterTarget.scsi: expected one of lsilogic, paravirtual, got "buslogic"`) {
		t.Errorf("bad value message: %s", res.stderr)
	}
}

func writeScenario(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLabServeStops: serve reports readiness, answers, and on SIGTERM (or when its stdin pipe
// closes) stops within 2 s leaving no listener behind.
func TestLabServeStops(t *testing.T) {
	for _, how := range []string{"SIGTERM", "stdin closed"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(labBinary, "serve", "--scenario", "scenarios/healthy.yaml", "--dir", dir)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()
			ready := false
			lines := bufio.NewScanner(stdout)
			for lines.Scan() {
				if lines.Text() == "asr-preflight-lab: ready" {
					ready = true
					break
				}
			}
			if !ready {
				t.Fatal("no readiness line")
			}
			env, err := os.ReadFile(filepath.Join(dir, "lab.env"))
			if err != nil {
				t.Fatal(err)
			}
			var addrs []string
			for _, line := range strings.Split(string(env), "\n") {
				for _, key := range []string{"GOVC_URL", "AZURE_RESOURCE_MANAGER_ENDPOINT"} {
					if v, ok := strings.CutPrefix(line, "export "+key+"="); ok {
						u, _ := url.Parse(strings.Trim(v, `"`))
						addrs = append(addrs, u.Host)
					}
				}
			}
			if len(addrs) != 2 {
				t.Fatalf("env file lacks GOVC_URL or AZURE_RESOURCE_MANAGER_ENDPOINT:\n%s", env)
			}
			for _, a := range addrs {
				if c, err := net.Dial("tcp", a); err != nil {
					t.Fatalf("%s does not answer: %v", a, err)
				} else {
					c.Close()
				}
			}
			start := time.Now()
			if how == "SIGTERM" {
				_ = cmd.Process.Signal(syscall.SIGTERM)
			} else {
				stdin.Close()
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("serve exited with %v", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("serve took %v to stop", d)
			}
			for _, a := range addrs {
				if c, err := net.Dial("tcp", a); err == nil {
					c.Close()
					t.Errorf("%s still listens after serve stopped", a)
				}
			}
		})
	}
}

// TestREADMEScenarioReference keeps the README's scenario reference a valid scenario.
func TestREADMEScenarioReference(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "### Scenario files")
	_, block, _ := strings.Cut(after, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	if _, err := lab.ParseScenario("README.md", []byte(block)); err != nil {
		t.Errorf("the README's scenario reference does not load:\n%v", err)
	}
}
