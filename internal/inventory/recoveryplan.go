package inventory

import (
	"slices"
	"strings"
	"time"
)

// RecoveryPlan is a Site Recovery recovery plan: ordered groups of protected items that one job
// reprotects or fails over together.
type RecoveryPlan struct {
	ID                      string   `json:"id,omitempty"`
	Name                    string   `json:"name"`
	FriendlyName            string   `json:"friendlyName,omitempty"`
	AllowedOperations       []string `json:"allowedOperations"`
	PrimaryFabric           string   `json:"primaryFabric,omitempty"`  // friendly name
	RecoveryFabric          string   `json:"recoveryFabric,omitempty"` // friendly name ("Microsoft Azure")
	Providers               []string `json:"providers,omitempty"`      // the replication providers: InMageRcm, InMageAzureV2…
	FailoverDeploymentModel string   `json:"failoverDeploymentModel,omitempty"`
	// Job is the job running on the plan (its current scenario), "" when none (Site Recovery says
	// null, or "None"); JobStatus its status, JobStarted when it began.
	Job                   string              `json:"job,omitempty"`
	JobStatus             string              `json:"jobStatus,omitempty"`
	JobStarted            time.Time           `json:"jobStarted,omitzero"`
	LastPlannedFailover   time.Time           `json:"lastPlannedFailover,omitzero"`
	LastUnplannedFailover time.Time           `json:"lastUnplannedFailover,omitzero"`
	LastTestFailover      time.Time           `json:"lastTestFailover,omitzero"`
	Groups                []RecoveryPlanGroup `json:"groups"`
}

// RecoveryPlanGroup is one group of a recovery plan: Shutdown, Failover or a Boot group.
type RecoveryPlanGroup struct {
	Type         string               `json:"type"` // Shutdown, Failover, Boot
	Items        []RecoveryPlanItem   `json:"items"`
	StartActions []RecoveryPlanAction `json:"startActions,omitempty"`
	EndActions   []RecoveryPlanAction `json:"endActions,omitempty"`
}

// RecoveryPlanItem is a protected item of a group, by its ARM ID.
type RecoveryPlanItem struct {
	ID               string `json:"id"`
	VirtualMachineID string `json:"virtualMachineId,omitempty"`
}

// RecoveryPlanAction is a script, manual action or runbook a group runs before or after its items:
// its name and kind, and when it runs (never its script, runbook or text).
type RecoveryPlanAction struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`                    // ManualActionDetails, ScriptActionDetails, AutomationRunbookActionDetails
	Directions    []string `json:"directions,omitempty"`    // PrimaryToRecovery, RecoveryToPrimary
	FailoverTypes []string `json:"failoverTypes,omitempty"` // PlannedFailover, UnplannedFailover, TestFailover…
}

// The kinds of recovery plan action.
const (
	ManualAction  = "ManualActionDetails"
	ScriptAction  = "ScriptActionDetails"
	RunbookAction = "AutomationRunbookActionDetails"
)

// FailbackDirection is the direction of a failover from Azure back to on-premises.
const FailbackDirection = "RecoveryToPrimary"

// Allows reports whether Site Recovery allows the operation on the plan now.
func (p RecoveryPlan) Allows(op string) bool {
	return slices.ContainsFunc(p.AllowedOperations, func(o string) bool { return strings.EqualFold(o, op) })
}

// Runs reports whether the action runs in a failover of the type in the direction.
func (a RecoveryPlanAction) Runs(op, direction string) bool {
	fold := func(want string) func(string) bool { return func(s string) bool { return strings.EqualFold(s, want) } }
	return slices.ContainsFunc(a.FailoverTypes, fold(op)) && slices.ContainsFunc(a.Directions, fold(direction))
}

// FindRecoveryPlan returns the plan of the name (its ARM name, or else its friendly name, in any
// case), or nil.
func FindRecoveryPlan(plans []RecoveryPlan, name string) *RecoveryPlan {
	for _, match := range []func(RecoveryPlan) string{func(p RecoveryPlan) string { return p.Name }, func(p RecoveryPlan) string { return p.FriendlyName }} {
		for i := range plans {
			if strings.EqualFold(match(plans[i]), name) {
				return &plans[i]
			}
		}
	}
	return nil
}

// RecoveryPlanNames lists the plans by name, "none" when there are none.
func RecoveryPlanNames(plans []RecoveryPlan) string {
	if len(plans) == 0 {
		return "none"
	}
	names := make([]string, len(plans))
	for i, p := range plans {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
