// Package plan reads and validates the operator's plan file: which VMs fail back, where to, and
// through which master target.
package plan

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Location says where a VM fails back to.
type Location string

// The failback locations ASR offers.
const (
	Original  Location = "original"
	Alternate Location = "alternate"
)

// Plan is a validated plan file.
type Plan struct {
	Version             int      `yaml:"version" json:"version"`
	VCenter             VCenter  `yaml:"vcenter,omitempty" json:"vcenter"`
	MasterTarget        string   `yaml:"masterTarget" json:"masterTarget"`
	ConfigurationServer string   `yaml:"configurationServer,omitempty" json:"configurationServer,omitempty"`
	Azure               *Azure   `yaml:"azure,omitempty" json:"azure,omitempty"`
	Defaults            Defaults `yaml:"defaults,omitempty" json:"defaults"`
	VMs                 []VM     `yaml:"vms" json:"vms"`
}

// Defaults fill in what a VM entry, or a VM taken from the vault, leaves out.
type Defaults struct {
	Datastore string   `yaml:"datastore,omitempty" json:"datastore,omitempty"`
	Location  Location `yaml:"location,omitempty" json:"location,omitempty"`
}

// VCenter names the vCenter and datacenter the VMs fail back to.
type VCenter struct {
	URL        string `yaml:"url,omitempty" json:"url,omitempty"`
	Datacenter string `yaml:"datacenter,omitempty" json:"datacenter,omitempty"`
}

// Azure names the subscription and the Recovery Services vault protecting the VMs.
type Azure struct {
	SubscriptionID string   `yaml:"subscriptionId,omitempty" json:"subscriptionId,omitempty"`
	Vault          Resource `yaml:"vault" json:"vault"`
}

// Resource is an Azure resource named by resource group and name.
type Resource struct {
	ResourceGroup string `yaml:"resourceGroup" json:"resourceGroup"`
	Name          string `yaml:"name" json:"name"`
}

// VM is one protected VM to reprotect and fail back.
type VM struct {
	Name      string    `yaml:"name" json:"name"`
	Location  Location  `yaml:"location,omitempty" json:"location"`
	Datastore string    `yaml:"datastore,omitempty" json:"datastore"`
	Host      string    `yaml:"host,omitempty" json:"host,omitempty"`
	MemoryMB  int       `yaml:"memoryMB,omitempty" json:"memoryMB,omitempty"`
	AzureVM   *Resource `yaml:"azureVM,omitempty" json:"azureVM,omitempty"`
}

// Error lists every problem found in a plan file, one per line.
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Parse reads a plan from data; name is the file name used in messages.
// Any problem is returned as an *Error naming the file, line and field.
func Parse(name string, data []byte) (*Plan, error) {
	p := &parser{file: name, lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Problems: []string{p.syntax(err)}}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{Problems: []string{name + ": empty plan; expected a YAML mapping with version, masterTarget and vms"}}
	}
	root := doc.Content[0]
	p.walk(root, reflect.TypeFor[Plan](), "")
	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems}
	}
	var pl Plan
	if err := root.Decode(&pl); err != nil {
		return nil, &Error{Problems: []string{p.syntax(err)}}
	}
	p.validate(&pl, root.Line)
	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems}
	}
	return &pl, nil
}

type parser struct {
	file     string
	lines    map[string]int // field path → line, for messages about values
	problems []string
}

func (p *parser) addf(line int, field, format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s: %s", p.file, line, field, fmt.Sprintf(format, args...)))
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func (p *parser) syntax(err error) string {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil || m[1] == "" {
		return fmt.Sprintf("%s: syntax: %v", p.file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return fmt.Sprintf("%s:%s: syntax: %s", p.file, m[1], m[2])
}

// walk checks the node tree against the shape of t: known keys only, the right kind of node for
// each field, and integers where integers are expected. It records each field's line.
func (p *parser) walk(n *yaml.Node, t reflect.Type, path string) {
	if path != "" {
		p.lines[path] = n.Line
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	field := path
	if field == "" {
		field = "plan"
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			p.addf(n.Line, field, "expected a mapping, got %s", describe(n))
			return
		}
		known := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
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
				p.addf(k.Line, sub, "unknown field; expected one of %s", strings.Join(names, ", "))
			case seen[k.Value]:
				p.addf(k.Line, sub, "field given twice")
			default:
				p.walk(v, ft, sub)
			}
			seen[k.Value] = true
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			p.addf(n.Line, field, "expected a list, got %s", describe(n))
			return
		}
		for i, item := range n.Content {
			p.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			p.addf(n.Line, field, "expected an integer, got %s", describe(n))
			return
		}
		if _, err := strconv.Atoi(n.Value); err != nil {
			p.addf(n.Line, field, "expected an integer, got %q", n.Value)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			p.addf(n.Line, field, "expected a string, got %s", describe(n))
		}
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

// validate checks what the shape alone cannot: required fields, allowed values, unique names.
func (p *parser) validate(pl *Plan, rootLine int) {
	line := func(path string) int {
		for path != "" {
			if l, ok := p.lines[path]; ok {
				return l
			}
			i := strings.LastIndexAny(path, ".[")
			if i < 0 {
				break
			}
			path = path[:i]
		}
		return rootLine
	}
	if pl.Version != 1 {
		if _, ok := p.lines["version"]; ok {
			p.addf(line("version"), "version", "expected 1, got %d", pl.Version)
		} else {
			p.addf(rootLine, "version", "missing; expected 1")
		}
	}
	if pl.MasterTarget == "" {
		p.addf(line("masterTarget"), "masterTarget", "missing; expected the master target VM's name in vCenter")
	}
	if pl.Azure != nil && (pl.Azure.Vault.ResourceGroup == "") != (pl.Azure.Vault.Name == "") {
		p.addf(line("azure.vault"), "azure.vault", "expected both resourceGroup and name")
	}
	switch pl.Defaults.Location {
	case "", Original, Alternate:
	default:
		p.addf(line("defaults.location"), "defaults.location", "expected %q or %q, got %q", Original, Alternate, pl.Defaults.Location)
		pl.Defaults.Location = "" // reported once, here, not again for every VM
	}
	if len(pl.VMs) == 0 && !pl.FromVault() {
		p.addf(line("vms"), "vms", "missing; expected a list of at least one VM, or azure.vault to take them from Site Recovery")
	}
	first := map[string]int{}
	for i := range pl.VMs {
		vm := &pl.VMs[i]
		at := fmt.Sprintf("vms[%d]", i)
		if vm.Name == "" {
			p.addf(line(at+".name"), at+".name", "missing; expected the on-premises VM's name")
		} else if j, dup := first[vm.Name]; dup {
			p.addf(line(at+".name"), at+".name", "duplicate VM name %q; already used by vms[%d]", vm.Name, j)
		} else {
			first[vm.Name] = i
		}
		pl.applyDefaults(vm)
		switch vm.Location {
		case Original, Alternate:
		default:
			p.addf(line(at+".location"), at+".location", "expected %q or %q, got %q", Original, Alternate, vm.Location)
		}
		if vm.Datastore == "" {
			p.addf(line(at+".datastore"), at+".datastore", "missing; expected the target datastore's name (or defaults.datastore)")
		}
		if vm.MemoryMB < 0 {
			p.addf(line(at+".memoryMB"), at+".memoryMB", "expected a positive number of MB, got %d", vm.MemoryMB)
		}
		if r := vm.AzureVM; r != nil && (r.ResourceGroup == "" || r.Name == "") {
			p.addf(line(at+".azureVM"), at+".azureVM", "expected both resourceGroup and name")
		}
	}
}

// FromVault reports whether the plan takes its VMs from the vault's protected items.
func (pl *Plan) FromVault() bool {
	return pl.Azure != nil && pl.Azure.Vault.Name != ""
}

func (pl *Plan) applyDefaults(vm *VM) {
	if vm.Datastore == "" {
		vm.Datastore = pl.Defaults.Datastore
	}
	if vm.Location == "" {
		vm.Location = pl.Defaults.Location
	}
	if vm.Location == "" {
		vm.Location = Original
	}
}

// AddVMs adds VMs taken from elsewhere (the vault), with the plan's defaults, except those the plan
// names already: explicit entries win. A VM still without a datastore is an error naming it.
func (pl *Plan) AddVMs(vms []VM) error {
	var missing []string
	for _, vm := range vms {
		if slices.ContainsFunc(pl.VMs, func(v VM) bool { return strings.EqualFold(v.Name, vm.Name) }) {
			continue
		}
		pl.applyDefaults(&vm)
		if vm.Datastore == "" {
			missing = append(missing, vm.Name)
		}
		pl.VMs = append(pl.VMs, vm)
	}
	if len(missing) > 0 {
		return fmt.Errorf("no datastore for %s, taken from the vault: set defaults.datastore in the plan, or list them under vms", strings.Join(missing, ", "))
	}
	return nil
}

// Marshal renders the plan as YAML, leaving out what is empty.
func (pl *Plan) Marshal() ([]byte, error) { return yaml.Marshal(pl) }
