package bench

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"time"

	"zhucun/server"
	"zhucun/store"
	"zhucun/workflows"
)

// ScaleOptions size the synthetic national read model.
type ScaleOptions struct {
	DatabaseURL string // a database of its own: it is filled once, then reused
	Members     int    // 560,000 nationally
	Processes   int    // 1,000,000
	BigCounty   int    // members of the county whose report and ledger are read
	Requests    int    // requests per measured endpoint
	Out         io.Writer
}

const scaleMonth = "2026-11"

// Scale fills the read model (once) and measures supervisors' lists, the
// inbox of a busy office, the big county's report and ledger, and the size.
func Scale(ctx context.Context, o ScaleOptions) ([]Result, error) {
	pool, err := store.Open(ctx, o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	st := store.New(pool)
	if err := generate(ctx, st, o); err != nil {
		return nil, err
	}
	for _, u := range []store.User{
		{Username: "bench-c0-bureau", DisplayName: "县0乡村振兴局", Role: "county_bureau", OfficeID: "c0-bureau", CountyID: "c0"},
		{Username: "bench-city", DisplayName: "市乡村振兴局", Role: "city_bureau", OfficeID: "bench-bureau"},
	} {
		if err := st.UpsertUser(ctx, u, "bench-password"); err != nil {
			return nil, err
		}
	}
	// Lists and reports need no Temporal: the HTTP server alone, real SQL.
	srv := httptest.NewServer(server.New(server.Config{Pool: pool, LoginPerMinute: 1 << 30}).Handler())
	defer srv.Close()
	a := newAPI(srv.URL)
	for _, u := range []string{"bench-c0-bureau", "bench-city"} {
		out, err := a.call(ctx, "", "POST", "/api/v1/login", map[string]string{"username": u, "password": "bench-password"}, 200)
		if err != nil {
			return nil, err
		}
		a.tokens.Store(u, out["token"].(string))
	}
	get := func(user, path string) func(context.Context, int) error {
		return func(ctx context.Context, _ int) error {
			_, err := a.raw(ctx, a.token(user), path)
			return err
		}
	}
	series := []struct{ name, user, path string }{
		{"processes overdue c0 (bureau)", "bench-c0-bureau", "/api/v1/processes?overdue=true&county=c0"},
		{"processes overdue c7 (city)", "bench-city", "/api/v1/processes?overdue=true&county=c7"},
		{"inbox c0 bureau", "bench-c0-bureau", "/api/v1/inbox"},
		{"report c0 json", "bench-c0-bureau", "/api/v1/reports/absences?county=c0&month=" + scaleMonth},
		{"report c0 xlsx", "bench-c0-bureau", "/api/v1/reports/absences?county=c0&month=" + scaleMonth + "&format=xlsx"},
		{"ledger c0 xlsx", "bench-c0-bureau", "/api/v1/ledger?county=c0&format=xlsx"},
	}
	var rs []Result
	for _, s := range series {
		n := o.Requests
		if strings.Contains(s.path, "xlsx") || strings.Contains(s.path, "reports") {
			n = max(1, n/10) // seconds-scale reads: fewer samples
		}
		get(s.user, s.path)(ctx, 0) // warm the cache once
		rs = append(rs, run(ctx, s.name, 1, n, get(s.user, s.path)))
	}
	printTable(o.Out, fmt.Sprintf("read model at scale: %d members, %d processes", o.Members, o.Processes), rs)
	return rs, plansAndSize(ctx, st, o.Out)
}

// generate fills the database (store.GenerateBenchData) unless it holds
// the processes already.
func generate(ctx context.Context, st *store.Store, o ScaleOptions) error {
	n, err := st.ProcessCount(ctx)
	if err != nil {
		return err
	}
	if n >= o.Processes {
		fmt.Fprintf(o.Out, "reusing %d processes already in the database\n", n)
		return nil
	}
	if n > 0 {
		return fmt.Errorf("the database holds %d processes, fewer than %d: give the bench an empty database", n, o.Processes)
	}
	t0 := time.Now()
	if err := st.GenerateBenchData(ctx, store.BenchData{Members: o.Members, Processes: o.Processes, BigCounty: o.BigCounty,
		Month: scaleMonth, ReportID: workflows.ReportProcessID("c0", scaleMonth)}); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "generated %d members and %d processes in %s\n", o.Members, o.Processes, time.Since(t0).Round(time.Second))
	return nil
}

func plansAndSize(ctx context.Context, st *store.Store, out io.Writer) error {
	yes := true
	plan, err := st.ExplainListProcesses(ctx, store.Scope{CountyID: "c0"}, store.ProcessFilter{CountyID: "c0", Overdue: &yes})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nplan: GET /processes?overdue=true&county=c0 (county bureau)\n%s", plan)
	if plan, err = st.ExplainInbox(ctx, "county_bureau:c0-bureau"); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nplan: GET /inbox (c0 bureau)\n%s", plan)
	size, err := st.ReadModelSize(ctx)
	if err != nil {
		return err
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	fmt.Fprintf(out, "\nsize: database %.0f MiB; processes %.0f MiB with indexes (%.0f MiB per 1,000,000), waiting index %.0f MiB\n",
		mb(size.Database), mb(size.Processes), mb(size.Processes)*1e6/float64(max(size.ProcessCount, 1)), mb(size.Waiting))
	return nil
}
