package vcenter

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// privileges asks vCenter which of the requested privileges the session's account (or
// req.Principal) effectively holds — groups and propagation included — on the datacenter, the
// target hosts and the target datastores, in one call.
func privileges(ctx context.Context, vc *vim25.Client, sm *session.Manager, dc types.ManagedObjectReference,
	inv *inventory.VCenter, r refs, req Request) (*inventory.Privileges, error) {
	ids, err := expand(ctx, vc, req.Privileges)
	if err != nil {
		return nil, err
	}
	entities := []types.ManagedObjectReference{dc}
	names := map[types.ManagedObjectReference]string{dc: inv.Datacenter}
	add := func(byName map[string][]types.ManagedObjectReference, name string) {
		for _, ref := range byName[name] {
			if _, dup := names[ref]; !dup {
				entities = append(entities, ref)
				names[ref] = name
			}
		}
	}
	for _, name := range append([]string{req.MasterTarget}, req.Originals...) {
		for _, ref := range r.vm[name] {
			add(r.host, r.hostOf[ref])
		}
	}
	for _, h := range req.Hosts {
		add(r.host, h)
	}
	for _, d := range req.Datastores {
		add(r.datastore, d)
	}

	am := *vc.ServiceContent.AuthorizationManager
	var result []types.EntityPrivilege
	if req.Principal != "" {
		res, err := methods.HasUserPrivilegeOnEntities(ctx, vc, &types.HasUserPrivilegeOnEntities{
			This: am, Entities: entities, UserName: req.Principal, PrivId: ids})
		if err != nil {
			return nil, err
		}
		result = res.Returnval
	} else {
		us, err := sm.UserSession(ctx)
		if err != nil {
			return nil, err
		}
		res, err := methods.HasPrivilegeOnEntities(ctx, vc, &types.HasPrivilegeOnEntities{
			This: am, Entity: entities, SessionId: us.Key, PrivId: ids})
		if err != nil {
			return nil, err
		}
		result = res.Returnval
	}

	p := &inventory.Privileges{Principal: req.Principal, Checked: ids, Entities: []inventory.EntityPrivilege{}}
	for _, e := range result {
		ep := inventory.EntityPrivilege{Type: e.Entity.Type, Name: names[e.Entity], Missing: []string{}}
		for _, a := range e.PrivAvailability {
			if !a.IsGranted {
				ep.Missing = append(ep.Missing, a.PrivId)
			}
		}
		p.Entities = append(p.Entities, ep)
	}
	return p, nil
}

// expand replaces each "X.*" by the server's privileges under X, from its privilege list (or, where
// that is empty, as in some simulators, from the privileges its roles hold).
func expand(ctx context.Context, vc *vim25.Client, patterns []string) ([]string, error) {
	var ids, all []string
	for _, p := range patterns {
		prefix, wild := strings.CutSuffix(p, "*")
		if !wild {
			ids = append(ids, p)
			continue
		}
		if all == nil {
			var m mo.AuthorizationManager
			if err := property.DefaultCollector(vc).RetrieveOne(ctx, *vc.ServiceContent.AuthorizationManager, []string{"privilegeList", "roleList"}, &m); err != nil {
				return nil, err
			}
			for _, priv := range m.PrivilegeList {
				all = append(all, priv.PrivId)
			}
			if len(all) == 0 {
				for _, role := range m.RoleList {
					all = append(all, role.Privilege...)
				}
			}
		}
		n := len(ids)
		for _, id := range all {
			if strings.HasPrefix(id, prefix) {
				ids = append(ids, id)
			}
		}
		if len(ids) == n {
			return nil, fmt.Errorf("vCenter lists no privilege matching %s", p)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
