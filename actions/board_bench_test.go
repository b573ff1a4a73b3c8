package actions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"zhucun/actions"
	"zhucun/store"
	"zhucun/workflows"
)

// BenchmarkBoardScale draws the board over the `bench scale` read model
// (560,000 members, 1,000,000 processes; store/benchdata.sql) for the
// city and for counties: the action and its JSON, as GET /api/v1/board
// spends its server time. ZHUCUN_SCALE_URL names the database (filled
// once, as `zhucun bench scale` fills it); without it the benchmark is
// skipped. It reports p50, p99 and the worst per board, and with
// ZHUCUN_BOARD_PLANS=file writes the query plans there.
//
//	ZHUCUN_SCALE_URL=postgres://postgres@127.0.0.1:5432/zhucun_scale go test ./actions -run X -bench BoardScale -benchtime 200x
func BenchmarkBoardScale(b *testing.B) {
	url := os.Getenv("ZHUCUN_SCALE_URL")
	if url == "" {
		b.Skip("ZHUCUN_SCALE_URL not set")
	}
	ctx := context.Background()
	pool, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	st := store.New(pool)
	if n, err := st.ProcessCount(ctx); err != nil {
		b.Fatal(err)
	} else if n == 0 {
		if err := st.GenerateBenchData(ctx, store.BenchData{Members: 560000, Processes: 1000000, BigCounty: 2000,
			Month: "2026-11", ReportID: workflows.ReportProcessID("c0", "2026-11")}); err != nil {
			b.Fatal(err)
		}
	}
	// As autovacuum would, in time: the visibility map lets the open
	// processes' index answer alone, and the series table sheds the dead
	// rows its triggers left while the data were generated.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) processes, process_waiting, board_months`); err != nil {
		b.Fatal(err)
	}
	a := actions.New(actions.Config{Pool: pool})
	boards := []struct {
		name string
		u    actions.User
		q    actions.Query
	}{
		{"city", actions.User{Role: "city_bureau", OfficeID: "bench-bureau"}, nil},
		{"city by overdue", actions.User{Role: "city_bureau", OfficeID: "bench-bureau"}, actions.Query{"sort": {"overdue"}}},
		{"county c0 (2,000 members)", actions.User{Role: "county_bureau", OfficeID: "c0-bureau", CountyID: "c0"}, nil},
		{"county c7", actions.User{Role: "county_bureau", OfficeID: "c7-bureau", CountyID: "c7"}, nil},
		{"township tw2 of c0", actions.User{Role: "county_bureau", OfficeID: "c0-bureau", CountyID: "c0"}, actions.Query{"township": {"tw2"}}},
	}
	for _, bd := range boards {
		b.Run(bd.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				v, err := a.Board(ctx, bd.u, bd.q)
				if err == nil {
					err = json.NewEncoder(io.Discard).Encode(v)
				}
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			pct := func(p float64) float64 {
				return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			// The worst is the city's first request, which counts it live
			// (board_cache.go); the others are served from that count.
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-ms")
		})
	}
	if file := os.Getenv("ZHUCUN_BOARD_PLANS"); file != "" {
		writePlans(b, st, file)
	}
}

func writePlans(b *testing.B, st *store.Store, file string) {
	ctx := context.Background()
	now := time.Now()
	var out string
	for _, q := range []struct {
		name string
		bq   store.BoardQuery
	}{{"city", store.BoardQuery{Now: now}}, {"county c0", store.BoardQuery{CountyID: "c0", Now: now}},
		{"township tw2", store.BoardQuery{CountyID: "c0", TownshipID: "tw2", Now: now}}} {
		plan, err := st.ExplainBoard(ctx, q.bq)
		if err != nil {
			b.Fatal(err)
		}
		out += fmt.Sprintf("### counts: %s\n\n```\n%s```\n\n", q.name, plan)
	}
	for _, c := range []string{"", "c0"} {
		plan, err := st.ExplainBoardMonths(ctx, c, "2025-12", "2026-11")
		if err != nil {
			b.Fatal(err)
		}
		out += fmt.Sprintf("### monthly series: %q\n\n```\n%s```\n\n", c, plan)
	}
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		b.Fatal(err)
	}
}
