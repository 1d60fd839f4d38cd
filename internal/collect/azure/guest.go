package azure

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"

	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// GuestProbe runs a short script inside Azure VMs with Run Command. Unlike everything else in this
// package it is not read-only: Run Command executes in the VM. It is used only on request.
type GuestProbe struct {
	client *armcompute.VirtualMachinesClient
}

// NewGuestProbe builds the probe with the package's one credential and client options.
func NewGuestProbe(cfg Config) (*GuestProbe, error) {
	cred, opts, err := cfg.clients()
	if err != nil {
		return nil, err
	}
	c, err := armcompute.NewVirtualMachinesClient(cfg.SubscriptionID, cred, opts)
	if err != nil {
		return nil, err
	}
	return &GuestProbe{client: c}, nil
}

// Probe checks, inside the VM, that the Mobility service runs and that configServer (host:port)
// accepts a TCP connection. Host and port travel as Run Command parameters, never inside the
// script's text, so no address can change what the script does.
func (g *GuestProbe) Probe(ctx context.Context, vm inventory.AzureVM, configServer string) (inventory.GuestState, error) {
	host, port, err := net.SplitHostPort(configServer)
	if err != nil {
		return inventory.GuestState{}, fmt.Errorf("configuration server %q: expected host:port", configServer)
	}
	in := armcompute.RunCommandInput{CommandID: to.Ptr("RunShellScript"), Script: []*string{to.Ptr(linuxScript)},
		Parameters: []*armcompute.RunCommandInputParameter{{Name: to.Ptr("csHost"), Value: to.Ptr(host)}, {Name: to.Ptr("csPort"), Value: to.Ptr(port)}}}
	if strings.EqualFold(vm.OSType, "Windows") {
		in.CommandID, in.Script = to.Ptr("RunPowerShellScript"), []*string{to.Ptr(windowsScript)}
	}
	poller, err := g.client.BeginRunCommand(ctx, vm.ResourceGroup, vm.Name, in, nil)
	if err != nil {
		return inventory.GuestState{}, failure(ctx, err)
	}
	res, err := poller.PollUntilDone(ctx, nil)
	if err != nil {
		return inventory.GuestState{}, failure(ctx, err)
	}
	var out []string
	for _, v := range res.Value {
		out = append(out, strings.TrimSpace(deref(v.Message)))
	}
	st := ParseGuestOutput(strings.Join(out, "\n"))
	st.AzureVM = vm.ResourceGroup + "/" + vm.Name
	return st, nil
}

// ParseGuestOutput reads the script's "service=" and "port=" lines.
func ParseGuestOutput(out string) inventory.GuestState {
	st := inventory.GuestState{Service: "unknown", Port: "unknown", Output: strings.TrimSpace(out)}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "service="); ok {
			st.Service = v
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "port="); ok {
			st.Port = v
		}
	}
	return st
}

// The scripts only read: service state and one TCP connection attempt. They are constants: the
// configuration server's host and port arrive as parameters (positional on Linux, named on
// Windows), and the Linux one hands them to the inner shell as arguments, never as code.
const (
	linuxScript = `if pgrep -f svagents >/dev/null 2>&1; then echo service=Running; else echo service=Stopped; fi
if timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>/dev/null; then echo port=open; else echo port=closed; fi`
	windowsScript = `param([string]$csHost, [string]$csPort)
$s = Get-Service -Name svagents -ErrorAction SilentlyContinue
if ($s) { "service=" + $s.Status } else { "service=Missing" }
$t = Test-NetConnection -ComputerName $csHost -Port $csPort -WarningAction SilentlyContinue
if ($t.TcpTestSucceeded) { "port=open" } else { "port=closed" }`
)
