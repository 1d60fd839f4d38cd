package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(VCenterConnection{}) }

// VCenterConnection reports whether vCenter could be logged in to and runs a supported version.
type VCenterConnection struct{}

// Info describes the check.
func (VCenterConnection) Info() Info {
	return Info{
		ID:     "vcenter.connection",
		Kind:   VCenterKind,
		Title:  "vCenter is reachable, accepts the login and runs a supported version",
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{VCenter},
		Cause:  "Reprotect and failback drive vCenter through the configuration server: vCenter must be connected during the whole job, with a version ASR supports (6.5, 6.7, 7.0, 8.0).",
		Fix:    "Check the vCenter URL, network path and credentials; upgrade vCenter to 6.5 or later.",
		DocURL: docSupportMatrx,
	}
}

// Run checks the API version of the connected vCenter.
func (VCenterConnection) Run(s *Input) []Result {
	a := s.VCenter.About
	seen := fmt.Sprintf("%s (API %s), datacenter %s", a.FullName, a.APIVersion, s.VCenter.Datacenter)
	major, minor, ok := majorMinor(a.APIVersion)
	switch {
	case !ok:
		return []Result{{Target: "vcenter", Status: Error, Message: fmt.Sprintf("cannot read the API version of %s", seen)}}
	case major < 6 || major == 6 && minor < 5:
		return []Result{{Target: "vcenter", Status: Fail, Message: fmt.Sprintf("connected to %s; ASR needs vCenter 6.5 or later", seen)}}
	}
	msg := "connected to " + seen
	if a.APIType == "HostAgent" {
		msg += " (a standalone ESXi host, not vCenter)"
	}
	return []Result{{Target: "vcenter", Status: Pass, Message: msg}}
}

// majorMinor parses "6.7" or "8.0.2.0".
func majorMinor(v string) (major, minor int, ok bool) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}
