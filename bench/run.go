package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/store"
)

// Options of a benchmark run.
type Options struct {
	// DatabaseURL names a database the run drops and fills anew.
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
}

// Frontend starts zhucun all in one (embedded Temporal on a fresh data
// folder) and compares, on that same server, raw Temporal calls with the
// product's HTTP requests doing the same work, level by level.
func Frontend(ctx context.Context, o Options) ([]Result, error) {
	dir, err := os.MkdirTemp("", "zhucun-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// Leaves of an earlier run would overlap this run's dates, so the run
	// starts from nothing; a name without "bench" is refused, so real data
	// is never dropped by mistake.
	if !strings.Contains(dbName(o.DatabaseURL), "bench") {
		return nil, fmt.Errorf("--database-url: the benchmark drops its database; name it with \"bench\" in it (got %q)", dbName(o.DatabaseURL))
	}
	if err := store.DropDatabases(ctx, o.DatabaseURL, "", "_temporal", "_temporal_visibility"); err != nil {
		return nil, err
	}
	cfg := app.Config{DatabaseURL: o.DatabaseURL, Namespace: "default", Addr: "127.0.0.1:0", DataDir: dir,
		EmbeddedAddr: "127.0.0.1:0", Demo: true, TokenTTL: time.Hour, LoginPerMinute: 1 << 30,
		Synchronous: o.Synchronous, TemporalStore: o.Store, HistoryShards: 4}
	a, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		return nil, err
	}
	defer a.Stop()
	rw, err := rawWorker(a.Temporal)
	if err != nil {
		return nil, err
	}
	defer rw.Stop()

	p := &product{api: newAPI(a.URL)}
	if p.members, p.committee, err = p.api.members(ctx); err != nil {
		return nil, err
	}
	var all []Result
	for _, clients := range o.Levels {
		ids := make([]string, o.N)
		rawStartR := run(ctx, "raw start", clients, o.N, func(ctx context.Context, i int) error {
			id, err := rawStart(ctx, a.Temporal)
			ids[i] = id
			return err
		})
		rawUpdR := run(ctx, "raw update", clients, o.N, func(ctx context.Context, i int) error {
			return rawDecide(ctx, a.Temporal, ids[i])
		})
		p.ids = make([]string, o.N)
		subR := run(ctx, "POST /leaves", clients, o.N, p.submit)
		decR := run(ctx, "POST decision", clients, o.N, p.decide)
		level := []Result{rawStartR, subR, rawUpdR, decR}
		printTable(o.Out, fmt.Sprintf("clients=%d", clients), level)
		fmt.Fprintf(o.Out, "ratios product/raw: submit throughput %.2fx, decision p50 %.2fx\n",
			ratio(subR.Throughput(), rawStartR.Throughput()), ratio(float64(decR.Pct(50)), float64(rawUpdR.Pct(50))))
		all = append(all, level...)
	}
	return all, nil
}

func dbName(url string) string {
	cfg, err := pgx.ParseConfig(url)
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
