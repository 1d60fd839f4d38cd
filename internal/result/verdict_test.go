package result

import (
	"reflect"
	"testing"
)

func TestJudge(t *testing.T) {
	vm := func(name string) Ref { return Ref{VMKind, name} }
	esx01, esx02, ds01 := Ref{HostKind, "esx01"}, Ref{HostKind, "esx02"}, Ref{DatastoreKind, "ds01"}
	sc := Scope{
		VMs:     []string{"web01", "db01", "app01", "file01"},
		Depends: map[string][]Ref{"web01": {vm("web01"), esx01}, "db01": {vm("db01"), esx01, ds01}, "app01": {vm("app01"), esx02, ds01}, "file01": {vm("file01")}},
		Global:  []Ref{{VCenterKind, "vcenter"}},
	}
	results := []Result{
		{Check: "a.pass", Target: "web01", Kind: VMKind, Status: Pass},
		{Check: "a.skip", Target: "file01", Kind: VMKind, Status: Skip},
		{Check: "b.warn", Target: "vcenter", Kind: VCenterKind, Status: Warn, Message: "w"},                  // every VM
		{Check: "c.error", Target: "ds01", Kind: DatastoreKind, Status: Error, Message: "e"},                 // db01, app01
		{Check: "d.fail", Target: "esx01", Kind: HostKind, Status: Fail, Code: "8038", Message: "f"},         // web01, db01
		{Check: "e.fail", Target: "esx09", Kind: HostKind, Status: Fail},                                     // no plan VM
		{Check: "f.fail", Target: "esx01", Kind: VMKind, Status: Fail},                                       // a VM named like the host, not planned
		{Check: "g.warn", Target: "ds01", Kind: DatastoreKind, Status: Warn, VMs: []string{"app01", "nope"}}, // narrowed to app01
	}
	vms, problems := Judge(results, sc)
	want := []VM{
		{Name: "app01", Verdict: Unknown, Reasons: []Reason{{"c.error", "ds01", DatastoreKind, Error, "", "e", ""}, {"b.warn", "vcenter", VCenterKind, Warn, "", "w", ""}, {"g.warn", "ds01", DatastoreKind, Warn, "", "", ""}}},
		{Name: "db01", Verdict: Blocked, Reasons: []Reason{{"d.fail", "esx01", HostKind, Fail, "8038", "f", ""}, {"c.error", "ds01", DatastoreKind, Error, "", "e", ""}, {"b.warn", "vcenter", VCenterKind, Warn, "", "w", ""}}},
		{Name: "file01", Verdict: Warned, Reasons: []Reason{{"b.warn", "vcenter", VCenterKind, Warn, "", "w", ""}}},
		{Name: "web01", Verdict: Blocked, Reasons: []Reason{{"d.fail", "esx01", HostKind, Fail, "8038", "f", ""}, {"b.warn", "vcenter", VCenterKind, Warn, "", "w", ""}}},
	}
	if !reflect.DeepEqual(vms, want) {
		t.Errorf("verdicts\n got %+v\nwant %+v", vms, want)
	}
	type brief struct {
		check string
		vms   []string
	}
	var got []brief
	for _, p := range problems {
		got = append(got, brief{p.Check, p.VMs})
	}
	wantProblems := []brief{{"d.fail", []string{"web01", "db01"}}, {"e.fail", nil}, {"f.fail", nil},
		{"c.error", []string{"db01", "app01"}}, {"b.warn", []string{"web01", "db01", "app01", "file01"}}, {"g.warn", []string{"app01"}}}
	if !reflect.DeepEqual(got, wantProblems) {
		t.Errorf("problems\n got %+v\nwant %+v", got, wantProblems)
	}
	if vms, _ := Judge(results[:2], sc); vms[3].Verdict != Ready || len(vms[3].Reasons) != 0 || vms[3].Reasons == nil {
		t.Errorf("passes and skips leave a VM ready with no reasons (an empty list): %+v", vms[3])
	}
}

// TestJudgePlans: a plan is blocked by its own failure or one of its VMs', unknown by an error
// (and no failure), warn by warnings alone, else ready; global problems reach every plan, even one
// without VMs; its own results lead its reasons among those of a status.
func TestJudgePlans(t *testing.T) {
	sc := Scope{Global: []Ref{{VCenterKind, "vcenter"}}, Plans: []PlanScope{
		{Name: "rp-db", Groups: []Group{{Name: "Group 1", Type: "Boot", VMs: []string{"db01"}}, {Name: "Group 2", Type: "Boot", VMs: []string{"app01", "db01"}}}},
		{Name: "rp-web", Groups: []Group{{Name: "Group 1", Type: "Boot", VMs: []string{"web01"}}}},
		{Name: "rp-file", Groups: []Group{{Name: "Group 1", Type: "Boot", VMs: []string{"file01"}}}},
		{Name: "rp-empty", Groups: []Group{}},
		{Name: "rp-busy", Groups: []Group{{Name: "Group 1", Type: "Boot", VMs: []string{"file01"}}}},
	}}
	problems := []Problem{
		{Result: Result{Check: "a.fail", Target: "esx01", Kind: HostKind, Status: Fail}, VMs: []string{"db01"}},
		{Result: Result{Check: "asr.recovery-plan", Target: "rp-busy", Kind: RecoveryPlanKind, Status: Fail}},
		{Result: Result{Check: "b.error", Target: "web01", Kind: VMKind, Status: Error}, VMs: []string{"web01"}},
		{Result: Result{Check: "c.warn", Target: "vcenter", Kind: VCenterKind, Status: Warn}, VMs: []string{"db01", "app01", "web01", "file01"}},
	}
	got := JudgePlans(sc, problems)
	want := map[string]Verdict{"rp-db": Blocked, "rp-web": Unknown, "rp-file": Warned, "rp-empty": Warned, "rp-busy": Blocked}
	for _, p := range got {
		if p.Verdict != want[p.Name] {
			t.Errorf("%s: %s, want %s (%+v)", p.Name, p.Verdict, want[p.Name], p.Reasons)
		}
	}
	if db := got[0]; !reflect.DeepEqual(db.VMs, []string{"db01", "app01"}) || len(db.Reasons) != 2 || db.Reasons[0].Check != "a.fail" {
		t.Errorf("rp-db: VMs in boot order once each, each problem once: %+v", db)
	}
	if busy := got[4]; busy.Reasons[0].Check != "asr.recovery-plan" {
		t.Errorf("rp-busy: its own failure first: %+v", busy.Reasons)
	}
	if JudgePlans(Scope{}, problems) == nil || len(JudgePlans(Scope{}, problems)) != 0 {
		t.Error("no plans: an empty list")
	}
	// A plan's own result listed after a VM failure of the same status still leads.
	sc.Plans[0].Name = "rp-busy"
	mixed := JudgePlans(Scope{Plans: sc.Plans[:1]}, problems)
	if mixed[0].Reasons[0].Check != "asr.recovery-plan" || mixed[0].Reasons[1].Check != "a.fail" {
		t.Errorf("own result first: %+v", mixed[0].Reasons)
	}
}
