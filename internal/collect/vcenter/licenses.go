package vcenter

import (
	"context"

	"github.com/vmware/govmomi/license"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// queryLicenses reads every licence assignment in one query.
func queryLicenses(ctx context.Context, vc *vim25.Client) ([]types.LicenseAssignmentManagerLicenseAssignment, error) {
	am, err := license.NewManager(vc).AssignmentManager(ctx)
	if err != nil {
		return nil, err
	}
	return am.QueryAssigned(ctx, "") // "" asks for every entity at once
}

// attachLicenses gives each host its licence.
func attachLicenses(inv *inventory.VCenter, assigned []types.LicenseAssignmentManagerLicenseAssignment) {
	byRef := map[string]inventory.License{}
	for _, a := range assigned {
		byRef[a.EntityId] = inventory.License{EditionKey: a.AssignedLicense.EditionKey, Name: a.AssignedLicense.Name}
	}
	for i, h := range inv.Hosts {
		if l, ok := byRef[h.Ref]; ok {
			inv.Hosts[i].License = &l
		}
	}
}
