package checks

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
)

// CodeInfo is what the catalog knows of an ASR error code.
type CodeInfo struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Cause    string `json:"cause"`
	Symptoms string `json:"symptoms"`
	Fix      string `json:"fix"`
	DocURL   string `json:"docUrl"`
	// Modernized is what applies instead to a machine of the modernized architecture (one
	// replication appliance, no configuration, process or master target server); an empty field
	// is the classic one's. Nil for a classic code.
	Modernized *Advice `json:"modernized,omitempty"`
	// Classic marks a code that only classic components raise (configuration, process or master
	// target server): it has no modernized advice.
	Classic bool `json:"classicOnly,omitempty"`
}

// Advice is a code's cause, fix and documentation for one architecture.
type Advice struct {
	Cause  string `json:"cause,omitempty"`
	Fix    string `json:"fix,omitempty"`
	DocURL string `json:"docUrl"`
}

// For returns the code's cause, fix and documentation for the architecture.
func (c CodeInfo) For(modernized bool) Advice {
	a := Advice{Cause: c.Cause, Fix: c.Fix, DocURL: c.DocURL}
	if m := c.Modernized; modernized && m != nil {
		a = Advice{Cause: cmp.Or(m.Cause, a.Cause), Fix: cmp.Or(m.Fix, a.Fix), DocURL: cmp.Or(m.DocURL, a.DocURL)}
	}
	return a
}

// modernizedURLs are the service URLs a modernized Mobility agent and appliance must reach.
const modernizedURLs = "*.hypervrecoverymanager.windowsazure.com, *.servicebus.windows.net, *.blob.core.windows.net, *.backup.windowsazure.com and *.vault.azure.net"

const (
	docBase           = "https://learn.microsoft.com/azure/site-recovery/"
	docFailback       = docBase + "vmware-azure-troubleshoot-failback-reprotect"
	docReplication    = docBase + "vmware-azure-troubleshoot-replication"
	docPrepare        = docBase + "vmware-azure-prepare-failback"
	docSupportMatrx   = docBase + "vmware-physical-azure-support-matrix"
	docModernized     = docBase + "failover-failback-overview-modernized"
	docMigrate        = docBase + "move-from-classic-to-modernized-vmware-disaster-recovery"
	docAppliance      = docBase + "deploy-vmware-azure-replication-appliance-modernized"
	docTutorialModern = docBase + "vmware-azure-tutorial-failover-failback-modernized"
	docArchModern     = docBase + "vmware-azure-architecture-modernized"
	docSetUpModern    = docBase + "vmware-azure-set-up-replication-tutorial-modernized"
)

// Codes is the catalog of ASR error codes the tool predicts or explains, keyed by code.
var Codes = map[string]CodeInfo{
	"95226": {
		Code:     "95226",
		Title:    "Reprotect failed: the Azure VM could not reach the on-premises configuration server",
		Cause:    "The failed-over Azure VM cannot connect to the configuration server (no site-to-site VPN or ExpressRoute private peering, or port 443 blocked), or the InMage Scout Application service is not running in the Azure VM.",
		Symptoms: "Reprotect fails; the VM cannot be discovered and registered with the configuration server.",
		Fix:      "Give the Azure VM's network a path to the configuration server on TCP 443 (site-to-site VPN or ExpressRoute private peering). Then sign in to the VM, start the InMage Scout Application service and set its startup type to Automatic.",
		DocURL:   docFailback + "#error-code-95226",
		Classic:  true,
	},
	"78052": {
		Code:     "78052",
		Title:    "Protection could not be completed: a VM of the same name exists on the master target's ESXi host",
		Cause:    "Reprotect creates the VM on the master target server's ESXi host; another VM there already carries the protected VM's name.",
		Symptoms: "Reprotect fails with \"Protection couldn't be completed for the virtual machine\".",
		Fix:      "Pick a master target server on another ESXi host, or vMotion the master target to a host with no name conflict. If the existing VM is an orphan, rename it so the new VM can be created on the same host.",
		DocURL:   docFailback + "#error-code-78052",
		Modernized: &Advice{
			Cause:  "Failback to an alternate location creates a new VM under the target VM name in the vCenter the replication appliance discovers; another VM there already carries that name.",
			Fix:    "Rename or remove the VM that carries the name, or fail back under another target VM name.",
			DocURL: docTutorialModern,
		},
	},
	"78093": {
		Code:     "78093",
		Title:    "The VM is not running, is hung, or cannot be reached",
		Cause:    "Reprotect needs the failed-over Azure VM running so that its Mobility service can register with the configuration server and talk to the process server.",
		Symptoms: "Reprotect fails: the VM is stopped, deallocated, unresponsive, or on the wrong network.",
		Fix:      "Start (or restart) the Azure VM so it can talk to on-premises again, then retry reprotect.",
		DocURL:   docFailback + "#error-code-78093",
		Modernized: &Advice{
			Cause:  "Reprotect needs the failed-over Azure VM running, so that its Mobility agent re-registers with Site Recovery and replicates back through the replication appliance.",
			Fix:    "Start (or restart) the Azure VM, check its Mobility agent reaches " + modernizedURLs + ", then retry reprotect.",
			DocURL: docModernized,
		},
	},
	"8061": {
		Code:     "8061",
		Title:    "The datastore is not accessible from the ESXi host",
		Cause:    "The datastore chosen for reprotect or failback is not mounted, not accessible, or not writable on the master target's ESXi host.",
		Symptoms: "Reprotect fails; the datastore cannot be used by the master target.",
		Fix:      "Mount the datastore read/write on the master target's ESXi host, and check the master target prerequisites and supported datastores (VMFS or vSAN).",
		DocURL:   docPrepare + "#deploy-a-separate-master-target-server",
		Modernized: &Advice{
			Cause:  "The datastore chosen for reprotect or failback is not mounted read-write and accessible on the ESXi host, or is not among the datastores the replication appliance's reprotect agent can reach.",
			Fix:    "Mount the datastore read-write on the ESXi host (VMFS or vSAN), or choose one the appliance reaches; make new datastores visible to the appliance's vCenter and let the appliance rediscover it.",
			DocURL: docTutorialModern,
		},
	},
	"8038": {
		Code:       "8038",
		Title:      "The on-premises VM could not be brought up: not enough memory on the host",
		Cause:      "Failback powers the VM on on an ESXi host that does not have enough free memory for it.",
		Symptoms:   "Failback fails with \"Failed to bring up the on-premises virtual machine due to the error\".",
		Fix:        "Provision more memory on the ESXi host, or vMotion the VM to an ESXi host with enough free memory to boot it.",
		DocURL:     docFailback + "#error-code-8038",
		Modernized: &Advice{DocURL: docTutorialModern},
	},
	"806": {
		Code:     "806",
		Title:    "The process server has no heartbeat",
		Cause:    "The process server stopped reporting to the configuration server (services stopped, host down, or TCP 443 to the configuration server blocked).",
		Symptoms: "Replication health turns critical; reprotect and failback stall.",
		Fix:      "Check that the process server is running and its services (cxprocessserver, InMage PushInstall, tmansvc) are started, and that it reaches the configuration server on TCP 443.",
		DocURL:   docReplication,
		Modernized: &Advice{
			Cause:  "The replication appliance stopped sending heartbeats to Site Recovery (appliance VM off, its services stopped, or no path to Azure).",
			Fix:    "Check the replication appliance VM runs, its services are started, and it reaches " + modernizedURLs + " on TCP 443.",
			DocURL: docAppliance,
		},
	},
	"78022": {
		Code:     "78022",
		Title:    "The master target server has no heartbeat",
		Cause:    "The master target server stopped reporting to the configuration server (VM powered off, services stopped, or network blocked).",
		Symptoms: "Reprotected VMs stop replicating to on-premises; failback cannot start.",
		Fix:      "Power on the master target VM, make sure its Site Recovery services run, and that it reaches the configuration server on TCP 443.",
		DocURL:   docReplication,
		Classic:  true,
	},
	"78174": {
		Code:     "78174",
		Title:    "The source machine has no heartbeat",
		Cause:    "The protected machine's Mobility service stopped reporting (machine off, service stopped, or no network path to the process server and configuration server).",
		Symptoms: "Replication health turns critical; reprotect does not progress.",
		Fix:      "Start the machine and its Mobility service (InMage Scout Application Service / svagents), and check it reaches the configuration server on 443 and the process server on 9443.",
		DocURL:   docReplication,
		Modernized: &Advice{
			Cause:  "The failed-over machine's Mobility agent did not re-register with Site Recovery after failover (machine off, agent service stopped, or no path to Site Recovery's URLs); reprotect cannot drive it.",
			Fix:    "Sign in to the Azure VM, check the Mobility agent service runs and reaches " + modernizedURLs + " on TCP 443, then wait for it to re-register.",
			DocURL: docModernized,
		},
	},
	"78186": {
		Code:     "78186",
		Title:    "The process server cannot be reached",
		Cause:    "The protected machine cannot reach the process server's data port (TCP 9443).",
		Symptoms: "Replication stalls; no data reaches the process server.",
		Fix:      "Open TCP 9443 from the machine to the process server (firewall, NSG, routing) and check the process server is running.",
		DocURL:   docReplication,
		Classic:  true,
	},
	"161011": {
		Code:     "161011",
		Title:    "No test failover has been done for the machine",
		Cause:    "Site Recovery recommends a test failover to validate the recovery plan; none was run in the period it expects (a warning on healthy modernized items).",
		Symptoms: "Replication health shows a warning; replication itself is unaffected.",
		Fix:      "Run a test failover of the machine (or its recovery plan) into an isolated network, then clean it up.",
		DocURL:   docTutorialModern,
	},
	"325091": {
		Code:       "325091",
		Title:      "No recent crash-consistent recovery point",
		Cause:      "Site Recovery has not received a crash-consistent recovery point within the replication policy's window: data is not flowing from the machine (agent, appliance or network).",
		Symptoms:   "Replication health turns critical; the latest recovery point grows old, so a failover or failback would lose more data.",
		Fix:        "Check the Mobility agent on the machine and the appliance's process server (health, heartbeat, free space, throughput) and the network between them, then wait for a fresh recovery point.",
		DocURL:     docReplication,
		Modernized: &Advice{DocURL: docArchModern},
	},
	"325092": {
		Code:       "325092",
		Title:      "No recent app-consistent recovery point",
		Cause:      "Site Recovery has not received an application-consistent recovery point within the replication policy's window (VSS or pre-script failures in the guest, or data not flowing).",
		Symptoms:   "Replication health turns critical or warns; app-consistent recovery points are missing.",
		Fix:        "Check VSS (Windows) or the consistency scripts (Linux) in the guest and the Mobility agent's logs; make sure crash-consistent points arrive first.",
		DocURL:     docReplication,
		Modernized: &Advice{DocURL: docArchModern},
	},
	"531006": {
		Code:       "531006",
		Title:      "No recent app-consistent recovery point",
		Cause:      "No application-consistent recovery point arrived within the policy's window (3,600 minutes as recorded): VSS or the consistency scripts fail in the guest, or replication is delayed. Crash-consistent points still arrive.",
		Symptoms:   "A reprotected item shows replication health Critical while its failover health stays Normal and PlannedFailover is allowed; failback works, to a crash-consistent recovery point.",
		Fix:        "Fail back to the latest crash-consistent recovery point if that is acceptable for the workload; otherwise fix VSS (Windows) or the consistency scripts (Linux) in the VM, or set the policy's app-consistent frequency to zero if you do not need app consistency.",
		DocURL:     docReplication,
		Modernized: &Advice{DocURL: docArchModern},
	},
	"548004": {
		Code:       "548004",
		Title:      "Site Recovery is recomputing the replication health",
		Cause:      "Information only: Site Recovery is recalculating the item's replication health (seen on healthy reprotected items).",
		Symptoms:   "An information entry on the item; nothing is wrong.",
		Fix:        "Nothing to do; the entry clears by itself.",
		DocURL:     docReplication,
		Modernized: &Advice{DocURL: docArchModern},
	},
	"310056": {
		Code:       "310056",
		Title:      "Enabling replication failed",
		Cause:      "The enable-replication job for the machine failed (agent installation, credentials, appliance or network), so the item never started replicating.",
		Symptoms:   "The item stays in EnablingFailed; only DisableProtection is allowed; no failover, reprotect or failback is possible.",
		Fix:        "Open the failed job in the vault for the underlying error, fix it, disable replication for the item and enable it again.",
		DocURL:     docReplication,
		Modernized: &Advice{DocURL: docSetUpModern},
	},
}

// KnownCodes returns the catalog's codes in numeric order.
func KnownCodes() []string {
	return slices.SortedFunc(maps.Keys(Codes), func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return cmp.Compare(x, y)
	})
}
