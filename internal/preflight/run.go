package preflight

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/asr-preflight/asr-preflight/internal/checks"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/report"
	"github.com/asr-preflight/asr-preflight/internal/result"
	"github.com/asr-preflight/asr-preflight/internal/suggest"
	"github.com/asr-preflight/asr-preflight/internal/waiver"
)

// Outcome is what a run produced: its report (whose summary gives the exit code) and any files
// that could not be written.
type Outcome struct {
	Report   report.Report
	Snapshot *inventory.Snapshot
	Failed   []error // outputs that could not be written; the others were
	// Suggested is the plan with every kept suggestion applied, and the comment of each changed
	// field (--suggest); nil without.
	Suggested *suggested
}

// suggested is the plan of the suggestions and the reasons of its changes.
type suggested struct {
	plan  *plan.Plan
	notes map[string]map[string]string // VM → plan field → why it changed
}

// ExitCode is the process exit code the outcome calls for.
func (o *Outcome) ExitCode() int {
	if len(o.Failed) > 0 {
		return report.ExitUnexpected
	}
	return o.Report.Summary.ExitCode()
}

// steps times the pipeline's steps, for the report.
type steps struct {
	list []report.Step
	last time.Time
}

func (s *steps) done(name string) {
	now := time.Now()
	s.list = append(s.list, report.Step{Name: name, Ms: now.Sub(s.last).Milliseconds()})
	s.last = now
}

// Run runs the pipeline of a live preflight: plan (with the vault), collect, derive, analyze,
// report. Bad input is an *InputError, returned before any network traffic. When the vault gives
// no VM to check, the error comes with an outcome that holds the snapshot alone: what was read.
func Run(ctx context.Context, in Input) (*Outcome, error) {
	started := time.Now()
	st := &steps{last: started}
	cfg, err := Resolve(in)
	if err != nil {
		return nil, err
	}
	st.done("resolve")
	b := newBudget(started, cfg.Timeout)
	ctx, cancel := context.WithDeadlineCause(ctx, b.deadline, fmt.Errorf("run timed out after %v (--timeout)", cfg.Timeout))
	defer cancel()
	snap := newSnapshot(cfg)
	if err := planFromVault(ctx, cfg, b, snap); err != nil {
		return &Outcome{Snapshot: snap}, err // what was read, for serve's sources
	}
	st.done("plan")
	collect(ctx, cfg, b, snap)
	st.done("collect")
	cctx, cancelChecks := b.checks(context.WithoutCancel(ctx))
	defer cancelChecks()
	return finish(cctx, cfg, snap, started, st), nil
}

// Analyze runs the checks on a saved snapshot, with no network at all: derive, analyze, report.
func Analyze(ctx context.Context, in Input) (*Outcome, error) {
	started := time.Now()
	st := &steps{last: started}
	if in.Phase != "" {
		if err := checkPhase(in.Phase); err != nil {
			return nil, err
		}
	}
	snap, err := LoadSnapshot(in.Flags.Snapshot)
	if err != nil {
		return nil, err
	}
	if in.Phase == "" {
		in.Phase = snap.Phase
	}
	cfg, err := resolveAnalysis(in)
	if err != nil {
		return nil, err
	}
	if cfg.Output.Files, err = outputFiles(in.Flags, in.Flags.Snapshot, "the snapshot (--snapshot)"); err != nil {
		return nil, err
	}
	cfg.Output.Context.Snapshot = in.Flags.Snapshot
	if in.Flags.ReadyPlansFile != "" && len(snap.Plan.RecoveryPlans) == 0 {
		return nil, Invalid("--ready-plans-file: snapshot %s checks no recovery plan", in.Flags.Snapshot)
	}
	snap.Phase = cfg.Phase
	if snap.Plan != nil {
		if err := waiver.Loaded(snap.Plan.Waivers); err != nil {
			return nil, Invalid("snapshot %s: invalid waivers:\n%w", in.Flags.Snapshot, err)
		}
		cfg.Waivers = append(slices.Clone(snap.Plan.Waivers), cfg.Waivers...)
	}
	if err := cfg.checkWaivers(); err != nil {
		return nil, err
	}
	st.done("load")
	return finish(ctx, cfg, snap, started, st), nil
}

// Recheck runs the checks again on the snapshot of an earlier run, its vCenter inventory brought
// up to date by a watch of vCenter (serve): the watched hosts, datastores and VMs in place of those
// the run read, with what only the run read kept (vcenter.Overlay). Then derive, analyze, report,
// as the run did, with no network at all. The snapshot is not changed.
func Recheck(ctx context.Context, in Input, base *inventory.Snapshot, watched *inventory.VCenter) (*Outcome, error) {
	started := time.Now()
	st := &steps{last: started}
	cfg, err := Resolve(in)
	if err != nil {
		return nil, err
	}
	if base.VCenter == nil || !base.Parts[inventory.VCenterPart].Collected {
		return nil, errors.New("the run read no vCenter inventory to bring up to date")
	}
	snap := *base
	snap.VCenter, snap.Parts = vcenter.Overlay(base.VCenter, watched), maps.Clone(base.Parts)
	cfg.Plan = snap.Plan // as the run resolved it, with the vault
	st.done("watch")
	cctx, cancel := newBudget(started, cfg.Timeout).checks(ctx)
	defer cancel()
	return finish(cctx, cfg, &snap, started, st), nil
}

// finish derives the facts, runs the checks and writes the reports.
func finish(ctx context.Context, cfg *Config, snap *inventory.Snapshot, started time.Time, st *steps) *Outcome {
	facts := derive.Derive(snap)
	st.done("derive")
	progress(cfg.Stderr, "running checks…")
	results := checks.Run(ctx, cfg.Selected, &checks.Input{Snapshot: snap, Facts: facts}, cfg.Runner)
	waivers := waiver.Apply(results, cfg.Waivers, cfg.Today, checkIDs(cfg.Active))
	st.done("analyze")
	scope := facts.Scope(snap)
	vms, problems := result.Judge(results, scope)
	var sg *suggested
	if cfg.Suggest {
		progress(cfg.Stderr, "looking for placements the checks accept…")
		sg = suggestPlacements(ctx, cfg, snap, vms)
		st.done("suggest")
	}
	rep := report.New(cfg.Version, cfg.Phase, reportContext(cfg.Output.Context, snap), started, time.Since(started), results, vms, problems)
	rep.SetRecoveryPlans(result.JudgePlans(scope, problems))
	rep.Waivers = waivers
	for _, n := range rep.WaiverNotices() {
		fmt.Fprintln(cfg.Stderr, "asr-preflight: warning:", report.Printable(n))
	}
	rep.Steps = st.list
	out := &Outcome{Report: rep, Snapshot: snap, Suggested: sg}
	out.Failed = write(cfg.Output, out, cfg.Stderr)
	return out
}

// checkIDs are the IDs of the checks.
func checkIDs(cs []checks.Check) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.Info().ID
	}
	return ids
}

// reportContext completes what the report names with what the snapshot knows: the vCenter it was
// read from and the vault.
func reportContext(c report.Context, snap *inventory.Snapshot) report.Context {
	c.VCenter = snap.VCenterAddress
	if pl := snap.Plan; pl != nil && pl.Azure != nil && pl.Azure.Vault.Name != "" {
		c.Vault = pl.Azure.Vault.ResourceGroup + "/" + pl.Azure.Vault.Name
	}
	return c
}

// write is the report step: the report on standard output, then each file in a fixed order,
// whatever happened to the others; notes go to stderr.
func write(o Output, out *Outcome, stderr io.Writer) []error {
	rep, snap := out.Report, out.Snapshot
	var failed []error
	if err := report.Write(o.Stdout, o.Format, rep, o.Text); err != nil {
		failed = append(failed, fmt.Errorf("writing the report: %w", err))
	}
	for _, f := range o.Files {
		var err error
		switch f.Content {
		case SnapshotFile:
			err = writeFile(f.Path, "snapshot", func(w io.Writer) error { return SaveSnapshot(w, snap) })
		case SuggestedPlanFile:
			err = writeFile(f.Path, "suggested plan", func(w io.Writer) error { return writeSuggested(w, out.Suggested) })
		case ReadyFile, ReadyPlansFile:
			what, list := readyList(rep, f.Content == ReadyPlansFile)
			var left []string
			err = writeFile(f.Path, "list of ready "+what+"s", func(w io.Writer) (err error) { left, err = writeReady(w, list, o.IncludeWarn); return err })
			if len(left) > 0 {
				fmt.Fprintf(stderr, "asr-preflight: %s leaves out %d ready %s(s) whose name has a line break or another control character: %q\n", f.Flag, len(left), what, left)
			}
		default:
			err = writeFile(f.Path, string(f.Format)+" report", func(w io.Writer) error { return report.Write(w, f.Format, rep, report.Options{}) })
		}
		if err != nil {
			failed = append(failed, err)
		}
	}
	return failed
}

// verdictOf is a VM's or recovery plan's name and verdict, for a list of the ready ones.
type verdictOf struct {
	name    string
	verdict result.Verdict
}

// suggestPlacements runs the suggestions on the snapshot and adds them to the VMs' verdicts.
func suggestPlacements(ctx context.Context, cfg *Config, snap *inventory.Snapshot, vms []result.VM) *suggested {
	sg := suggest.Suggest(ctx, snap, cfg.Selected, cfg.Runner, vms)
	out := &suggested{plan: sg.Plan, notes: map[string]map[string]string{}}
	keys := map[string]string{"host": "host", "datastore": "datastore", "name": "targetName", "appliance": "appliance"}
	for i := range vms {
		a := sg.VMs[vms[i].Name]
		if a == nil {
			continue
		}
		vms[i].Suggestions, vms[i].Unresolved = a.Suggestions, a.Unresolved
		for _, s := range a.Suggestions {
			if out.notes[vms[i].Name] == nil {
				out.notes[vms[i].Name] = map[string]string{}
			}
			why := s.Check
			if s.Code != "" {
				why += " (ASR " + s.Code + ")"
			}
			// A comment holds one line of printable text, or the plan would not load again.
			out.notes[vms[i].Name][keys[s.Field]] = fmt.Sprintf("# suggested, was %s: %s: %s", printable(cmp.Or(s.From, "unset")), why, printable(oneLine(errors.New(s.Reason))))
		}
	}
	return out
}

// writeSuggested writes the plan of the suggestions, loadable as is: each changed field carries a
// comment naming the reason; a vCenter URL loses its user information.
func writeSuggested(w io.Writer, sg *suggested) error {
	pl := *sg.plan
	pl.VCenter.URL = redactURL(pl.VCenter.URL)
	text, err := pl.MarshalNoted(sg.notes)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "# Written by asr-preflight --suggested-plan: the plan with every placement the checks accept.\n"+string(text))
	return err
}

// readyList is what a ready list chooses from: the VMs, or the recovery plans, by name, and what
// they are.
func readyList(rep report.Report, plans bool) (string, []verdictOf) {
	if plans {
		list := make([]verdictOf, 0, len(rep.RecoveryPlans))
		for _, p := range rep.RecoveryPlans {
			list = append(list, verdictOf{p.Name, p.Verdict})
		}
		slices.SortFunc(list, func(a, b verdictOf) int { return strings.Compare(a.name, b.name) })
		return "recovery plan", list
	}
	list := make([]verdictOf, 0, len(rep.VMs))
	for _, vm := range rep.VMs {
		list = append(list, verdictOf{vm.Name, vm.Verdict})
	}
	return "VM", list
}

// writeReady writes the names of the ready VMs or plans (and the warn ones, when asked), one per
// line, in name order: what a script reprotects at once. A name that would break the list — with
// a line break or another control character in it — is left out, never mangled, and returned.
func writeReady(w io.Writer, list []verdictOf, includeWarn bool) (left []string, err error) {
	var b strings.Builder
	for _, v := range list {
		if v.verdict == result.Ready || includeWarn && v.verdict == result.Warned {
			if strings.ContainsFunc(v.name, unicode.IsControl) {
				left = append(left, v.name)
				continue
			}
			b.WriteString(v.name + "\n")
		}
	}
	_, err = io.WriteString(w, b.String())
	return left, err
}

// writeFile writes through a temporary file in the same folder, renamed into place once complete:
// a failure never leaves a half-written file, nor destroys the one that was there.
func writeFile(path, what string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s %s: %w", what, path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s %s: %w", what, path, err)
	}
	return nil
}

// SaveSnapshot writes the snapshot as indented JSON. It holds no password, token or secret: the
// plan's vCenter URL loses any user information.
func SaveSnapshot(w io.Writer, s *inventory.Snapshot) error {
	saved := *s
	if s.Plan != nil {
		pl := *s.Plan
		pl.VCenter.URL = redactURL(pl.VCenter.URL)
		saved.Plan = &pl
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&saved)
}

// MaxSnapshotBytes is the largest snapshot LoadSnapshot reads. A snapshot holds every VM of the
// datacenter and every item of the vault, so it may be far larger than a plan (4 MiB).
const MaxSnapshotBytes = 256 << 20

// LoadSnapshot reads a snapshot saved with --save-snapshot; a file that is not one, or one of a
// newer snapshotVersion, is an *InputError.
func LoadSnapshot(path string) (*inventory.Snapshot, error) {
	if path == "" {
		return nil, Invalid("no snapshot: set --snapshot FILE")
	}
	tooLarge := Invalid("%s is larger than %d MiB: not an asr-preflight snapshot", path, MaxSnapshotBytes>>20)
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxSnapshotBytes {
		return nil, tooLarge
	}
	data, err := readLimited(path, MaxSnapshotBytes)
	if err != nil {
		return nil, Invalid("reading snapshot: %v", err)
	}
	if len(data) > MaxSnapshotBytes { // not a regular file: a pipe, a device
		return nil, tooLarge
	}
	var s inventory.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, Invalid("%s is not an asr-preflight snapshot: %v", path, err)
	}
	switch {
	case s.Tool != "asr-preflight" || s.SnapshotVersion == 0 || s.Plan == nil:
		return nil, Invalid("%s is not an asr-preflight snapshot (write one with --save-snapshot)", path)
	case s.SnapshotVersion > inventory.SnapshotVersion:
		return nil, Invalid("%s is a snapshot of version %d, written by a newer asr-preflight (%s); this one reads version %d",
			path, s.SnapshotVersion, s.ToolVersion, inventory.SnapshotVersion)
	case s.Phase != result.Reprotect && s.Phase != result.Failback:
		return nil, Invalid("%s: phase %q; expected reprotect or failback", path, s.Phase)
	}
	if s.Parts == nil {
		s.Parts = inventory.Parts{}
	}
	return &s, nil
}

// progress tells a person at a terminal what is happening; it prints nothing otherwise.
func progress(w io.Writer, msg string) {
	if IsTerminal(w) {
		fmt.Fprintln(w, msg)
	}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// IsInput reports whether err is bad input (exit code 2).
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
