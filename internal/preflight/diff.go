package preflight

import (
	"context"
	"encoding/json"
	"io"

	"github.com/asr-preflight/asr-preflight/internal/diff"
	"github.com/asr-preflight/asr-preflight/internal/report"
)

// Diff compares two runs: each file is a JSON report, or a snapshot that is analysed again
// offline (with in's flags: its phase, checks and waivers). The two must be of the same phase
// unless anyPhase. Its errors are *InputError.
func Diff(ctx context.Context, in Input, oldPath, newPath string, anyPhase bool) (diff.Diff, error) {
	if in.Flags.Concurrency < 1 {
		return diff.Diff{}, Invalid("--concurrency: expected a number ≥ 1, got %d", in.Flags.Concurrency)
	}
	snapshots := 0
	var reps [2]report.Report
	for i, path := range []string{oldPath, newPath} {
		r, snapshot, err := loadReport(ctx, in, path)
		if err != nil {
			return diff.Diff{}, err
		}
		reps[i] = r
		if snapshot {
			snapshots++
		}
	}
	if in.Flags.Waivers != "" && snapshots == 0 {
		return diff.Diff{}, Invalid("--waivers: %s and %s are reports, whose waivers were applied when they were made; --waivers applies to snapshots, which diff analyses again", oldPath, newPath)
	}
	if reps[0].Phase != reps[1].Phase && !anyPhase {
		return diff.Diff{}, Invalid("%s is a report before %s, %s before %s: compare runs of one phase, or give --any-phase",
			oldPath, reps[0].Phase, newPath, reps[1].Phase) // phases Valid checked
	}
	return diff.Compare(reps[0], reps[1]), nil
}

// loadReport reads a JSON report, or analyses a snapshot (and says so).
func loadReport(ctx context.Context, in Input, path string) (report.Report, bool, error) {
	data, err := readLimited(path, MaxSnapshotBytes)
	if err != nil {
		return report.Report{}, false, Invalid("reading %s: %v", path, err)
	}
	var head struct {
		SchemaVersion   int    `json:"schemaVersion"`
		SnapshotVersion int    `json:"snapshotVersion"`
		Tool            string `json:"tool"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Tool != "asr-preflight" || head.SchemaVersion == 0 && head.SnapshotVersion == 0 {
		return report.Report{}, false, Invalid("%s is not a JSON report (--json FILE) or a snapshot (--save-snapshot FILE) of asr-preflight", path)
	}
	if head.SnapshotVersion != 0 {
		in.Flags.Snapshot, in.Flags.Format = path, "json"
		in.Stdout, in.Stderr = io.Discard, io.Discard
		out, err := Analyze(ctx, in)
		if err != nil {
			return report.Report{}, true, err
		}
		return out.Report, true, nil
	}
	if head.SchemaVersion != report.SchemaVersion {
		return report.Report{}, false, Invalid("%s is a report of schema version %d; this asr-preflight reads version %d", path, head.SchemaVersion, report.SchemaVersion)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return report.Report{}, false, Invalid("%s is not a JSON report of asr-preflight: %v", path, err)
	}
	if err := diff.Valid(r); err != nil {
		return report.Report{}, false, Invalid("%s is not a JSON report of asr-preflight: %v", path, err)
	}
	return r, false, nil
}
