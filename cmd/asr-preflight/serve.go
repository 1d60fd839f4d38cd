package main

import (
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/serve"
)

func newServeCmd() *cobra.Command {
	var (
		f                           preflight.Flags
		c                           serve.Config
		phase, logFormat, tokenFile string
		noWatch                     bool
	)
	cmd := &cobra.Command{
		Use:   "serve --plan FILE [--plan FILE…]",
		Short: "Run the preflight at start and every interval, and serve the verdicts as Prometheus metrics",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			switch phase {
			case "both":
				c.Phases = result.Phases
			case string(result.Reprotect), string(result.Failback):
				c.Phases = []result.Phase{result.Phase(phase)}
			default:
				return inputError("--phase: expected reprotect, failback or both, got %q", phase)
			}
			if c.Log, err = logger(logFormat, cmd.ErrOrStderr()); err != nil {
				return err
			}
			if tokenFile != "" {
				b, err := os.ReadFile(tokenFile)
				if c.Token = strings.TrimSpace(string(b)); err != nil || c.Token == "" {
					return inputError("--auth-token-file %s: expected a file holding the bearer token (%v)", tokenFile, err)
				}
				if fi, err := os.Stat(tokenFile); err == nil && othersMayRead(runtime.GOOS, fi.Mode(), ownGroup(fi)) {
					c.Log.Warn("the token file can be read by other users than its owner", "file", tokenFile, "mode", fi.Mode().Perm().String())
				}
			}
			if f.ProbeGuest {
				c.Log.Warn("--probe-guest runs a Run Command inside every Azure VM at every run: the one thing asr-preflight does that is not read-only", "interval", c.Interval.String())
			}
			c.Version, c.Watch = toolVersion(), !noWatch
			f.Format = "json"
			c.Input = func(plan string, ph result.Phase) preflight.Input {
				g := f
				g.Plan = plan
				in := input(cmd, ph, g)
				in.Stdout, in.Stderr, in.Color = io.Discard, io.Discard, false
				return in
			}
			if err := c.Validate(); err != nil {
				return outcome(nil, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() { <-ctx.Done(); stop() }() // a second signal is not caught: it ends the process

			if err := serve.Run(ctx, c); err != nil {
				return outcome(nil, err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&c.Plans, "plan", "p", nil, "plan `FILE`, read again before every run; repeat for several plans")
	fl.StringVar(&c.Listen, "listen", "127.0.0.1:9797", "`HOST:PORT` to serve on; loopback unless you say otherwise")
	fl.DurationVar(&c.Interval, "interval", 15*time.Minute, "time between the starts of two runs of a plan")
	fl.StringVar(&phase, "phase", "both", "reprotect, failback or both")
	fl.DurationVar(&c.History, "history", 48*time.Hour, "keep each plan's reports this long in memory, for /report?since=TIME (0: none)")
	fl.BoolVar(&noWatch, "no-watch", false, "read vCenter at every run only, instead of following its changes between runs")
	fl.StringVar(&c.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate `FILE` (with --tls-key)")
	fl.StringVar(&c.TLSKey, "tls-key", "", "PEM private key `FILE` of --tls-cert")
	fl.StringVar(&tokenFile, "auth-token-file", "", "require every request but the probes (/healthz, /readyz) to carry the bearer token held in `FILE`")
	fl.StringVar(&logFormat, "log-format", "text", "log lines on standard error as text or json")
	checkFlags(fl, &f)
	sourceFlags(fl, &f)
	_ = cmd.MarkFlagRequired("plan")
	return cmd
}

// othersMayRead reports whether a file's mode lets users other than its owner read or write it:
// any bit for others, or for a group that is not the process's own (Kubernetes gives a Secret's
// files to the pod's fsGroup, 0440). A group of its own that has other members is not seen: the
// README says to keep the token 0600 there. Windows grants access by ACL, which a file mode does not show
// (Go gives 0666, or 0444 when read-only, to every file): there the rule is skipped rather than
// warn about every file.
func othersMayRead(goos string, mode fs.FileMode, ownGroup bool) bool {
	return goos != "windows" && (mode.Perm()&0o007 != 0 || mode.Perm()&0o070 != 0 && !ownGroup)
}

// logger writes one line per event on w, as text or JSON.
func logger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, inputError("--log-format: expected text or json, got %q", format)
}
