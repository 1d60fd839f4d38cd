package vcenter

// VMProperties are the property paths read for every VM.
func VMProperties() []string { return append([]string(nil), vmProps...) }

// DetailProperties are the property paths read for the VMs a request names.
func DetailProperties() []string { return append([]string(nil), detailProps...) }
