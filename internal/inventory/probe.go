package inventory

// Probes are what the live probes found during collection.
type Probes struct {
	// ConfigServer is the TCP and TLS probe of the plan's configuration server.
	ConfigServer *ProbeResult `json:"configurationServer,omitempty"`
	// Guest is the opt-in probe inside each Azure VM, by plan VM name.
	Guest map[string]GuestState `json:"guest,omitempty"`
}

// ProbeResult is one network probe: the address tried and, when it failed, how far it got.
type ProbeResult struct {
	Address string `json:"address"`
	Error   string `json:"error,omitempty"`
}

// GuestState is what a script inside a failed-over VM found, or why it could not run.
type GuestState struct {
	AzureVM string `json:"azureVm"`           // resource group/name
	Service string `json:"service,omitempty"` // the Mobility service (svagents, InMage Scout Application)
	Port    string `json:"port,omitempty"`    // "open" or "closed": the configuration server's port, tried from inside
	Output  string `json:"output,omitempty"`  // the script's output, for the report
	Error   string `json:"error,omitempty"`   // why Run Command failed
}
