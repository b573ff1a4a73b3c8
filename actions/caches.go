package actions

// What rarely changes, kept in memory and dropped at once when it changes
// (issue 16): token → user lookups, the policy in force per county, the
// holiday calendar and each deputy's delegations in force. Every request
// reads the first, every submission the policy and holidays, every
// decision of an office the delegations; they change a few times a year
// (policies, holidays), when someone goes away (delegations) or at a
// logout or password change (tokens).
//
// Invalidation is PostgreSQL's LISTEN/NOTIFY: triggers (migration 020)
// send a notice in the transaction of the change, so it reaches every api
// process when the change commits. A process serves from memory only
// while its listening connection is up: when it drops, every cache is
// emptied and every read goes to the database until it listens again, so
// a lost notice can never keep a revoked token working. Each entry is
// stored only if no notice arrived while it was being read (a generation
// counter), or a read racing a revocation could put back what the notice
// had just dropped.

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"zhucun/policy"
	"zhucun/store"
)

// maxCachedTokens bounds the token cache; past it the cache starts over
// (a few megabytes at most, and nothing is wrong, only slower for a read).
const maxCachedTokens = 200_000

// quietPing is how long the listener waits for a notice before asking the
// database whether the connection is still alive: a connection cut
// without a word (a network gone) is noticed within about this long.
const quietPing = 5 * time.Second

type cachedToken struct {
	user    User
	expires time.Time
}

// caches is one process's memory of the rarely changing reads.
type caches struct {
	mu       sync.Mutex
	live     bool   // the listener is connected: entries may be served and stored
	off      bool   // switched off (SetCaching): the benchmark's comparison
	gen      uint64 // bumped by every drop; a read started before it is not stored
	tokens   map[[32]byte]cachedToken
	policies map[string]policy.Policy
	cal      policy.Calendar
	// deleg: a deputy's delegations in force on a day, by "deputy|day".
	deleg map[string][]store.Delegation
}

func newCaches() *caches {
	return &caches{tokens: map[[32]byte]cachedToken{}, policies: map[string]policy.Policy{}, deleg: map[string][]store.Delegation{}}
}

// drop forgets what topic names (every cache for "").
func (c *caches) drop(topic string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if topic == "" || topic == store.ChangeAuth {
		c.tokens = map[[32]byte]cachedToken{}
	}
	if topic == "" || topic == store.ChangePolicy {
		c.policies = map[string]policy.Policy{}
	}
	if topic == "" || topic == store.ChangeHolidays {
		c.cal = nil
	}
	// An account's change may rename a delegator or end its principal
	// flag or the account itself: the delegations read with it go too.
	if topic == "" || topic == store.ChangeDelegations || topic == store.ChangeAuth {
		c.deleg = map[string][]store.Delegation{}
	}
}

// setLive empties every cache and says whether entries may be kept: on
// (re)connecting, changes made while nobody listened are unknown, so
// nothing from before is kept either.
func (c *caches) setLive(live bool) {
	c.drop("")
	c.mu.Lock()
	c.live = live
	c.mu.Unlock()
}

// begin is the generation a read starts at, and whether caching is on.
func (c *caches) begin() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.serving()
}

// serving: entries may be served and stored; the caller holds mu.
func (c *caches) serving() bool { return c.live && !c.off }

// keep reports whether a read begun at gen may be stored; the caller holds mu.
func (c *caches) keep(gen uint64) bool { return c.serving() && c.gen == gen }

// SetCaching switches the caches on (the default once Listen runs) or
// off, emptying them, so the benchmark compares both in one run.
func (a *Actions) SetCaching(on bool) {
	a.caches.drop("")
	a.caches.mu.Lock()
	a.caches.off = !on
	a.caches.mu.Unlock()
}

func (c *caches) token(key [32]byte, now time.Time) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[key]
	if !ok || !c.serving() || !now.Before(t.expires) {
		return User{}, false
	}
	return t.user, true
}

func (c *caches) putToken(gen uint64, key [32]byte, u User, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.keep(gen) {
		return
	}
	if len(c.tokens) >= maxCachedTokens {
		c.tokens = map[[32]byte]cachedToken{}
	}
	c.tokens[key] = cachedToken{user: u, expires: expires}
}

func (c *caches) policy(county string) (policy.Policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.policies[county]
	return p, ok && c.serving()
}

func (c *caches) putPolicy(gen uint64, county string, p policy.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keep(gen) {
		c.policies[county] = p
	}
}

func (c *caches) calendar() (policy.Calendar, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cal, c.cal != nil && c.serving()
}

func (c *caches) putCalendar(gen uint64, cal policy.Calendar) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keep(gen) {
		c.cal = cal
	}
}

func (c *caches) delegations(key string) ([]store.Delegation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.deleg[key]
	return d, ok && c.serving()
}

func (c *caches) putDelegations(gen uint64, key string, d []store.Delegation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.keep(gen) {
		return
	}
	if len(c.deleg) >= maxCachedTokens {
		c.deleg = map[string][]store.Delegation{}
	}
	c.deleg[key] = d
}

// activeDelegationsTo is store.ActiveDelegationsTo today, kept while the
// listener is up. The slice is shared: callers only read it.
func (a *Actions) activeDelegationsTo(ctx context.Context, deputy uuid.UUID) ([]store.Delegation, error) {
	day := policy.FormatDate(a.today())
	key := deputy.String() + "|" + day
	if d, ok := a.caches.delegations(key); ok {
		return d, nil
	}
	gen, live := a.caches.begin()
	d, err := a.store.ActiveDelegationsTo(ctx, deputy, day)
	if err == nil && live {
		a.caches.putDelegations(gen, key, d)
	}
	return d, err
}

// userByToken is the user a bearer token stands for, from memory while
// the listener is up, else from the database.
func (a *Actions) userByToken(ctx context.Context, token string) (User, error) {
	key := sha256.Sum256([]byte(token))
	now := time.Now()
	if u, ok := a.caches.token(key, now); ok {
		return u, nil
	}
	gen, live := a.caches.begin()
	u, exp, err := a.store.UserByTokenUntil(ctx, token)
	if err == nil && live {
		a.caches.putToken(gen, key, u, exp)
	}
	return u, err
}

// currentPolicy is store.CurrentPolicy, kept while the listener is up.
// The policy is shared: callers read it and never change its maps.
func (a *Actions) currentPolicy(ctx context.Context, county string) (policy.Policy, error) {
	if p, ok := a.caches.policy(county); ok {
		return p, nil
	}
	gen, live := a.caches.begin()
	p, err := a.store.CurrentPolicy(ctx, county)
	if err == nil && live {
		a.caches.putPolicy(gen, county, p)
	}
	return p, err
}

// Listen keeps the caches in step with the database until ctx ends: while
// its connection listens, the caches serve; while it is down they are
// empty and off, and it reconnects. Actions nobody runs Listen for never
// cache (a command, a test of the actions alone).
func (a *Actions) Listen(ctx context.Context) {
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		l, err := a.store.ListenChanges(ctx)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("cache listener not connected; reading from the database", zap.Error(err))
			}
			select {
			case <-ctx.Done():
			case <-time.After(delay):
			}
			delay = min(2*delay, 5*time.Second)
			continue
		}
		delay = 100 * time.Millisecond
		a.caches.setLive(true)
		err = a.follow(ctx, l)
		a.caches.setLive(false)
		l.Close()
		if ctx.Err() == nil {
			a.log.Warn("cache listener lost; reading from the database until it is back", zap.Error(err))
		}
	}
}

// follow drops what each notice names until the connection fails; a quiet
// connection is pinged, so one that died without a word is noticed.
func (a *Actions) follow(ctx context.Context, l *store.ChangeListener) error {
	for {
		wait, cancel := context.WithTimeout(ctx, quietPing)
		topic, err := l.Next(wait)
		cancel()
		switch {
		case err == nil:
			a.caches.drop(topic)
		case ctx.Err() != nil:
			return ctx.Err()
		case wait.Err() != nil:
			if err := l.Ping(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// CachesLive reports whether the caches are serving (the listener is up).
func (a *Actions) CachesLive() bool {
	_, live := a.caches.begin()
	return live
}
