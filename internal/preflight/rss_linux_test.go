package preflight

import (
	"os"
	"syscall"
)

// peakRSS is the peak resident memory of a process that ended, in bytes (Linux counts it in KiB).
func peakRSS(ps *os.ProcessState) int64 { return ps.SysUsage().(*syscall.Rusage).Maxrss << 10 }
