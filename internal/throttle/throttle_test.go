package throttle

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestWindowTakesUpToTheLimitThenFades(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w := New(time.Minute, c.now)
	for i := 0; i < 3; i++ {
		if !w.Take("a", 3) {
			t.Fatalf("take %d refused under the limit", i+1)
		}
	}
	if w.Take("a", 3) {
		t.Fatal("a 4th take with a limit of 3 was allowed")
	}
	if !w.Take("b", 3) {
		t.Fatal("another key was refused")
	}
	c.t = c.t.Add(90 * time.Second) // half the previous window still counts
	if got := w.Count("a"); got != 1 {
		t.Errorf("count 90s on: %d, want 1 (3 weighted by half)", got)
	}
	c.t = c.t.Add(2 * time.Minute)
	if got := w.Count("a"); got != 0 {
		t.Errorf("count after two windows: %d, want 0", got)
	}
}

func TestWindowGivesBack(t *testing.T) {
	w := New(time.Minute, nil)
	w.Add("a", 1)
	w.Add("a", 1)
	if before := w.Add("a", -1); before != 2 {
		t.Errorf("count before giving back: %d, want 2", before)
	}
	if got := w.Count("a"); got != 1 {
		t.Errorf("count after giving one back: %d", got)
	}
}

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:5555":             "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":      "192.0.2.7",
		"pipe":                       "pipe",
	} {
		if got := Address(in); got != want {
			t.Errorf("Address(%q) = %q, want %q", in, got, want)
		}
	}
}
