package result

import (
	"reflect"
	"testing"
)

func TestJudge(t *testing.T) {
	sc := Scope{
		VMs:     []string{"web01", "db01", "app01", "file01"},
		Depends: map[string][]string{"web01": {"web01", "esx01"}, "db01": {"db01", "esx01", "ds01"}, "app01": {"app01", "esx02", "ds01"}, "file01": {"file01"}},
		Global:  []string{"vcenter"},
		Kinds:   map[string]string{"esx01": "host", "esx02": "host", "ds01": "datastore", "vcenter": "vCenter"},
	}
	results := []Result{
		{Check: "a.pass", Target: "web01", Status: Pass},
		{Check: "a.skip", Target: "file01", Status: Skip},
		{Check: "b.warn", Target: "vcenter", Status: Warn},             // every VM
		{Check: "c.error", Target: "ds01", Status: Error},              // db01, app01
		{Check: "d.fail", Target: "esx01", Status: Fail, Code: "8038"}, // web01, db01
		{Check: "e.fail", Target: "esx09", Status: Fail},               // no plan VM
	}
	vms, problems := Judge(results, sc)
	want := []VM{
		{"app01", Unknown, []Reason{{"c.error", "ds01", Error, ""}, {"b.warn", "vcenter", Warn, ""}}},
		{"db01", Blocked, []Reason{{"d.fail", "esx01", Fail, "8038"}, {"c.error", "ds01", Error, ""}, {"b.warn", "vcenter", Warn, ""}}},
		{"file01", Warned, []Reason{{"b.warn", "vcenter", Warn, ""}}},
		{"web01", Blocked, []Reason{{"d.fail", "esx01", Fail, "8038"}, {"b.warn", "vcenter", Warn, ""}}},
	}
	if !reflect.DeepEqual(vms, want) {
		t.Errorf("verdicts\n got %+v\nwant %+v", vms, want)
	}
	type brief struct {
		check, about string
		vms          []string
	}
	var got []brief
	for _, p := range problems {
		got = append(got, brief{p.Check, p.About, p.VMs})
	}
	wantProblems := []brief{{"d.fail", "host", []string{"web01", "db01"}}, {"e.fail", "other", nil},
		{"c.error", "datastore", []string{"db01", "app01"}}, {"b.warn", "vCenter", []string{"web01", "db01", "app01", "file01"}}}
	if !reflect.DeepEqual(got, wantProblems) {
		t.Errorf("problems\n got %+v\nwant %+v", got, wantProblems)
	}
	if vms, _ := Judge(results[:2], sc); vms[3].Verdict != Ready || len(vms[3].Reasons) != 0 || vms[3].Reasons == nil {
		t.Errorf("passes and skips leave a VM ready with no reasons (an empty list): %+v", vms[3])
	}
}
