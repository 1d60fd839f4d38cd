// Package strictyaml decodes YAML files strictly — unknown keys, wrong kinds and malformed integers
// are errors — and reports every problem as "file:line: field: what was expected".
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Error lists every problem found in a file, one per line.
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Doc is a decoded file. It knows the line of every field, so that later validation can place
// its messages.
type Doc struct {
	file        string
	root        string
	rootLine    int
	lines       map[string]int // field path ("vms[0].name") → line
	stringPaths []string       // paths of the string fields, in file order
	values      map[string]string
	walked      map[aliasKey]bool
	problems    []string
	more        int // problems beyond MaxProblems, counted only
}

// aliasKey is an anchored node checked against a type.
type aliasKey struct {
	node *yaml.Node
	t    reflect.Type
}

// MaxProblems is how many problems a Doc lists; the rest are counted.
const MaxProblems = 50

// MaxBytes is the largest file Decode reads: far above any real plan or scenario, small enough
// that a wrong file (a disk image, a log) is refused at once.
const MaxBytes = 4 << 20

// Decode decodes data into v, a pointer to a struct whose fields carry yaml tags. root names the
// document in messages about it as a whole ("plan"); empty is the message for an empty file. The
// returned error is an *Error; the Doc is returned even then, for more messages.
func Decode(file string, data []byte, v any, root, empty string) (*Doc, error) {
	d := &Doc{file: file, root: root, lines: map[string]int{}, values: map[string]string{}, walked: map[aliasKey]bool{}}
	if len(data) > MaxBytes {
		d.problems = append(d.problems, fmt.Sprintf("%s: larger than %d MiB; expected a %s of a few KiB", file, MaxBytes>>20, root))
		return d, d.Err()
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		d.problems = append(d.problems, d.syntax(err))
		return d, d.Err()
	}
	if len(doc.Content) == 0 {
		d.problems = append(d.problems, file+": "+empty)
		return d, d.Err()
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.problems = append(d.problems, fmt.Sprintf("%s:%d: %s: a second YAML document; expected one document", file, max(next.Line, 1), root))
		return d, d.Err()
	case !errors.Is(err, io.EOF):
		d.problems = append(d.problems, d.syntax(err))
		return d, d.Err()
	}
	n := doc.Content[0]
	d.rootLine = n.Line
	d.walk(n, reflect.TypeOf(v).Elem(), "")
	if len(d.problems) > 0 {
		return d, d.Err()
	}
	if err := n.Decode(v); err != nil {
		d.problems = append(d.problems, d.syntax(err))
	}
	return d, d.Err()
}

// RejectControl records a problem for every string field holding a control character (ESC, NUL,
// a newline…) or a bidirectional override: names must be printable, or they would reach terminals
// and reports raw.
func (d *Doc) RejectControl() {
	for _, path := range d.stringPaths {
		if i := strings.IndexFunc(d.values[path], Unsafe); i >= 0 {
			r := []rune(d.values[path][i:])[0]
			what := "control character"
			if !unicode.IsControl(r) {
				what = "bidirectional override"
			}
			d.Addf(path, "contains the %s %U; expected printable text", what, r)
		}
	}
}

// Unsafe reports whether a character would act on a terminal or reorder text: a control
// character, or a bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069).
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Addf records a problem about a field, at its line or, when it is absent, its nearest parent's.
func (d *Doc) Addf(field, format string, args ...any) {
	d.addAt(d.Line(field), field, format, args...)
}

// File is the name of the decoded file, as messages give it.
func (d *Doc) File() string { return d.file }

// Has reports whether the file sets the field.
func (d *Doc) Has(field string) bool {
	_, ok := d.lines[field]
	return ok
}

// Line is the line of a field, or of its nearest parent present in the file.
func (d *Doc) Line(field string) int {
	for field != "" {
		if l, ok := d.lines[field]; ok {
			return l
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return d.rootLine
}

// Err returns the problems recorded so far as an *Error, or nil.
func (d *Doc) Err() error {
	if len(d.problems) == 0 {
		return nil
	}
	problems := d.problems
	if d.more > 0 {
		problems = append(slices.Clip(problems), fmt.Sprintf("%s: … and %d more problems", d.file, d.more))
	}
	return &Error{Problems: problems}
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func (d *Doc) syntax(err error) string {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil || m[1] == "" {
		return fmt.Sprintf("%s: syntax: %v", d.file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return fmt.Sprintf("%s:%s: syntax: %s", d.file, m[1], m[2])
}

func (d *Doc) addAt(line int, field, format string, args ...any) {
	if len(d.problems) >= MaxProblems {
		d.more++
		return
	}
	d.problems = append(d.problems, fmt.Sprintf("%s:%d: %s: %s", d.file, line, field, fmt.Sprintf(format, args...)))
}

// walk checks the node tree against the shape of t: known keys only, the right kind of node for
// each field, and integers where integers are expected. It records each field's line.
func (d *Doc) walk(n *yaml.Node, t reflect.Type, path string) {
	if path != "" {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.AliasNode {
		// An anchor's content is checked once per type, however often it is referred to: a file
		// of a few MiB could otherwise refer to a large mapping a million times.
		key := aliasKey{n.Alias, t}
		if d.walked[key] {
			return
		}
		d.walked[key] = true
		n = n.Alias
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	field := path
	if field == "" {
		field = d.root
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.addAt(n.Line, field, "expected a mapping, got %s", describe(n))
			return
		}
		known := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			known[tag] = f.Type
			names = append(names, tag)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := join(path, k.Value)
			ft, ok := known[k.Value]
			switch {
			case !ok:
				d.addAt(k.Line, sub, "unknown field; expected one of %s", strings.Join(names, ", "))
			case seen[k.Value]:
				d.addAt(k.Line, sub, "field given twice")
			default:
				d.walk(v, ft, sub)
			}
			seen[k.Value] = true
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.addAt(n.Line, field, "expected a mapping, got %s", describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.addAt(n.Line, field, "expected a list, got %s", describe(n))
			return
		}
		for i, item := range n.Content {
			d.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.addAt(n.Line, field, "expected an integer, got %s", describe(n))
			return
		}
		if _, err := strconv.ParseInt(n.Value, 0, 64); err != nil {
			d.addAt(n.Line, field, "expected an integer, got %q", n.Value)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.addAt(n.Line, field, "expected true or false, got %s", describe(n))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			d.addAt(n.Line, field, "expected a string, got %s", describe(n))
			return
		}
		if _, seen := d.values[field]; !seen {
			d.stringPaths = append(d.stringPaths, field)
		}
		d.values[field] = n.Value
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(n.Value)
}
