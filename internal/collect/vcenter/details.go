package vcenter

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// details reads the heavier properties where a check needs them: every detail of the master
// target, and the guest network of the named VMs that are Linux guests — one retrieval each, at
// the same time, each failing on its own: it returns the errors of the two, in that order.
func details(ctx context.Context, vc *vim25.Client, inv *inventory.VCenter, r refs, req Request) (mtErr, netErr error) {
	var answers [2][]types.ObjectContent
	var wg sync.WaitGroup
	read := func(answer *[]types.ObjectContent, failed *error, props []string, names []string, want func(inventory.VM) bool) {
		var objs []types.ObjectSpec
		for _, name := range names {
			for _, ref := range r.vm[name] {
				if want(inv.VMs[r.index[ref.Value]]) {
					objs = append(objs, types.ObjectSpec{Obj: ref})
				}
			}
		}
		if len(objs) > 0 {
			wg.Go(func() {
				*answer, *failed = retrieve(ctx, vc, types.PropertyFilterSpec{ObjectSet: objs, PropSet: []types.PropertySpec{{Type: "VirtualMachine", PathSet: props}}})
			})
		}
	}
	if req.Details && req.MasterTarget != "" {
		read(&answers[0], &mtErr, detailProps, []string{req.MasterTarget}, func(inventory.VM) bool { return true })
	}
	if req.GuestNet {
		read(&answers[1], &netErr, guestNetProps, req.VMs, func(vm inventory.VM) bool { return vm.OSFamily() == "linuxGuest" })
	}
	wg.Wait()
	for _, oc := range slices.Concat(answers[:]...) {
		if i, ok := r.index[oc.Obj.Value]; ok {
			vm := &inv.VMs[i]
			if vm.Details == nil {
				vm.Details = &inventory.VMDetails{}
			}
			decodeDetails(vm.Details, oc)
		}
	}
	return mtErr, netErr
}

// decodeDetails fills in the details the object content carries.
func decodeDetails(d *inventory.VMDetails, oc types.ObjectContent) {
	for _, p := range oc.PropSet {
		switch p.Name {
		case "guest.toolsRunningStatus":
			d.ToolsRunningStatus, _ = p.Val.(string)
		case "rootSnapshot":
			v, _ := p.Val.(types.ArrayOfManagedObjectReference)
			d.Snapshots = len(v.ManagedObjectReference)
		case "config.hardware.device":
			v, _ := p.Val.(types.ArrayOfVirtualDevice)
			for _, dev := range v.VirtualDevice {
				switch dev := dev.(type) {
				case *types.VirtualDisk:
					size := dev.CapacityInBytes
					if size == 0 {
						size = dev.CapacityInKB * 1024
					}
					d.Disks = append(d.Disks, inventory.Disk{Label: label(dev.DeviceInfo), CapacityBytes: size})
				case types.BaseVirtualSCSIController:
					d.SCSIControllers = append(d.SCSIControllers, reflect.TypeOf(dev).Elem().Name())
				}
			}
		case "config.extraConfig":
			v, _ := p.Val.(types.ArrayOfOptionValue)
			for _, o := range v.OptionValue {
				if ov := o.GetOptionValue(); strings.EqualFold(ov.Key, "disk.EnableUUID") {
					d.EnableUUID, _ = ov.Value.(string)
				}
			}
		case "guest.net":
			v, _ := p.Val.(types.ArrayOfGuestNicInfo)
			for _, n := range v.GuestNicInfo {
				d.NICs = append(d.NICs, decodeNIC(n))
			}
		}
	}
}

func decodeNIC(n types.GuestNicInfo) inventory.NIC {
	nic := inventory.NIC{MAC: n.MacAddress, Addresses: []inventory.IPAddr{}}
	if c := n.IpConfig; c != nil {
		if c.Dhcp != nil && c.Dhcp.Ipv4 != nil {
			on := c.Dhcp.Ipv4.Enable
			nic.DHCP = &on
		}
		for _, a := range c.IpAddress {
			nic.Addresses = append(nic.Addresses, inventory.IPAddr{IP: a.IpAddress, Origin: a.Origin})
		}
		return nic
	}
	for _, ip := range n.IpAddress {
		nic.Addresses = append(nic.Addresses, inventory.IPAddr{IP: ip})
	}
	return nic
}

func label(d types.BaseDescription) string {
	if d == nil {
		return ""
	}
	return d.GetDescription().Label
}
