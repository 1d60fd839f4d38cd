// Package result holds what the checks produce and the reports render: the phase, the status and
// the result of one check for one target. It depends on nothing else of the tool.
package result

// Phase is the ASR job a run prepares for.
type Phase string

// The phases a check can belong to.
const (
	Reprotect Phase = "reprotect"
	Failback  Phase = "failback"
)

// Phases lists the phases, in the order of the workflow.
var Phases = []Phase{Reprotect, Failback}

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

// Result is the outcome of one check for one target.
type Result struct {
	Check   string `json:"check"`
	Target  string `json:"target"`
	Status  Status `json:"status"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	DocURL  string `json:"docUrl"`
	Ignored bool   `json:"ignored,omitempty"`
}
