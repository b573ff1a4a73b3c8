package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhucun/internal/pgtest"
	"zhucun/server"
	"zhucun/store"
	"zhucun/workflows"
)

// BenchmarkPages measures the pages a busy county office opens, over a
// read model shaped as `zhucun bench scale` makes it (store.BenchData):
// the server's time per request, from the handler's first line to its
// last byte with gzip on, and what a first load transfers compressed
// (the page and every stylesheet it links; the pages load nothing else).
// The budget: p99 <= 30 ms, first load <= 150 KB.
//
// The data's size comes from the environment: ZHUCUN_BENCH_MEMBERS and
// ZHUCUN_BENCH_PROCESSES (default 20,000 and 40,000; the national size is
// 560,000 and 1,000,000, about 2.5 minutes to generate) and
// ZHUCUN_BENCH_BIG_COUNTY (members of the measured county c0, default
// 2,000 as `zhucun bench scale`). ZHUCUN_BENCH_DATABASE_URL keeps the data
// between runs: it is filled when empty and reused after.
//
//	go test -run X -bench BenchmarkPages -benchtime 500x ./e2e/
func BenchmarkPages(b *testing.B) {
	env := pagesBench(b)
	for _, path := range []string{"/inbox", "/done"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) { env.measure(b, path) })
	}
}

type pagesBenchEnv struct {
	handler http.Handler
	cookie  string
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// pagesBench fills (or finds) the data and logs in as the bureau of c0,
// the county the synthetic data makes busiest. A database it made is
// dropped when the benchmark ends.
func pagesBench(b *testing.B) *pagesBenchEnv {
	ctx := context.Background()
	dbURL := os.Getenv("ZHUCUN_BENCH_DATABASE_URL")
	if dbURL == "" {
		dbURL = pgtest.URL(b, "pagesbench")
	}
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	st := store.New(pool)
	d := store.BenchData{Members: envInt("ZHUCUN_BENCH_MEMBERS", 20000), Processes: envInt("ZHUCUN_BENCH_PROCESSES", 40000),
		BigCounty: envInt("ZHUCUN_BENCH_BIG_COUNTY", 2000), Month: "2026-11"}
	d.ReportID = workflows.ReportProcessID("c0", d.Month)
	n, err := st.ProcessCount(ctx)
	if err == nil && n == 0 {
		t0 := time.Now()
		err = st.GenerateBenchData(ctx, d)
		fmt.Printf("pages bench: generated %d members, %d processes in %s\n", d.Members, d.Processes, time.Since(t0).Round(time.Second))
	} else if err == nil {
		fmt.Printf("pages bench: reusing %d processes\n", n)
	}
	if err != nil {
		b.Fatal(err)
	}
	bureau := store.User{Username: "bench-c0-bureau", DisplayName: "县0乡村振兴局", Role: "county_bureau", OfficeID: "c0-bureau", CountyID: "c0"}
	if err := st.UpsertUser(ctx, bureau, "bench-password"); err != nil {
		b.Fatal(err)
	}
	u, err := st.UserByUsername(ctx, bureau.Username)
	if err == nil {
		err = st.GenerateBenchDecisions(ctx, u.ID.String(), "c0")
	}
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{Pool: pool, LoginPerMinute: 1 << 30}).Handler()
	form := url.Values{"username": {bureau.Username}, "password": {"bench-password"}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "zhucun_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		b.Fatalf("bench login: %d %s", rec.Code, rec.Body)
	}
	for _, plan := range []func() (string, error){
		func() (string, error) {
			return st.ExplainWaiting(ctx, store.WaitingFilter{Party: "county_bureau:c0-bureau", Limit: 100})
		},
		func() (string, error) { return st.ExplainDecided(ctx, u.ID.String()) },
	} {
		p, err := plan()
		if err != nil {
			b.Fatal(err)
		}
		fmt.Printf("pages bench plan:\n%s\n", p)
	}
	return &pagesBenchEnv{handler: h, cookie: cookie}
}

// get serves one request as the bureau, gzip accepted, and answers the
// recorder and the server's time.
func (e *pagesBenchEnv) get(path string) (*httptest.ResponseRecorder, time.Duration) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Cookie", e.cookie)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	t0 := time.Now()
	e.handler.ServeHTTP(rec, req)
	return rec, time.Since(t0)
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)

func (e *pagesBenchEnv) measure(b *testing.B, path string) {
	first, _ := e.get(path) // warm the caches once
	if first.Code != http.StatusOK || first.Header().Get("Content-Encoding") != "gzip" {
		b.Fatalf("%s: %d, encoding %q", path, first.Code, first.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(first.Body.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	html, _ := io.ReadAll(zr)
	transferred := first.Body.Len()
	for _, m := range stylesheet.FindAllSubmatch(html, -1) {
		css, _ := e.get(string(m[1]))
		if css.Code != http.StatusOK {
			b.Fatalf("%s: %d", m[1], css.Code)
		}
		transferred += css.Body.Len()
	}
	rows := bytes.Count(html, []byte("<tr"))
	times := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec, d := e.get(path)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
		times = append(times, d)
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	b.ReportMetric(ms(cpu), "cpu-ms/op")
	b.ReportMetric(ms(pct(times, 50)), "p50-ms")
	b.ReportMetric(ms(pct(times, 99)), "p99-ms")
	b.ReportMetric(float64(transferred)/1024, "first-load-KB")
	msg := fmt.Sprintf("pages bench %s: %d samples, p50 %.2f ms, p99 %.2f ms, CPU %.2f ms a request (%s); "+
		"first load %.1f KB compressed (HTML %d B gzip of %d B, %d table rows, + CSS)",
		path, len(times), ms(pct(times, 50)), ms(pct(times, 99)), ms(cpu), loadAverage(),
		float64(transferred)/1024, first.Body.Len(), len(html), rows-1)
	b.Log(msg)
	fmt.Println(msg)
	if transferred > 150*1024 {
		b.Errorf("%s: first load %d bytes, over the 150 KB budget", path, transferred)
	}
}

// cpuTime is the CPU the test process has used (the server's and the
// PostgreSQL client's, and the idle embedded Temporal's): a figure that a
// busy machine stretches less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage says how busy the machine was, for reading the figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	return "load " + strings.Join(strings.Fields(string(b))[:3], " ")
}
