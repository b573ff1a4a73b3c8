package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"sync"
	"text/tabwriter"
	"time"
)

func printMix(w io.Writer, o MonthendOptions, rate [nKinds]float64) {
	fmt.Fprintf(w, "month-end mix at %.0f workflow tasks/s: %s measured after %s warmup, at most %d requests out at once", o.TasksPerSecond, o.Duration, o.Warmup, o.MaxInflight)
	if o.Kills > 0 {
		fmt.Fprintf(w, ", serve killed (SIGKILL) %d times", o.Kills)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\tper day (national)\ttasks each\ttarget /s\t")
	for k, m := range mix {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.2f\t\n", m.name, m.perDay, m.tasks, rate[k])
	}
	tw.Flush()
}

// result turns the driver's counts into one Result per request type.
func (d *driver) result(o MonthendOptions, f figures, kills []Kill) MonthendResult {
	res := MonthendResult{Kills: kills}
	var tasks float64
	for k, s := range d.series {
		s.mu.Lock()
		res.Series = append(res.Series, Result{Name: mix[k].name, Clients: cap(d.sem), N: s.ok + s.errors,
			Errors: s.errors, Elapsed: o.Duration, Samples: s.samples, Failures: s.failures})
		res.Errors += s.errors
		tasks += float64(s.ok) / o.Duration.Seconds() * mix[k].tasks
		s.mu.Unlock()
	}
	res.Fraction = tasks / o.TasksPerSecond
	if f.elapsed > 0 {
		res.ServeCores, res.PeakRSS = f.serveCPU.Seconds()/f.elapsed.Seconds(), f.peakRSS
	}
	for i := range res.Kills {
		res.Kills[i].Recovered = d.recovered(res.Kills[i])
	}
	return res
}

// recovered is the start of the first three seconds in a row, after the
// restart, each with at least 90% of the answers a second of the ten
// seconds before the kill (one good second may be only the backlog of
// retried requests).
func (d *driver) recovered(k Kill) time.Time {
	sec := func(t time.Time) int { return int(t.Sub(d.start) / time.Second) }
	from, to := max(sec(k.At)-10, 0), sec(k.At)
	if to <= from {
		return time.Time{}
	}
	var pre int64
	for i := from; i < to; i++ {
		pre += d.buckets[i].Load()
	}
	want := 0.9 * float64(pre) / float64(to-from)
	run := 0
	for i := sec(k.Restarted); i < len(d.buckets); i++ {
		if float64(d.buckets[i].Load()) >= want {
			run++
		} else {
			run = 0
		}
		if run == 3 {
			return d.start.Add(time.Duration(i-2) * time.Second)
		}
	}
	return time.Time{}
}

func printMonthend(w io.Writer, o MonthendOptions, d *driver, f figures, res MonthendResult) {
	printTable(w, "latency of the answered requests (from each request's arrival; clients = max in flight)", res.Series)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\ttarget /s\tanswered /s\tof target\tbehind\tstarved\tretried\terrors\t")
	var target, achieved float64
	for k, s := range d.series {
		got := float64(s.ok) / o.Duration.Seconds()
		target, achieved = target+d.rate[k], achieved+got
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.0f%%\t%d\t%d\t%d\t%d\t\n", mix[k].name, d.rate[k], got, 100*ratio(got, d.rate[k]), s.behind, s.starved, s.retried, s.errors)
	}
	fmt.Fprintf(tw, "all\t%.2f\t%.2f\t%.0f%%\t\t\t\t%d\t\n", target, achieved, 100*ratio(achieved, target), res.Errors)
	tw.Flush()
	fmt.Fprintln(w, "(behind: arrivals not sent, the in-flight bound was full; starved: arrivals with nothing to do yet, the stage before was behind; retried: sent again while serve was down)")
	secs := f.elapsed.Seconds()
	fmt.Fprintf(w, "\nworkflow tasks/s: target %.0f, implied by the answers %.1f (%.0f%%)", o.TasksPerSecond, res.Fraction*o.TasksPerSecond, 100*res.Fraction)
	if f.tasksKnown && secs > 0 {
		fmt.Fprintf(w, ", completed by Temporal %.1f (frontend RespondWorkflowTaskCompleted)\n", f.tasks/secs)
	} else {
		fmt.Fprintln(w, ", completed by Temporal: not known (a /metrics scrape failed)")
	}
	if secs > 0 {
		fmt.Fprintf(w, "serve: %.2f cores on average, peak RSS %d MB (RSS at the end %d MB)\n", f.serveCPU.Seconds()/secs, f.peakRSS>>20, f.lastRSS>>20)
		pg := f.pgCPU[0] + f.pgCPU[1] + f.pgCPU[2]
		fmt.Fprintf(w, "PostgreSQL backends: %.2f cores (zhucun's database %.2f, Temporal's store %.2f, its visibility %.2f); bench client: %.2f cores\n",
			pg.Seconds()/secs, f.pgCPU[0].Seconds()/secs, f.pgCPU[1].Seconds()/secs, f.pgCPU[2].Seconds()/secs, f.selfCPU.Seconds()/secs)
		fmt.Fprintf(w, "machine: %.2f of %.0f cores busy, %.2f of them by everything else (PostgreSQL's shared writers, other users); load average %s\n",
			f.busy.Seconds()/secs, f.total.Seconds()/secs, max(0, (f.busy-f.serveCPU-pg-f.selfCPU).Seconds()/secs), f.load)
	}
	if res.Fraction >= 0.95 {
		fmt.Fprintf(w, "this machine held the target: %.0f%% of %.0f workflow tasks/s\n", 100*res.Fraction, o.TasksPerSecond)
	} else if res.Fraction > 0 {
		fmt.Fprintf(w, "this machine did not hold the target: it sustained %.0f%% of %.0f workflow tasks/s; at that ratio the peak needs %d machines of this size (more split: see docs/scaling.md)\n",
			100*res.Fraction, o.TasksPerSecond, int(math.Ceil(1/res.Fraction)))
	}
}

// check reads back every request answered 2xx: each absence at or past
// its last answered step, each leave there and decided if answered so,
// each report submitted.
func (d *driver) check(ctx context.Context, res *MonthendResult) error {
	if len(res.Kills) == 0 {
		return errors.New("serve was never killed: nothing to check")
	}
	lastKill := res.Kills[len(res.Kills)-1].At
	type target struct {
		k  kind
		it item
	}
	steps := map[string][]kind{}
	var order []target
	for _, a := range d.answers {
		key := a.it.id
		if a.k == kReport {
			key = a.it.county + "/" + a.it.month
		}
		if _, ok := steps[key]; !ok {
			order = append(order, target{a.k, a.it})
		}
		steps[key] = append(steps[key], a.k)
		if a.at.Before(lastKill) {
			res.AnsweredBeforeKill++
		}
	}
	res.Checked = len(d.answers)
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, t := range order {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			key := t.it.id
			if t.k == kReport {
				key = t.it.county + "/" + t.it.month
			}
			lost, err := d.lost(ctx, t.k, t.it, steps[key])
			mu.Lock()
			defer mu.Unlock()
			res.Lost += len(lost)
			res.LostItems = append(res.LostItems, lost...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// rank orders an absence's statuses along its path.
var rank = map[string]int{"awaiting_explanation": 1, "awaiting_signature": 2, "signed": 3}

// lost reads one process back and names the answered steps it does not
// show.
func (d *driver) lost(ctx context.Context, k kind, it item, answered []kind) ([]string, error) {
	var path, token string
	switch k {
	case kAbsence, kExplain, kSign:
		path, token = "/api/v1/absences/"+it.id, it.c.bureau
	case kLeave, kDecide:
		path, token = "/api/v1/leaves/"+it.id, it.c.memberTokens[it.m]
	default:
		path, token = "/api/v1/reports/absences?county="+url.QueryEscape(it.county)+"&month="+it.month, it.c.bureau
	}
	out, err := d.api.call(ctx, token, "GET", path, nil, 200)
	var lost []string
	if err != nil { // not there: every answer about it is lost
		for _, a := range answered {
			lost = append(lost, fmt.Sprintf("%s answered, %s: %v", mix[a].name, path, err))
		}
		return lost, nil
	}
	status, _ := out["status"].(string)
	for _, a := range answered {
		var ok bool
		switch a {
		case kAbsence:
			ok = rank[status] >= 1
		case kExplain:
			ex, _ := out["explanations"].([]any)
			ok = rank[status] >= 2 && len(ex) > 0
		case kSign:
			ok = status == "signed"
		case kLeave:
			ok = status == "pending" || status == "approved"
		case kDecide:
			ok = status == "approved"
		case kReport:
			ok = status == "submitted"
		}
		if !ok {
			lost = append(lost, fmt.Sprintf("%s answered, %s now %q", mix[a].name, path, status))
		}
	}
	return lost, nil
}

func printKills(w io.Writer, d *driver, res MonthendResult) {
	fmt.Fprintln(w)
	for i, k := range res.Kills {
		fmt.Fprintf(w, "kill %d at +%s: ready %s after SIGKILL; ", i+1, k.At.Sub(d.windowStart).Round(time.Second), k.Ready.Sub(k.At).Round(time.Millisecond))
		if k.Recovered.IsZero() {
			fmt.Fprintln(w, "the rate was not back at 90% of before the kill within the run")
		} else {
			fmt.Fprintf(w, "rate back at >=90%% of before the kill %s after the restart\n", k.Recovered.Sub(k.Restarted).Round(time.Second))
		}
	}
	settled := 0
	for _, s := range d.series {
		settled += s.settled
	}
	fmt.Fprintf(w, "answered 2xx before a kill: %d, lost: %d (all %d answered 2xx in the run checked; %d updates answered 409 on a retry, done by an attempt whose answer was lost)\n",
		res.AnsweredBeforeKill, res.Lost, res.Checked, settled)
	for i, l := range res.LostItems {
		if i == 10 {
			fmt.Fprintf(w, "  ... and %d more\n", len(res.LostItems)-i)
			break
		}
		fmt.Fprintf(w, "  lost: %s\n", l)
	}
}
