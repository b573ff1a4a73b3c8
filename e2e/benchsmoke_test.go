package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"zhucun/bench"
	"zhucun/internal/pgtest"
)

// TestBenchRuns runs `zhucun bench` once with a tiny count so the
// benchmark cannot rot; the figures themselves are not judged here.
func TestBenchRuns(t *testing.T) {
	var out bytes.Buffer
	rs, err := bench.Frontend(context.Background(), bench.Options{
		DatabaseURL: pgtest.URL(t, "bench"), Levels: []int{2}, N: 4, Out: &out})
	wantBenchTable(t, rs, err, 4, out.String())
}

// wantBenchTable checks one level of `zhucun bench`: four series of n
// samples each, no errors, and the table printed.
func wantBenchTable(t *testing.T, rs []bench.Result, err error, n int, out string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("%d series, want 4", len(rs))
	}
	for _, r := range rs {
		if r.Errors > 0 || len(r.Samples) != n {
			t.Errorf("%s: %d errors, %d samples", r.Name, r.Errors, len(r.Samples))
		}
	}
	if !strings.Contains(out, "POST /leaves") {
		t.Errorf("no table printed:\n%s", out)
	}
}

// TestBenchScaleRuns fills a tiny synthetic read model and measures it, so
// `zhucun bench scale` cannot rot.
func TestBenchScaleRuns(t *testing.T) {
	var out bytes.Buffer
	rs, err := bench.Scale(context.Background(), bench.ScaleOptions{
		DatabaseURL: pgtest.URL(t, "scale"), Members: 4000, Processes: 3000, BigCounty: 400, Requests: 5, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Errors > 0 || len(r.Samples) == 0 {
			t.Errorf("%s: %d errors, %d samples", r.Name, r.Errors, len(r.Samples))
		}
	}
	for _, want := range []string{"plan: GET /inbox", "size: database"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}
