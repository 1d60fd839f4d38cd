package serve

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/asr-preflight/asr-preflight/internal/diff"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// handler serves /metrics, /healthz, /readyz and /report; with a token, every path but the probes
// (/healthz, /readyz: a kubelet's probe carries no secret) asks for it.
func (st *state) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(st.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", st.readyz)
	mux.HandleFunc("GET /report", st.report)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "asr-preflight serve: /metrics, /healthz, /readyz, /report?plan=PLAN&phase=PHASE[&format=json|html]")
	})
	if st.c.Token == "" {
		return mux
	}
	want := []byte(st.c.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && (!strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(token), want) != 1) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="asr-preflight"`)
			http.Error(w, "a bearer token is required (Authorization: Bearer …)", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// readyz answers 200 once every plan has been run for every phase. Behind a token, which it does
// not ask for, it counts the runs it waits for rather than naming the plans.
func (st *state) readyz(w http.ResponseWriter, _ *http.Request) {
	ready, waiting := st.ready()
	if !ready && st.c.Token != "" {
		http.Error(w, fmt.Sprintf("waiting for the first run of %d of %d plan phases", len(waiting), len(st.c.Plans)*len(st.c.Phases)), http.StatusServiceUnavailable)
		return
	}
	if !ready {
		var names []string
		for _, j := range waiting {
			names = append(names, fmt.Sprintf("%s (%s)", j.plan, j.phase))
		}
		http.Error(w, "waiting for the first run of "+strings.Join(names, ", "), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// report serves the latest report of a plan for a phase, as JSON or HTML.
func (st *state) report(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	plan, code, err := pick("plan", q.Get("plan"), st.c.Plans)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	phase, code, err := pick("phase", q.Get("phase"), result.PhaseNames(st.c.Phases))
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	if t := q.Get("since"); t != "" {
		st.diffSince(w, job{plan, result.Phase(phase)}, t, q.Get("format"))
		return
	}
	format := report.JSON
	switch f := q.Get("format"); {
	case f == "html" || f == "" && prefersHTML(r.Header.Get("Accept")):
		format = report.HTML
	case f != "" && f != "json":
		http.Error(w, fmt.Sprintf("format %q: expected json or html", f), http.StatusBadRequest)
		return
	}
	rep, ok := st.latestOr503(w, job{plan, result.Phase(phase)})
	if !ok {
		return
	}
	w.Header().Set("Content-Type", map[report.Format]string{report.JSON: "application/json", report.HTML: "text/html; charset=utf-8"}[format])
	_ = report.Write(w, format, rep, report.Options{})
}

// latestOr503 is the job's latest report, or false once it has answered 503: no run has finished.
func (st *state) latestOr503(w http.ResponseWriter, j job) (report.Report, bool) {
	rep, ok := st.reportOf(j)
	if !ok {
		http.Error(w, fmt.Sprintf("no report yet: the first run of %s for %s has not finished", j.plan, j.phase), http.StatusServiceUnavailable)
	}
	return rep, ok
}

// diffSince answers the diff between the job's report at or before the time since (RFC 3339)
// and its latest, as JSON (by default), text or Markdown.
func (st *state) diffSince(w http.ResponseWriter, j job, since, format string) {
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		http.Error(w, fmt.Sprintf("since %q: expected a time as RFC 3339, such as 2026-12-07T08:00:00Z", since), http.StatusBadRequest)
		return
	}
	format = cmp.Or(format, "json")
	if !slices.Contains(diff.Formats, format) {
		http.Error(w, fmt.Sprintf("format %q: expected one of %s with since", format, strings.Join(diff.Formats, ", ")), http.StatusBadRequest)
		return
	}
	latest, ok := st.latestOr503(w, j)
	if !ok {
		return
	}
	old, ok, oldest := st.since(j, t)
	switch {
	case !ok && st.c.History <= 0:
		http.Error(w, "no history is kept (--history 0): since= needs one", http.StatusNotFound)
		return
	case !ok:
		http.Error(w, fmt.Sprintf("no report at or before %s: the history (--history %s) holds %s's reports for %s since %s", since, st.c.History, j.plan, j.phase,
			oldest.UTC().Format(time.RFC3339)), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", map[string]string{"json": "application/json", "text": "text/plain; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}[format])
	_ = diff.Write(w, format, diff.Compare(old, diff.Essentials(latest)))
}

// prefersHTML reports whether an Accept header ranks text/html above application/json (by their
// q values; JSON wins ties, and when neither is named).
func prefersHTML(accept string) bool {
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		weight := 1.0
		for _, p := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				weight, _ = strconv.ParseFloat(v, 64)
			}
		}
		q[strings.ToLower(strings.TrimSpace(fields[0]))] = weight
	}
	return q["text/html"] > q["application/json"]
}

// pick is the value asked for among those served — it may be left out when there is only one —
// or the HTTP status and error that say why not.
func pick(what, asked string, served []string) (string, int, error) {
	switch {
	case asked == "" && len(served) == 1:
		return served[0], 0, nil
	case asked == "":
		return "", http.StatusBadRequest, fmt.Errorf("%s: several are served; ask for one of %s", what, strings.Join(served, ", "))
	}
	for _, s := range served {
		if s == asked {
			return s, 0, nil
		}
	}
	return "", http.StatusNotFound, fmt.Errorf("%s %q: not served; ask for one of %s", what, asked, strings.Join(served, ", "))
}
