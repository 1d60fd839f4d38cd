package waiver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

// today is the fixed day of these tests.
var today = time.Date(2026, 12, 7, 15, 4, 5, 0, time.UTC)

const good = `waivers:
  - check: vm.name-collision
    vm: db01
    code: "78052"
    reason: the stray copy is the DBA's, kept until the migration
    owner: dba-team
    expires: 2027-01-31
  - check: esxi.memory
    target: host:esx01
    reason: more memory is on order
    owner: infra
    expires: 2026-12-20
`

func TestParse(t *testing.T) {
	ws, err := Parse("waivers.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].At != "waivers.yaml:2" || ws[1].At != "waivers.yaml:8" || ws[1].Target != "host:esx01" {
		t.Errorf("%+v", ws)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key", "waivers:\n  - check: x\n    vm: a\n    reason: r\n    owner: o\n    expires: 2027-01-01\n    until: 2027-01-01\n",
			"waivers.yaml:7: waivers[0].until: unknown field; expected one of check, vm, target, code, reason, owner, expires"},
		{"required", "waivers:\n  - check: x\n    vm: a\n", "waivers.yaml:2: waivers[0].reason: missing; expected why the problem is accepted\n" +
			"waivers.yaml:2: waivers[0].owner: missing; expected who answers for it\n" +
			"waivers.yaml:2: waivers[0].expires: missing; expected the last day it holds, as YYYY-MM-DD (at most 180 days ahead)"},
		{"bad date", "waivers:\n  - {check: x, vm: a, reason: r, owner: o, expires: 31/01/2027}\n", `waivers.yaml:2: waivers[0].expires: expected a date as YYYY-MM-DD, got "31/01/2027"`},
		{"no check", "waivers:\n  - {vm: a, reason: r, owner: o, expires: 2027-01-31}\n", "waivers.yaml:2: waivers[0].check: missing; expected the ID of the check"},
		{"vm and target", "waivers:\n  - {check: x, vm: a, target: host:h, reason: r, owner: o, expires: 2027-01-31}\n", "waivers.yaml:2: waivers[0]: expected vm: NAME or target: KIND:NAME (one of the two)"},
		{"neither", "waivers:\n  - {check: x, reason: r, owner: o, expires: 2027-01-31}\n", "waivers.yaml:2: waivers[0]: expected vm: NAME or target: KIND:NAME"},
		{"bad kind", "waivers:\n  - {check: x, target: server:h, reason: r, owner: o, expires: 2027-01-31}\n", `waivers.yaml:2: waivers[0].target: expected KIND:NAME with KIND one of vm, host, datastore`},
		{"control", "waivers:\n  - {check: x, vm: \"a\\e[2J\", reason: r, owner: o, expires: 2027-01-31}\n", "waivers.yaml:2: waivers[0].vm: contains the control character U+001B"},
		{"empty list", "waivers: []\n", "waivers.yaml:1: waivers: missing; expected a list of at least one waiver"},
		{"empty file", "", "waivers.yaml: empty waivers file"},
	} {
		_, err := Parse("waivers.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v\nwant …%s…", tc.name, err, tc.want)
		}
	}
}

// TestCheck: a waiver names a known check and ends at most 180 days after the run's day.
func TestCheck(t *testing.T) {
	known := func(id string) error {
		if id == "nope" {
			return errors.New(`unknown check "nope"`)
		}
		return nil
	}
	w := func(check, expires string) Waiver {
		return Waiver{Check: check, VM: "a", Reason: "r", Owner: "o", Expires: expires, At: "w.yaml:3"}
	}
	if err := Check([]Waiver{w("x", "2027-06-05"), w("x", "2020-01-01")}, today, known); err != nil { // 180 days ahead; long past
		t.Errorf("180 days ahead, or ended: %v", err)
	}
	err := Check([]Waiver{w("x", "2027-06-06"), w("nope", "2027-01-01")}, today, known)
	for _, want := range []string{"w.yaml:3: waiver: expires: 2027-06-06 is more than 180 days ahead; expected 2027-06-05 at the latest",
		`w.yaml:3: waiver: check: unknown check "nope"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want …%s…", err, want)
		}
	}
}

// TestApply: a live waiver marks the problems it names — check, VM or target, code — and holds
// through its last day; the day after, they count again; within 14 days it is ending; one that
// matches nothing is unused, one whose check did not run disabled.
func TestApply(t *testing.T) {
	results := func() []result.Result {
		return []result.Result{
			{Check: "vm.name-collision", Target: "db01", Kind: result.VMKind, Status: result.Fail, Code: "78052"},
			{Check: "vm.name-collision", Target: "web01", Kind: result.VMKind, Status: result.Pass},
			{Check: "esxi.memory", Target: "esx01", Kind: result.HostKind, Status: result.Fail, Code: "8038"},
			{Check: "esxi.memory", Target: "esx02", Kind: result.HostKind, Status: result.Warn},
		}
	}
	ran := []string{"vm.name-collision", "esxi.memory"}
	w := func(check, vm, target, code, expires string) Waiver {
		return Waiver{Check: check, VM: vm, Target: target, Code: code, Reason: "r", Owner: "o", Expires: expires, At: "w.yaml:2"}
	}
	for _, tc := range []struct {
		name   string
		w      Waiver
		state  result.WaiverState
		waived []int // the results waived
	}{
		{"vm, code", w("vm.name-collision", "db01", "", "78052", "2027-01-31"), result.WaiverLive, []int{0}},
		{"host", w("esxi.memory", "", "host:esx01", "", "2027-01-31"), result.WaiverLive, []int{2}},
		{"its last day", w("esxi.memory", "", "host:esx01", "", "2026-12-07"), result.WaiverEnding, []int{2}},
		{"the day after", w("esxi.memory", "", "host:esx01", "", "2026-12-06"), result.WaiverExpired, nil},
		{"14 days left", w("esxi.memory", "", "host:esx01", "", "2026-12-21"), result.WaiverEnding, []int{2}},
		{"15 days left", w("esxi.memory", "", "host:esx01", "", "2026-12-22"), result.WaiverLive, []int{2}},
		{"a pass is not waived", w("vm.name-collision", "web01", "", "", "2027-01-31"), result.WaiverUnused, nil},
		{"another code", w("vm.name-collision", "db01", "", "78093", "2027-01-31"), result.WaiverUnused, nil},
		{"a VM is not a host", w("esxi.memory", "esx01", "", "", "2027-01-31"), result.WaiverUnused, nil},
		{"a warning", w("esxi.memory", "", "host:esx02", "", "2027-01-31"), result.WaiverLive, []int{3}},
		{"check not run", w("azure.vm-running", "db01", "", "", "2027-01-31"), result.WaiverDisabled, nil},
	} {
		rs := results()
		outs := Apply(rs, []Waiver{tc.w}, today, ran)
		if len(outs) != 1 || outs[0].State != tc.state {
			t.Errorf("%s: %+v, want state %s", tc.name, outs, tc.state)
		}
		var waived []int
		for i, r := range rs {
			if r.Waived != nil {
				waived = append(waived, i)
				if r.Waived.Owner != "o" || r.Waived.Expires != tc.w.Expires || r.Waived.At != "w.yaml:2" {
					t.Errorf("%s: result %d waived by %+v", tc.name, i, r.Waived)
				}
			}
		}
		if len(waived) != len(tc.waived) || len(waived) > 0 && waived[0] != tc.waived[0] {
			t.Errorf("%s: results %v waived, want %v", tc.name, waived, tc.waived)
		}
	}
}

// TestLoaded: waivers read back from a snapshot are checked as a file's are, and may not carry
// control characters or bidirectional overrides.
func TestLoaded(t *testing.T) {
	good := Waiver{Check: "x", VM: "a", Reason: "r", Owner: "o", Expires: "2027-01-31", At: "plan.yaml:9"}
	if err := Loaded([]Waiver{good}); err != nil {
		t.Error(err)
	}
	bad := good
	bad.Expires, bad.Owner, bad.Reason = "2020-13-45", "", "x\u202eyz"
	err := Loaded([]Waiver{good, bad})
	for _, want := range []string{`plan.yaml:9: waivers[1].expires: expected a date as YYYY-MM-DD, got "2020-13-45"`, "plan.yaml:9: waivers[1].owner: missing",
		"waivers[1].reason: contains the character U+202E"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want …%s…", err, want)
		}
	}
	if _, err := Parse("w.yaml", []byte("waivers:\n  - {check: x, vm: \"a\u202eb\", reason: r, owner: o, expires: 2027-01-31}\n")); err == nil ||
		!strings.Contains(err.Error(), "w.yaml:2: waivers[0].vm: contains the bidirectional override U+202E") {
		t.Errorf("a bidirectional override in a file: %v", err)
	}
}

// TestTwoWaiversOneResult: the first live waiver holds the result; another that names it too has
// matched it (it is not unused), and an ended one says so.
func TestTwoWaiversOneResult(t *testing.T) {
	rs := []result.Result{{Check: "c", Target: "db01", Kind: result.VMKind, Status: result.Fail}}
	w := func(expires string) Waiver {
		return Waiver{Check: "c", VM: "db01", Reason: "r", Owner: "o", Expires: expires, At: "w.yaml:" + expires}
	}
	outs := Apply(rs, []Waiver{w("2026-12-01"), w("2027-01-31"), w("2027-02-28")}, today, []string{"c"})
	if outs[0].State != result.WaiverExpired || outs[1].State != result.WaiverLive || outs[2].State != result.WaiverLive || rs[0].Waived == nil || rs[0].Waived.At != "w.yaml:2027-01-31" {
		t.Errorf("%+v; result waived by %+v", outs, rs[0].Waived)
	}
}
