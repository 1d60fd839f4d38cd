package vcenter

import (
	"context"
	"errors"
	"fmt"
	"maps"
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

// privilegeQuery is what the privilege query needs before the inventory is known: the privilege
// IDs, wildcards expanded, and the session whose privileges to ask about.
type privilegeQuery struct {
	ids     []string
	session string // "" when asking about req.Principal
}

// prepare expands the requested privileges and, unless another principal is asked about, finds
// the session's key.
func prepare(ctx context.Context, vc *vim25.Client, sm *session.Manager, req Request) (privilegeQuery, error) {
	var q privilegeQuery
	var err error
	if q.ids, err = expand(ctx, vc, req.Privileges); err != nil || req.Principal != "" {
		return q, err
	}
	us, err := sm.UserSession(ctx)
	if err == nil && us == nil {
		err = errors.New("the session is not authenticated")
	}
	if err != nil {
		return q, err
	}
	q.session = us.Key
	return q, nil
}

// privileges asks vCenter which of the requested privileges the session's account (or
// req.Principal) effectively holds — groups and propagation included — on the datacenter and each
// of its hosts and datastores, in one call: which of them matter is the check's to tell.
func privileges(ctx context.Context, vc *vim25.Client, q privilegeQuery, dc namedRef, r refs, req Request) (*inventory.Privileges, error) {
	ids := q.ids
	entities := []types.ManagedObjectReference{dc.Ref}
	names := map[types.ManagedObjectReference]string{dc.Ref: dc.Name}
	for _, byName := range []map[string][]types.ManagedObjectReference{r.host, r.datastore} {
		for _, name := range slices.Sorted(maps.Keys(byName)) {
			for _, ref := range byName[name] {
				entities = append(entities, ref)
				names[ref] = name
			}
		}
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
		res, err := methods.HasPrivilegeOnEntities(ctx, vc, &types.HasPrivilegeOnEntities{
			This: am, Entity: entities, SessionId: q.session, PrivId: ids})
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
