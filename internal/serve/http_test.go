package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// TestProbesNeedNoToken: behind a token, /healthz and /readyz answer a probe that carries none (a
// kubelet's), and /readyz then counts the runs it waits for without naming a plan; everything else
// asks for the token.
func TestProbesNeedNoToken(t *testing.T) {
	for _, token := range []string{"", "s3cret"} {
		st := newState(Config{Plans: []string{"/etc/site-a.yaml"}, Phases: result.Phases, Interval: time.Minute, Token: token})
		h := st.handler()
		get := func(path, bearer string) (int, string) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		if code, _ := get("/healthz", ""); code != 200 {
			t.Errorf("token %q: /healthz %d", token, code)
		}
		code, body := get("/readyz", "")
		if code != 503 || strings.Contains(body, "site-a") != (token == "") {
			t.Errorf("token %q: /readyz before any run: %d %q", token, code, body)
		}
		if token != "" && !strings.Contains(body, "2 of 2 plan phases") {
			t.Errorf("/readyz behind a token does not count the runs it waits for: %q", body)
		}
		if code, _ := get("/metrics", ""); code != map[string]int{"": 200, "s3cret": 401}[token] {
			t.Errorf("token %q: /metrics without a token: %d", token, code)
		}
		if code, _ := get("/metrics", token); code != 200 {
			t.Errorf("token %q: /metrics with it: %d", token, code)
		}
	}
}

// TestReportSince: /report?since= answers the diff between the report at or before that time and
// the latest, from a history that keeps --history of reports (and the newest before it); a time
// before the history, or not RFC 3339, is refused.
func TestReportSince(t *testing.T) {
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute, History: 48 * time.Hour})
	j := job{"p.yaml", result.Reprotect}
	at := func(h int) time.Time {
		return time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
	}
	collision := result.Result{Check: "vm.name-collision", Target: "db01", Kind: result.VMKind, Status: result.Fail, Code: "78052", Message: "2 VMs named db01"}
	ready := report.Report{Phase: result.Reprotect, VMs: []result.VM{{Name: "db01", Verdict: result.Ready}}}
	blocked := report.Report{Phase: result.Reprotect, VMs: []result.VM{{Name: "db01", Verdict: result.Blocked}}, Results: []result.Result{collision}}
	for _, e := range []struct {
		h   int
		rep report.Report
	}{{-100, ready}, {-60, blocked}, {-30, ready}, {-10, blocked}, {0, blocked}} {
		st.remember(j, e.rep, at(e.h))
		st.latest[j] = latest{report: e.rep}
	}
	// -0 says what -10 says; -100 is older than the newest report before the window, -60
	if h := st.history[j]; len(h) != 3 || !h[0].at.Equal(at(-60)) || !h[2].at.Equal(at(-10)) {
		t.Fatalf("history keeps %d reports from %v; want 3, from the newest before the 48 h window to the last change", len(st.history[j]), st.history[j][0].at)
	}
	h := st.handler()
	get := func(q string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/report?"+q, nil))
		return rec.Code, rec.Body.String()
	}
	for _, tc := range []struct {
		q    string
		code int
		want string
	}{
		{"since=" + at(-20).Format(time.RFC3339) + "&format=text", 200, "! db01                 ready → blocked"},
		{"since=" + at(-40).Format(time.RFC3339) + "&format=text", 200, "Nothing changed."},
		{"since=" + at(-20).Format(time.RFC3339), 200, `"to": "blocked"`},
		{"since=" + at(-70).Format(time.RFC3339), 404, "no report at or before " + at(-70).Format(time.RFC3339) + ": the history (--history 48h0m0s) holds"},
		{"since=yesterday", 400, "expected a time as RFC 3339"},
		{"since=" + at(-20).Format(time.RFC3339) + "&format=html", 400, "expected one of text, json, markdown with since"},
	} {
		if code, body := get(tc.q); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s\nwant %d …%s…", tc.q, code, body, tc.code, tc.want)
		}
	}
	st.record(j, &preflight.Outcome{Report: ready, Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}}, false, true) // a re-check that changed a verdict
	if h := st.history[j]; len(h) != 4 || h[3].report.VMs[0].Verdict != result.Ready {
		t.Errorf("a recorded report is not in the history: %d reports", len(h))
	}
	none := newState(Config{Plans: []string{"p.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute})
	none.record(j, &preflight.Outcome{Report: ready, Snapshot: &inventory.Snapshot{Parts: inventory.Parts{}}}, false, false)
	rec := httptest.NewRecorder()
	none.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/report?since="+at(0).Format(time.RFC3339), nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "no history is kept (--history 0)") {
		t.Errorf("--history 0: %d %s", rec.Code, rec.Body.String())
	}
	if err := (Config{Plans: []string{"p.yaml"}, Interval: time.Minute, Listen: "127.0.0.1:0", History: -time.Hour}).Validate(); err == nil || !strings.Contains(err.Error(), "--history: expected a duration of 0 or more") {
		t.Errorf("--history -1h: %v", err)
	}
}

// TestHistoryMemory measures what --history 48h holds for a 200-VM plan run every 15 minutes —
// 192 reports, each with a verdict changed — with four problems each: the history keeps only the
// verdicts and the problems, and only reports that changed something.
func TestHistoryMemory(t *testing.T) {
	rep := report.Report{Phase: result.Reprotect}
	for i := range 200 {
		rep.VMs = append(rep.VMs, result.VM{Name: fmt.Sprintf("vm%03d", i), Verdict: result.Ready,
			Reasons: []result.Reason{{Check: "x", Message: strings.Repeat("a reason of some length ", 4)}}})
		rep.Results = append(rep.Results, result.Result{Check: "vm.name-collision", Target: fmt.Sprintf("vm%03d", i), Status: result.Pass,
			Message: strings.Repeat("a pass message of some length ", 4)})
	}
	for i := range 4 {
		rep.Results = append(rep.Results, result.Result{Check: "esxi.memory", Target: fmt.Sprintf("esx%02d", i), Kind: result.HostKind, Status: result.Fail,
			Message: strings.Repeat("a failure message of some length ", 4)})
	}
	st := newState(Config{Plans: []string{"p.yaml"}, Phases: []result.Phase{result.Reprotect}, Interval: time.Minute, History: 48 * time.Hour})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := range 192 { // each differs from the one before, or the history would not keep it
		r := rep
		r.VMs = slices.Clone(rep.VMs)
		r.VMs[i%len(r.VMs)].Verdict = result.Blocked
		st.remember(job{"p.yaml", result.Reprotect}, r, start.Add(time.Duration(i)*15*time.Minute))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("192 reports of 200 VMs and 4 problems: %.1f MB of heap (%d reports kept)", float64(grew)/(1<<20), len(st.history[job{"p.yaml", result.Reprotect}]))
	if grew > 8<<20 {
		t.Errorf("the history holds %.1f MB", float64(grew)/(1<<20))
	}
	runtime.KeepAlive(st)
}
