package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"zhucun/policy"
	"zhucun/store"
)

// MonthendOptions of `zhucun bench monthend`: the month-end mix of
// docs/scaling.md, open-loop, against `zhucun serve` run as a child.
type MonthendOptions struct {
	// DatabaseURL is dropped (with its two Temporal siblings) and filled
	// anew; its name must contain "bench".
	DatabaseURL string
	// Binary is the zhucun executable serve runs from; empty: this one.
	Binary string
	// TasksPerSecond is the workflow tasks a second the mix is sized to
	// cause (docs/scaling.md's busiest minute: 360).
	TasksPerSecond float64
	// Warmup runs the mix before the measured Duration, uncounted.
	Warmup, Duration time.Duration
	// MaxInflight bounds the requests out at once; an arrival past it is
	// not sent and counts as behind.
	MaxInflight int
	// Kills SIGKILLs serve this many times during the measured window,
	// evenly spaced, and restarts it; every answer is then checked.
	Kills int
	// RetryFor bounds how long, with Kills, a request is sent again while
	// serve is down or answers 503 (default a minute): a restart takes
	// seconds, so one still unanswered after that is stuck, an error.
	RetryFor time.Duration
	Out      io.Writer
}

// MonthendResult is what a run measured.
type MonthendResult struct {
	Series []Result // one per request type, in the mix's order
	Errors int
	// Fraction is the workflow tasks a second the answered requests stand
	// for, over the target.
	Fraction float64
	Kills    []Kill
	// ServeCores is serve's CPU time over the window's wall time, summed
	// over its restarts; PeakRSS its largest resident memory.
	ServeCores float64
	PeakRSS    int64
	// AnsweredBeforeKill counts requests answered 2xx before the last
	// kill; Checked all answered 2xx, checked after the run; Lost those
	// not found as answered.
	AnsweredBeforeKill, Checked, Lost int
	// LostItems says what each lost answer was and what is there now.
	LostItems []string
}

// Kill is one SIGKILL of serve and its restart.
type Kill struct {
	At, Restarted, Ready time.Time
	// Recovered is when the rate was back at 90% of the 10 s before the
	// kill (zero if it never was within the run).
	Recovered time.Time
}

// Monthend runs the month-end mix against a fresh `zhucun serve`.
func Monthend(ctx context.Context, o MonthendOptions) (MonthendResult, error) {
	var res MonthendResult
	o = o.withDefaults()
	if !strings.Contains(dbName(o.DatabaseURL), "bench") {
		return res, fmt.Errorf("--database-url: the benchmark drops its database; name it with \"bench\" in it (got %q)", dbName(o.DatabaseURL))
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return res, err
		}
		o.Binary = exe
	}
	if err := store.DropDatabases(ctx, o.DatabaseURL, "", "_temporal", "_temporal_visibility"); err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "zhucun-monthend-")
	if err != nil {
		return res, err
	}
	srv, err := newServeChild(o.Binary, o.DatabaseURL, dir)
	if err != nil {
		return res, err
	}
	defer func() {
		srv.stop()
		if err == nil {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintf(o.Out, "serve's data folder and log kept in %s\n", dir)
		}
	}()
	res, err = monthend(ctx, o, srv)
	return res, err
}

func (o MonthendOptions) withDefaults() MonthendOptions {
	if o.TasksPerSecond <= 0 {
		o.TasksPerSecond = 360
	}
	if o.Duration <= 0 {
		o.Duration = 2 * time.Minute
	}
	if o.MaxInflight <= 0 {
		o.MaxInflight = 256
	}
	if o.RetryFor <= 0 {
		o.RetryFor = time.Minute
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	return o
}

func monthend(ctx context.Context, o MonthendOptions, srv *serveChild) (MonthendResult, error) {
	d, err := prepare(ctx, o, srv)
	if err != nil {
		return MonthendResult{}, err
	}
	printMix(o.Out, o, d.rate)
	fig, kills, err := drive(ctx, o, d, srv)
	if err != nil {
		return MonthendResult{}, err
	}
	res := d.result(o, fig, kills)
	printMonthend(o.Out, o, d, fig, res)
	if o.Kills == 0 {
		return res, nil
	}
	if err := d.check(ctx, &res); err != nil {
		return res, err
	}
	printKills(o.Out, d, res)
	if res.Lost > 0 {
		return res, fmt.Errorf("%d requests answered 2xx were not found after the kills", res.Lost)
	}
	return res, nil
}

// prepare starts serve, lifts the city's limits and adds the bench's
// counties, and returns the driver for them.
func prepare(ctx context.Context, o MonthendOptions, srv *serveChild) (*driver, error) {
	t0 := time.Now()
	if err := srv.start(); err != nil {
		return nil, err
	}
	if err := srv.waitReady(ctx, 3*time.Minute); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "serve (pid %d) ready in %s at %s\n", srv.pid(), time.Since(t0).Round(time.Millisecond), srv.url)
	pool, err := store.Open(ctx, o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	st := store.New(pool)
	if err := liftLimits(ctx, st); err != nil {
		return nil, err
	}
	rate := rates(o.TasksPerSecond)
	counties := countiesFor(rate[kAbsence], o.Warmup+o.Duration)
	t1 := time.Now()
	org, err := seedOrg(ctx, st, counties)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "%d bench counties of %d members, accounts and tokens made in %s\n", counties, membersPerCounty, time.Since(t1).Round(time.Millisecond))
	first, err := firstFreeDay(ctx, o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	retryFor := time.Duration(0)
	if o.Kills > 0 {
		retryFor = o.RetryFor
	}
	return newDriver(newAPI(srv.url), org, rate, o.MaxInflight, first, retryFor), nil
}

// drive runs the mix, the meter and the kills on the driver's clock, and
// waits for the last answers.
func drive(ctx context.Context, o MonthendOptions, d *driver, srv *serveChild) (figures, []Kill, error) {
	m := newMeter(srv, dbName(o.DatabaseURL))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	d.begin(o.Warmup, o.Duration)
	type killed struct {
		kills []Kill
		err   error
	}
	kc := make(chan killed, 1)
	go func() {
		k, err := killAndRestart(runCtx, o, d, srv, m)
		if err != nil {
			cancel() // no serve to send to
		}
		kc <- killed{k, err}
	}()
	go m.run(runCtx, d.windowStart, d.windowEnd)
	d.run(runCtx, min(o.Warmup/3, 2*time.Second))
	k := <-kc
	// A request is out at most its retries and one client timeout more.
	drained := d.drain(d.retryFor + time.Minute)
	fig := m.result()
	switch {
	case k.err != nil:
		return fig, k.kills, k.err
	case ctx.Err() != nil:
		return fig, k.kills, ctx.Err()
	case !drained:
		return fig, k.kills, errors.New("requests still unanswered long after the run ended")
	}
	return fig, k.kills, nil
}

// liftLimits lets the bench's accounts open far more processes a minute
// than a person would, and gives consecutive leaves of one member no
// joining (each would else go to the county), as bench/run.go does.
func liftLimits(ctx context.Context, st *store.Store) error {
	rules := policy.Default()
	rules.Creation = policy.CreationRules{PerMinute: 100000, PerDay: 10000000}
	rules.Leave.ConsecutiveGapDays = -1
	_, err := st.PutPolicy(ctx, policy.CityScope, rules, "bench monthend")
	return err
}

// killAndRestart SIGKILLs serve o.Kills times, evenly over the measured
// window, each time restarting it at once on the same data and waiting
// until it is ready.
func killAndRestart(ctx context.Context, o MonthendOptions, d *driver, srv *serveChild, m *meter) ([]Kill, error) {
	var kills []Kill
	for i := 1; i <= o.Kills; i++ {
		at := d.windowStart.Add(o.Duration * time.Duration(i) / time.Duration(o.Kills+1))
		select {
		case <-ctx.Done():
			return kills, nil
		case <-time.After(time.Until(at)):
		}
		m.beforeKill(ctx)
		k := Kill{At: time.Now()}
		srv.kill()
		k.Restarted = time.Now()
		if err := srv.start(); err != nil {
			return kills, fmt.Errorf("restart %d: %w", i, err)
		}
		m.restarted()
		if err := srv.waitReady(ctx, 3*time.Minute); err != nil {
			return kills, fmt.Errorf("restart %d: %w", i, err)
		}
		k.Ready = time.Now()
		kills = append(kills, k)
	}
	return kills, nil
}
