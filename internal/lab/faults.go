package lab

import (
	"fmt"
	"slices"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// Update changes properties of the named object (kind is a managed object type such as
// "HostSystem"), so that property reads see the change. Nested paths work, e.g.
// "summary.quickStats.overallMemoryUsage".
func (l *Lab) Update(kind, name string, changes ...types.PropertyChange) error {
	obj, err := l.find(kind, name)
	if err != nil {
		return err
	}
	l.Model.Map().Update(l.Model.Service.Context, obj, changes)
	return nil
}

// UpdateRef changes properties of the object with the given reference.
func (l *Lab) UpdateRef(ref types.ManagedObjectReference, changes ...types.PropertyChange) {
	l.Model.Map().Update(l.Model.Service.Context, l.Model.Map().Get(ref), changes)
}

// InstanceUUID is the vCenter instance UUID of the lab VM of the name, "" when there is not one.
func (l *Lab) InstanceUUID(name string) string {
	if ref, err := l.find("VirtualMachine", name); err == nil {
		if vm, ok := ref.(*simulator.VirtualMachine); ok && vm.Config != nil {
			return vm.Config.InstanceUuid
		}
	}
	return ""
}

func (l *Lab) find(kind, name string) (mo.Reference, error) {
	var found []mo.Entity
	for _, e := range l.Model.Map().All(kind) {
		if e.Entity().Name == name {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("lab: %d objects of type %s named %s, want 1", len(found), kind, name)
	}
	return found[0], nil
}

// SetHostMemory sets a host's physical memory and the memory in use, in MB.
func (l *Lab) SetHostMemory(host string, totalMB, usedMB int64) error {
	return l.Update("HostSystem", host,
		types.PropertyChange{Name: "hardware.memorySize", Val: totalMB << 20},
		types.PropertyChange{Name: "summary.hardware.memorySize", Val: totalMB << 20},
		types.PropertyChange{Name: "summary.quickStats.overallMemoryUsage", Val: int32(usedMB)})
}

// SetMaintenance puts a host in maintenance mode, or takes it out, as vCenter announces it to
// property collectors (vcsim's own task changes the flag without announcing it).
func (l *Lab) SetMaintenance(host string, on bool) error {
	return l.Update("HostSystem", host, types.PropertyChange{Name: "runtime.inMaintenanceMode", Val: on})
}

// setDatastore sets a datastore's type, capacity and free space, in bytes.
func (l *Lab) setDatastore(name, typ string, capacity, free int64) error {
	return l.Update("Datastore", name,
		types.PropertyChange{Name: "summary.type", Val: typ},
		types.PropertyChange{Name: "summary.capacity", Val: capacity},
		types.PropertyChange{Name: "summary.freeSpace", Val: free})
}

// SetMount changes a datastore's mount on a host.
func (l *Lab) SetMount(datastore, host string, mounted, accessible bool, accessMode types.HostMountMode) error {
	ds, err := l.find("Datastore", datastore)
	if err != nil {
		return err
	}
	h, err := l.find("HostSystem", host)
	if err != nil {
		return err
	}
	mounts := append([]types.DatastoreHostMount{}, ds.(*simulator.Datastore).Host...)
	for i, m := range mounts {
		if m.Key == h.Reference() {
			info := m.MountInfo
			info.Mounted, info.Accessible, info.AccessMode = &mounted, &accessible, string(accessMode)
			mounts[i].MountInfo = info
			l.Model.Map().Update(l.Model.Service.Context, ds, []types.PropertyChange{{Name: "host", Val: mounts}})
			return nil
		}
	}
	return fmt.Errorf("lab: datastore %s has no mount on host %s", datastore, host)
}

// AssignLicense adds a licence to the licence manager and assigns it to the host.
func (l *Lab) AssignLicense(host, key, editionKey, name string) error {
	h, err := l.find("HostSystem", host)
	if err != nil {
		return err
	}
	m := l.Model.Map()
	content := l.Model.Service.Context.Map.Get(*l.Model.ServiceContent.LicenseManager)
	lm := content.(*simulator.LicenseManager)
	lm.Licenses = append(lm.Licenses, types.LicenseManagerLicenseInfo{LicenseKey: key, EditionKey: editionKey, Name: name})
	lam := m.Get(*lm.LicenseAssignmentManager).(*simulator.LicenseAssignmentManager)
	res := lam.UpdateAssignedLicense(l.Model.Service.Context, &types.UpdateAssignedLicense{
		This: lam.Self, Entity: h.Reference().Value, LicenseKey: key})
	if f := res.Fault(); f != nil {
		return fmt.Errorf("lab: assigning licence: %v", f.VimFault())
	}
	return nil
}

// AddAccount lets another account log in. A read-only account holds only the System privileges
// (Anonymous, View, Read) everywhere, as vCenter's ReadOnly role; otherwise it holds every
// privilege but those denied.
func (l *Lab) AddAccount(user, password string, readOnly bool, denied ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts[user] = password
	if !readOnly && len(denied) == 0 {
		return
	}
	if l.authz == nil {
		m := l.Model.Map()
		base := m.Get(*l.Model.ServiceContent.AuthorizationManager).(*simulator.AuthorizationManager)
		l.authz = &authorization{AuthorizationManager: base, granted: l.granted}
		m.Put(l.authz)
	}
	l.limits[user] = limit{readOnly: readOnly, denied: denied}
}

// limit is what an account may not do.
type limit struct {
	readOnly bool
	denied   []string
}

// granted reports whether the account holds the privilege.
func (l *Lab) granted(user, privilege string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, limited := l.limits[user]
	switch {
	case !limited:
		return true
	case lim.readOnly:
		return readOnlyPrivileges[privilege]
	}
	return !slices.Contains(lim.denied, privilege)
}

func (l *Lab) validLogin(req *types.Login) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	pw, ok := l.accounts[req.UserName]
	return ok && pw == req.Password
}

// authorization answers privilege questions as vCenter would for limited accounts; vcsim grants
// everything to everyone.
type authorization struct {
	*simulator.AuthorizationManager
	granted func(user, privilege string) bool
}

var readOnlyPrivileges = map[string]bool{"System.Anonymous": true, "System.View": true, "System.Read": true}

// HasPrivilegeOnEntities answers for the calling session's account.
func (a *authorization) HasPrivilegeOnEntities(ctx *simulator.Context, req *types.HasPrivilegeOnEntities) soap.HasFault {
	body := a.AuthorizationManager.HasPrivilegeOnEntities(req).(*methods.HasPrivilegeOnEntitiesBody)
	if ctx.Session != nil {
		a.limit(ctx.Session.UserName, body.Res.Returnval)
	}
	return body
}

// HasUserPrivilegeOnEntities answers for the named account.
func (a *authorization) HasUserPrivilegeOnEntities(req *types.HasUserPrivilegeOnEntities) soap.HasFault {
	body := a.AuthorizationManager.HasUserPrivilegeOnEntities(req).(*methods.HasUserPrivilegeOnEntitiesBody)
	a.limit(req.UserName, body.Res.Returnval)
	return body
}

// limit withdraws what the account does not hold.
func (a *authorization) limit(user string, ps []types.EntityPrivilege) {
	for i := range ps {
		for j := range ps[i].PrivAvailability {
			p := &ps[i].PrivAvailability[j]
			p.IsGranted = p.IsGranted && a.granted(user, p.PrivId)
		}
	}
}
