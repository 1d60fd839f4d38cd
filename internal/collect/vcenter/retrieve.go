package vcenter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// retrieve reads properties in one RetrieveProperties call: the whole answer at once, where
// RetrievePropertiesEx pages it (vCenter stops at 100 objects a page), so that the requests do not
// grow with the inventory. When every value in the answer is a scalar, a narrow decoder reads it
// (govmomi's general one spends most of a large collection's time); anything else it does not
// expect — a nested value, a missing property, a fault — goes to govmomi's decoder, on the same
// bytes.
func retrieve(ctx context.Context, vc *vim25.Client, specs ...types.PropertyFilterSpec) ([]types.ObjectContent, error) {
	sc := vc.Client
	env := soap.Envelope{Body: &methods.RetrievePropertiesBody{Req: &types.RetrieveProperties{This: vc.ServiceContent.PropertyCollector, SpecSet: specs}}}
	if sc.Cookie != nil {
		env.Header = &soap.Header{Cookie: sc.Cookie()}
	}
	body, err := xml.Marshal(env)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sc.URL().String(), io.MultiReader(strings.NewReader(xml.Header), bytes.NewReader(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", `text/xml; charset="utf-8"`)
	req.Header.Set("SOAPAction", sc.Namespace+"/"+sc.Version)
	var objs []types.ObjectContent
	err = sc.Do(ctx, req, func(res *http.Response) error {
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusInternalServerError { // a fault comes with 500
			return fmt.Errorf("RetrieveProperties: %s", res.Status)
		}
		answer, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		if res.StatusCode == http.StatusOK {
			var ok bool
			if objs, ok = scalars(answer); ok {
				return nil
			}
		}
		var out methods.RetrievePropertiesBody
		dec := xml.NewDecoder(bytes.NewReader(answer))
		dec.TypeFunc = sc.Types
		if err := dec.Decode(&soap.Envelope{Body: &out}); err != nil {
			return err
		}
		if f := out.Fault(); f != nil {
			return soap.WrapSoapFault(f)
		}
		if out.Res != nil {
			objs = out.Res.Returnval
		}
		return nil
	})
	return objs, err
}

// enums are the enumerated types a scalar answer may hold, read as their names.
var enums = map[string]bool{"VirtualMachinePowerState": true, "VirtualMachineConnectionState": true, "HostSystemConnectionState": true}

// scalars decodes a RetrievePropertiesResponse whose every value is a string, number, boolean,
// known enum or managed object reference; ok is false when the answer holds anything else, or is
// not the shape it expects.
func scalars(answer []byte) (objs []types.ObjectContent, ok bool) {
	const open, end = "<RetrievePropertiesResponse", "</RetrievePropertiesResponse>"
	i := bytes.Index(answer, []byte(open))
	j := bytes.LastIndex(answer, []byte(end))
	if i < 0 || j < i {
		return nil, false
	}
	s := &scanner{b: answer[:j], i: i}
	if _, _, ok := s.tag(); !ok {
		return nil, false
	}
	for s.skipSpace() {
		if name, _, ok := s.tag(); !ok || name != "returnval" {
			return nil, false
		}
		oc, ok := s.object()
		if !ok {
			return nil, false
		}
		objs = append(objs, oc)
	}
	return objs, true
}

// scanner walks an answer's bytes from position i.
type scanner struct {
	b []byte
	i int
}

// skipSpace skips white space and reports whether anything is left.
func (s *scanner) skipSpace() bool {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\r' || s.b[s.i] == '\t') {
		s.i++
	}
	return s.i < len(s.b)
}

// tag reads an opening tag — <name attr="value" …> — its name (without a namespace prefix) and
// attributes; ok is false for anything else, a self-closing tag included.
func (s *scanner) tag() (name string, attrs map[string]string, ok bool) {
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != '<' {
		return "", nil, false
	}
	k := bytes.IndexByte(s.b[s.i:], '>')
	if k < 0 || s.b[s.i+1] == '/' || s.b[s.i+k-1] == '/' {
		return "", nil, false
	}
	fields := strings.Fields(string(s.b[s.i+1 : s.i+k]))
	s.i += k + 1
	if len(fields) == 0 {
		return "", nil, false
	}
	name = fields[0][strings.IndexByte(fields[0], ':')+1:]
	for _, f := range fields[1:] {
		key, v, found := strings.Cut(f, "=")
		if !found || len(v) < 2 || v[0] != v[len(v)-1] || v[0] != '"' && v[0] != '\'' {
			return "", nil, false // an attribute value with a space in it, or unquoted
		}
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs[key] = v[1 : len(v)-1]
	}
	return name, attrs, true
}

// text reads character data up to the closing tag of name, which it consumes; ok is false when
// an element comes first, or for what XML would read otherwise than the five named entities do: a
// character reference, a carriage return (XML normalises line ends).
func (s *scanner) text(name string) (string, bool) {
	k := bytes.IndexByte(s.b[s.i:], '<')
	if k < 0 {
		return "", false
	}
	raw := s.b[s.i : s.i+k]
	s.i += k
	if !s.closing(name) || bytes.IndexByte(raw, '\r') >= 0 {
		return "", false
	}
	if bytes.IndexByte(raw, '&') < 0 {
		return string(raw), true
	}
	if strings.Contains(named.Replace(string(raw)), "&") { // a character reference
		return "", false
	}
	return entities.Replace(string(raw)), true
}

// entities decode XML's five predefined entities; named removes them, to find any other.
var (
	entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&apos;", "'")
	named    = strings.NewReplacer("&lt;", "", "&gt;", "", "&amp;", "", "&quot;", "", "&apos;", "")
)

// closing consumes </name> (with any namespace prefix).
func (s *scanner) closing(name string) bool {
	s.skipSpace()
	k := bytes.IndexByte(s.b[s.i:], '>')
	if k < 0 || !bytes.HasPrefix(s.b[s.i:], []byte("</")) {
		return false
	}
	got := string(s.b[s.i+2 : s.i+k])
	s.i += k + 1
	return got[strings.IndexByte(got, ':')+1:] == name
}

// object reads one returnval's content, <obj> then each <propSet>, and its closing tag.
func (s *scanner) object() (types.ObjectContent, bool) {
	var oc types.ObjectContent
	name, attrs, ok := s.tag()
	if !ok || name != "obj" {
		return oc, false
	}
	if oc.Obj.Value, ok = s.text("obj"); !ok {
		return oc, false
	}
	oc.Obj.Type, oc.Obj.ServerGUID = attrs["type"], attrs["serverGuid"]
	for {
		s.skipSpace()
		if bytes.HasPrefix(s.b[s.i:], []byte("</")) {
			return oc, s.closing("returnval")
		}
		if name, _, ok := s.tag(); !ok || name != "propSet" { // a missingSet among them
			return oc, false
		}
		p, ok := s.property()
		if !ok {
			return oc, false
		}
		oc.PropSet = append(oc.PropSet, p)
	}
}

// property reads a propSet's <name> and scalar <val>, and its closing tag.
func (s *scanner) property() (types.DynamicProperty, bool) {
	var p types.DynamicProperty
	tag, _, ok := s.tag()
	if !ok || tag != "name" {
		return p, false
	}
	if p.Name, ok = s.text("name"); !ok {
		return p, false
	}
	tag, attrs, ok := s.tag()
	if !ok || tag != "val" {
		return p, false
	}
	text, ok := s.text("val")
	if !ok {
		return p, false
	}
	if p.Val, ok = scalar(attrs, text); !ok {
		return p, false
	}
	return p, s.closing("propSet")
}

// scalar converts a value's text by its xsi:type.
func scalar(attrs map[string]string, text string) (any, bool) {
	var t string
	for k, v := range attrs {
		if k == "xsi:type" || strings.HasSuffix(k, ":type") {
			t = v
		}
	}
	var err error
	var v any
	switch t {
	case "xsd:string":
		v = text
	case "xsd:boolean":
		v, err = strconv.ParseBool(text)
	case "xsd:int":
		var n int64
		n, err = strconv.ParseInt(text, 10, 32)
		v = int32(n)
	case "xsd:long":
		v, err = strconv.ParseInt(text, 10, 64)
	case "ManagedObjectReference":
		v = types.ManagedObjectReference{Type: attrs["type"], Value: text, ServerGUID: attrs["serverGuid"]}
	default:
		if !enums[t] {
			return nil, false
		}
		v = text
	}
	return v, err == nil
}
