package procstat

import "testing"

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
