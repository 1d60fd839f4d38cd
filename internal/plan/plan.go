// Package plan reads and validates the operator's plan file: which VMs fail back, where to, and
// through which replication appliance (modernized) or master target (classic).
package plan

import (
	"cmp"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/strictyaml"
	"github.com/asr-preflight/asr-preflight/internal/waiver"
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
	MasterTarget        string   `yaml:"masterTarget,omitempty" json:"masterTarget,omitempty"` // classic only
	Appliance           string   `yaml:"appliance,omitempty" json:"appliance,omitempty"`       // modernized: the replication appliance reprotect uses
	ConfigurationServer string   `yaml:"configurationServer,omitempty" json:"configurationServer,omitempty"`
	Azure               *Azure   `yaml:"azure,omitempty" json:"azure,omitempty"`
	Defaults            Defaults `yaml:"defaults,omitempty" json:"defaults"`
	// RecoveryPlans names the vault's recovery plans whose items are the VMs to check, in boot
	// group order; vms entries of the same names then set only where those VMs go.
	RecoveryPlans []string `yaml:"recoveryPlans,omitempty" json:"recoveryPlans,omitempty"`
	VMs           []VM     `yaml:"vms" json:"vms"`
	// Waivers set known, accepted problems aside until they expire (see --waivers).
	Waivers []waiver.Waiver `yaml:"waivers,omitempty" json:"waivers,omitempty"`

	doc *strictyaml.Doc // where each field is in the file, for messages
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
	Appliance string    `yaml:"appliance,omitempty" json:"appliance,omitempty"` // modernized: overrides the plan's
	// TargetName is the name a modernized VM gets failing back to an alternate location (default
	// its name; before failback, the one its item records).
	TargetName string `yaml:"targetName,omitempty" json:"targetName,omitempty"`
}

// Error lists every problem found in a plan file, one per line.
type Error = strictyaml.Error

// Parse reads a plan from data; name is the file name used in messages.
// Any problem is returned as an *Error naming the file, line and field.
func Parse(name string, data []byte) (*Plan, error) { return ParseWith(name, data, nil) }

// ParseWith is Parse with the recovery plans given elsewhere (--recovery-plan), which replace the
// file's recoveryPlans when not nil.
func ParseWith(name string, data []byte, recoveryPlans []string) (*Plan, error) {
	var pl Plan
	d, err := strictyaml.Decode(name, data, &pl, "plan", "empty plan; expected a YAML mapping with version and vms")
	if err != nil {
		return nil, err
	}
	if recoveryPlans != nil {
		pl.RecoveryPlans = recoveryPlans
	}
	pl.validate(d)
	if err := d.Err(); err != nil {
		return nil, err
	}
	pl.doc = d
	return &pl, nil
}

// Where names a field of the plan for a message about its value: "plan.yaml:3: vcenter.url".
func (pl *Plan) Where(field string) string {
	if pl.doc == nil {
		return "plan " + field
	}
	return fmt.Sprintf("%s:%d: %s", pl.doc.File(), pl.doc.Line(field), field)
}

// MaxMemoryMB is the most memory vSphere gives one VM: 24 TB.
const MaxMemoryMB = 24 << 20

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckSubscription says what is wrong with id as an Azure subscription ID (a GUID), or nil.
func CheckSubscription(id string) error {
	if !guid.MatchString(id) {
		return fmt.Errorf("expected a subscription ID (a GUID such as 00000000-0000-0000-0000-000000000000), got %q", id)
	}
	return nil
}

// validate checks what the shape alone cannot: required fields, allowed values, unique names.
func (pl *Plan) validate(d *strictyaml.Doc) {
	if pl.Version != 1 {
		if d.Has("version") {
			d.Addf("version", "expected 1, got %d", pl.Version)
		} else {
			d.Addf("version", "missing; expected 1")
		}
	}
	d.RejectControl()
	if cs := pl.ConfigurationServer; cs != "" {
		if _, _, err := HostPort(cs, "443"); err != nil {
			d.Addf("configurationServer", "%v", err)
		}
	}
	if pl.Azure != nil && pl.Azure.SubscriptionID != "" {
		if err := CheckSubscription(pl.Azure.SubscriptionID); err != nil {
			d.Addf("azure.subscriptionId", "%v", err)
		}
	}
	if pl.Azure != nil && (pl.Azure.Vault.ResourceGroup == "") != (pl.Azure.Vault.Name == "") {
		d.Addf("azure.vault", "expected both resourceGroup and name")
	}
	switch pl.Defaults.Location {
	case "", Original, Alternate:
	default:
		d.Addf("defaults.location", "expected %q or %q, got %q", Original, Alternate, pl.Defaults.Location)
		pl.Defaults.Location = "" // reported once, here, not again for every VM
	}
	pl.validateRecoveryPlans(d)
	waiver.Validate(d, "waivers", pl.Waivers)
	if len(pl.VMs) == 0 && !pl.FromVault() {
		d.Addf("vms", "missing; expected a list of at least one VM, or azure.vault to take them from Site Recovery")
	}
	first := map[string]int{}
	for i := range pl.VMs {
		vm := &pl.VMs[i]
		at := fmt.Sprintf("vms[%d]", i)
		if vm.Name == "" {
			d.Addf(at+".name", "missing; expected the on-premises VM's name")
		} else if j, dup := first[vm.Name]; dup {
			d.Addf(at+".name", "duplicate VM name %q; already used by vms[%d]", vm.Name, j)
		} else {
			first[vm.Name] = i
		}
		// With recovery plans, an entry only sets where a plan's VM goes: the vault and the
		// defaults fill in the rest once the plans are read (UseVMs).
		overrides := len(pl.RecoveryPlans) > 0
		if !overrides {
			pl.applyDefaults(vm)
		}
		switch vm.Location {
		case Original, Alternate:
		case "":
			if !overrides {
				d.Addf(at+".location", "expected %q or %q, got %q", Original, Alternate, vm.Location)
			}
		default:
			d.Addf(at+".location", "expected %q or %q, got %q", Original, Alternate, vm.Location)
		}
		if vm.Datastore == "" && !overrides {
			d.Addf(at+".datastore", "missing; expected the target datastore's name (or defaults.datastore)")
		}
		if vm.MemoryMB < 0 || vm.MemoryMB > MaxMemoryMB {
			d.Addf(at+".memoryMB", "expected a number of MB from 1 to %d (24 TB, the most vSphere gives a VM), got %d", MaxMemoryMB, vm.MemoryMB)
		}
		if r := vm.AzureVM; r != nil && (r.ResourceGroup == "" || r.Name == "") {
			d.Addf(at+".azureVM", "expected both resourceGroup and name")
		}
	}
}

// validateRecoveryPlans requires a vault to read the recovery plans from, and distinct names.
func (pl *Plan) validateRecoveryPlans(d *strictyaml.Doc) {
	if len(pl.RecoveryPlans) > 0 && !pl.FromVault() {
		d.Addf("recoveryPlans", "expected azure.vault too: the recovery plans are read from the vault")
	}
	if err := CheckRecoveryPlans(pl.RecoveryPlans); err != nil {
		d.Addf("recoveryPlans", "%v", err)
	}
}

// CheckRecoveryPlans says what is wrong with a list of recovery plan names (empty or repeated), or nil.
func CheckRecoveryPlans(names []string) error {
	for i, name := range names {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("entry %d is empty; expected the name of a recovery plan of the vault", i)
		}
		if strings.ContainsFunc(name, unicode.IsControl) {
			return fmt.Errorf("entry %d (%q) contains a control character; expected printable text", i, name)
		}
		if j := slices.IndexFunc(names[:i], func(n string) bool { return strings.EqualFold(n, name) }); j >= 0 {
			return fmt.Errorf("recovery plan %q is named twice (entries %d and %d)", name, j, i)
		}
	}
	return nil
}

// ConfigurationServerAddr is the configuration server as host:port, port 443 by default; "" when
// the plan names none.
func (pl *Plan) ConfigurationServerAddr() string {
	host, port, err := HostPort(pl.ConfigurationServer, "443")
	if pl.ConfigurationServer == "" || err != nil {
		return ""
	}
	return net.JoinHostPort(host, port)
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

// UseVMs makes the plan's VMs exactly vms — a recovery plan's items, in boot order, as the vault
// knows them — each with what an entry of the same name sets (location, datastore, host, memory,
// Azure VM, appliance) and the plan's defaults. It returns the names of the entries that are none
// of those VMs, which are not checked. A VM still without a datastore is an error naming it.
func (pl *Plan) UseVMs(vms []VM) (left []string, err error) {
	entries := pl.VMs
	used := make([]bool, len(entries))
	pl.VMs = make([]VM, 0, len(vms))
	var missing []string
	for _, vm := range vms {
		if i := slices.IndexFunc(entries, func(e VM) bool { return strings.EqualFold(e.Name, vm.Name) }); i >= 0 {
			used[i] = true
			e := entries[i]
			vm.Location = cmp.Or(e.Location, vm.Location)
			vm.Datastore, vm.Host = cmp.Or(e.Datastore, vm.Datastore), cmp.Or(e.Host, vm.Host)
			vm.MemoryMB, vm.Appliance = cmp.Or(e.MemoryMB, vm.MemoryMB), cmp.Or(e.Appliance, vm.Appliance)
			vm.AzureVM = cmp.Or(e.AzureVM, vm.AzureVM)
			vm.TargetName = cmp.Or(e.TargetName, vm.TargetName)
		}
		pl.applyDefaults(&vm)
		if vm.Datastore == "" {
			missing = append(missing, vm.Name)
		}
		pl.VMs = append(pl.VMs, vm)
	}
	for i, e := range entries {
		if !used[i] {
			left = append(left, e.Name)
		}
	}
	if len(missing) > 0 {
		return left, fmt.Errorf("no datastore for %s, of the recovery plans %s: set defaults.datastore in the plan, or the datastore of their vms entries",
			strings.Join(missing, ", "), strings.Join(pl.RecoveryPlans, ", "))
	}
	return left, nil
}

// Marshal renders the plan as YAML, leaving out what is empty.
func (pl *Plan) Marshal() ([]byte, error) { return yaml.Marshal(pl) }

// MarshalNoted renders the plan as Marshal does, with a comment beside VM fields: notes[VM name]
// [field] (host, datastore, targetName…) is the comment of that VM's field.
func (pl *Plan) MarshalNoted(notes map[string]map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := doc.Encode(pl); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "vms" {
			continue
		}
		for _, vm := range doc.Content[i+1].Content {
			name := ""
			for j := 0; j+1 < len(vm.Content); j += 2 {
				if vm.Content[j].Value == "name" {
					name = vm.Content[j+1].Value
				}
			}
			for j := 0; j+1 < len(vm.Content); j += 2 {
				if note := notes[name][vm.Content[j].Value]; note != "" {
					vm.Content[j+1].LineComment = note
				}
			}
		}
	}
	return yaml.Marshal(&doc)
}
