// Command asr-preflight-lab serves a failback lab on 127.0.0.1 — vCenter (govmomi's simulator),
// Azure (the SDK's fake servers) and a configuration server stand-in — shaped by a scenario file,
// and writes the plan and environment that point asr-preflight at it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// Ready is the line serve prints on stdout once everything listens.
const Ready = "asr-preflight-lab: ready"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// exitCode is the checker's exit code, passed on by run.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

// failure is a lab that could not run: exit code 1. Any other error is bad input: exit code 2.
type failure struct{ err error }

func (f *failure) Error() string { return f.err.Error() }

func execute(ctx context.Context, args []string) int {
	root := &cobra.Command{Use: "asr-preflight-lab", Short: "Serve a failback lab for asr-preflight", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(serveCmd(), runCmd())
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var (
		c    exitCode
		fail *failure
	)
	switch {
	case err == nil:
		return 0
	case errors.As(err, &c):
		return int(c)
	case errors.As(err, &fail):
		fmt.Fprintln(os.Stderr, "asr-preflight-lab:", fail.err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "asr-preflight-lab:", err)
	return 2
}

// start loads the scenario and starts its world, writing plan.yaml into dir.
func start(ctx context.Context, scenario, listen, dir string) (*lab.World, error) {
	if scenario == "" {
		return nil, errors.New("--scenario is required")
	}
	sc, err := lab.LoadScenario(scenario)
	if err != nil {
		return nil, fmt.Errorf("invalid scenario:\n%w", err)
	}
	w, err := lab.StartScenario(ctx, sc, listen, dir)
	switch {
	case errors.Is(err, lab.ErrListenAddress):
		return nil, err
	case err != nil:
		return nil, &failure{fmt.Errorf("starting the lab: %w", err)}
	}
	return w, nil
}

func serveCmd() *cobra.Command {
	var scenario, listen, dir, envFile string
	cmd := &cobra.Command{
		Use:   "serve --scenario FILE",
		Short: "Serve the scenario until interrupted (or until stdin, when it is a pipe, closes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := start(cmd.Context(), scenario, listen, dir)
			if err != nil {
				return err
			}
			defer w.Close()
			var exports strings.Builder
			for _, kv := range w.Env() {
				k, v, _ := strings.Cut(kv, "=")
				fmt.Fprintf(&exports, "export %s=%q\n", k, v)
			}
			if envFile == "" {
				envFile = filepath.Join(dir, "lab.env")
			}
			if err := os.WriteFile(envFile, []byte(exports.String()), 0o600); err != nil {
				return &failure{err}
			}
			fmt.Printf("vCenter: %s\nplan:    %s\nenv:     %s\n\n%s\nthen: asr-preflight reprotect --plan %s\n%s\n",
				w.Lab.URL, w.PlanPath, envFile, exports.String(), w.PlanPath, Ready)
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
				go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
			}
			<-ctx.Done()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenario, "scenario", "", "scenario `FILE` (YAML)")
	fl.StringVar(&listen, "listen", "127.0.0.1:0", "loopback address for vCenter")
	fl.StringVar(&dir, "dir", ".", "folder for plan.yaml and lab.env")
	fl.StringVar(&envFile, "env-file", "", "where to write the exports (default DIR/lab.env)")
	return cmd
}

func runCmd() *cobra.Command {
	var scenario, checker string
	cmd := &cobra.Command{
		Use:   "run --scenario FILE -- reprotect|failback [asr-preflight flags]",
		Short: "Serve the scenario, run asr-preflight against it, stop, and exit with its exit code",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if checker == "" {
				checker = findChecker()
			}
			dir, err := os.MkdirTemp("", "asr-preflight-lab")
			if err != nil {
				return &failure{err}
			}
			defer os.RemoveAll(dir)
			w, err := start(cmd.Context(), scenario, "127.0.0.1:0", dir)
			if err != nil {
				return err
			}
			defer w.Close()
			c := exec.CommandContext(cmd.Context(), checker, append(args, "--plan", w.PlanPath)...)
			c.Env = append(os.Environ(), w.Env()...)
			c.Stdout, c.Stderr = os.Stdout, os.Stderr
			err = c.Run()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				return exitCode(ee.ExitCode())
			case err != nil:
				return &failure{fmt.Errorf("running %s: %w", checker, err)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&scenario, "scenario", "", "scenario `FILE` (YAML)")
	cmd.Flags().StringVar(&checker, "checker", "", "the asr-preflight binary (default: next to this one, else on PATH)")
	return cmd
}

// findChecker looks for asr-preflight next to this binary, then on PATH.
func findChecker() string {
	if self, err := os.Executable(); err == nil {
		sibling := filepath.Join(filepath.Dir(self), "asr-preflight")
		if _, err := os.Stat(sibling); err == nil {
			return sibling
		}
	}
	return "asr-preflight"
}
