package checks

import (
	"fmt"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

func init() { Register(ConfigurationServer{}) }

// ConfigurationServer reads the probe of the configuration server's port, made during collection
// from where the tool runs (ASR 95226).
type ConfigurationServer struct{}

// Info describes the check.
func (ConfigurationServer) Info() Info {
	c := Codes["95226"]
	return Info{
		ID:     "network.configuration-server",
		Kind:   ConfigServerKind,
		Title:  "The configuration server answers on TCP 443 with TLS",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Needs:  []inventory.Part{ConfigServer},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// where reminds that a probe speaks only for the network it runs from.
const where = "the verdict holds for where this tool runs; run it from the Azure VNet (the process server or a failed-over VM) for the one ASR will see"

// Run reports whether a TCP connection, then a TLS handshake, to the configuration server
// succeeded within 5 s.
func (ConfigurationServer) Run(s *Input) []Result {
	if !s.Facts.HasClassic() {
		return []Result{{Target: "-", Status: Skip, Message: "no classic VM in the plan: the modernized architecture has no configuration server (asr.appliance checks the appliance)"}}
	}
	p := s.Probes.ConfigServer
	if p == nil {
		return []Result{{Target: "-", Status: Error, Message: "the configuration server was not probed"}}
	}
	if p.Error != "" {
		return []Result{{Target: p.Address, Status: Fail, Code: "95226", Message: fmt.Sprintf("%s; %s", p.Error, where)}}
	}
	return []Result{{Target: p.Address, Status: Pass, Message: fmt.Sprintf("TCP connection and TLS handshake to %s succeeded; %s", p.Address, where)}}
}
