package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a report with one result of every status.
func sample() Report {
	rs := []result.Result{
		{Check: "vcenter.connection", Target: "vcenter", Status: result.Pass, Title: "vCenter is reachable",
			Message: "connected to VMware vCenter Server 8.0.2 (API 8.0.2.0), datacenter DC1"},
		{Check: "vm.name-collision", Target: "app01", Status: result.Skip, Title: "No name collision", Message: "skipped by --skip"},
		{Check: "vm.name-collision", Target: "db01", Status: result.Fail, Code: "78052", Title: "No name collision",
			Message: "db01 (vm-48 on esx01, poweredOff) already on host esx01 | master target's host",
			Fix:     "Pick a master target on another host.", DocURL: "https://learn.microsoft.com/azure/site-recovery/x#error-code-78052"},
		{Check: "vm.name-collision", Target: "web01", Status: result.Warn, Title: "No name collision",
			Message: "2 VMs named web01 <in> DC1 & more", Fix: "Rename the copies.", DocURL: "https://example.com/doc"},
		{Check: "vm.name-collision", Target: "evil\x1b[2J\x00", Status: result.Fail, Code: "78052", Title: "No name collision",
			Message: "a VM named \"evil\x1b[2J\x00\nFAKE PASS\u202e\" from vCenter", Fix: "Rename it."},
		{Check: "vm.name-collision", Target: "vcenter", Status: result.Error, Title: "No name collision",
			Message: "cannot reach vCenter at https://vc/sdk: connection refused", Fix: "Fix the connection."},
	}
	started := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	return New("1.2.3", result.Reprotect, started, 1234*time.Millisecond, rs)
}

func TestGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, f, sample(), false); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+string(f)+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (go test ./report -update rewrites it):\n%s", f, golden, buf.String())
			}
		})
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	var plain, color bytes.Buffer
	_ = Write(&plain, Text, sample(), false)
	_ = Write(&color, Text, sample(), true)
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) || !bytes.Contains(color.Bytes(), []byte("\x1b[31mFAIL\x1b[0m")) {
		t.Error("colour must appear only when asked for")
	}
}

// TestControlCharactersEscaped: names from vCenter or Azure never reach a terminal or a Markdown
// file with their control characters raw.
func TestControlCharactersEscaped(t *testing.T) {
	for _, f := range []Format{Text, Markdown} {
		var buf bytes.Buffer
		if err := Write(&buf, f, sample(), false); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\x00\u202e") || strings.Contains(out, "\nFAKE PASS") {
			t.Errorf("%s: raw control characters:\n%q", f, out)
		}
		if !strings.Contains(out, `evil\x1b[2J\x00`) || !strings.Contains(out, `\x0aFAKE PASS\u202e`) {
			t.Errorf("%s: escapes missing:\n%s", f, out)
		}
	}
}

func TestSummaryAndExitCode(t *testing.T) {
	r := sample()
	if r.Summary != (Summary{Pass: 1, Warn: 1, Fail: 2, Error: 1, Skip: 1}) {
		t.Errorf("summary %+v", r.Summary)
	}
	tests := []struct {
		s    Summary
		want int
	}{
		{Summary{}, 0},
		{Summary{Pass: 3, Skip: 2}, 0},
		{Summary{Pass: 1, Warn: 1}, 4},
		{Summary{Warn: 1, Fail: 1}, 3},
		{Summary{Error: 1}, 3},
	}
	for _, tc := range tests {
		if got := tc.s.ExitCode(); got != tc.want {
			t.Errorf("%+v: exit %d, want %d", tc.s, got, tc.want)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || err.Error() != `unknown format "yaml"; expected one of text, json, junit, markdown` {
		t.Errorf("ParseFormat: %v", err)
	}
}
