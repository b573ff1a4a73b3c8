package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/policy"
	"zhucun/store"
)

// Options of a benchmark run.
type Options struct {
	// DatabaseURL is zhucun's database. In process, the run drops it and
	// fills it anew; against a deployment, the run only reads it, for the
	// first day no earlier leave holds.
	DatabaseURL string
	// Levels are the client concurrencies to compare at.
	Levels []int
	// N is the number of processes per level and side.
	N   int
	Out io.Writer
	// Synchronous is the embedded SQLite's synchronous pragma.
	Synchronous string
	// Store is the embedded Temporal's persistence: sqlite or postgres.
	Store string
	// TemporalAddress and APIs, both set, name a running deployment (a
	// `zhucun temporal` server, worker processes, api processes started
	// with --demo) to measure instead of zhucun started in this process.
	TemporalAddress string
	APIs            []string
	// Settle is the pause between phases (none when zero).
	Settle time.Duration
	// NoCaches runs the api without its in-memory caches (issue 16's
	// comparison: every request reads tokens and policies from the database).
	NoCaches bool
	// CompareCaches measures the product side twice, caches on and off.
	CompareCaches bool
}

// target is what a run drives: Temporal for the raw side, the HTTP API
// (one or more processes) for the product side.
type target struct {
	temporal client.Client
	apis     []string
	// setCaches switches the api's caches (in process only; nil else).
	setCaches func(on bool)
}

// Frontend compares raw Temporal calls with the product's HTTP requests
// doing the same work, on the same Temporal server, level by level: on
// zhucun started all in one in this process, or on the deployment that
// o.TemporalAddress and o.APIs name.
func Frontend(ctx context.Context, o Options) ([]Result, error) {
	start := inProcess
	if o.TemporalAddress != "" || len(o.APIs) > 0 {
		start = external
	}
	t, stop, err := start(ctx, o)
	if err != nil {
		return nil, err
	}
	defer stop()
	return measure(ctx, o, t)
}

// inProcess starts zhucun all in one (embedded Temporal on a fresh data
// folder) on a database dropped first.
func inProcess(ctx context.Context, o Options) (target, func(), error) {
	dir, err := os.MkdirTemp("", "zhucun-bench-")
	if err != nil {
		return target{}, nil, err
	}
	// Leaves of an earlier run would be kept in the read model, so the run
	// starts from nothing; a name without "bench" is refused, so real data
	// is never dropped by mistake.
	if !strings.Contains(dbName(o.DatabaseURL), "bench") {
		os.RemoveAll(dir)
		return target{}, nil, fmt.Errorf("--database-url: the benchmark drops its database; name it with \"bench\" in it (got %q)", dbName(o.DatabaseURL))
	}
	if err := store.DropDatabases(ctx, o.DatabaseURL, "", "_temporal", "_temporal_visibility"); err != nil {
		os.RemoveAll(dir)
		return target{}, nil, err
	}
	cfg := app.Config{DatabaseURL: o.DatabaseURL, Namespace: "default", Addr: "127.0.0.1:0", DataDir: dir,
		EmbeddedAddr: "127.0.0.1:0", Demo: true, TokenTTL: time.Hour, LoginPerMinute: 1 << 30,
		Synchronous: o.Synchronous, TemporalStore: o.Store, HistoryShards: 4, NoCaches: o.NoCaches}
	a, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err == nil {
		// The benchmark submits far more leaves a minute per member than
		// a person would: the city's creation limits are lifted for it.
		rules := policy.Default()
		rules.Creation = policy.CreationRules{PerMinute: 1000, PerDay: 100000}
		// It also gives each member a leave a day, every day: counted
		// together they would soon go to the county for approval, and the
		// township committee deciding would be refused. Nearby leaves are
		// still read and checked; none is near enough to join.
		rules.Leave.ConsecutiveGapDays = -1
		if _, err = store.New(a.Pool).PutPolicy(ctx, policy.CityScope, rules, "bench"); err != nil {
			a.Stop()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return target{}, nil, err
	}
	return target{temporal: a.Temporal, apis: []string{a.URL}, setCaches: a.Actions().SetCaching}, func() { a.Stop(); os.RemoveAll(dir) }, nil
}

// measure runs every level on t: raw starts, product submissions, raw
// updates, product decisions, and prints each level's table.
func measure(ctx context.Context, o Options, t target) ([]Result, error) {
	rw, err := rawWorker(t.temporal)
	if err != nil {
		return nil, fmt.Errorf("raw worker: %w", err)
	}
	defer rw.Stop()
	p := &product{api: newAPI(t.apis...)}
	if p.first, err = firstFreeDay(ctx, o.DatabaseURL); err != nil {
		return nil, err
	}
	if p.members, p.committee, err = p.api.members(ctx); err != nil {
		return nil, err
	}
	// Each phase starts once the last one's asynchronous work (the first
	// workflow tasks of the processes it started) has had time to finish,
	// so neither side is measured under the other's backlog.
	settle := func() {
		select {
		case <-ctx.Done():
		case <-time.After(o.Settle):
		}
	}
	var all []Result
	for _, clients := range o.Levels {
		ids := make([]string, o.N)
		rawStartR := run(ctx, "raw start", clients, o.N, func(ctx context.Context, i int) error {
			id, err := rawStart(ctx, t.temporal)
			ids[i] = id
			return err
		})
		settle()
		rawUpdR := run(ctx, "raw update", clients, o.N, func(ctx context.Context, i int) error {
			return rawDecide(ctx, t.temporal, ids[i])
		})
		settle()
		p.ids = make([]string, o.N)
		subR := run(ctx, "POST /leaves", clients, o.N, p.submit)
		settle()
		var extra []Result
		compare := o.CompareCaches && t.setCaches != nil
		var offIDs []string
		if compare {
			// The same, the api's caches off, right after: the lever's
			// before and after under the same load of the machine.
			ids := p.ids
			p.ids = make([]string, o.N)
			t.setCaches(false)
			extra = append(extra, run(ctx, "POST /leaves (no caches)", clients, o.N, p.submit))
			t.setCaches(true)
			offIDs, p.ids = p.ids, ids
			settle()
		}
		decR := run(ctx, "POST decision", clients, o.N, p.decide)
		settle()
		if compare {
			p.ids = offIDs
			t.setCaches(false)
			extra = append(extra, run(ctx, "POST decision (no caches)", clients, o.N, p.decide))
			t.setCaches(true)
			settle()
		}
		if err := ctx.Err(); err != nil {
			return all, err // the level was cut short: its figures mean nothing
		}
		// The HTTP hop alone (an authenticated request that touches
		// neither Temporal nor, with the caches, the database): what a
		// decision costs beyond a raw update, less this, is the update's
		// workflow task recording the read model.
		hopR := run(ctx, "GET /me (HTTP hop)", clients, o.N, func(ctx context.Context, i int) error {
			_, err := p.api.call(ctx, p.api.token(p.members[i%len(p.members)]), "GET", "/api/v1/me", nil, 200)
			return err
		})
		level := []Result{rawStartR, subR, rawUpdR, decR}
		printTable(o.Out, fmt.Sprintf("clients=%d", clients), append(append(level, extra...), hopR))
		fmt.Fprintf(o.Out, "ratios product/raw: submit throughput %.2fx, decision p50 %.2fx\n",
			ratio(subR.Throughput(), rawStartR.Throughput()), ratio(float64(decR.Pct(50)), float64(rawUpdR.Pct(50))))
		all = append(all, level...)
	}
	printSummary(o.Out, all)
	return all, nil
}

// printSummary writes issue 16's table, one row a level: the submission's
// throughput against a raw start's, the decision's median against a raw
// update's (goals: >= 0.9x and <= 1.2x).
func printSummary(w io.Writer, all []Result) {
	fmt.Fprintf(w, "\nload average %s\n", loadAverage())
	fmt.Fprintln(w, "| clients | raw start /s | POST /leaves /s | submit ratio | raw update p50 | POST decision p50 | decision ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for i := 0; i+3 < len(all); i += 4 {
		start, sub, upd, dec := all[i], all[i+1], all[i+2], all[i+3]
		fmt.Fprintf(w, "| %d | %.1f | %.1f | %.2fx | %s ms | %s ms | %.2fx |\n", start.Clients,
			start.Throughput(), sub.Throughput(), ratio(sub.Throughput(), start.Throughput()),
			ms(upd.Pct(50)), ms(dec.Pct(50)), ratio(float64(dec.Pct(50)), float64(upd.Pct(50))))
	}
}

// loadAverage is the machine's load (Linux), for reading figures taken
// while other work ran; "?" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// firstFreeDay is store.FirstFreeLeaveDay of the database at url.
func firstFreeDay(ctx context.Context, url string) (time.Time, error) {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return time.Time{}, fmt.Errorf("--database-url %s: %w", store.MaskURL(url), err)
	}
	defer c.Close(ctx)
	day, err := store.FirstFreeLeaveDay(ctx, c)
	if err != nil {
		return time.Time{}, fmt.Errorf("last leave in %s: %w", store.MaskURL(url), err)
	}
	return policy.ParseDate(day)
}

func dbName(url string) string {
	cfg, err := store.ConnConfig(url)
	if err != nil {
		return ""
	}
	return cfg.Database
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
