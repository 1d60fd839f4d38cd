// Command asr-preflight tells, before the job runs, whether Azure Site Recovery reprotect or
// failback of VMware VMs will work, and which ASR error it would otherwise fail with.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/report"
)

// version and commit are set at build time with -ldflags "-X main.version=… -X main.commit=…".
var version, commit = "", ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError ends the command with a given exit code, printing err if it is not nil.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// inputError is an invalid flag or argument: exit code 2.
func inputError(format string, args ...any) error {
	return &exitError{code: report.ExitInput, err: fmt.Errorf(format, args...)}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return report.ExitOK
	}
	code := report.ExitInput // cobra's own errors: unknown command or flag, missing argument
	var ee *exitError
	if errors.As(err, &ee) {
		code, err = ee.code, ee.err
	}
	if err != nil {
		fmt.Fprintf(stderr, "asr-preflight: %v\n", err)
	}
	return code
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "asr-preflight",
		Short:         "Check before Azure Site Recovery reprotect or failback of VMware VMs that the job will work",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: report.ExitInput, err: err}
	})
	root.AddCommand(
		newPhaseCmd("reprotect", "Run the checks that matter before reprotect"),
		newPhaseCmd("failback", "Run the checks that matter before failback"),
		newAnalyzeCmd(),
		newDiffCmd(),
		newChecksCmd(),
		newPlanCmd(),
		newServeCmd(),
		newExplainCmd(),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version, the commit it was built from, the Go version and the OS/architecture",
			Args:  cobra.NoArgs,
			Run: func(cmd *cobra.Command, _ []string) {
				fmt.Fprintf(cmd.OutOrStdout(), "asr-preflight %s\ncommit  %s\ngo      %s\nos/arch %s/%s\n", toolVersion(), toolCommit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			},
		},
	)
	return root
}

// toolCommit is the commit set at build time, else the one Go stamped in, else "unknown".
func toolCommit() string {
	if commit != "" {
		return commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// toolVersion is the version set at build time, else the module version, else "dev".
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
