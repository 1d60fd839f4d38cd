package lab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	computefake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7/fake"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
	asrfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2/fake"
)

// Subscription is the lab's Azure subscription ID.
const Subscription = "00000000-0000-0000-0000-00000000cafe"

// AzureVM is a VM in the fake Azure subscription.
type AzureVM struct {
	ResourceGroup     string
	Name              string
	Location          string // default westeurope
	Size              string // default Standard_D2s_v3
	OSType            string // Linux (default) or Windows
	PowerState        string // default running
	ProvisioningState string // default succeeded
	DataDisks         int    // data disks besides the OS disk
}

// Item is a Site Recovery protected item in the fake vault. What it leaves out takes the values
// Site Recovery really reports for its provider (modernized.md): a failed-over InMageAzureV2 or
// InMageRcm item is committed, active in Recovery, and allows SwitchProtection (reprotect); a
// reprotected InMage or InMageRcmFailback item is Protected, active in Primary, and allows
// UnplannedFailover (classic) or PlannedFailover (modernized).
type Item struct {
	Name              string // on-premises machine name (the item's friendly name)
	InstanceType      string // InMageAzureV2 (default), InMageRcm, InMage or InMageRcmFailback
	ProtectionState   string
	ReplicationHealth string // default Normal
	ActiveLocation    string
	ActiveSiteType    string // InMage only: OnPrem once failed back
	AllowedOperations []string
	DiscoveryType     string // default vCenter
	OSType, OSName    string
	MemoryMB          int32
	RecoveryVM        *AzureVM // the failed-over Azure VM
	HealthErrors      []asr.HealthError

	// Appliance is the appliance a modernized item replicated through (InMageRcm) or was
	// reprotected to (InMageRcmFailback); classic items go through the classic fabric's servers.
	Appliance           string
	AgentRegistered     *bool         // modernized: after failover; default true
	AgentHeartbeatAge   time.Duration // default 1 min
	Disks               []Disk        // default one disk, replicated
	ResyncRequired      bool
	TargetDatastore     string // InMageRcmFailback
	TargetVMName        string // InMageRcmFailback; default the item's name
	OriginalDeleted     bool   // modernized: Site Recovery last saw the on-premises VM deleted
	LastPlannedFailover string // InMageRcmFailback: Succeeded, Failed…
	FailoverHealth      string // default Normal
	Job                 string // the job running on the item (its current scenario); default none
	InitialReplication  *int   // InMageRcmFailback in InitialReplicationInProgress: its progress, percent
	// SourceUUID is the instance UUID of the on-premises original (modernized): as Site Recovery
	// does, the item is then named vcenter_<SourceUUID>.
	SourceUUID string
}

// Disk is a protected disk of a lab item.
type Disk struct {
	Name               string
	SizeGB             int
	InitialReplication *bool // done; default true
	PendingMB          float64
	ProgressPercent    *int
	LastSyncAge        *time.Duration // InMageRcmFailback; default 5 min
	ResyncRequired     bool           // classic InMage
}

// ItemTypes are the providers the lab serves: classic and modernized, forward and reverse.
var ItemTypes = []string{"InMageAzureV2", "InMageRcm", "InMage", "InMageRcmFailback"}

// WithDefaults fills in what the item leaves out with the real states of its provider.
func (it Item) WithDefaults() Item {
	it.InstanceType = cmp.Or(it.InstanceType, "InMageAzureV2")
	it.ReplicationHealth = cmp.Or(it.ReplicationHealth, "Normal")
	it.DiscoveryType = cmp.Or(it.DiscoveryType, "vCenter")
	switch it.InstanceType {
	case "InMage", "InMageRcmFailback":
		it.ProtectionState, it.ActiveLocation = cmp.Or(it.ProtectionState, "Protected"), cmp.Or(it.ActiveLocation, "Primary")
		if it.InitialReplication != nil && it.InstanceType == "InMageRcmFailback" { // as recorded: only DisableProtection allowed
			it.ProtectionState = "InitialReplicationInProgress"
			if it.AllowedOperations == nil {
				it.AllowedOperations = []string{"DisableProtection"}
			}
		}
		if it.AllowedOperations == nil {
			failover := "UnplannedFailover"
			if it.InstanceType == "InMageRcmFailback" {
				failover = "PlannedFailover"
			}
			it.AllowedOperations = []string{failover, "DisableProtection"}
		}
	default:
		it.ProtectionState, it.ActiveLocation = cmp.Or(it.ProtectionState, "UnplannedFailoverCommitted"), cmp.Or(it.ActiveLocation, "Recovery")
		if it.AllowedOperations == nil {
			it.AllowedOperations = []string{"CompleteMigration", "DisableProtection", "SwitchProtection"}
		}
	}
	return it
}

// Azure is a fake Azure Resource Manager built from the SDK's official fake servers.
type Azure struct {
	Subscription  string
	VMs           []AzureVM
	Sizes         map[string]int32 // VM size → memory MB, offered in every location
	VaultGroup    string
	Vault         string
	Items         []Item
	Appliances    []Appliance    // the modernized fabric's, when any
	Classic       *ClassicFabric // the classic fabric, when any
	RecoveryPlans []RecoveryPlan
	PageSize      int // items per page in every listing; default 50

	// Guest is what the Run Command probe prints in each VM (by name); default: all well.
	Guest map[string]string
	// RunCommands records every Run Command input received, for tests.
	RunCommands []armcompute.RunCommandInput

	// Requests counts the ARM requests served.
	Requests atomic.Int64
	// ThrottleOnce makes the next request answer 429 with Retry-After: 1 (HTTP server only).
	ThrottleOnce atomic.Bool
	mu           sync.Mutex
}

func (a *Azure) pageSize() int { return cmp.Or(a.PageSize, 50) }

func (vm AzureVM) withDefaults() AzureVM {
	vm.Location = cmp.Or(vm.Location, "westeurope")
	vm.Size = cmp.Or(vm.Size, "Standard_D2s_v3")
	vm.OSType = cmp.Or(vm.OSType, "Linux")
	vm.PowerState = cmp.Or(vm.PowerState, "running")
	vm.ProvisioningState = cmp.Or(vm.ProvisioningState, "succeeded")
	return vm
}

func (a *Azure) vmID(vm AzureVM) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachines/%s", a.Subscription, vm.ResourceGroup, vm.Name)
}

// model turns a lab VM into the ARM model, with its status or its details.
func (a *Azure) model(vm AzureVM, status bool) *armcompute.VirtualMachine {
	vm = vm.withDefaults()
	m := &armcompute.VirtualMachine{ID: to.Ptr(a.vmID(vm)), Name: to.Ptr(vm.Name), Location: to.Ptr(vm.Location), Properties: &armcompute.VirtualMachineProperties{}}
	if status {
		m.Properties.InstanceView = &armcompute.VirtualMachineInstanceView{Statuses: []*armcompute.InstanceViewStatus{
			{Code: to.Ptr("ProvisioningState/" + vm.ProvisioningState)}, {Code: to.Ptr("PowerState/" + vm.PowerState)}}}
		return m
	}
	size := armcompute.VirtualMachineSizeTypes(vm.Size)
	os := armcompute.OperatingSystemTypes(vm.OSType)
	m.Properties.HardwareProfile = &armcompute.HardwareProfile{VMSize: &size}
	m.Properties.StorageProfile = &armcompute.StorageProfile{OSDisk: &armcompute.OSDisk{OSType: &os}}
	for lun := range vm.DataDisks {
		m.Properties.StorageProfile.DataDisks = append(m.Properties.StorageProfile.DataDisks, &armcompute.DataDisk{Lun: to.Ptr(int32(lun))})
	}
	m.Tags = map[string]*string{"asr-preflight-lab": to.Ptr("true")}
	return m
}

// pages splits n items into pages of the lab's page size and adds each with add.
func pages(n, size int, add func(from, to int)) {
	if n == 0 {
		add(0, 0)
		return
	}
	for from := 0; from < n; from += size {
		add(from, min(from+size, n))
	}
}

// Transport serves the fakes in-process, for arm.ClientOptions.Transport.
func (a *Azure) Transport() policy.Transporter {
	compute := computefake.NewServerFactoryTransport(&computefake.ServerFactory{
		VirtualMachinesServer:     computefake.VirtualMachinesServer{NewListAllPager: a.listAll, NewListPager: a.listGroup, BeginRunCommand: a.runCommand},
		VirtualMachineSizesServer: computefake.VirtualMachineSizesServer{NewListPager: a.listSizes},
	})
	rec := asrfake.NewServerFactoryTransport(&asrfake.ServerFactory{
		ReplicationProtectedItemsServer: asrfake.ReplicationProtectedItemsServer{NewListPager: a.listItems, Get: a.getItem},
		ReplicationFabricsServer:        asrfake.ReplicationFabricsServer{NewListPager: a.listFabrics},
		ReplicationRecoveryPlansServer:  asrfake.ReplicationRecoveryPlansServer{NewListPager: a.listRecoveryPlans},
	})
	var one sync.Mutex // the fakes' pagers are kept per request: two alike at once race (a pager's Next)
	return transportFunc(func(req *http.Request) (*http.Response, error) {
		one.Lock()
		defer one.Unlock()
		a.Requests.Add(1)
		// The fakes panic (send on a closed channel) when a request's context is cancelled while
		// they answer (Azure/azure-sdk-for-go#25895); they answer from memory, so let them finish.
		req = req.WithContext(context.WithoutCancel(req.Context()))
		name, _ := req.Context().Value(runtime.CtxAPINameKey{}).(string)
		if strings.HasPrefix(name, "ReplicationProtectedItemsClient.") || strings.HasPrefix(name, "ReplicationFabricsClient.") ||
			strings.HasPrefix(name, "ReplicationRecoveryPlansClient.") {
			return rec.Do(req)
		}
		return compute.Do(req)
	})
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

func (a *Azure) listAll(*armcompute.VirtualMachinesClientListAllOptions) (resp azfake.PagerResponder[armcompute.VirtualMachinesClientListAllResponse]) {
	a.mu.Lock()
	defer a.mu.Unlock()
	pages(len(a.VMs), a.pageSize(), func(from, to int) {
		var page armcompute.VirtualMachinesClientListAllResponse
		for _, vm := range a.VMs[from:to] {
			page.Value = append(page.Value, a.model(vm, true))
		}
		resp.AddPage(http.StatusOK, page, nil)
	})
	return resp
}

func (a *Azure) listGroup(rg string, _ *armcompute.VirtualMachinesClientListOptions) (resp azfake.PagerResponder[armcompute.VirtualMachinesClientListResponse]) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var in []AzureVM
	for _, vm := range a.VMs {
		if strings.EqualFold(vm.ResourceGroup, rg) {
			in = append(in, vm)
		}
	}
	pages(len(in), a.pageSize(), func(from, to int) {
		var page armcompute.VirtualMachinesClientListResponse
		for _, vm := range in[from:to] {
			page.Value = append(page.Value, a.model(vm, false))
		}
		resp.AddPage(http.StatusOK, page, nil)
	})
	return resp
}

func (a *Azure) runCommand(_ context.Context, _ string, vm string, in armcompute.RunCommandInput, _ *armcompute.VirtualMachinesClientBeginRunCommandOptions) (resp azfake.PollerResponder[armcompute.VirtualMachinesClientRunCommandResponse], errResp azfake.ErrorResponder) {
	a.mu.Lock()
	a.RunCommands = append(a.RunCommands, in)
	out, ok := a.Guest[vm]
	a.mu.Unlock()
	if !ok {
		out = "service=Running\nport=open"
	}
	var res armcompute.VirtualMachinesClientRunCommandResponse
	res.Value = []*armcompute.InstanceViewStatus{{Code: to.Ptr("ProvisioningState/succeeded"), Message: to.Ptr(out)}}
	resp.SetTerminalResponse(http.StatusOK, res, nil)
	return resp, errResp
}

func (a *Azure) listSizes(string, *armcompute.VirtualMachineSizesClientListOptions) (resp azfake.PagerResponder[armcompute.VirtualMachineSizesClientListResponse]) {
	var page armcompute.VirtualMachineSizesClientListResponse
	for name, mb := range a.Sizes {
		page.Value = append(page.Value, &armcompute.VirtualMachineSize{Name: to.Ptr(name), MemoryInMB: to.Ptr(mb)})
	}
	resp.AddPage(http.StatusOK, page, nil)
	return resp
}

// isVault tells whether a request names the lab's vault (resource group names are not case-sensitive).
func (a *Azure) isVault(vault, rg string) bool {
	return vault == a.Vault && strings.EqualFold(rg, a.VaultGroup)
}

// vaultPages answers a listing of n things of the vault, a page of the lab's size at a time, each
// built by page; another vault is not found.
func vaultPages[R any](a *Azure, vault, rg string, n int, page func(from, to int) R) (resp azfake.PagerResponder[R]) {
	if !a.isVault(vault, rg) {
		resp.AddResponseError(http.StatusNotFound, "ResourceNotFound")
		return resp
	}
	pages(n, a.pageSize(), func(from, to int) { resp.AddPage(http.StatusOK, page(from, to), nil) })
	return resp
}

func (a *Azure) listItems(vault, rg string, _ *asr.ReplicationProtectedItemsClientListOptions) azfake.PagerResponder[asr.ReplicationProtectedItemsClientListResponse] {
	a.mu.Lock()
	defer a.mu.Unlock()
	return vaultPages(a, vault, rg, len(a.Items), func(from, to int) (page asr.ReplicationProtectedItemsClientListResponse) {
		for _, it := range a.Items[from:to] {
			page.Value = append(page.Value, listed(a.item(it)))
		}
		return page
	})
}

// listed is an item as the listing returns it: as Site Recovery really lists them, modernized
// items come without their disks and NICs (modernized.md); only their GET has them.
func listed(it *asr.ReplicationProtectedItem) *asr.ReplicationProtectedItem {
	switch d := it.Properties.ProviderSpecificDetails.(type) {
	case *asr.InMageRcmReplicationDetails:
		d.ProtectedDisks, d.VMNics = []*asr.InMageRcmProtectedDiskDetails{}, []*asr.InMageRcmNicDetails{}
	case *asr.InMageRcmFailbackReplicationDetails:
		d.ProtectedDisks, d.VMNics = []*asr.InMageRcmFailbackProtectedDiskDetails{}, []*asr.InMageRcmFailbackNicDetails{}
	}
	return it
}

// The lab fabric and container every item belongs to.
const (
	labFabric    = "lab-vmwarefabric"
	labContainer = "lab-replicationcontainer"
)

func (a *Azure) getItem(_ context.Context, vault, rg, fabric, container, name string, _ *asr.ReplicationProtectedItemsClientGetOptions) (resp azfake.Responder[asr.ReplicationProtectedItemsClientGetResponse], errResp azfake.ErrorResponder) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.isVault(vault, rg) && fabric == labFabric && container == labContainer {
		for _, it := range a.Items {
			if itemName(it) == name {
				resp.SetResponse(http.StatusOK, asr.ReplicationProtectedItemsClientGetResponse{ReplicationProtectedItem: *a.item(it)}, nil)
				return resp, errResp
			}
		}
	}
	errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
	return resp, errResp
}

// item turns a lab item into the ARM model, with the provider details of its instance type.
func (a *Azure) item(it Item) *asr.ReplicationProtectedItem {
	it = it.WithDefaults()
	p := &asr.ReplicationProtectedItemProperties{
		FriendlyName:      to.Ptr(it.Name),
		ProtectionState:   to.Ptr(it.ProtectionState),
		ReplicationHealth: to.Ptr(it.ReplicationHealth),
		FailoverHealth:    to.Ptr(cmp.Or(it.FailoverHealth, "Normal")),
		CurrentScenario:   &asr.CurrentScenarioDetails{ScenarioName: to.Ptr(cmp.Or(it.Job, "None"))},
		ActiveLocation:    to.Ptr(it.ActiveLocation),
	}
	for _, op := range it.AllowedOperations {
		p.AllowedOperations = append(p.AllowedOperations, to.Ptr(op))
	}
	if it.ProtectionState != "Protected" || it.InstanceType == "InMage" || it.InstanceType == "InMageRcmFailback" {
		// failed over: the agent's heartbeat stops near the failover, as recorded
		p.LastSuccessfulFailoverTime = to.Ptr(time.Now().UTC().Add(-cmp.Or(it.AgentHeartbeatAge, time.Minute) + 30*time.Second))
	}
	for i := range it.HealthErrors {
		p.HealthErrors = append(p.HealthErrors, &it.HealthErrors[i])
	}
	var azureID, rgID, vmName *string
	if vm := it.RecoveryVM; vm != nil {
		azureID, vmName = to.Ptr(a.vmID(*vm)), to.Ptr(vm.Name)
		rgID = to.Ptr(fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", a.Subscription, vm.ResourceGroup))
	}
	discovery := &it.DiscoveryType
	now := time.Now().UTC()
	heartbeat := to.Ptr(now.Add(-cmp.Or(it.AgentHeartbeatAge, time.Minute)))
	apID, apName := to.Ptr(Appliance{Name: it.Appliance}.ID()), to.Ptr(it.Appliance)
	registered := cmp.Or(it.AgentRegistered, to.Ptr(true))
	originalDatastores := []*string{to.Ptr(it.TargetDatastore)} // the original VM's, as Site Recovery last discovered them
	switch it.InstanceType {
	case "InMage":
		d := &asr.InMageReplicationDetails{InstanceType: to.Ptr("InMage"), DiscoveryType: discovery, OSVersion: to.Ptr(it.OSName), VMID: to.Ptr(vmID(it)),
			OSDetails: &asr.OSDiskDetails{OSType: to.Ptr(it.OSType)}, SourceVMRAMSizeInMB: to.Ptr(it.MemoryMB),
			ProcessServerID: to.Ptr(ClassicProcessServerID), MasterTargetID: to.Ptr(ClassicMasterTargetID), LastHeartbeat: heartbeat}
		if it.ActiveSiteType != "" {
			d.ActiveSiteType = to.Ptr(it.ActiveSiteType)
		}
		for _, disk := range it.Disks {
			resync := "No"
			if disk.ResyncRequired {
				resync = "Yes"
			}
			d.ProtectedDisks = append(d.ProtectedDisks, &asr.InMageProtectedDiskDetails{DiskName: to.Ptr(disk.Name),
				DiskCapacityInBytes: to.Ptr(int64(disk.SizeGB) << 30), ProtectionStage: to.Ptr("DifferentialSync"), ResyncRequired: to.Ptr(resync)})
		}
		p.ProviderSpecificDetails = d
	case "InMageRcm":
		d := &asr.InMageRcmReplicationDetails{InstanceType: to.Ptr("InMageRcm"), DiscoveryType: discovery, InternalIdentifier: to.Ptr(vmID(it)),
			OSType: to.Ptr(it.OSType), AllocatedMemoryInMB: to.Ptr(float64(it.MemoryMB)), TargetVMName: vmName, TargetResourceGroupID: rgID,
			ProcessServerID: apID, ProcessServerName: apName, IsAgentRegistrationSuccessfulAfterFailover: registered,
			MobilityAgentDetails: &asr.InMageRcmMobilityAgentDetails{LastHeartbeatUTC: heartbeat, Version: to.Ptr("9.62.0.0")},
			ResyncRequired:       to.Ptr(strconv.FormatBool(it.ResyncRequired))}
		d.DiscoveredVMDetails = &asr.InMageRcmDiscoveredProtectedVMDetails{Datastores: originalDatastores, IsDeleted: &it.OriginalDeleted, PowerStatus: to.Ptr("OFF")}
		for _, disk := range it.Disks {
			d.ProtectedDisks = append(d.ProtectedDisks, &asr.InMageRcmProtectedDiskDetails{DiskName: to.Ptr(disk.Name), CapacityInBytes: to.Ptr(int64(disk.SizeGB) << 30),
				IsInitialReplicationComplete: to.Ptr("true")})
		}
		p.ProviderSpecificDetails = d
	case "InMageRcmFailback":
		d := &asr.InMageRcmFailbackReplicationDetails{InstanceType: to.Ptr("InMageRcmFailback"), OSType: to.Ptr(it.OSType), AzureVirtualMachineID: azureID, InternalIdentifier: to.Ptr(vmID(it)),
			ReprotectAgentID: apID, ReprotectAgentName: apName, TargetDataStoreName: to.Ptr(it.TargetDatastore), TargetVMName: to.Ptr(cmp.Or(it.TargetVMName, it.Name)),
			TargetvCenterID: to.Ptr("lab-vcenter"), IsAgentRegistrationSuccessfulAfterFailover: registered, ResyncRequired: to.Ptr(strconv.FormatBool(it.ResyncRequired)),
			MobilityAgentDetails: &asr.InMageRcmFailbackMobilityAgentDetails{LastHeartbeatUTC: heartbeat, Version: to.Ptr("9.62.0.0")}}
		if it.LastPlannedFailover != "" {
			d.LastPlannedFailoverStatus = to.Ptr(asr.PlannedFailoverStatus(it.LastPlannedFailover))
		}
		if it.InitialReplication != nil {
			d.InitialReplicationProgressPercentage = to.Ptr(int32(*it.InitialReplication))
			d.InitialReplicationProgressHealth = to.Ptr(asr.VMReplicationProgressHealthInProgress)
		}
		d.DiscoveredVMDetails = &asr.InMageRcmFailbackDiscoveredProtectedVMDetails{Datastores: originalDatastores, IsDeleted: &it.OriginalDeleted, PowerStatus: to.Ptr("OFF")}
		done := int32(100)
		for _, disk := range it.Disks {
			ir := cmp.Or(disk.InitialReplication, to.Ptr(true))
			progress := &done
			if disk.ProgressPercent != nil {
				progress = to.Ptr(int32(*disk.ProgressPercent))
			}
			lastSync := 5 * time.Minute
			if disk.LastSyncAge != nil {
				lastSync = *disk.LastSyncAge
			}
			d.ProtectedDisks = append(d.ProtectedDisks, &asr.InMageRcmFailbackProtectedDiskDetails{DiskName: to.Ptr(disk.Name),
				CapacityInBytes: to.Ptr(int64(disk.SizeGB) << 30), IsInitialReplicationComplete: to.Ptr(strconv.FormatBool(*ir)),
				DataPendingInLogDataStoreInMB: to.Ptr(disk.PendingMB), LastSyncTime: to.Ptr(now.Add(-lastSync)),
				IrDetails: &asr.InMageRcmFailbackSyncDetails{ProgressPercentage: progress}})
		}
		p.ProviderSpecificDetails = d
	default:
		d := &asr.InMageAzureV2ReplicationDetails{InstanceType: to.Ptr("InMageAzureV2"), DiscoveryType: discovery,
			OSType: to.Ptr(it.OSType), OSName: to.Ptr(it.OSName), SourceVMRAMSizeInMB: to.Ptr(it.MemoryMB),
			RecoveryAzureVMName: vmName, TargetVMID: azureID, RecoveryAzureResourceGroupID: rgID, VMID: to.Ptr(vmID(it)),
			ProcessServerID: to.Ptr(ClassicProcessServerID), MasterTargetID: to.Ptr(ClassicMasterTargetID), LastHeartbeat: heartbeat, AgentVersion: to.Ptr("9.55.0.0")}
		for _, disk := range it.Disks {
			d.ProtectedDisks = append(d.ProtectedDisks, &asr.InMageAzureV2ProtectedDiskDetails{DiskName: to.Ptr(disk.Name), DiskCapacityInBytes: to.Ptr(int64(disk.SizeGB) << 30)})
		}
		p.ProviderSpecificDetails = d
	}
	name := itemName(it)
	id := fmt.Sprintf("/Subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s/replicationFabrics/%s/replicationProtectionContainers/%s/replicationProtectedItems/%s",
		a.Subscription, a.VaultGroup, a.Vault, labFabric, labContainer, name)
	return &asr.ReplicationProtectedItem{ID: &id, Name: &name, Properties: p}
}

// itemName is the ARM name of a lab item.
func itemName(it Item) string {
	if it.SourceUUID != "" {
		return "vcenter_" + it.SourceUUID
	}
	return strings.ToLower(it.Name) + "-item"
}

// routes maps ARM request paths to the SDK operation the fakes dispatch on.
var routes = []struct {
	method string
	path   *regexp.Regexp
	api    string
}{
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/providers/Microsoft\.Compute/virtualMachines(/fake_page_\d+)?$`), "VirtualMachinesClient.NewListAllPager"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/virtualMachines(/fake_page_\d+)?$`), "VirtualMachinesClient.NewListPager"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/providers/Microsoft\.Compute/locations/[^/]+/vmSizes(/fake_page_\d+)?$`), "VirtualMachineSizesClient.NewListPager"},
	{http.MethodPost, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/virtualMachines/[^/]+/runCommand$`), "VirtualMachinesClient.BeginRunCommand"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.RecoveryServices/vaults/[^/]+/replicationProtectedItems(/fake_page_\d+)?$`), "ReplicationProtectedItemsClient.NewListPager"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.RecoveryServices/vaults/[^/]+/replicationFabrics(/fake_page_\d+)?$`), "ReplicationFabricsClient.NewListPager"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.RecoveryServices/vaults/[^/]+/replicationFabrics/[^/]+/replicationProtectionContainers/[^/]+/replicationProtectedItems/[^/]+$`), "ReplicationProtectedItemsClient.Get"},
	{http.MethodGet, regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.RecoveryServices/vaults/[^/]+/replicationRecoveryPlans(/fake_page_\d+)?$`), "ReplicationRecoveryPlansClient.NewListPager"},
}

// Serve serves the fakes over plain HTTP on 127.0.0.1, for the real binary to reach through
// AZURE_RESOURCE_MANAGER_ENDPOINT.
func (a *Azure) Serve() *httptest.Server {
	tr := a.Transport()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.ThrottleOnce.CompareAndSwap(true, false) {
			a.Requests.Add(1)
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"error":{"code":"TooManyRequests","message":"lab throttling"}}`, http.StatusTooManyRequests)
			return
		}
		api := ""
		for _, rt := range routes {
			if rt.method == r.Method && rt.path.MatchString(r.URL.Path) {
				api = rt.api
			}
		}
		if api == "" {
			http.Error(w, `{"error":{"code":"NotFound","message":"the lab does not serve `+r.Method+" "+r.URL.Path+`"}}`, http.StatusNotFound)
			return
		}
		req := r.Clone(context.WithValue(r.Context(), runtime.CtxAPINameKey{}, api))
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", r.Host, ""
		resp, err := tr.Do(req)
		var re *azcore.ResponseError
		switch {
		case errors.As(err, &re):
			http.Error(w, fmt.Sprintf(`{"error":{"code":%q}}`, re.ErrorCode), re.StatusCode)
			return
		case err != nil:
			http.Error(w, `{"error":{"code":"LabError","message":`+fmt.Sprintf("%q", err.Error())+`}}`, http.StatusInternalServerError)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
}

// The lab's resource groups and vault.
const (
	DRGroup    = "rg-dr"
	VaultGroup = "rg-asr"
	VaultName  = "vault01"
)

// ConfigServer stands in for the configuration server: it accepts TLS connections on 127.0.0.1.
func ConfigServer() *httptest.Server {
	return httptest.NewTLSServer(http.NotFoundHandler())
}
