package main

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

func newChecksCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "checks",
		Short: "List every check: ID, phases, ASR code and title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPHASES\tASR CODE\tTITLE")
			for _, c := range checks.All() {
				i := c.Info()
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", i.ID, phases(i.Phases), cmp.Or(i.Code, "-"), i.Title)
			}
			return tw.Flush()
		},
	}
}

func newExplainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain CODE|CHECK-ID",
		Short: "Explain an ASR error code or a check: cause, symptoms, fix and documentation (offline)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			key := strings.TrimPrefix(strings.TrimSpace(args[0]), "ASR")
			if e, ok := checks.Codes[key]; ok {
				fmt.Fprintf(w, "ASR error %s: %s\n\nCause:    %s\nSymptoms: %s\nFix:      %s\nDoc:      %s\n",
					e.Code, e.Title, e.Cause, e.Symptoms, e.Fix, e.DocURL)
				modernizedAdvice(w, e)
				if ids := checksFor(e.Code); len(ids) > 0 {
					fmt.Fprintf(w, "Checked by: %s\n", strings.Join(ids, ", "))
				}
				return nil
			}
			if c, ok := checks.Lookup(args[0]); ok {
				i := c.Info()
				fmt.Fprintf(w, "%s: %s\n\nPhases:   %s\nASR code: %s\nCause:    %s\n", i.ID, i.Title, phases(i.Phases), cmp.Or(i.Code, "none"), i.Cause)
				if e, ok := checks.Codes[i.Code]; ok {
					fmt.Fprintf(w, "Symptoms: %s\n", e.Symptoms)
				}
				fmt.Fprintf(w, "Fix:      %s\nDoc:      %s\n", i.Fix, i.DocURL)
				if doc := i.DocFor(true); doc != i.DocURL {
					fmt.Fprintf(w, "Doc for modernized machines: %s\n", doc)
				}
				if e, ok := checks.Codes[i.Code]; ok {
					modernizedAdvice(w, e)
				}
				return nil
			}
			return inputError("unknown ASR code or check %q; known codes: %s; checks: %s",
				args[0], strings.Join(checks.KnownCodes(), ", "), strings.Join(checks.IDs(), ", "))
		},
	}
}

// modernizedAdvice prints what applies instead to modernized machines, when it differs.
func modernizedAdvice(w io.Writer, e checks.CodeInfo) {
	if e.Modernized != nil {
		m := e.For(true)
		fmt.Fprintf(w, "\nModernized (replication appliance, no configuration, process or master target server):\nCause:    %s\nFix:      %s\nDoc:      %s\n", m.Cause, m.Fix, m.DocURL)
	}
	if e.Classic {
		fmt.Fprintln(w, "\nClassic only: modernized machines (one replication appliance) never raise it.")
	}
}

// checksFor returns the IDs of the checks that predict an ASR code.
func checksFor(code string) []string {
	var ids []string
	for _, c := range checks.All() {
		if c.Info().Code == code {
			ids = append(ids, c.Info().ID)
		}
	}
	return ids
}

func phases(ps []checks.Phase) string { return strings.Join(result.PhaseNames(ps), ",") }
