// Package serve runs the preflight continuously — every plan, every phase, at start and every
// interval — and serves the latest verdicts as Prometheus metrics, the latest reports, and the
// server's health.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/loopback"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// Config is what serve runs and how it serves.
type Config struct {
	Plans    []string // plan files, as given: each is the plan label of its metrics
	Phases   []result.Phase
	Interval time.Duration
	// Watch follows vCenter's changes between runs (WaitForUpdatesEx), and runs the checks again
	// on each; without, vCenter is read at every run only.
	Watch           bool
	Listen          string // host:port
	TLSCert, TLSKey string // both or neither
	Token           string // the bearer token every request but the probes (/healthz, /readyz) must carry; "" for none
	// History is how long the reports of each plan and phase are kept, for /report?since=; 0 keeps
	// none.
	History time.Duration
	// Input is the input of one run of a plan for a phase.
	Input   func(plan string, phase result.Phase) preflight.Input
	Log     *slog.Logger
	Version string
	// Listening, when set, is called with the address once the server listens.
	Listening func(net.Addr)
}

// ShutdownGrace bounds how long serve waits, once told to stop, for the run in progress and the
// HTTP requests being answered.
const ShutdownGrace = 5 * time.Second

// Validate checks the configuration before anything listens or connects: the plans and every
// flag of their runs (as the phases would), the address and what protects it. Its errors are
// *preflight.InputError.
func (c Config) Validate() error {
	if len(c.Plans) == 0 {
		return preflight.Invalid("no plan: set --plan FILE (once per plan)")
	}
	if err := preflight.Positive("--interval", c.Interval); err != nil {
		return err
	}
	if c.History < 0 {
		return preflight.Invalid("--history: expected a duration of 0 or more, got %v", c.History)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return preflight.Invalid("--tls-cert and --tls-key go together: set both or neither")
	}
	seen := map[string]string{} // absolute path → as given
	for _, p := range c.Plans {
		if p == "-" {
			return preflight.Invalid("--plan -: serve reads each plan again before every run; give a file")
		}
		abs, _ := filepath.Abs(p)
		if other, dup := seen[abs]; dup {
			return preflight.Invalid("--plan %s: the same file as --plan %s", p, other)
		}
		seen[abs] = p
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return preflight.Invalid("--listen: expected HOST:PORT (port 0-65535), got %q", c.Listen)
	}
	if c.Token != "" && c.TLSCert == "" && !loopback.Host(host) {
		return preflight.Invalid("--auth-token-file: the token would travel in clear to %s; serve over TLS (--tls-cert, --tls-key) or listen on loopback", c.Listen)
	}
	if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return preflight.Invalid("--tls-cert, --tls-key: %v", err)
		}
	}
	for _, p := range c.Plans {
		for _, ph := range c.Phases {
			if _, err := preflight.Resolve(c.Input(p, ph)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Run listens, runs every plan for every phase at start and every interval — never two runs of
// one plan at once; a plan's runs that overrun the interval delay its next, and the log says so —
// and serves until ctx ends; then it cancels the run in progress and stops, within ShutdownGrace.
func Run(ctx context.Context, c Config) error {
	l, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	if host, _, _ := net.SplitHostPort(c.Listen); !loopback.Host(host) && c.Token == "" {
		c.Log.Warn("serving reports that name hosts and VMs on a non-loopback address without a bearer token", "listen", c.Listen)
	}
	ctx, stopRuns := context.WithCancel(ctx)
	defer stopRuns()
	st := newState(c)
	// The HTTP server's own complaints (TLS handshakes of scanners and probes…) are debug lines.
	srv := &http.Server{Handler: st.handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(c.Log.Handler(), slog.LevelDebug)}
	served := make(chan error, 1)
	go func() {
		if c.TLSCert != "" {
			served <- srv.ServeTLS(l, c.TLSCert, c.TLSKey)
		} else {
			served <- srv.Serve(l)
		}
	}()
	c.Log.Info("serving", "listen", l.Addr().String(), "plans", len(c.Plans), "phases", strings.Join(result.PhaseNames(c.Phases), ","), "interval", c.Interval.String(), "watch", c.Watch)
	if c.Listening != nil {
		c.Listening(l.Addr())
	}

	var wg sync.WaitGroup
	for _, p := range c.Plans {
		wg.Go(func() { st.loop(ctx, p) })
	}
	select {
	case <-ctx.Done():
	case err = <-served: // the server failed: stop the runs too
	}
	stopRuns()
	stopping, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	_ = srv.Shutdown(stopping)
	runs := make(chan struct{})
	go func() { wg.Wait(); st.watchers.Wait(); close(runs) }()
	select {
	case <-runs:
	case <-stopping.Done():
		c.Log.Warn("a run did not stop in time; leaving it", "grace", ShutdownGrace.String())
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	c.Log.Info("stopped")
	return err
}

// loop runs one plan's phases in turn, at start and every interval, until ctx ends. With the
// watch, between runs, it runs the checks again on each burst of vCenter changes.
func (st *state) loop(ctx context.Context, plan string) {
	next := time.Now()
	var (
		w       *vcenter.Watch
		changed <-chan struct{} // the watch's; nil without one: never ready
		seen    uint64          // the watch's updates counted so far
	)
	for {
		if w != nil {
			changed = w.Changed() // before the runs: a change during them is re-checked at once
		}
		for _, ph := range st.c.Phases {
			st.runOnce(ctx, plan, ph)
			if ctx.Err() != nil {
				return
			}
			if w != nil {
				st.compare(plan, ph, w) // right after the read: as close to the watched state as can be
			}
		}
		if st.c.Watch {
			if now := st.watchOf(ctx, plan); now != w {
				w, changed = now, nil
				if w != nil {
					changed, seen = w.Changed(), w.State().Updates
				}
			}
			if w != nil {
				st.follow(plan, w)
			}
		}
		next = next.Add(st.c.Interval)
		if late := time.Since(next); late > 0 {
			st.c.Log.Warn("the runs overran the interval; the next starts now, late", "plan", plan, "interval", st.c.Interval.String(), "late", late.Round(time.Millisecond).String())
			next = time.Now()
		}
		timer := time.NewTimer(time.Until(next))
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
				waiting = false
			case <-changed:
				if !settle(ctx, w) {
					return
				}
				changed = w.Changed() // before the state is read: no change is missed
				seen = st.recheck(ctx, plan, w.State(), seen)
			}
		}
	}
}

// runOnce runs the preflight of a plan for a phase, records it in the metrics and keeps its
// report, and logs one line.
func (st *state) runOnce(ctx context.Context, plan string, ph result.Phase) {
	start := time.Now()
	out, err := preflight.Run(ctx, st.c.Input(plan, ph))
	took := time.Since(start)
	if ctx.Err() != nil {
		st.c.Log.Info("run cancelled: stopping", "plan", plan, "phase", string(ph))
		return
	}
	outcome := "error" // the run itself failed: the plan became unreadable, a source misconfigured…
	if err == nil {
		outcome = map[int]string{report.ExitOK: "pass", report.ExitWarnings: "warn", report.ExitFailed: "fail"}[out.ExitCode()]
	}
	st.finished(plan, ph, outcome, took, out)
	if err != nil {
		st.c.Log.Error("run", "plan", plan, "phase", string(ph), "result", outcome, "duration", took.Round(time.Millisecond).String(), "error", err.Error())
		return
	}
	st.c.Log.Info("run", append([]any{"plan", plan, "phase", string(ph), "result", outcome, "duration", took.Round(time.Millisecond).String()}, counts(out)...)...)
	for _, n := range out.Report.WaiverNotices() { // ended, ending, unused: someone must act
		st.c.Log.Warn("waiver", "plan", plan, "phase", string(ph), "notice", report.Printable(n))
	}
}

// counts are a report's VM counts by verdict, as log attributes.
func counts(out *preflight.Outcome) []any {
	c := out.Report.Summary.VMs
	return []any{"vms", len(out.Report.VMs), "ready", c.Ready, "warn", c.Warn, "blocked", c.Blocked, "unknown", c.Unknown}
}
