package checks

import (
	"context"
	"fmt"
	"net"
)

func init() { Register(ConfigurationServer{}) }

// ConfigurationServer probes the configuration server's port from where the tool runs (ASR 95226).
type ConfigurationServer struct{}

// Info describes the check.
func (ConfigurationServer) Info() Info {
	c := Codes["95226"]
	return Info{
		ID:     "network.configuration-server",
		Title:  "The configuration server answers on TCP 443 with TLS",
		Code:   c.Code,
		Phases: []Phase{Reprotect, Failback},
		Cause:  c.Cause,
		Fix:    c.Fix,
		DocURL: c.DocURL,
	}
}

// where reminds that a probe speaks only for the network it runs from.
const where = "the verdict holds for where this tool runs; run it from the Azure VNet (the process server or a failed-over VM) for the one ASR will see"

// Run connects to the plan's configurationServer, then completes a TLS handshake, within 5 s.
func (ConfigurationServer) Run(ctx context.Context, s *Snapshot) []Result {
	addr := configServerAddr(s.Plan.ConfigurationServer)
	if addr == "" {
		return []Result{{Target: "-", Status: Skip, Message: "the plan names no configurationServer"}}
	}
	if s.Network == nil {
		return []Result{{Target: addr, Status: Error, Message: "no network prober configured"}}
	}
	if err := s.Network.Probe(ctx, addr); err != nil {
		return []Result{{Target: addr, Status: Fail, Code: "95226", Message: fmt.Sprintf("%v; %s", err, where)}}
	}
	return []Result{{Target: addr, Status: Pass, Message: fmt.Sprintf("TCP connection and TLS handshake to %s succeeded; %s", addr, where)}}
}

// configServerAddr is the plan's configuration server as host:port, port 443 by default; "" when
// the plan names none.
func configServerAddr(cs string) string {
	if cs == "" {
		return ""
	}
	if _, _, err := net.SplitHostPort(cs); err != nil {
		return net.JoinHostPort(cs, "443")
	}
	return cs
}
