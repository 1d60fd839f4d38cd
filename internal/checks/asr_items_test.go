package checks

import (
	"testing"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func TestASRProtectedItem(t *testing.T) {
	failedOver := func(s *inventory.Snapshot) {
		s.Phase = Reprotect
		for i := range s.Azure.ProtectedItems {
			it := &s.Azure.ProtectedItems[i]
			it.InstanceType, it.ProtectionState, it.ActiveLocation = "InMageAzureV2", "UnplannedFailoverCommitted", "Recovery"
			it.AllowedOperations = []string{"CompleteMigration", "DisableProtection", "SwitchProtection"}
		}
	}
	runCases(t, ASRProtectedItem{}, []checkCase{
		{"failback ready", nil, []want{{"web01", Pass, "", "item web01-item: reprotected, state Protected, InMage, active location Primary, health Normal, allowed operations UnplannedFailover, DisableProtection"}, {"db01", Pass, "", ""}}},
		{"failback ready, modernized", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.InstanceType, it.AllowedOperations = "InMageRcmFailback", []string{"PlannedFailover", "DisableProtection"}
		}, []want{{"web01", Pass, "", "reprotected, state Protected, InMageRcmFailback"}, {"db01", Pass, "", ""}}},
		{"reprotect ready", failedOver, []want{{"web01", Pass, "", "failed over, state UnplannedFailoverCommitted, InMageAzureV2, active location Recovery"}, {"db01", Pass, "", ""}}},
		{"reprotect ready, commit pending", func(s *inventory.Snapshot) {
			failedOver(s)
			it := itemRef(s, "web01")
			it.InstanceType, it.ProtectionState = "InMageRcm", "UnplannedFailoverCommitPendingStatesBegin"
			it.AllowedOperations = []string{"CompleteMigration", "Commit", "DisableProtection", "ChangePit", "SwitchProtection"}
		}, []want{{"web01", Pass, "", "the failover is not committed yet: Site Recovery accepts reprotect"}, {"db01", Pass, "", ""}}},
		{"reprotect, already failed back, not committed", func(s *inventory.Snapshot) {
			failedOver(s)
			it := itemRef(s, "web01")
			it.InstanceType, it.ProtectionState, it.AllowedOperations = "InMageRcmFailback", "CommitPendingStatesBegin", []string{"CancelFailover", "SwitchProtection"}
		}, []want{{"web01", Fail, "", "it has already failed back (planned failover finished): commit or cancel the failover first"}, {"db01", Pass, "", ""}}},
		{"reprotect not allowed yet", func(s *inventory.Snapshot) {
			failedOver(s)
			itemRef(s, "web01").AllowedOperations = []string{"DisableProtection"}
		}, []want{{"web01", Fail, "", "allowed operations DisableProtection; Site Recovery does not allow reprotect (SwitchProtection) now"}, {"db01", Pass, "", ""}}},
		{"never failed over", func(s *inventory.Snapshot) {
			failedOver(s)
			it := itemRef(s, "web01")
			it.ProtectionState, it.ActiveLocation, it.AllowedOperations = "Protected", "Primary", []string{"UnplannedFailover", "DisableProtection", "TestFailover"}
		}, []want{{"web01", Fail, "", "it was never failed over"}, {"db01", Pass, "", ""}}},
		{"no item", func(s *inventory.Snapshot) { s.Azure.ProtectedItems = s.Azure.ProtectedItems[1:] }, []want{
			{"web01", Fail, "", "vault rg-asr/vault01 has no protected item for web01: protection was disabled, or the Azure VM was created by hand; it cannot fail back"},
			{"db01", Pass, "", ""}}},
		{"failback too early", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.InstanceType, it.ProtectionState, it.AllowedOperations = "InMageAzureV2", "UnplannedFailoverCommitted", []string{"SwitchProtection"}
		}, []want{{"web01", Fail, "", "it is not reprotected yet: run reprotect first"}, {"db01", Pass, "", ""}}},
		{"failback, reprotected but critical", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.ReplicationHealth, it.AllowedOperations = "Critical", []string{"DisableProtection"}
		}, []want{{"web01", Fail, "", "its replication health must be Normal; failback needs UnplannedFailover (classic) among the allowed operations"}, {"db01", Pass, "", ""}}},
		{"failback, modernized allows only UnplannedFailover", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.InstanceType, it.AllowedOperations = "InMageRcmFailback", []string{"UnplannedFailover", "DisableProtection"}
		}, []want{{"web01", Fail, "", "modernized failback is a planned failover: PlannedFailover must be among the allowed operations"}, {"db01", Pass, "", ""}}},
		{"failback, Critical only for want of an app-consistent point", criticalReprotected("Normal", inventory.HealthError{Code: "531006", Level: "Error"}, inventory.HealthError{Code: "548004", Level: "Info"}), []want{{"web01", Pass, "", "replication health is Critical only for want of a recent app-consistent recovery point (failover health Normal)"}, {"db01", Pass, "", ""}}},
		{"failback, Critical for want of an app-consistent point, with the no-test-failover warning", criticalReprotected("Normal", inventory.HealthError{Code: "531006", Level: "Error"}, inventory.HealthError{Code: "161011", Level: "Warning"}), []want{{"web01", Pass, "", "only for want of a recent app-consistent recovery point"}, {"db01", Pass, "", ""}}},
		{"failback, Critical with failover health Critical", criticalReprotected("Critical", inventory.HealthError{Code: "531006", Level: "Error"}), []want{{"web01", Fail, "", "its replication health must be Normal"}, {"db01", Pass, "", ""}}},
		{"failback, Critical for another error too", criticalReprotected("Normal", inventory.HealthError{Code: "531006", Level: "Error"}, inventory.HealthError{Code: "325091", Level: "Error"}), []want{{"web01", Fail, "", "its replication health must be Normal"}, {"db01", Pass, "", ""}}},
		{"failback, reprotect still replicating", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			pct := 92
			it.InstanceType, it.ProtectionState, it.AllowedOperations, it.InitialReplicationPercent = "InMageRcmFailback", "InitialReplicationInProgress", []string{"DisableProtection"}, &pct
		}, []want{{"web01", Fail, "", "reprotecting, state InitialReplicationInProgress, InMageRcmFailback, active location Primary, health Normal, allowed operations DisableProtection; reprotect is still replicating: 92 %; failback waits for its initial replication to finish"}, {"db01", Pass, "", ""}}},
		{"failback, planned failover not committed", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.InstanceType, it.ProtectionState, it.ActiveLocation, it.AllowedOperations = "InMageRcmFailback", "CommitPendingStatesBegin", "Recovery", []string{"CancelFailover", "SwitchProtection"}
		}, []want{{"web01", Fail, "", "commit or cancel the failover first"}, {"db01", Pass, "", ""}}},
		{"a job that failed is not running", func(s *inventory.Snapshot) { // as recorded: EnablingFailed keeps its EnableProtection scenario
			it := itemRef(s, "web01")
			it.ProtectionState, it.AllowedOperations, it.Job = "EnablingFailed", []string{"DisableProtection"}, "EnableProtection"
		}, []want{{"web01", Fail, "", "allowed operations DisableProtection; failback needs a reprotected item"}, {"db01", Pass, "", ""}}},
		{"a job runs on the item", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.Job, it.JobStarted = "PlannedFailover", time.Date(2026, 11, 30, 11, 50, 0, 0, time.UTC)
		}, []want{{"web01", Fail, "", "job PlannedFailover is running on the item since 2026-11-30 11:50 UTC: wait for it to finish"}, {"db01", Pass, "", ""}}},
		{"already failed back", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.ProtectionState, it.ActiveLocation, it.ActiveSiteType = "UnplannedFailoverCommitted", "Recovery", "OnPrem"
			it.AllowedOperations = []string{"CompleteMigration", "DisableProtection", "SwitchProtection"}
		}, []want{{"web01", Fail, "", "it has already failed back: the VM is back on-premises"}, {"db01", Pass, "", ""}}},
	})
}

// criticalReprotected makes web01 a modernized reprotected item that allows PlannedFailover, with
// replication health Critical, the failover health and the health errors given.
func criticalReprotected(failoverHealth string, errs ...inventory.HealthError) func(*inventory.Snapshot) {
	return func(s *inventory.Snapshot) {
		it := itemRef(s, "web01")
		it.InstanceType, it.AllowedOperations, it.ReplicationHealth, it.FailoverHealth = "InMageRcmFailback", []string{"PlannedFailover", "DisableProtection"}, "Critical", failoverHealth
		it.HealthErrors = errs
	}
}

func TestASRHealth(t *testing.T) {
	runCases(t, ASRHealth{}, []checkCase{
		{"clean", nil, []want{{"web01", Pass, "", "item web01-item reports no health errors (health Normal)"}, {"db01", Pass, "", ""}}},
		{"known and unknown codes", func(s *inventory.Snapshot) {
			itemRef(s, "web01").HealthErrors = []inventory.HealthError{
				{Code: "78093", Level: "Error", Message: "The VM is not running"},
				{Code: "539", Level: "Warning", Message: "Agent outdated", PossibleCauses: "Old Mobility agent", RecommendedAction: "Update the Mobility agent"},
			}
		}, []want{
			{"web01", Fail, "78093", "Site Recovery reports error 78093 on web01: The VM is not running"},
			{"web01", Warn, "539", "Site Recovery reports error 539 on web01: Agent outdated (possible causes: Old Mobility agent)"},
			{"db01", Pass, "", ""}}},
		{"information is not a failure", func(s *inventory.Snapshot) {
			itemRef(s, "web01").HealthErrors = []inventory.HealthError{{Code: "548004", Level: "Info", Message: "Recomputing replication health."}}
		}, []want{{"web01", Pass, "", "Site Recovery reports information 548004 on web01, not a failure"}, {"db01", Pass, "", ""}}},
		{"no item", func(s *inventory.Snapshot) { s.Azure.ProtectedItems = s.Azure.ProtectedItems[1:] }, []want{{"web01", Skip, "", "(see asr.protected-item)"}, {"db01", Pass, "", ""}}},
		{"no app-consistent point, failback still allowed", criticalReprotected("Normal", inventory.HealthError{Code: "531006", Level: "Error", Message: "No application consistent recovery point available for the VM in the last 3600 minutes."}), []want{{"web01", Warn, "531006", "failback works, to the latest crash-consistent recovery point (not an app-consistent one)"}, {"db01", Pass, "", ""}}},
		{"no app-consistent point, failover health not Normal", criticalReprotected("Warning", inventory.HealthError{Code: "531006", Level: "Error", Message: "m"}), []want{{"web01", Fail, "531006", "Site Recovery reports error 531006 on web01: m"}, {"db01", Pass, "", ""}}},
	})
	s := healthy()
	itemRef(s, "web01").HealthErrors = []inventory.HealthError{{Code: "539", Message: "m", RecommendedAction: "Update the Mobility agent"}}
	rs := Run(t.Context(), []Check{ASRHealth{}}, input(s), Options{})
	if rs[1].Target != "web01" || rs[1].Fix != "Update the Mobility agent" {
		t.Errorf("an unknown code carries ASR's recommended action: %+v", rs[1])
	}
	itemRef(s, "web01").HealthErrors = []inventory.HealthError{{Code: "8061", Message: "m", RecommendedAction: "ASR's words"}}
	rs = Run(t.Context(), []Check{ASRHealth{}}, input(s), Options{})
	if rs[1].Fix != Codes["8061"].Fix || rs[1].DocURL != Codes["8061"].DocURL {
		t.Errorf("a known code carries our fix and doc: %+v", rs[1])
	}
}

func TestOSSupport(t *testing.T) {
	runCases(t, OSSupport{}, []checkCase{
		{"vCenter VM", nil, []want{{"web01", Pass, "", "web01 was discovered as vCenter, OS Linux RHEL 8"}, {"db01", Pass, "", ""}}},
		{"2008 R2 physical", func(s *inventory.Snapshot) {
			it := itemRef(s, "web01")
			it.DiscoveryType, it.OSType, it.OSName = "PhysicalMachine", "Windows", "Windows Server 2008 R2 Enterprise SP1"
		}, []want{{"web01", Fail, "", "web01 was discovered as PhysicalMachine, OS Windows Windows Server 2008 R2 Enterprise SP1: Windows Server 2008 R2 protected as a physical server cannot fail back"}, {"db01", Pass, "", ""}}},
		{"2008 R2 in vCenter", func(s *inventory.Snapshot) { itemRef(s, "web01").OSName = "Windows Server 2008 R2" },
			[]want{{"web01", Pass, "", ""}, {"db01", Pass, "", ""}}},
	})
}

func TestConfigurationServer(t *testing.T) {
	runCases(t, ConfigurationServer{}, []checkCase{
		{"answers", nil, []want{{"cs01:443", Pass, "", "TCP connection and TLS handshake to cs01:443 succeeded; the verdict holds for where this tool runs"}}},
		{"refused", func(s *inventory.Snapshot) {
			s.Probes.ConfigServer.Error = "TCP connection to cs01:443: connect: connection refused"
		}, []want{{"cs01:443", Fail, "95226",
			"TCP connection to cs01:443: connect: connection refused; the verdict holds for where this tool runs; run it from the Azure VNet"}}},
		{"not probed", func(s *inventory.Snapshot) { s.Probes.ConfigServer = nil }, []want{{"-", Error, "", "the configuration server was not probed"}}},
	})
}
