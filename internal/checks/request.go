package checks

import (
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

// VCenterRequest says which optional parts of the vCenter inventory the checks need, so that a
// skipped check causes no collection of its own. principal, when set, is the account whose
// privileges are checked instead of the session's own.
func VCenterRequest(cs []Check, p *plan.Plan, principal string) vcenter.Request {
	req := vcenter.Request{MasterTarget: p.MasterTarget, Licenses: Needs(cs, Licenses)}
	if Needs(cs, VMDetails) {
		req.Details = append(planNames(p), p.MasterTarget)
	}
	if Needs(cs, Privileges) {
		req.Privileges, req.Principal = ASRPrivileges, principal
		for _, vm := range p.VMs {
			if vm.Host != "" {
				req.Hosts = append(req.Hosts, vm.Host)
			}
			req.Datastores = append(req.Datastores, vm.Datastore)
		}
	}
	return req
}

func planNames(p *plan.Plan) []string {
	names := make([]string, len(p.VMs))
	for i, vm := range p.VMs {
		names[i] = vm.Name
	}
	return names
}
