// Package throttle counts events per key over a sliding window, in memory,
// for the limits that protect logins: how many failed attempts an address,
// an (address, username) pair or a username has made lately. It never
// blocks a key for good: counts fade as the window slides.
package throttle

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// MaxKeys bounds the keys one window holds; past it, new keys are not
// counted (a flood of made-up usernames must not eat the memory).
const MaxKeys = 100_000

// Window counts per key over the last Size, estimated from this window's
// count and the previous one's weighted by how much of it still overlaps
// (the sliding-window counter).
type Window struct {
	size time.Duration
	now  func() time.Time

	mu        sync.Mutex
	start     time.Time // of the current window
	cur, prev map[string]int
}

// New is an empty window of the given size; now is the clock (nil: time.Now).
func New(size time.Duration, now func() time.Time) *Window {
	if now == nil {
		now = time.Now
	}
	return &Window{size: size, now: now, cur: map[string]int{}, prev: map[string]int{}}
}

// rotate moves to the window holding now; w.mu is held.
func (w *Window) rotate(now time.Time) {
	switch elapsed := now.Sub(w.start); {
	case elapsed < w.size:
	case elapsed < 2*w.size:
		w.prev, w.cur = w.cur, map[string]int{}
		w.start = w.start.Add(w.size)
	default:
		w.prev, w.cur = map[string]int{}, map[string]int{}
		w.start = now
	}
}

// count is key's estimate; w.mu is held and the window rotated.
func (w *Window) count(now time.Time, key string) int {
	left := 1 - float64(now.Sub(w.start))/float64(w.size)
	return w.cur[key] + int(float64(w.prev[key])*left)
}

// Count is how many events key had over the last window.
func (w *Window) Count(key string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.rotate(now)
	return w.count(now, key)
}

// Take counts an event for key if it had fewer than limit over the last
// window, and reports whether it did.
func (w *Window) Take(key string, limit int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.rotate(now)
	if w.count(now, key) >= limit {
		return false
	}
	w.add(key, 1)
	return true
}

// Add counts n events for key (n may be negative, to give one back) and
// returns its count before them.
func (w *Window) Add(key string, n int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.rotate(now)
	before := w.count(now, key)
	w.add(key, n)
	return before
}

func (w *Window) add(key string, n int) {
	if _, ok := w.cur[key]; !ok && len(w.cur) >= MaxKeys {
		return
	}
	if w.cur[key] += n; w.cur[key] <= 0 {
		delete(w.cur, key)
	}
}

// Address is the key of a client address (host:port or host): the IP
// itself, or for IPv6 its /64, which one client usually holds whole.
func Address(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
