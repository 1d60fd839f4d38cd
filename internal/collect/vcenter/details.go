package vcenter

import (
	"context"
	"reflect"
	"strings"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// details reads the heavier properties of the named VMs in one property-collector retrieval.
func details(ctx context.Context, vc *vim25.Client, inv *inventory.VCenter, names []string) error {
	var objs []types.ObjectSpec
	index := map[string]int{} // ref → position in inv.VMs
	for i, vm := range inv.VMs {
		index[vm.Ref] = i
	}
	seen := map[string]bool{}
	for _, name := range names {
		for _, vm := range inv.VMsNamed(name) {
			if !seen[vm.Ref] {
				seen[vm.Ref] = true
				objs = append(objs, types.ObjectSpec{Obj: types.ManagedObjectReference{Type: "VirtualMachine", Value: vm.Ref}})
			}
		}
	}
	if len(objs) == 0 {
		return nil
	}
	res, err := property.DefaultCollector(vc).RetrieveProperties(ctx, types.RetrieveProperties{SpecSet: []types.PropertyFilterSpec{{
		ObjectSet: objs,
		PropSet:   []types.PropertySpec{{Type: "VirtualMachine", PathSet: detailProps}},
	}}})
	if err != nil {
		return err
	}
	for _, oc := range res.Returnval {
		if i, ok := index[oc.Obj.Value]; ok {
			inv.VMs[i].Details = decodeDetails(oc)
		}
	}
	return nil
}

func decodeDetails(oc types.ObjectContent) *inventory.VMDetails {
	d := &inventory.VMDetails{Disks: []inventory.Disk{}, SCSIControllers: []string{}, NICs: []inventory.NIC{}}
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
	return d
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
