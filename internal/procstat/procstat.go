// Package procstat reads what the Linux kernel counts of a process and of
// the machine, for benchmarks that report CPU and memory as the operating
// system sees them.
package procstat

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc's CPU times (USER_HZ): 100 a second on
// every Linux the project runs on, and not readable without cgo.
const clockTick = 10 * time.Millisecond

// ResetPeakRSS starts the kernel's count of the process's peak resident
// memory (VmHWM) anew.
func ResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakRSS is the process's peak resident memory since it started or the
// last reset, in bytes (0 where /proc is not Linux's).
func PeakRSS() int64 {
	m, _ := memory("/proc/self/status")
	return m.Peak
}

// Memory is a process's resident memory, now and at its peak, in bytes.
type Memory struct {
	RSS, Peak int64
}

// MemoryOf reads the resident memory of process pid (VmRSS, VmHWM).
func MemoryOf(pid int) (Memory, error) {
	return memory(fmt.Sprintf("/proc/%d/status", pid))
}

func memory(path string) (Memory, error) {
	var m Memory
	f, err := os.Open(path)
	if err != nil {
		return m, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); err == nil {
			m.Peak = kb << 10
		} else if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &kb); err == nil {
			m.RSS = kb << 10
		}
	}
	return m, sc.Err()
}

// CPUOf is the CPU time, user and system, process pid has used so far
// (its threads included, its children not). A process killed but not yet
// reaped still answers, with its final figure.
func CPUOf(pid int) (time.Duration, error) {
	return cpuOf(fmt.Sprintf("/proc/%d/stat", pid))
}

// CPUSelf is CPUOf this process.
func CPUSelf() (time.Duration, error) { return cpuOf("/proc/self/stat") }

func cpuOf(path string) (time.Duration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields that
	// follow are counted from its closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("%s: no command name", path)
	}
	f := strings.Fields(s[i+1:])
	// After the name: state is field 3 of stat(5), utime 14, stime 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("%s: %d fields", path, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// MachineCPU is the CPU time every core of the machine has spent busy
// (neither idle nor waiting for I/O), and in all, since boot.
func MachineCPU() (busy, total time.Duration, err error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, 0, errors.New("/proc/stat: empty")
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 6 || fields[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: %q", sc.Text())
	}
	var sum, idle int64
	// user nice system idle iowait irq softirq steal; guest time is
	// already counted in user.
	for i, v := range fields[1:min(len(fields), 9)] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		sum += n
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return time.Duration(sum-idle) * clockTick, time.Duration(sum) * clockTick, nil
}

// Proc is a running process and its command line (arguments joined by
// NUL, or the title a process such as a PostgreSQL backend sets).
type Proc struct {
	PID     int
	Cmdline string
}

// Find lists the processes whose command line holds every one of words:
// for instance the PostgreSQL backends serving a database, which name it
// in their title ("postgres: … zhucun_bench 127.0.0.1(…) idle").
func Find(words ...string) []Proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var found []Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		line := string(b)
		all := len(line) > 0
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			found = append(found, Proc{pid, line})
		}
	}
	return found
}
