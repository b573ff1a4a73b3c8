package bench

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"text/tabwriter"
	"time"
)

// Result is one measured series.
type Result struct {
	Name    string
	Clients int
	N       int
	Errors  int
	Elapsed time.Duration
	Samples []time.Duration
	// Failures are the first few errors, printed under the table.
	Failures []string
}

// maxFailures is how many errors of a series are kept to print.
const maxFailures = 3

// Throughput is operations per second over the whole series.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.N-r.Errors) / r.Elapsed.Seconds()
}

// Pct is the p-th percentile latency.
func (r Result) Pct(p int) time.Duration {
	if len(r.Samples) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), r.Samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

// run calls op n times from clients goroutines and records each latency.
func run(ctx context.Context, name string, clients, n int, op func(ctx context.Context, i int) error) Result {
	res := Result{Name: name, Clients: clients, N: n}
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				err := op(ctx, i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					res.Errors++
					if len(res.Failures) < maxFailures {
						res.Failures = append(res.Failures, err.Error())
					}
				} else {
					res.Samples = append(res.Samples, d)
				}
				mu.Unlock()
			}
		}()
	}
	// A cancelled run stops handing out operations; the level's figures
	// are then thrown away by the caller.
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// printTable writes results as an aligned table.
func printTable(w io.Writer, title string, rs []Result) {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "series\tclients\tn\terrors\tper s\tp50 ms\tp99 ms\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%s\t%s\t\n", r.Name, r.Clients, r.N, r.Errors, r.Throughput(), ms(r.Pct(50)), ms(r.Pct(99)))
	}
	tw.Flush()
	for _, r := range rs {
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %s failed: %s\n", r.Name, f)
		}
	}
}
