package procstat

import (
	"os"
	"testing"
	"time"
)

// A running test process has resident memory, and touching 64 MiB raises
// its peak by at least most of that.
func TestPeakRSSFollowsTheProcess(t *testing.T) {
	ResetPeakRSS()
	before := PeakRSS()
	if before <= 0 {
		t.Fatalf("peak RSS %d on Linux, want > 0", before)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	if after := PeakRSS(); after < before+48<<20 {
		t.Errorf("peak RSS %d MB after touching 64 MB, before %d MB", after>>20, before>>20)
	}
	_ = buf[len(buf)-1]
}

// A process that spins until its CPU time has gone up by a fifth of a
// second has used it on the machine's cores too: the machine's busy time
// grew at least as much, whatever else runs.
func TestCPUFollowsTheProcess(t *testing.T) {
	before, err := CPUOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	busyBefore, totalBefore, err := MachineCPU()
	if err != nil {
		t.Fatal(err)
	}
	var used time.Duration
	for x := 0; used < 200*time.Millisecond; x++ {
		if x%1_000_000 == 0 {
			now, err := CPUSelf()
			if err != nil {
				t.Fatal(err)
			}
			used = now - before
		}
	}
	busyAfter, totalAfter, _ := MachineCPU()
	// Ticks are counted per core and rounded: allow two of them.
	if busy := busyAfter - busyBefore; busy < used-20*time.Millisecond || totalAfter-totalBefore < busy {
		t.Errorf("this process used %s; the machine was busy %s of %s", used, busy, totalAfter-totalBefore)
	}
	if m, err := MemoryOf(os.Getpid()); err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("memory %+v, %v", m, err)
	}
}

// This test's own process is found by its command line, and nothing is
// found by a word no process has.
func TestFindByCommandLine(t *testing.T) {
	self := false
	for _, p := range Find(os.Args[0]) {
		self = self || p.PID == os.Getpid()
	}
	if !self {
		t.Errorf("Find(%q) = %v, without this process %d", os.Args[0], Find(os.Args[0]), os.Getpid())
	}
	if got := Find(os.Args[0], "no-such-word-in-any-command-line-4f1c"); len(got) != 0 {
		t.Errorf("found %v with a word no process has", got)
	}
}
