// Package procstat reads what the Linux kernel counts of this process, for
// benchmarks that report memory as the operating system sees it.
package procstat

import (
	"bufio"
	"fmt"
	"os"
)

// ResetPeakRSS starts the kernel's count of the process's peak resident
// memory (VmHWM) anew.
func ResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakRSS is the process's peak resident memory since it started or the
// last reset, in bytes (0 where /proc is not Linux's).
func PeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}
