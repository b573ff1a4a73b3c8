package actions_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"zhucun/actions"
	"zhucun/internal/pgtest"
	"zhucun/internal/procstat"
	"zhucun/orgimport"
)

// BenchmarkImportCountry imports the whole country's roster (560,000
// members on 140,000 teams, orgimport.Country) from a generated workbook
// into an empty database: streaming read, checks, set-based writes and an
// account for everyone. Goal: 60 s and 1 GB. Run it once:
//
//	go test ./actions -run '^$' -bench ImportCountry -benchtime 1x
//
// It reports the peak resident memory of the import (the generated file
// is made first, and the kernel's peak count reset after it).
func BenchmarkImportCountry(b *testing.B) {
	start := time.Now()
	var buf bytes.Buffer
	o := orgimport.Generate(orgimport.Country)
	if err := orgimport.Write(&buf, o); err != nil {
		b.Fatal(err)
	}
	members := len(o.Members)
	o = nil
	b.Logf("workbook: %d members, generated in %s, %.1f MB", members, time.Since(start).Round(time.Millisecond), float64(buf.Len())/(1<<20))
	for range b.N {
		b.StopTimer()
		pool, _ := pgtest.Pool(b, "importbench")
		a := actions.New(actions.Config{Pool: pool})
		runtime.GC()
		debug.FreeOSMemory()
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		b.StartTimer()
		t0 := time.Now()
		rep, err := a.ImportOrg(context.Background(), admin, "country.xlsx", bytes.NewReader(buf.Bytes()), false, nil)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() {
			b.Fatal(rep.Problems[0])
		}
		b.StopTimer()
		// One line: a benchmark's log keeps only its first lines.
		steps := ""
		for _, st := range rep.Took {
			steps += fmt.Sprintf("%s %s; ", st.Step, st.Took.Round(time.Millisecond))
		}
		b.Logf("import took %s, peak RSS %d MB: %s", time.Since(t0).Round(time.Millisecond), procstat.PeakRSS()>>20, steps)
		b.ReportMetric(float64(procstat.PeakRSS())/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(members), "members")
		pool.Close()
	}
}
