package actions

import (
	"testing"
	"time"
)

// TestLoginDelayGrowsAndIsBounded: no wait below SlowAfter failures, then
// a doubling wait that never passes MaxDelay, however many failures.
func TestLoginDelayGrowsAndIsBounded(t *testing.T) {
	l := LoginLimits{SlowAfter: 10}.withDefaults()
	if d := l.delay(9); d != 0 {
		t.Errorf("9 failures: wait %v, want none", d)
	}
	prev := time.Duration(0)
	for n := 10; n < 200; n++ {
		d := l.delay(n)
		if d < prev || d > l.MaxDelay || d <= 0 {
			t.Fatalf("%d failures: wait %v after %v (bound %v)", n, d, prev, l.MaxDelay)
		}
		prev = d
	}
	if l.delay(10) != l.FirstDelay || prev != l.MaxDelay {
		t.Errorf("first wait %v, last %v: want %v and %v", l.delay(10), prev, l.FirstDelay, l.MaxDelay)
	}
}
