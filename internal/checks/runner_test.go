package checks

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// fakeCheck is a check whose behaviour a test chooses.
type fakeCheck struct {
	id    string
	needs []inventory.Part
	run   func() []Result
}

func (f fakeCheck) Info() Info {
	return Info{ID: f.id, Title: "fake " + f.id, Kind: HostKind, Phases: []Phase{Reprotect}, Needs: f.needs, Fix: "fake fix", DocURL: "https://example.invalid/" + f.id}
}
func (f fakeCheck) Run(*Input) []Result { return f.run() }

func pass() []Result { return []Result{{Target: "t", Status: Pass, Message: "ok"}} }

// snapshot has vCenter's main part collected, and nothing else.
func snapshot() *Input {
	s := &inventory.Snapshot{Plan: &plan.Plan{}, VCenter: &inventory.VCenter{}, Parts: inventory.Parts{VCenter: {Collected: true}}}
	return &Input{Snapshot: s, Facts: derive.Derive(s)}
}

func TestRunConcurrencyLimit(t *testing.T) {
	var running, peak atomic.Int32
	slow := func() []Result {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		running.Add(-1)
		return pass()
	}
	var cs []Check
	for i := range 12 {
		cs = append(cs, fakeCheck{id: string(rune('a' + i)), run: slow})
	}
	rs := Run(context.Background(), cs, snapshot(), Options{Concurrency: 3})
	if len(rs) != 12 {
		t.Fatalf("got %d results, want 12", len(rs))
	}
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
}

// blocker returns a check body that never finishes before the test ends.
func blocker(t *testing.T) func() []Result {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return func() []Result { <-release; return nil }
}

func TestRunFailsClosed(t *testing.T) {
	block := blocker(t)
	tests := []struct {
		name    string
		check   fakeCheck
		snap    func(*inventory.Snapshot)
		opts    Options
		want    Status
		message string
		kind    Kind // of the result's target: the check's, "check" for "-", the source's
	}{
		{"pass", fakeCheck{id: "x", run: pass}, nil, Options{}, Pass, "ok", HostKind},
		{"timeout", fakeCheck{id: "x", run: block}, nil, Options{CheckTimeout: 20 * time.Millisecond}, Error, "check did not finish within 20ms", CheckKind},
		{"panic", fakeCheck{id: "x", run: func() []Result { panic("boom") }}, nil, Options{}, Error, "check crashed: boom", CheckKind},
		{"no result", fakeCheck{id: "x", run: func() []Result { return nil }}, func(s *inventory.Snapshot) { s.Plan.VMs = []plan.VM{{Name: "web01"}} },
			Options{}, Error, "check returned no result", CheckKind},
		{"no result, no VM (a recovery plan the vault gave none of)", fakeCheck{id: "x", run: func() []Result { return nil }}, nil, Options{}, Skip, "the plan has no VM to check", CheckKind},
		{"vcenter down", fakeCheck{id: "x", needs: []inventory.Part{VCenter}, run: pass},
			func(s *inventory.Snapshot) {
				s.VCenter = nil
				s.Parts.Fail(VCenter, errors.New("cannot reach vCenter at https://vc/sdk: connection refused"))
			},
			Options{}, Error, "cannot reach vCenter at https://vc/sdk: connection refused", VCenterKind},
		{"vcenter not collected", fakeCheck{id: "x", needs: []inventory.Part{VCenter}, run: pass},
			func(s *inventory.Snapshot) { delete(s.Parts, VCenter) }, Options{}, Error, "vcenter was not collected", VCenterKind},
		{"optional part unavailable", fakeCheck{id: "x", needs: []inventory.Part{VCenter, Privileges}, run: pass},
			func(s *inventory.Snapshot) { s.Parts.Fail(Privileges, errors.New("reading privileges: NoPermission")) },
			Options{}, Error, "reading privileges: NoPermission", VCenterKind},
		{"optional part not collected", fakeCheck{id: "x", needs: []inventory.Part{VCenter, VMDetails}, run: pass}, nil, Options{}, Error, "vcenter/details was not collected", VCenterKind},
		{"optional part collected", fakeCheck{id: "x", needs: []inventory.Part{VMDetails}, run: pass},
			func(s *inventory.Snapshot) { s.Parts.Collect(VMDetails) }, Options{}, Pass, "ok", HostKind},
		{"optional part, vCenter down", fakeCheck{id: "x", needs: []inventory.Part{Licenses}, run: pass},
			func(s *inventory.Snapshot) { s.Parts.Fail(VCenter, errors.New("cannot reach vCenter")) }, Options{}, Error, "cannot reach vCenter", VCenterKind},
		{"not configured wins over an error", fakeCheck{id: "x", needs: []inventory.Part{Azure, Guest}, run: pass},
			func(s *inventory.Snapshot) {
				s.Parts.Fail(Azure, errors.New("no answer from Azure"))
				s.Parts.Skip(Guest, "opt-in: run with --probe-guest")
			}, Options{}, Skip, "opt-in: run with --probe-guest", CheckKind},
		{"skipped", fakeCheck{id: "x", run: pass}, nil, Options{Skip: []string{"x"}}, Skip, "skipped by --skip", CheckKind},
		{"ignored fail", fakeCheck{id: "x", run: func() []Result { return []Result{{Target: "t", Status: Fail, Message: "bad", Short: "short"}} }},
			nil, Options{Ignore: []string{"x"}}, Warn, "ignored by --ignore (was fail): bad", HostKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot()
			if tc.snap != nil {
				tc.snap(s.Snapshot)
				s.Facts = derive.Derive(s.Snapshot)
			}
			rs := Run(context.Background(), []Check{tc.check}, s, tc.opts)
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Status != tc.want || !strings.HasPrefix(r.Message, tc.message) {
				t.Errorf("got %s %q, want %s %q", r.Status, r.Message, tc.want, tc.message)
			}
			if r.Ignored && r.Short != "ignored: short" {
				t.Errorf("an ignored result's short form does not say so: %q", r.Short)
			}
			if r.Kind != tc.kind {
				t.Errorf("kind %q, want %q", r.Kind, tc.kind)
			}
			if r.Check != "x" || r.Title != "fake x" {
				t.Errorf("catalog fields not filled: %+v", r)
			}
		})
	}
}

func TestRunOneBrokenCheckDoesNotHideOthers(t *testing.T) {
	cs := []Check{
		fakeCheck{id: "b", run: func() []Result { panic("boom") }},
		fakeCheck{id: "a", run: func() []Result {
			return []Result{{Target: "z", Status: Pass}, {Target: "y", Status: Fail, Code: "78052"}}
		}},
	}
	rs := Run(context.Background(), cs, snapshot(), Options{Concurrency: 2})
	var got []string
	for _, r := range rs {
		got = append(got, r.Check+"/"+r.Target+"/"+string(r.Status))
	}
	if want := "a/y/fail a/z/pass b/-/error"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s (sorted by check, target)", got, want)
	}
	if rs[0].Fix != Codes["78052"].Fix || rs[0].DocURL != Codes["78052"].DocURL {
		t.Errorf("a fail with an ASR code carries the catalog fix and doc: %+v", rs[0])
	}
}

func TestRunWholeRunTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeoutCause(context.Background(), 20*time.Millisecond, errors.New("run timed out"))
	defer cancel()
	block := blocker(t)
	rs := Run(ctx, []Check{fakeCheck{id: "x", run: block}}, snapshot(), Options{CheckTimeout: time.Minute})
	if len(rs) != 1 || rs[0].Status != Error || rs[0].Message != "run timed out" {
		t.Fatalf("got %+v, want one error result \"run timed out\"", rs)
	}
}
