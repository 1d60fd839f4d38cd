//go:build !linux

package preflight

import "os"

// peakRSS is 0 where the benchmark does not read the peak resident memory: the Rusage of other
// systems counts it in other units (macOS) or has none (Windows).
func peakRSS(*os.ProcessState) int64 { return 0 }
