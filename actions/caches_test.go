package actions_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"zhucun/actions"
	"zhucun/internal/pgtest"
	"zhucun/policy"
	"zhucun/store"
)

// twoAPIs are two api processes' actions on one database, each with its
// own pool and its own cache listener, as two `zhucun api` processes are.
func twoAPIs(t *testing.T) (a1, a2 *actions.Actions, pool1, pool2 *pgxpool.Pool) {
	t.Helper()
	store.BcryptCost = bcrypt.MinCost
	pool1, url := pgtest.Pool(t, "caches")
	pool2, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool2.Close)
	ctx, cancel := context.WithCancel(context.Background())
	a1, a2 = actions.New(actions.Config{Pool: pool1}), actions.New(actions.Config{Pool: pool2})
	done := make(chan struct{}, 2)
	for _, a := range []*actions.Actions{a1, a2} {
		go func() { a.Listen(ctx); done <- struct{}{} }()
	}
	t.Cleanup(func() { cancel(); <-done; <-done })
	waitFor(t, "both listeners up", func() bool { return a1.CachesLive() && a2.CachesLive() })
	return a1, a2, pool1, pool2
}

func waitFor(t *testing.T, what string, ok func() bool) time.Duration {
	t.Helper()
	t0 := time.Now()
	for !ok() {
		if time.Since(t0) > 2*time.Second {
			t.Fatalf("%s: not within 2 s", what)
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(t0)
}

func newToken(t *testing.T, pool *pgxpool.Pool, name string) (store.User, string) {
	t.Helper()
	st := store.New(pool)
	u, err := st.CreateUser(context.Background(), store.User{Username: name, DisplayName: name, Role: "admin"}, "cache-test-password")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := st.IssueToken(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return u, tok
}

// silently changes the database without firing its triggers (as a
// replica applies changes), so no notice is sent: what an api then
// answers comes from its memory.
func silently(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	c, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if _, err := c.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	defer c.Exec(ctx, `SET session_replication_role = DEFAULT`)
	if _, err := c.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}

func authOK(a *actions.Actions, tok string) bool {
	_, err := a.Authenticate(context.Background(), tok)
	return err == nil
}

// A logout in one api process ends the token in the other at once, though
// the other answers that token from memory.
func TestCacheRevocationAcrossProcesses(t *testing.T) {
	a1, a2, pool1, _ := twoAPIs(t)
	ctx := context.Background()

	// The second process does serve tokens from memory: revoked without
	// a notice, its token still works there (and so the notice is what
	// ends it below).
	_, stale := newToken(t, pool1, "cache-stale")
	if !authOK(a2, stale) {
		t.Fatal("fresh token refused")
	}
	silently(t, pool1, `UPDATE tokens SET revoked_at = now()`)
	if !authOK(a2, stale) {
		t.Fatal("the token was not cached: the test below would prove nothing")
	}

	_, tok := newToken(t, pool1, "cache-logout")
	authOK(a2, tok) // read once: now in memory
	if !authOK(a2, tok) {
		t.Fatal("fresh token refused")
	}
	if err := a1.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	d := waitFor(t, "logout in process 1 seen by process 2", func() bool { return !authOK(a2, tok) })
	t.Logf("revocation took effect in the other process after %s", d)
	if d > 100*time.Millisecond {
		t.Errorf("revocation took %s to reach the other process", d)
	}

	// A disabled account's tokens stop everywhere too.
	_, tok2 := newToken(t, pool1, "cache-disable")
	if !authOK(a2, tok2) {
		t.Fatal("fresh token refused")
	}
	if err := store.New(pool1).SetDisabled(ctx, "cache-disable", true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "disabled account seen by process 2", func() bool { return !authOK(a2, tok2) })

	// A policy put through one process is in force in the other.
	u := store.User{Username: "cache-city", Role: policy.RoleCityBureau, OfficeID: "city-bureau"}
	before, err := a2.Policy(ctx, u, policy.CityScope)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.New(pool1).PutPolicy(ctx, policy.CityScope, policy.Default(), "cache-test"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "new policy seen by process 2", func() bool {
		p, err := a2.Policy(ctx, u, policy.CityScope)
		return err == nil && p.Version == before.Version+1
	})
}

// When the listening connection is lost, the process stops answering from
// memory: a token revoked meanwhile (no notice can reach it) is refused.
func TestCacheOffWhileListenerLost(t *testing.T) {
	_, a2, pool1, _ := twoAPIs(t)
	_, tok := newToken(t, pool1, "cache-lost")
	authOK(a2, tok) // read once: now in memory
	if !authOK(a2, tok) {
		t.Fatal("fresh token refused")
	}
	if _, err := pool1.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+store.ChangesChannel+`'`); err != nil {
		t.Fatal(err)
	}
	silently(t, pool1, `UPDATE tokens SET revoked_at = now()`)
	waitFor(t, "revoked token refused after the listener was lost", func() bool { return !authOK(a2, tok) })
	waitFor(t, "listener back", a2.CachesLive)
}

// A delegation given or ended through one api process is in force, or
// over, in the other at once, though the other answers from memory.
func TestCacheDelegationsAcrossProcesses(t *testing.T) {
	_, a2, pool1, _ := twoAPIs(t)
	ctx := context.Background()
	st := store.New(pool1)
	head, _ := newToken(t, pool1, "cache-head")
	deputy, _ := newToken(t, pool1, "cache-deputy")
	inForce := func(a *actions.Actions) int {
		d, err := a.DelegationsInForce(ctx, deputy.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(d)
	}
	if n := inForce(a2); n != 0 {
		t.Fatalf("%d delegations before any was given", n)
	}
	today := policy.FormatDate(time.Now().In(policy.China))
	d := store.Delegation{ID: uuid.New(), DelegatorID: head.ID, DeputyID: deputy.ID, StartDate: today, EndDate: today, Reason: "出差"}
	if err := st.CreateDelegation(ctx, d); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delegation given in process 1 seen by process 2", func() bool { return inForce(a2) == 1 })

	// Process 2 answers from memory: ended without a notice, it is still
	// in force there (so the notice is what ends it below).
	silently(t, pool1, `UPDATE delegations SET ended_at = now() WHERE id = $1`, d.ID)
	if n := inForce(a2); n != 1 {
		t.Fatalf("%d delegations: not cached, the test below would prove nothing", n)
	}
	silently(t, pool1, `UPDATE delegations SET ended_at = NULL WHERE id = $1`, d.ID)
	if _, err := st.EndDelegation(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	dur := waitFor(t, "delegation ended in process 1 seen by process 2", func() bool { return inForce(a2) == 0 })
	t.Logf("the end of a delegation reached the other process after %s", dur)
}
