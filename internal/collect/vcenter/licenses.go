package vcenter

import (
	"context"

	"github.com/vmware/govmomi/license"
	"github.com/vmware/govmomi/vim25"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// licenses reads every licence assignment in one query and attaches each host's licence.
func licenses(ctx context.Context, vc *vim25.Client, inv *inventory.VCenter) error {
	am, err := license.NewManager(vc).AssignmentManager(ctx)
	if err != nil {
		return err
	}
	assigned, err := am.QueryAssigned(ctx, "") // "" asks for every entity at once
	if err != nil {
		return err
	}
	byRef := map[string]inventory.License{}
	for _, a := range assigned {
		byRef[a.EntityId] = inventory.License{EditionKey: a.AssignedLicense.EditionKey, Name: a.AssignedLicense.Name}
	}
	for i, h := range inv.Hosts {
		if l, ok := byRef[h.Ref]; ok {
			inv.Hosts[i].License = &l
		}
	}
	return nil
}
