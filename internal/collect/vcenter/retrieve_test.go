package vcenter

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// answers keeps the bodies of the answers a client gets.
type answers struct {
	next   http.RoundTripper
	bodies []string
}

func (a *answers) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := a.next.RoundTrip(r)
	if err != nil {
		return res, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	a.bodies = append(a.bodies, string(b))
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res, err
}

// TestRetrieveLikeGovmomi: the narrow decoder reads vcsim's answer for the VMs — names with
// markup and non-ASCII in them included — into exactly the inventory govmomi's decoder gives; the
// hosts and datastores, whose values are not scalars, go to govmomi's, and so does an answer with
// a character reference (vcsim writes quotes as &#34;), with the same result.
func TestRetrieveLikeGovmomi(t *testing.T) {
	m, s, err := lab.Simulator(2, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); m.Remove() }()
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, s.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	var vms []types.ManagedObjectReference
	v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine", "HostSystem", "Datastore"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if vms, err = v.Find(ctx, []string{"VirtualMachine"}, nil); err != nil || len(vms) != 6 {
		t.Fatal(len(vms), err)
	}
	for i, name := range []string{`a&b <c>`, "ünïcødé 名前", "&amp; literally"} {
		m.Map().Update(m.Service.Context, m.Map().Get(vms[i]), []types.PropertyChange{{Name: "name", Val: name}})
	}
	rec := &answers{next: c.Client.Client.Transport}
	c.Client.Client.Transport = rec

	for _, tc := range []struct {
		what   string
		props  []types.PropertySpec
		narrow bool
		rename string // the fourth VM's name, first
	}{
		{"VMs", []types.PropertySpec{{Type: "VirtualMachine", PathSet: vmProps}}, true, ""},
		{"hosts and datastores", []types.PropertySpec{{Type: "HostSystem", PathSet: hostProps}, {Type: "Datastore", PathSet: dsProps}}, false, ""},
		{"VMs, one with quotes in its name", []types.PropertySpec{{Type: "VirtualMachine", PathSet: vmProps}}, false, `"quoted" 'name'`},
	} {
		if tc.rename != "" {
			m.Map().Update(m.Service.Context, m.Map().Get(vms[3]), []types.PropertyChange{{Name: "name", Val: tc.rename}})
		}
		spec := types.PropertyFilterSpec{PropSet: tc.props, ObjectSet: []types.ObjectSpec{{Obj: v.Reference(), Skip: types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}}}}}
		got, err := retrieve(ctx, c.Client, spec)
		if err != nil {
			t.Fatal(err)
		}
		_, narrow := scalars([]byte(rec.bodies[len(rec.bodies)-1]))
		res, err := property.DefaultCollector(c.Client).RetrieveProperties(ctx, types.RetrieveProperties{SpecSet: []types.PropertyFilterSpec{spec}})
		if err != nil {
			t.Fatal(err)
		}
		decode := func(objs []types.ObjectContent) *inventory.VCenter {
			inv := &inventory.VCenter{}
			r := decodeInfra(inv, objs)
			decodeVMs(inv, objs, &r, func(inventory.VM) bool { return true })
			return inv
		}
		mine, theirs := decode(got), decode(res.Returnval)
		if narrow != tc.narrow || !reflect.DeepEqual(mine, theirs) || len(got) != len(res.Returnval) || len(got) == 0 {
			t.Errorf("%s: narrow %v, want %v; decoded\n%+v\nwant\n%+v", tc.what, narrow, tc.narrow, mine, theirs)
		}
	}
	if !strings.Contains(rec.bodies[0], "&amp;amp; literally") {
		t.Errorf("the answer does not escape the names as expected:\n%.2000s", rec.bodies[0])
	}
}

// TestScalars: what the narrow decoder reads, and what it leaves to govmomi's.
func TestScalars(t *testing.T) {
	wrap := func(returnvals string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			"\n<soapenv:Body>\n<RetrievePropertiesResponse xmlns=\"urn:vim25\">" + returnvals + "</RetrievePropertiesResponse>\n</soapenv:Body>\n</soapenv:Envelope>")
	}
	vm := `<returnval><obj type="VirtualMachine">vm-1</obj>` +
		`<propSet><name>name</name><val xsi:type="xsd:string">a &amp; b &lt;c&gt; &quot;d&quot; &apos;é&apos; &amp;amp;</val></propSet>` +
		`<propSet><name>runtime.host</name><val type="HostSystem" serverGuid="g-1" xsi:type="ManagedObjectReference">host-9</val></propSet>` +
		`<propSet><name>runtime.powerState</name><val xsi:type="VirtualMachinePowerState">poweredOff</val></propSet>` +
		`<propSet><name>config.template</name><val xsi:type="xsd:boolean">false</val></propSet>` +
		`<propSet><name>config.hardware.memoryMB</name><val xsi:type="xsd:int">4096</val></propSet>` +
		`<propSet><name>summary.storage.committed</name><val xsi:type="xsd:long">21474836480</val></propSet>` +
		`<propSet><name>guest.guestFamily</name><val xsi:type="xsd:string"></val></propSet></returnval>`
	want := []types.ObjectContent{{Obj: types.ManagedObjectReference{Type: "VirtualMachine", Value: "vm-1"}, PropSet: []types.DynamicProperty{
		{Name: "name", Val: `a & b <c> "d" 'é' &amp;`}, {Name: "runtime.host", Val: types.ManagedObjectReference{Type: "HostSystem", Value: "host-9", ServerGUID: "g-1"}},
		{Name: "runtime.powerState", Val: "poweredOff"}, {Name: "config.template", Val: false}, {Name: "config.hardware.memoryMB", Val: int32(4096)},
		{Name: "summary.storage.committed", Val: int64(21474836480)}, {Name: "guest.guestFamily", Val: ""}}}}
	spaced := strings.NewReplacer("<propSet>", "\n  <propSet>\n    ", "</name><val", "</name>\n    <val", "</propSet>", "\n  </propSet>",
		"</returnval>", "\n</returnval>").Replace(vm)
	for _, tc := range []struct {
		name string
		body []byte
		want []types.ObjectContent // nil: left to govmomi's decoder
	}{
		{"scalars", wrap(vm), want},
		{"white space between elements", wrap(spaced + "\n"), want},
		{"twice", wrap(vm + vm), append(append([]types.ObjectContent{}, want...), want...)},
		{"no object", wrap(""), []types.ObjectContent{}},
		{"a nested value", wrap(`<returnval><obj type="HostSystem">host-1</obj><propSet><name>summary.config.product</name><val xsi:type="AboutInfo"><name>VMware ESXi</name></val></propSet></returnval>`), nil},
		{"a missing property", wrap(`<returnval><obj type="VirtualMachine">vm-1</obj><missingSet><path>guest.net</path><fault><fault xsi:type="NoPermission"></fault></fault></missingSet></returnval>`), nil},
		{"a type it does not know", wrap(`<returnval><obj type="VirtualMachine">vm-1</obj><propSet><name>x</name><val xsi:type="xsd:float">1.5</val></propSet></returnval>`), nil},
		{"a value without a type", wrap(`<returnval><obj type="VirtualMachine">vm-1</obj><propSet><name>name</name><val>x</val></propSet></returnval>`), nil},
		{"a self-closing value", wrap(`<returnval><obj type="VirtualMachine">vm-1</obj><propSet><name>name</name><val xsi:type="xsd:string"/></propSet></returnval>`), nil},
		{"a number out of range", wrap(strings.Replace(vm, ">4096<", ">4294967296<", 1)), nil},
		{"a character reference", wrap(strings.Replace(vm, "&quot;d&quot;", "&#34;d&#34;", 1)), nil},
		{"an entity XML does not know", wrap(strings.Replace(vm, "&quot;d&quot;", "&nbsp;", 1)), nil},
		{"a carriage return", wrap(strings.Replace(vm, "&quot;d&quot;", "d\r\ne", 1)), nil},
		{"cut short", wrap(vm)[:400], nil},
		{"a fault", []byte(`<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>`), nil},
		{"another element", wrap(`<returnval><obj type="VirtualMachine">vm-1</obj></returnval><token>1</token>`), nil},
	} {
		got, ok := scalars(tc.body)
		if ok != (tc.want != nil) || ok && !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: %v %+v, want %+v", tc.name, ok, got, tc.want)
		}
	}
}

// FuzzScalars: no answer, however malformed, makes the narrow decoder panic.
func FuzzScalars(f *testing.F) {
	f.Add([]byte(`<RetrievePropertiesResponse xmlns="urn:vim25"><returnval><obj type="VirtualMachine">vm-1</obj><propSet><name>name</name><val xsi:type="xsd:string">a</val></propSet></returnval></RetrievePropertiesResponse>`))
	f.Add([]byte(`<RetrievePropertiesResponse><returnval><obj>`))
	f.Add([]byte(`<RetrievePropertiesResponse x='1'><returnval></returnval></RetrievePropertiesResponse>`))
	f.Fuzz(func(t *testing.T, b []byte) { scalars(b) })
}
