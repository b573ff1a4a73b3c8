//go:build linux

package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zhucun/bench"
	"zhucun/internal/pgtest"
)

// monthendOptions is a tiny month-end run against a serve built from this
// tree: a sixth of the peak's tasks, long enough for every request type
// to arrive in the measured window (a report submission every ~6 s).
func monthendOptions(t *testing.T, bin string, out *bytes.Buffer) bench.MonthendOptions {
	url := pgtest.URL(t, "bench")
	t.Cleanup(func() { dropSiblings(t, url, "_temporal", "_temporal_visibility") })
	return bench.MonthendOptions{DatabaseURL: url, Binary: bin, TasksPerSecond: 60, Warmup: 2 * time.Second,
		Duration: 8 * time.Second, Out: out}
}

// TestBenchMonthend runs `zhucun bench monthend` briefly, plainly and with
// a kill, so the command cannot rot; both runs share one build of serve.
func TestBenchMonthend(t *testing.T) {
	bin := buildZhucun(t)
	t.Run("runs", func(t *testing.T) { monthendRuns(t, bin) })
	t.Run("kill", func(t *testing.T) { monthendKill(t, bin) })
}

// monthendRuns: every request type answered, none failed, the tables
// printed. The figures themselves are not judged here.
func monthendRuns(t *testing.T, bin string) {
	var out bytes.Buffer
	res, err := bench.Monthend(context.Background(), monthendOptions(t, bin, &out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if res.Errors != 0 {
		t.Errorf("%d requests failed:\n%s", res.Errors, out.String())
	}
	if len(res.Series) != 6 {
		t.Fatalf("%d series, want 6", len(res.Series))
	}
	for _, r := range res.Series {
		if len(r.Samples) == 0 {
			t.Errorf("%s: no request answered in the window", r.Name)
		}
	}
	if res.ServeCores <= 0 || res.PeakRSS <= 0 {
		t.Errorf("serve measured at %.2f cores and %d bytes at its peak", res.ServeCores, res.PeakRSS)
	}
	for _, want := range []string{"POST absence signature", "of target", "workflow tasks/s", "serve:", "this machine"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}

// monthendKill kills serve once in the middle of a tiny run: it comes
// back, and every request answered 2xx, before the kill or after, is
// found afterwards.
func monthendKill(t *testing.T, bin string) {
	var out bytes.Buffer
	o := monthendOptions(t, bin, &out)
	// Long enough after the kill for the rate to come back, which is
	// printed but not judged.
	o.Kills, o.RetryFor, o.Duration = 1, 15*time.Second, 16*time.Second
	res, err := bench.Monthend(context.Background(), o)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kills) != 1 || res.Kills[0].Ready.IsZero() {
		t.Fatalf("kills %+v, want one, restarted and ready", res.Kills)
	}
	if res.AnsweredBeforeKill == 0 || res.Checked < res.AnsweredBeforeKill {
		t.Errorf("answered before the kill %d, checked %d", res.AnsweredBeforeKill, res.Checked)
	}
	if res.ServeCores <= 0 || res.PeakRSS <= 0 {
		t.Errorf("serve measured at %.2f cores and %d bytes at its peak, across the kill", res.ServeCores, res.PeakRSS)
	}
	if res.Lost != 0 {
		t.Errorf("lost %d of %d answered 2xx", res.Lost, res.Checked)
	}
	if !strings.Contains(out.String(), "answered 2xx before a kill") {
		t.Errorf("no kill summary in the output")
	}
}
