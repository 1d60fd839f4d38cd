package strictyaml

import (
	"fmt"
	"strings"
	"testing"
)

type doc struct {
	Name  string            `yaml:"name"`
	On    bool              `yaml:"on"`
	Count int               `yaml:"count"`
	Tags  map[string]sub    `yaml:"tags"`
	Opt   *sub              `yaml:"opt,omitempty"`
	Flags map[string]string `yaml:"flags"`
}

type sub struct {
	Level int `yaml:"level"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"good", "name: x\non: true\ncount: 3\ntags: {a: {level: 1}}\nopt: {level: 2}\nflags: {k: v}\n", nil},
		{"empty", "", []string{"f.yaml: nothing here"}},
		{"bool", "on: yes please\n", []string{`f.yaml:1: on: expected true or false, got "yes please"`}},
		{"int", "count: many\n", []string{`f.yaml:1: count: expected an integer, got "many"`}},
		{"map kind", "tags: [a]\n", []string{"f.yaml:1: tags: expected a mapping, got a list"}},
		{"map value", "tags:\n  a: {levle: 1}\n", []string{"f.yaml:2: tags.a.levle: unknown field; expected one of level"}},
		{"pointer", "opt: {level: high}\n", []string{`f.yaml:1: opt.level: expected an integer, got "high"`}},
		{"root", "- a\n", []string{"f.yaml:1: doc: expected a mapping, got a list"}},
		{"null string", "name:\n", []string{"f.yaml:1: name: expected a string, got nothing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v doc
			_, err := Decode("f.yaml", []byte(tc.in), &v, "doc", "nothing here")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	var v doc
	d, err := Decode("f.yaml", []byte("name: x\ntags:\n  a: {level: 1}\n"), &v, "doc", "")
	if err != nil || v.Tags["a"].Level != 1 || !d.Has("tags.a") || d.Line("tags.a.level") != 3 || d.Line("opt.level") != 1 {
		t.Errorf("decode %+v, lines: has %v, %d, %d", v, d.Has("tags.a"), d.Line("tags.a.level"), d.Line("opt.level"))
	}
	d.Addf("tags.a.level", "too high")
	if d.Err() == nil || d.Err().Error() != "f.yaml:3: tags.a.level: too high" {
		t.Errorf("Addf: %v", d.Err())
	}
}

// TestAliasFanOut: an anchor referred to many times is checked once, and a file full of problems
// lists the first MaxProblems and counts the rest — a few MiB of YAML cannot make the check take
// minutes or the message megabytes (the fuzzer found the first).
func TestAliasFanOut(t *testing.T) {
	var keys []string
	for i := range 20000 {
		keys = append(keys, fmt.Sprintf("k%d: 1", i))
	}
	var refs []string
	for i := range 20000 {
		refs = append(refs, fmt.Sprintf("t%d: *x", i))
	}
	// Without the once-per-anchor rule: 20,000 references × 20,000 unknown keys.
	in := "opt: &x {" + strings.Join(keys, ", ") + "}\ntags: {" + strings.Join(refs, ", ") + "}\n"
	var v doc
	_, err := Decode("f.yaml", []byte(in), &v, "doc", "nothing here")
	perr, ok := err.(*Error)
	if !ok || len(perr.Problems) != MaxProblems+1 || !strings.HasPrefix(perr.Problems[MaxProblems], "f.yaml: … and ") {
		t.Fatalf("%d problems, last %q", len(perr.Problems), perr.Problems[len(perr.Problems)-1])
	}
}
