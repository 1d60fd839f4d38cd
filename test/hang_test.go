package test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/checks"
)

// runTimed runs asr-preflight, killing it after limit, and says how long it took.
func runTimed(t *testing.T, limit time.Duration, env []string, args ...string) (ran, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	_ = cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("still running after %v: killed\n%s%s", limit, out.String(), errb.String())
	}
	return ran{out.String(), errb.String(), cmd.ProcessState.ExitCode()}, took
}

// TestVCenterStopsAnswering: a vCenter that stops answering in the middle of the run (from the
// inventory retrieval on, every request hangs) costs at most --timeout plus the clean-up grace,
// and the vCenter checks say it was a timeout, naming vCenter and --timeout.
//
// Not parallel: two in-process simulators race on vcsim's globals.
func TestVCenterStopsAnswering(t *testing.T) {
	w := startScenario(t, "azure: {}\n"+azurePlan)
	backend, _ := url.Parse(w.Lab.URL)
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the lab's own vCenter
	var retrievals atomic.Int32
	var hung atomic.Bool
	front := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := readBody(r)
		if strings.Contains(body, "<RetrieveProperties ") && retrievals.Add(1) == 2 { // the datacenter lookup, then the inventory
			hung.Store(true)
		}
		if hung.Load() {
			<-r.Context().Done() // never answers
			return
		}
		proxy.ServeHTTP(rw, r)
	}))
	defer front.Close()
	ca := filepath.Join(t.TempDir(), "front.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(w.Env(), "GOVC_URL="+front.URL+"/sdk", "GOVC_TLS_CA_CERTS="+ca)
	res, took := runTimed(t, 30*time.Second, env, "reprotect", "-p", w.PlanPath, "-f", "json", "--timeout", "4s")
	if limit := 4*time.Second + 2*time.Second + 1500*time.Millisecond; took > limit {
		t.Errorf("took %v with --timeout 4s; want at most %v", took, limit)
	}
	if res.code != 3 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	host := strings.TrimPrefix(front.URL, "https://")
	for _, r := range decode(t, res.stdout).Results {
		c, _ := checks.Lookup(r.Check)
		switch {
		case checks.Needs([]checks.Check{c}, checks.VCenter):
			if r.Status != checks.Error || !strings.Contains(r.Message, "reading inventory: no answer from vCenter "+host+" within ") || !strings.Contains(r.Message, "--timeout 4s") {
				t.Errorf("%s: %s %q", r.Check, r.Status, r.Message)
			}
		case checks.Needs([]checks.Check{c}, checks.Azure) && r.Status == checks.Error && r.Check != "azure.guest-services":
			t.Errorf("%s: Azure answered, yet %s", r.Check, r.Message)
		}
	}
}

// TestAzureNeverAnswers: an ARM endpoint that accepts connections and never answers leaves the
// vCenter checks their results; the Azure checks say it was a timeout, naming the endpoint and
// --timeout; the opt-in guest check stays skip; the run ends within --timeout.
func TestAzureNeverAnswers(t *testing.T) {
	w := startScenario(t, "azure: {}\n"+azurePlan)
	hung := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hung.Close()
	env := append(w.Env(), "AZURE_RESOURCE_MANAGER_ENDPOINT="+hung.URL)
	res, took := runTimed(t, 30*time.Second, env, "reprotect", "-p", w.PlanPath, "-f", "json", "--timeout", "6s")
	if took > 7*time.Second {
		t.Errorf("took %v with --timeout 6s", took)
	}
	if res.code != 3 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	expectAzureDown(t, decode(t, res.stdout).Results, "no answer from Azure Resource Manager "+hung.URL+" within ", "--timeout 6s")
}

// readBody reads a request's body and puts it back for the proxy.
func readBody(r *http.Request) (string, error) {
	data, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	return string(data), err
}
