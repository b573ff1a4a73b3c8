package main

// zhucun bench import: the whole country's roster (560,000 members by
// default) generated as a workbook, then imported into a fresh database
// and imported again, with the time and the peak memory of each.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"zhucun/actions"
	"zhucun/internal/procstat"
	"zhucun/orgimport"
	"zhucun/store"
)

func benchImportCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	members := fs.Int("members", 560000, "members in the generated workbook (4 a team)")
	db := fs.String("database-url", "postgres://postgres@127.0.0.1:5432/zhucun_bench_import?sslmode=disable",
		"a database the run drops and fills anew (its name must contain \"bench\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.Contains(*db, "bench") {
		return fmt.Errorf("--database-url %s: the run drops it, so its name must contain \"bench\"", *db)
	}
	spec := orgimport.Country
	teams := max(1, *members/spec.MembersPerTeam)
	perCounty := spec.TownshipsPer * spec.VillagesPer
	spec.Counties = (teams + perCounty - 1) / perCounty
	spec.VillagesPer = max(1, teams/(spec.Counties*spec.TownshipsPer))
	started := time.Now()
	var buf bytes.Buffer
	o := orgimport.Generate(spec)
	if err := orgimport.Write(&buf, o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d members, %d teams, %d units in %d counties: %.1f MB xlsx in %s\n",
		len(o.Members), len(o.Members)/spec.MembersPerTeam, len(o.Units), spec.Counties,
		float64(buf.Len())/(1<<20), time.Since(started).Round(time.Millisecond))
	o = nil
	if err := store.DropDatabases(ctx, *db, ""); err != nil {
		return err
	}
	pool, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer pool.Close()
	act := actions.New(actions.Config{Pool: pool})
	for _, run := range []string{"first import", "same file again"} {
		runtime.GC()
		debug.FreeOSMemory()
		procstat.ResetPeakRSS()
		heap := sampleHeap()
		meter := orgimport.NewMeter(os.Stderr, orgimport.IsTerminal(os.Stderr), spec.Counties*perCounty*spec.MembersPerTeam)
		t0 := time.Now()
		rep, err := act.ImportOrg(ctx, cliUser, "bench.xlsx", bytes.NewReader(buf.Bytes()), false, meter.Rows)
		took := time.Since(t0)
		peakHeap := heap()
		if err != nil {
			return err
		}
		if !rep.OK() {
			return fmt.Errorf("%s: %v", run, rep.Problems[0])
		}
		meter.Step(run + " done")
		fmt.Fprintf(stdout, "%s: %s, peak RSS %d MB, peak Go heap %d MB (goal: 60 s, 1024 MB)\n",
			run, took.Round(time.Millisecond), procstat.PeakRSS()>>20, peakHeap>>20)
		for _, st := range rep.Took {
			fmt.Fprintf(stdout, "  %s: %s\n", st.Step, st.Took.Round(time.Millisecond))
		}
		for _, c := range rep.Counts {
			fmt.Fprintf(stdout, "  %s: %d new, %d changed, %d unchanged\n", c.Kind, c.Created, c.Updated, c.Unchanged)
		}
	}
	return nil
}

// sampleHeap samples the Go heap every 50 ms until the returned function
// is called, which answers the largest sample.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-stopped; return peak.Load() }
}
