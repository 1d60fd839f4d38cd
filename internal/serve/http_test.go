package serve

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
