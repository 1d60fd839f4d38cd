package inventory

import (
	"slices"
	"strings"
)

// VCenter is what was read of one vCenter datacenter.
type VCenter struct {
	About      About       `json:"about"`
	Datacenter string      `json:"datacenter"`
	Hosts      []Host      `json:"hosts"`
	Datastores []Datastore `json:"datastores"`
	VMs        []VM        `json:"vms"`
	// Detailed says which VMs the checks look at: they were read in full, the others are brief
	// (unless the plan was large enough for every VM to be read in full). Nil in snapshots taken
	// before VMs could be brief.
	Detailed *Detailed `json:"detailed,omitempty"`
	// Privileges is what the account holds on the target objects, when asked for.
	Privileges *Privileges `json:"privileges,omitempty"`
}

// About identifies the server the inventory was read from.
type About struct {
	FullName   string `json:"fullName"`
	Version    string `json:"version"`
	Build      string `json:"build"`
	APIType    string `json:"apiType"` // VirtualCenter or HostAgent
	APIVersion string `json:"apiVersion"`
}

// Host is an ESXi host.
type Host struct {
	Ref             string   `json:"ref"`
	Name            string   `json:"name"`
	ConnectionState string   `json:"connectionState"`
	InMaintenance   bool     `json:"inMaintenance"`
	Product         string   `json:"product"`       // e.g. "VMware ESXi"
	ProductLineID   string   `json:"productLineId"` // "embeddedEsx" for ESXi
	Version         string   `json:"version"`       // e.g. "8.0.2"
	MemoryBytes     int64    `json:"memoryBytes"`
	MemoryUsageMB   int64    `json:"memoryUsageMB"`
	License         *License `json:"license,omitempty"`
}

// License is the licence assigned to a host.
type License struct {
	EditionKey string `json:"editionKey"`
	Name       string `json:"name"`
}

// Datastore is a datastore of the datacenter.
type Datastore struct {
	Ref           string  `json:"ref"`
	Name          string  `json:"name"`
	Type          string  `json:"type"` // VMFS, vsan, NFS, NFS41, vvol…
	Accessible    bool    `json:"accessible"`
	CapacityBytes int64   `json:"capacityBytes"`
	FreeBytes     int64   `json:"freeBytes"`
	Mounts        []Mount `json:"mounts"`
}

// Mount is a datastore's mount on one host.
type Mount struct {
	Host       string `json:"host"`
	Mounted    bool   `json:"mounted"`
	Accessible bool   `json:"accessible"`
	AccessMode string `json:"accessMode"` // readWrite or readOnly
}

// VM is a virtual machine (or template) of the datacenter.
type VM struct {
	Ref             string `json:"ref"`
	Name            string `json:"name"`
	Host            string `json:"host"` // name of the ESXi host it is registered on
	ConnectionState string `json:"connectionState"`
	PowerState      string `json:"powerState"`
	Template        bool   `json:"template,omitempty"`
	MemoryMB        int64  `json:"memoryMB"`
	GuestFamily     string `json:"guestFamily,omitempty"` // from VMware Tools: windowsGuest, linuxGuest…
	GuestID         string `json:"guestId,omitempty"`     // configured guest OS, e.g. rhel8_64Guest
	// InstanceUUID is vCenter's instance UUID of the VM (config.instanceUuid): Site Recovery's
	// modernized items name the original VM by it.
	InstanceUUID string `json:"instanceUuid,omitempty"`
	// Brief is set when only its name and instance UUID were read (it is none of the VMs the
	// checks look at): its other fields are unknown, not empty.
	Brief bool `json:"brief,omitempty"`
	// Storage is what its summary says of its disks; nil when vCenter did not say.
	Storage *VMStorage `json:"storage,omitempty"`
	// Details are read only where a check needs them: all of them for the master target, the
	// guest network alone for the plan's Linux VMs before failback.
	Details *VMDetails `json:"details,omitempty"`
}

// Detailed names the VMs read in full: the checks look at those of these names (the plan's VMs,
// the names they fail back under, the master target) and of these instance UUIDs (the originals
// Site Recovery records).
type Detailed struct {
	Names         []string `json:"names"`
	InstanceUUIDs []string `json:"instanceUuids,omitempty"` // lower case
}

// NewDetailed returns the VMs of the names and instance UUIDs, each once, sorted; empty ones are
// left out.
func NewDetailed(names, uuids []string) *Detailed {
	d := &Detailed{Names: []string{}}
	for _, n := range names {
		if n != "" {
			d.Names = append(d.Names, n)
		}
	}
	for _, u := range uuids {
		if u != "" {
			d.InstanceUUIDs = append(d.InstanceUUIDs, strings.ToLower(u))
		}
	}
	slices.Sort(d.Names)
	slices.Sort(d.InstanceUUIDs)
	d.Names, d.InstanceUUIDs = slices.Compact(d.Names), slices.Compact(d.InstanceUUIDs)
	return d
}

// Covers reports whether d names every VM o names (a nil o names none; a nil d, every VM).
func (d *Detailed) Covers(o *Detailed) bool {
	if d == nil || o == nil {
		return true
	}
	for _, n := range o.Names {
		if _, ok := slices.BinarySearch(d.Names, n); !ok {
			return false
		}
	}
	for _, u := range o.InstanceUUIDs {
		if _, ok := slices.BinarySearch(d.InstanceUUIDs, u); !ok {
			return false
		}
	}
	return true
}

// Follows reports whether the VM is one of those named: by its name, or by its instance UUID.
func (d *Detailed) Follows(vm VM) bool {
	_, byName := slices.BinarySearch(d.Names, vm.Name)
	_, byUUID := slices.BinarySearch(d.InstanceUUIDs, strings.ToLower(vm.InstanceUUID))
	return byName || vm.InstanceUUID != "" && byUUID
}

// VMStorage is what a VM's summary says of its disks.
type VMStorage struct {
	Disks int `json:"disks"` // virtual disks
	// ProvisionedBytes is the space it may take on its datastores (committed plus uncommitted:
	// vSphere's "provisioned space"); 0 when vCenter has not computed it.
	ProvisionedBytes int64 `json:"provisionedBytes"`
}

// OSFamily is "windowsGuest", "linuxGuest" or "" when unknown: from VMware Tools, else from the
// configured guest OS.
func (vm VM) OSFamily() string {
	switch f := vm.GuestFamily; f {
	case "windowsGuest", "linuxGuest":
		return f
	}
	id := strings.ToLower(vm.GuestID)
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "win"):
		return "windowsGuest"
	case strings.Contains(id, "linux"), strings.HasPrefix(id, "rhel"), strings.HasPrefix(id, "centos"),
		strings.HasPrefix(id, "ubuntu"), strings.HasPrefix(id, "debian"), strings.HasPrefix(id, "sles"),
		strings.HasPrefix(id, "oracle"), strings.HasPrefix(id, "rocky"), strings.HasPrefix(id, "alma"):
		return "linuxGuest"
	}
	return ""
}

// VMDetails are the heavier properties of a VM; only those asked for are filled.
type VMDetails struct {
	ToolsRunningStatus string   `json:"toolsRunningStatus,omitempty"`
	Snapshots          int      `json:"snapshots,omitempty"` // root snapshots
	Disks              []Disk   `json:"disks,omitempty"`
	SCSIControllers    []string `json:"scsiControllers,omitempty"` // device types, e.g. ParaVirtualSCSIController
	EnableUUID         string   `json:"enableUUID,omitempty"`      // value of disk.EnableUUID, "" when unset
	NICs               []NIC    `json:"nics,omitempty"`
}

// Disk is a virtual disk.
type Disk struct {
	Label         string `json:"label"`
	CapacityBytes int64  `json:"capacityBytes"`
}

// NIC is a guest network adapter as VMware Tools reports it.
type NIC struct {
	MAC       string   `json:"mac"`
	DHCP      *bool    `json:"dhcp,omitempty"` // IPv4 DHCP enabled; nil when unknown
	Addresses []IPAddr `json:"addresses"`
}

// IPAddr is a guest IP address and where it came from (manual, dhcp, linklayer…).
type IPAddr struct {
	IP     string `json:"ip"`
	Origin string `json:"origin,omitempty"`
}

// Privileges is what one principal holds on the objects a failback touches.
type Privileges struct {
	Principal string            `json:"principal"` // the checked account; "" for the session's own
	Checked   []string          `json:"checked"`   // privilege IDs asked about
	Entities  []EntityPrivilege `json:"entities"`
}

// EntityPrivilege lists the privileges not granted on one object.
type EntityPrivilege struct {
	Type    string   `json:"type"` // Datacenter, HostSystem, Datastore
	Name    string   `json:"name"`
	Missing []string `json:"missing"`
}

// Host returns the host of the given name.
func (inv *VCenter) Host(name string) (Host, bool) {
	for _, h := range inv.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

// Datastore returns the datastore of the given name.
func (inv *VCenter) Datastore(name string) (Datastore, bool) {
	for _, d := range inv.Datastores {
		if d.Name == name {
			return d, true
		}
	}
	return Datastore{}, false
}
