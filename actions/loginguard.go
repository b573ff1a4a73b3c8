package actions

// The login guard: failed logins are throttled per address and per
// (username, address), so whoever guesses is stopped where they guess
// from, and the rightful password from an address with no recent failures
// is never refused because someone else guessed. A username under attack
// from many addresses is not locked but slowed: every attempt on it waits
// a little longer, up to a bound.

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/internal/throttle"
)

// LoginLimits are the guard's limits; zero fields take the defaults.
type LoginLimits struct {
	// PerAddress: failed logins from one address in a Window (default 30).
	PerAddress int
	// PerUserAddress: failed logins on one username from one address in
	// a Window (default 10).
	PerUserAddress int
	// SlowAfter: failed logins on one username, from every address, in a
	// Window before each further attempt on it waits (default 10).
	SlowAfter int
	// FirstDelay is the first wait past SlowAfter, doubled at every
	// further failure, up to MaxDelay (defaults 100ms and 3s).
	FirstDelay, MaxDelay time.Duration
	// Window is how long a failure counts (default a minute).
	Window time.Duration
}

func (l LoginLimits) withDefaults() LoginLimits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.PerAddress, 30)
	def(&l.PerUserAddress, 10)
	def(&l.SlowAfter, 10)
	for v, d := range map[*time.Duration]time.Duration{&l.FirstDelay: 100 * time.Millisecond,
		&l.MaxDelay: 3 * time.Second, &l.Window: time.Minute} {
		if *v <= 0 {
			*v = d
		}
	}
	return l
}

type loginGuard struct {
	lim              LoginLimits
	addr, pair, user *throttle.Window
}

func newLoginGuard(lim LoginLimits) *loginGuard {
	lim = lim.withDefaults()
	return &loginGuard{lim: lim, addr: throttle.New(lim.Window, nil), pair: throttle.New(lim.Window, nil),
		user: throttle.New(lim.Window, nil)}
}

// delay is the wait before an attempt on a username that failed n times
// lately: none up to SlowAfter, then FirstDelay doubling up to MaxDelay.
func (l LoginLimits) delay(n int) time.Duration {
	if n < l.SlowAfter {
		return 0
	}
	d := l.FirstDelay << min(n-l.SlowAfter, 20)
	if d <= 0 || d > l.MaxDelay {
		d = l.MaxDelay
	}
	return d
}

// begin counts an attempt as a failure before the password is checked (so
// parallel guesses count too) and waits as long as the username calls
// for; the attempt's done(true) gives the count back when it succeeds.
// It refuses (429) an address, or an address's attempts on one username,
// that failed too often lately.
func (a *Actions) loginBegin(ctx context.Context, username, address string) (done func(ok bool), err error) {
	g := a.guard
	log := a.logger(ctx).With(zap.String("username", username), zap.String("address", address))
	pair := address + "\x00" + username
	if !g.addr.Take(address, g.lim.PerAddress) {
		log.Warn("login throttled", zap.String("reason", "address"))
		return nil, loginThrottled(g.lim.Window)
	}
	if !g.pair.Take(pair, g.lim.PerUserAddress) {
		g.addr.Add(address, -1)
		log.Warn("login throttled", zap.String("reason", "username_address"))
		return nil, loginThrottled(g.lim.Window)
	}
	n := g.user.Add(username, 1)
	done = func(ok bool) {
		if ok {
			g.addr.Add(address, -1)
			g.pair.Add(pair, -1)
			g.user.Add(username, -1)
		}
	}
	if d := g.lim.delay(n); d > 0 {
		log.Warn("login slowed", zap.Int("recent_failures", n), zap.Duration("delay", d))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(d):
		}
	}
	return done, nil
}

// loginThrottled is the 429 of a throttled login, which says when to
// come back.
func loginThrottled(after time.Duration) error {
	return RetryAfter(errs.New(errs.RateLimited, errs.MsgTooManyLogins), after)
}

// retryAfter is a refusal that says when to try again (Retry-After).
type retryAfter struct {
	err   *errs.Error
	after time.Duration
}

func (e retryAfter) Error() string { return e.err.Error() }
func (e retryAfter) Unwrap() error { return e.err }

// RetryAfter marks err as one to try again after d.
func RetryAfter(err *errs.Error, d time.Duration) error { return retryAfter{err, d} }

// RetryAfterOf is when a refusal says to try again, if it says.
func RetryAfterOf(err error) (time.Duration, bool) {
	var r retryAfter
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
