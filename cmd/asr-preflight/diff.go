package main

import (
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/diff"
	"github.com/asr-preflight/asr-preflight/internal/preflight"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func newDiffCmd() *cobra.Command {
	var (
		f        preflight.Flags
		format   string
		anyPhase bool
	)
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "What changed between two runs (JSON reports, or snapshots analysed again): exit 4 if worse, 3 if newly blocked",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(diff.Formats, format) {
				return inputError("--format: expected one of %s, got %q", strings.Join(diff.Formats, ", "), format)
			}
			f.CheckTimeout = 30 * time.Second
			d, err := preflight.Diff(cmd.Context(), input(cmd, result.Phase(""), f), args[0], args[1], anyPhase)
			if err != nil {
				return outcome(nil, err)
			}
			if err := diff.Write(cmd.OutOrStdout(), format, d); err != nil {
				return &exitError{code: report.ExitUnexpected, err: err}
			}
			if code := d.ExitCode(); code != diff.ExitSame {
				return &exitError{code: code}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "text", "text, json or markdown")
	fl.BoolVar(&anyPhase, "any-phase", false, "compare runs of different phases")
	fl.StringVar(&f.Waivers, "waivers", "", "for snapshots: the waivers `FILE` to analyse them with")
	fl.IntVar(&f.Concurrency, "concurrency", 8, "for snapshots: checks run at once")
	return cmd
}
