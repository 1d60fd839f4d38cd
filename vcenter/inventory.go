// Package vcenter connects to vCenter (or ESXi) read-only and collects the inventory snapshot the
// checks evaluate, in a number of requests that does not grow with the number of VMs.
package vcenter

// Inventory is a read-only, JSON-serialisable snapshot of one vCenter datacenter.
type Inventory struct {
	About      About       `json:"about"`
	Datacenter string      `json:"datacenter"`
	Hosts      []Host      `json:"hosts"`
	Datastores []Datastore `json:"datastores"`
	VMs        []VM        `json:"vms"`
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
	Ref             string `json:"ref"`
	Name            string `json:"name"`
	ConnectionState string `json:"connectionState"`
}

// Datastore is a datastore of the datacenter.
type Datastore struct {
	Ref        string `json:"ref"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Accessible bool   `json:"accessible"`
}

// VM is a virtual machine (or template) of the datacenter.
type VM struct {
	Ref             string `json:"ref"`
	Name            string `json:"name"`
	Host            string `json:"host"` // name of the ESXi host it is registered on
	ConnectionState string `json:"connectionState"`
	PowerState      string `json:"powerState"`
	Template        bool   `json:"template,omitempty"`
}

// VMsNamed returns the VMs carrying the given name.
func (inv *Inventory) VMsNamed(name string) []VM {
	var out []VM
	for _, vm := range inv.VMs {
		if vm.Name == name {
			out = append(out, vm)
		}
	}
	return out
}
