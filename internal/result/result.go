// Package result holds what the checks produce and the reports render: the phase, the status and
// the result of one check for one target. It depends on nothing else of the tool.
package result

import "strings"

// Phase is the ASR job a run prepares for.
type Phase string

// The phases a check can belong to.
const (
	Reprotect Phase = "reprotect"
	Failback  Phase = "failback"
)

// Phases lists the phases, in the order of the workflow.
var Phases = []Phase{Reprotect, Failback}

// PhaseNames returns the names of the phases, in their order.
func PhaseNames(ps []Phase) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = string(p)
	}
	return names
}

// Status is the outcome of a check for one target.
type Status string

// The outcomes.
const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Error Status = "error" // the check could not be evaluated
	Skip  Status = "skip"
)

// Statuses lists every status.
var Statuses = []Status{Pass, Warn, Fail, Error, Skip}

// Kind is what a result's target is.
type Kind string

// The kinds of target.
const (
	VMKind            Kind = "vm"
	HostKind          Kind = "host"
	DatastoreKind     Kind = "datastore"
	DatacenterKind    Kind = "datacenter"
	VCenterKind       Kind = "vcenter"
	AzureKind         Kind = "azure"
	ApplianceKind     Kind = "appliance"
	ConfigServerKind  Kind = "configuration-server"
	ProcessServerKind Kind = "process-server"
	MasterTargetKind  Kind = "master-target"
	ProbeKind         Kind = "probe"
	RecoveryPlanKind  Kind = "recovery-plan"
	CheckKind         Kind = "check" // the check as a whole (target "-")
)

// Kinds lists every kind of target, as a waiver's target names them.
var Kinds = []Kind{VMKind, HostKind, DatastoreKind, DatacenterKind, VCenterKind, AzureKind, ApplianceKind, ConfigServerKind,
	ProcessServerKind, MasterTargetKind, ProbeKind, RecoveryPlanKind, CheckKind}

// Label is the kind in words, for reports: "VM", "host", "configuration server"…
func (k Kind) Label() string {
	switch k {
	case VMKind:
		return "VM"
	case VCenterKind:
		return "vCenter"
	case AzureKind:
		return "Azure"
	}
	return strings.ReplaceAll(string(k), "-", " ")
}

// Ref names a target: its kind and name.
type Ref struct {
	Kind Kind
	Name string
}

// Result is the outcome of one check for one target.
type Result struct {
	Check   string `json:"check"`
	Target  string `json:"target"`
	Kind    Kind   `json:"kind"` // what the target is
	Status  Status `json:"status"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	Message string `json:"message"`
	// Short is the verdict-relevant fact in a few words, without the target ("4.0 GB of memory
	// short"), for the verdict table; "" leaves the message's start to it.
	Short   string `json:"short,omitempty"`
	Fix     string `json:"fix"`
	DocURL  string `json:"docUrl"`
	Ignored bool   `json:"ignored,omitempty"`
	// Waived, when set, is the live waiver that sets the result aside: it keeps its status, but
	// counts toward no verdict, summary count or exit code.
	Waived *Waived `json:"waived,omitempty"`
	// VMs, when set, are the plan VMs the result concerns, narrower than those depending on its
	// target: a datastore unreachable from one host concerns the VMs that run there.
	VMs []string `json:"vms,omitempty"`
}

// Waived is what a result's waiver says: why, who, until when, and where it is written.
type Waived struct {
	Reason  string `json:"reason"`
	Owner   string `json:"owner"`
	Expires string `json:"expires"`
	At      string `json:"at"`
}

// WaiverState is what became of a waiver in a run.
type WaiverState string

// The states of a waiver.
const (
	WaiverLive     WaiverState = "live"     // it matched, and holds
	WaiverEnding   WaiverState = "ending"   // it matched, and ends within 14 days
	WaiverExpired  WaiverState = "expired"  // it matched, but has ended: its results count again
	WaiverUnused   WaiverState = "unused"   // it matched nothing in the run
	WaiverDisabled WaiverState = "disabled" // its check did not run (another phase, --only, --skip)
)

// WaiverOutcome is a waiver and what it did in a run.
type WaiverOutcome struct {
	Check  string `json:"check"`
	VM     string `json:"vm,omitempty"`
	Target string `json:"target,omitempty"`
	Code   string `json:"code,omitempty"`
	Waived
	State   WaiverState `json:"state"`
	Matched int         `json:"matched"` // the problem results it matched
}

// IsProblem reports whether the result is a failure, an error or a warning.
func (r Result) IsProblem() bool { return r.Status == Fail || r.Status == Error || r.Status == Warn }

// Ref is the result's target.
func (r Result) Ref() Ref { return Ref{r.Kind, r.Target} }
