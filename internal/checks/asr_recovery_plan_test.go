package checks

import (
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// withRecoveryPlan gives the snapshot's items IDs and VM IDs and names recovery plan rp-app, whose
// boot groups hold the named VMs, as the vault lists it: fresh from Site Recovery, allowing the
// failback of its classic items (UnplannedFailover).
func withRecoveryPlan(s *inventory.Snapshot, groups ...[]string) {
	for i := range s.Azure.ProtectedItems {
		it := &s.Azure.ProtectedItems[i]
		it.ID, it.VMID = "/Subscriptions/sub1/resourceGroups/rg-asr/providers/Microsoft.RecoveryServices/vaults/vault01/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/"+it.Name, it.FriendlyName+"-vmid"
	}
	rp := inventory.RecoveryPlan{Name: "rp-app", FriendlyName: "rp-app", AllowedOperations: []string{"UnplannedFailover", "TestFailover", "PlannedFailover", "Failback"},
		Providers: []string{"InMage"}, Groups: []inventory.RecoveryPlanGroup{{Type: "Shutdown", Items: []inventory.RecoveryPlanItem{}}, {Type: "Failover", Items: []inventory.RecoveryPlanItem{}}}}
	for _, g := range groups {
		group := inventory.RecoveryPlanGroup{Type: "Boot"}
		for _, name := range g {
			it := itemRef(s, name)
			// as recorded: the plan's ID may be spelled otherwise than the listing's
			group.Items = append(group.Items, inventory.RecoveryPlanItem{ID: "/subscriptions/SUB1" + it.ID[len("/Subscriptions/sub1"):], VirtualMachineID: it.VMID})
		}
		rp.Groups = append(rp.Groups, group)
	}
	s.Azure.RecoveryPlans = []inventory.RecoveryPlan{rp}
	s.Plan.RecoveryPlans = []string{"rp-app"}
	s.Parts.Collect(RecoveryPlans)
}

func TestRecoveryPlan(t *testing.T) {
	plan := func(change func(s *inventory.Snapshot)) func(s *inventory.Snapshot) {
		return func(s *inventory.Snapshot) {
			withRecoveryPlan(s, []string{"db01"}, []string{"web01"})
			if change != nil {
				change(s)
			}
		}
	}
	failedOver := func(it *inventory.ProtectedItem) {
		it.InstanceType, it.ProtectionState, it.ActiveLocation = "InMageRcm", "UnplannedFailoverCommitted", "Recovery"
		it.AllowedOperations = []string{"CompleteMigration", "DisableProtection", "SwitchProtection"}
	}
	reprotect := func(s *inventory.Snapshot) {
		s.Phase = Reprotect
		for i := range s.Azure.ProtectedItems {
			failedOver(&s.Azure.ProtectedItems[i])
		}
		s.Azure.RecoveryPlans[0].Providers = []string{"InMageRcm"}
	}
	runCases(t, RecoveryPlan{}, []checkCase{
		{"no recovery plan named", nil, []want{{"-", Skip, "", "the plan names no recovery plan"}}},
		{"failback ready", plan(nil), []want{{"rp-app", Pass, "", "recovery plan rp-app: 2 items in 2 boot groups (InMage), allowed operations UnplannedFailover, TestFailover, PlannedFailover, Failback; every item is ready for failback"}}},
		{"a failure leads with what blocks", plan(func(s *inventory.Snapshot) { s.Azure.RecoveryPlans[0].Job = "TestFailover" }),
			[]want{{"rp-app", Fail, "", "job TestFailover is running on the plan: wait for it to finish (the plan: 2 items in 2 boot groups (InMage), allowed operations"}}},
		{"found by VM ID when the item's ID differs, as recorded", plan(func(s *inventory.Snapshot) {
			itemRef(s, "web01").ID = "/Subscriptions/sub1/resourceGroups/rg-asr/providers/Microsoft.RecoveryServices/vaults/vault01/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/web01"
		}), []want{{"rp-app", Pass, "", "2 items in 2 boot groups"}}},
		{"a job runs on the plan", plan(func(s *inventory.Snapshot) {
			p := &s.Azure.RecoveryPlans[0]
			p.Job, p.JobStatus, p.JobStarted = "PlannedFailover", "InProgress", time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
		}), []want{{"rp-app", Fail, "", "job PlannedFailover is running on the plan since 2026-12-06 09:30 UTC, InProgress: wait for it to finish"}}},
		{"one item not reprotected blocks the plan, named", plan(func(s *inventory.Snapshot) {
			failedOver(itemRef(s, "web01"))
			itemRef(s, "web01").InstanceType = "InMageAzureV2" // classic, as db01
		}), []want{{"rp-app", Fail, "", "web01 (1 of its 2 items) not ready for failback, and the plan's job would fail on them — web01: it is not reprotected yet: run reprotect first"}}},
		{"one item already failed back", plan(func(s *inventory.Snapshot) {
			it := itemRef(s, "db01")
			it.ProtectionState, it.ActiveSiteType = "UnplannedFailoverCommitted", "OnPrem"
		}), []want{{"rp-app", Fail, "", "db01: it has already failed back"}}},
		{"an item removed from protection", plan(func(s *inventory.Snapshot) {
			s.Azure.ProtectedItems = s.Azure.ProtectedItems[1:] // web01's
		}), []want{{"rp-app", Fail, "", "item web01-item (VM ID web01-vmid) is not protected by the vault any more: remove it from the plan, or protect the machine again"}}},
		{"reprotect ready, modernized, ops not recorded on plans", plan(func(s *inventory.Snapshot) {
			reprotect(s)
			s.Azure.RecoveryPlans[0].AllowedOperations = []string{"Reprotect", "Commit"}
		}), []want{{"rp-app", Pass, "", "every item is ready for reprotect"}}},
		{"reprotect, the plan allows what a never-failed-over plan allows (recorded)", plan(func(s *inventory.Snapshot) {
			reprotect(s)
			s.Azure.RecoveryPlans[0].AllowedOperations = []string{"UnplannedFailover", "TestFailover"}
		}), []want{{"rp-app", Fail, "", "Site Recovery allows only UnplannedFailover, TestFailover on the plan, as on a plan whose items were never failed over, not SwitchProtection or ReverseReplicate"}}},
		{"reprotect, item never failed over (the recorded fresh plan)", plan(func(s *inventory.Snapshot) {
			reprotect(s)
			it := itemRef(s, "db01")
			it.ProtectionState, it.ActiveLocation, it.AllowedOperations = "Protected", "Primary", []string{"UnplannedFailover", "DisableProtection", "TestFailover"}
			s.Azure.RecoveryPlans[0].AllowedOperations = []string{"UnplannedFailover", "TestFailover"}
		}), []want{{"rp-app", Fail, "", "not SwitchProtection or ReverseReplicate; db01 (1 of its 2 items) not ready for reprotect, and the plan's job would fail on them — db01: it was never failed over"}}},
		{"modernized failback needs PlannedFailover on the plan", plan(func(s *inventory.Snapshot) {
			for i := range s.Azure.ProtectedItems {
				it := &s.Azure.ProtectedItems[i]
				it.InstanceType, it.AllowedOperations = "InMageRcmFailback", []string{"PlannedFailover", "DisableProtection"}
			}
			s.Azure.RecoveryPlans[0].AllowedOperations = []string{"UnplannedFailover", "TestFailover"}
		}), []want{{"rp-app", Fail, "", "not PlannedFailover"}}},
		{"no operation allowed", plan(func(s *inventory.Snapshot) { s.Azure.RecoveryPlans[0].AllowedOperations = []string{} }),
			[]want{{"rp-app", Fail, "", "Site Recovery allows no operation on the plan now"}}},
		{"mixed architectures warn", plan(func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.InstanceType, it.AllowedOperations = "InMageRcmFailback", []string{"PlannedFailover", "DisableProtection"}
		}), []want{{"rp-app", Pass, "", ""}, {"rp-app", Warn, "", "the plan mixes classic items (db01) and modernized ones (web01)"}}},
		{"manual actions on failback warn, listed", plan(func(s *inventory.Snapshot) {
			g := &s.Azure.RecoveryPlans[0].Groups[2]
			g.StartActions = []inventory.RecoveryPlanAction{{Name: "Stop the batch", Kind: inventory.ManualAction, Directions: []string{"RecoveryToPrimary"}, FailoverTypes: []string{"UnplannedFailover", "PlannedFailover"}}}
			g.EndActions = []inventory.RecoveryPlanAction{
				{Name: "Only to Azure", Kind: inventory.ManualAction, Directions: []string{"PrimaryToRecovery"}, FailoverTypes: []string{"UnplannedFailover"}},
				{Name: "Scripted", Kind: inventory.ScriptAction, Directions: []string{"RecoveryToPrimary"}, FailoverTypes: []string{"UnplannedFailover"}}}
		}), []want{{"rp-app", Pass, "", ""}, {"rp-app", Warn, "", `the failback job will pause at 1 manual action(s) until someone completes each in the portal: "Stop the batch" (before Group 1)`}}},
		{"manual actions do not pause reprotect", plan(func(s *inventory.Snapshot) {
			reprotect(s)
			s.Azure.RecoveryPlans[0].Groups[2].StartActions = []inventory.RecoveryPlanAction{{Name: "m", Kind: inventory.ManualAction, Directions: []string{"RecoveryToPrimary", "PrimaryToRecovery"}, FailoverTypes: []string{"UnplannedFailover", "PlannedFailover"}}}
		}), []want{{"rp-app", Pass, "", ""}}},
		{"unknown plan (an offline analysis)", plan(func(s *inventory.Snapshot) { s.Plan.RecoveryPlans = []string{"rp-web"} }),
			[]want{{"rp-web", Fail, "", "vault rg-asr/vault01 has no recovery plan rp-web; its plans: rp-app"}}},
		{"plans not read", plan(func(s *inventory.Snapshot) {
			s.Parts.Fail(RecoveryPlans, errString("reading the recovery plans of vault rg-asr/vault01: 403"))
		}),
			[]want{{"rp-app", Error, "", "403"}}},
		{"plans not collected (an older snapshot)", plan(func(s *inventory.Snapshot) { delete(s.Parts, RecoveryPlans) }),
			[]want{{"rp-app", Error, "", "the vault's recovery plans were not read"}}},
		{"an empty plan", func(s *inventory.Snapshot) { withRecoveryPlan(s) }, []want{{"rp-app", Fail, "", "it has no items: there is nothing to failback"}}},
	})
}

type errString string

func (e errString) Error() string { return string(e) }
