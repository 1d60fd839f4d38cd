package azure

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"
	"golang.org/x/sync/errgroup"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// Resource names an Azure resource by resource group and name.
type Resource struct {
	ResourceGroup string
	Name          string
}

// Request says what to read: the resource groups whose VMs need detail, and the vault.
type Request struct {
	ResourceGroups []string
	Vault          *Resource // nil: no Site Recovery part
	Fabrics        bool      // with the vault, also its fabrics (appliances, classic servers)
	// Detail picks the listed modernized items to read again by GET, for their disks and NICs
	// (the listing leaves them empty): the plan's. The reprotected items that go through the same
	// appliances (and through Appliances) are read too, for the appliances' disk counts. Nil reads none.
	Detail func(inventory.ProtectedItem) bool
	// Appliances are the appliances the plan names (by name), whose reprotected items Detail reads.
	Appliances []string
	// RecoveryPlans, when set, has the vault's recovery plans read (one listing), and the
	// modernized items of those it names read in full too.
	RecoveryPlans []string
}

// detailLimit is how many item GETs run at once.
const detailLimit = 8

// Collect reads every VM's power state in the subscription (one listing), the vault's protected
// items and fabrics (one listing each), the VMs of the requested resource groups and of those the items name (one
// listing each), and VM sizes per location in use (one listing each), following pages. It never
// changes anything.
func Collect(ctx context.Context, cfg Config, req Request) (*inventory.Azure, inventory.Parts, error) {
	if cfg.SubscriptionID == "" {
		return nil, nil, fmt.Errorf("no Azure subscription: set azure.subscriptionId in the plan, --subscription or AZURE_SUBSCRIPTION_ID")
	}
	cred, opts, err := cfg.clients()
	if err != nil {
		return nil, nil, err
	}
	vms, err := armcompute.NewVirtualMachinesClient(cfg.SubscriptionID, cred, opts)
	if err != nil {
		return nil, nil, err
	}
	inv := &inventory.Azure{SubscriptionID: cfg.SubscriptionID, VMs: []inventory.AzureVM{}}
	parts := inventory.Parts{}
	if err := listAll(ctx, vms, inv); err != nil {
		return nil, nil, failure(ctx, err)
	}
	groups := req.ResourceGroups
	if req.Vault != nil {
		detail := req.Detail
		if len(req.RecoveryPlans) > 0 {
			if inv.RecoveryPlans, err = recoveryPlans(ctx, cfg.SubscriptionID, cred, opts, *req.Vault); err != nil {
				parts.Fail(inventory.RecoveryPlansPart, fmt.Errorf("reading the recovery plans of vault %s/%s: %w", req.Vault.ResourceGroup, req.Vault.Name, failure(ctx, err)))
			} else {
				parts.Collect(inventory.RecoveryPlansPart)
			}
			detail = inPlans(inv.RecoveryPlans, req.RecoveryPlans, detail)
		}
		if err := protectedItems(ctx, cfg.SubscriptionID, cred, opts, inv, *req.Vault, detail, req.Appliances); err != nil {
			parts.Fail(inventory.VaultPart, fmt.Errorf("reading vault %s/%s: %w", req.Vault.ResourceGroup, req.Vault.Name, failure(ctx, err)))
		} else {
			parts.Collect(inventory.VaultPart)
		}
		if req.Fabrics {
			if inv.Fabrics, err = fabrics(ctx, cfg.SubscriptionID, cred, opts, *req.Vault); err != nil {
				parts.Fail(inventory.FabricsPart, fmt.Errorf("reading the fabrics of vault %s/%s: %w", req.Vault.ResourceGroup, req.Vault.Name, failure(ctx, err)))
			} else {
				parts.Collect(inventory.FabricsPart)
			}
		}
		for _, it := range inv.ProtectedItems {
			groups = append(groups, it.RecoveryResourceGroup)
		}
	}
	locations := map[string]bool{}
	byID := make(map[string]int, len(inv.VMs)) // lower-case ID → index in inv.VMs
	for i, vm := range inv.VMs {
		byID[strings.ToLower(vm.ID)] = i
	}
	for _, rg := range dedupe(groups) {
		if err := listGroup(ctx, vms, inv, byID, rg, locations); err != nil {
			return nil, nil, failure(ctx, err)
		}
	}
	if len(locations) > 0 {
		sizes, err := armcompute.NewVirtualMachineSizesClient(cfg.SubscriptionID, cred, opts)
		if err != nil {
			return nil, nil, err
		}
		if err := memory(ctx, sizes, inv, locations); err != nil {
			return nil, nil, failure(ctx, err)
		}
	}
	slices.SortFunc(inv.VMs, func(a, b inventory.AzureVM) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return inv, parts, nil
}

// inPlans picks the items of the named recovery plans (by ID, or by the VM ID the plan names them
// by), and those detail picks.
func inPlans(plans []inventory.RecoveryPlan, names []string, detail func(inventory.ProtectedItem) bool) func(inventory.ProtectedItem) bool {
	ids, vms := map[string]bool{}, map[string]bool{}
	for _, name := range names {
		if p := inventory.FindRecoveryPlan(plans, name); p != nil {
			for _, g := range p.Groups {
				for _, it := range g.Items {
					ids[strings.ToLower(it.ID)], vms[strings.ToLower(it.VirtualMachineID)] = true, it.VirtualMachineID != ""
				}
			}
		}
	}
	return func(it inventory.ProtectedItem) bool {
		return ids[strings.ToLower(it.ID)] || vms[strings.ToLower(it.VMID)] || detail != nil && detail(it)
	}
}

// listAll reads every VM of the subscription with its power and provisioning state.
func listAll(ctx context.Context, c *armcompute.VirtualMachinesClient, inv *inventory.Azure) error {
	pager := c.NewListAllPager(&armcompute.VirtualMachinesClientListAllOptions{StatusOnly: to.Ptr("true")})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, v := range page.Value {
			vm := inventory.AzureVM{ID: deref(v.ID), Name: deref(v.Name), Location: deref(v.Location)}
			vm.ResourceGroup = resourceGroupOf(vm.ID)
			if v.Properties != nil && v.Properties.InstanceView != nil {
				for _, s := range v.Properties.InstanceView.Statuses {
					code := deref(s.Code)
					if state, ok := strings.CutPrefix(code, "PowerState/"); ok {
						vm.PowerState = state
					} else if state, ok := strings.CutPrefix(code, "ProvisioningState/"); ok {
						vm.ProvisioningState = state
					}
				}
			}
			inv.VMs = append(inv.VMs, vm)
		}
	}
	return nil
}

// listGroup adds size, OS and tags to the VMs of one resource group.
func listGroup(ctx context.Context, c *armcompute.VirtualMachinesClient, inv *inventory.Azure, byID map[string]int, rg string, locations map[string]bool) error {
	pager := c.NewListPager(rg, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, v := range page.Value {
			vm := addVM(inv, byID, deref(v.ID), deref(v.Name), rg, deref(v.Location))
			vm.Detailed = true
			locations[vm.Location] = true
			if p := v.Properties; p != nil {
				if p.HardwareProfile != nil && p.HardwareProfile.VMSize != nil {
					vm.Size = string(*p.HardwareProfile.VMSize)
				}
				if sp := p.StorageProfile; sp != nil {
					if sp.OSDisk != nil && sp.OSDisk.OSType != nil {
						vm.OSType = string(*sp.OSDisk.OSType)
					}
					vm.DataDisks = to.Ptr(len(sp.DataDisks))
				}
			}
		}
	}
	return nil
}

// vm returns the inventory VM of the ID, adding it (and indexing it) when the subscription listing
// missed it.
func addVM(inv *inventory.Azure, byID map[string]int, id, name, rg, location string) *inventory.AzureVM {
	key := strings.ToLower(id)
	i, ok := byID[key]
	if !ok {
		i = len(inv.VMs)
		byID[key] = i
		inv.VMs = append(inv.VMs, inventory.AzureVM{ID: id, Name: name, ResourceGroup: rg, Location: location})
	}
	return &inv.VMs[i]
}

// memory sets each detailed VM's memory from the sizes offered in its location.
func memory(ctx context.Context, c *armcompute.VirtualMachineSizesClient, inv *inventory.Azure, locations map[string]bool) error {
	mb := map[string]int64{} // location/size → MB
	for _, loc := range slices.Sorted(maps.Keys(locations)) {
		pager := c.NewListPager(loc, nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, s := range page.Value {
				if s.Name != nil && s.MemoryInMB != nil {
					mb[loc+"/"+strings.ToLower(*s.Name)] = int64(*s.MemoryInMB)
				}
			}
		}
	}
	for i, vm := range inv.VMs {
		if vm.Detailed {
			inv.VMs[i].MemoryMB = mb[vm.Location+"/"+strings.ToLower(vm.Size)]
		}
	}
	return nil
}

// protectedItems reads the vault's replication protected items (one listing), then the modernized
// ones detail picks by GET, detailLimit at a time: one request per such item.
func protectedItems(ctx context.Context, sub string, cred azcore.TokenCredential, opts *arm.ClientOptions, inv *inventory.Azure, vault Resource, detail func(inventory.ProtectedItem) bool, named []string) error {
	c, err := asr.NewReplicationProtectedItemsClient(sub, cred, opts)
	if err != nil {
		return err
	}
	// v2.2.0 takes (vault name, resource group); v2.4.0 swapped them.
	pager := c.NewListPager(vault.Name, vault.ResourceGroup, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, it := range page.Value {
			inv.ProtectedItems = append(inv.ProtectedItems, decodeItem(it))
		}
	}
	if detail == nil {
		return nil
	}
	picked := make([]bool, len(inv.ProtectedItems))
	appliances := map[string]bool{} // the appliances the picked items go through, by lower-case ID, and the plan's by name
	for _, name := range named {
		appliances[strings.ToLower(name)] = true
	}
	for i, it := range inv.ProtectedItems {
		if picked[i] = it.Modernized() && detail(it); picked[i] {
			for _, id := range []string{it.ReprotectAgentID, it.ProcessServerID} {
				if id != "" {
					appliances[strings.ToLower(id)] = true
				}
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(detailLimit)
	for i := range inv.ProtectedItems {
		it := &inv.ProtectedItems[i]
		through := appliances[strings.ToLower(it.ReprotectAgentID)] || appliances[strings.ToLower(it.ReprotectAgentName)]
		if picked[i] || it.InstanceType == "InMageRcmFailback" && through {
			g.Go(func() error { getItem(ctx, c, vault, it); return nil })
		}
	}
	return g.Wait()
}

// getItem reads one item again by GET and keeps it whole; when that fails, the listed item stays,
// with the reason its disks are unknown.
func getItem(ctx context.Context, c *asr.ReplicationProtectedItemsClient, vault Resource, it *inventory.ProtectedItem) {
	id, err := arm.ParseResourceID(it.ID)
	if err != nil || id.Parent == nil || id.Parent.Parent == nil {
		it.DetailError = fmt.Sprintf("cannot read item %s by GET: its ID %q names no fabric and container", it.Name, it.ID)
		return
	}
	resp, err := c.Get(ctx, vault.Name, vault.ResourceGroup, id.Parent.Parent.Name, id.Parent.Name, id.Name, nil)
	if err != nil {
		it.DetailError = fmt.Sprintf("reading item %s: %v", it.Name, failure(ctx, err))
		return
	}
	*it = decodeGet(&resp.ReplicationProtectedItem)
}

// failure is the context's cause (which names the endpoint and --timeout) when the context ended,
// else the condensed error.
func failure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return condense(err)
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, v) }) {
			out = append(out, v)
		}
	}
	return out
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
