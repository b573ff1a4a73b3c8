package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"zhucun/worker"
	"zhucun/workflows"
)

// schedulesCmd lists the Schedules the worker keeps (workflows.Schedules)
// as the running Temporal server holds them: calendar, next ticks, last
// tick, paused or missing. A missing one means no worker of this release
// has started yet.
func schedulesCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, _, err := parseConfig("schedules", args)
	if err != nil {
		return err
	}
	keys, err := cfg.Keys()
	if err != nil {
		return err
	}
	addr := cfg.TemporalAddress
	if addr == "" {
		addr = cfg.EmbeddedAddr
	}
	copts, err := cfg.ClientOptions(addr, keys)
	if err != nil {
		return err
	}
	copts.Logger = quietLogger{}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, copts)
	if err != nil {
		return fmt.Errorf("no Temporal answers at %s (is zhucun serve running?): %w", addr, err)
	}
	defer c.Close()
	states, err := worker.DescribeSchedules(dctx, c, workflows.Schedules())
	if err != nil {
		return err
	}
	printSchedules(stdout, states)
	return nil
}

func printSchedules(w io.Writer, states []worker.ScheduleState) {
	china, _ := time.LoadLocation(workflows.ScheduleTimeZone)
	at := func(t time.Time) string { return t.In(china).Format("2006-01-02 15:04") }
	fmt.Fprintf(w, "%d schedules, times in %s\n", len(states), workflows.ScheduleTimeZone)
	for _, s := range states {
		fmt.Fprintf(w, "\n%s  %s\n  cron %q, job %s\n", s.Spec.ID, s.Spec.Title, s.Spec.Cron, s.Spec.Job)
		if !s.Found {
			fmt.Fprintln(w, "  not on the server: it is created when a worker starts")
			continue
		}
		if s.Paused {
			fmt.Fprintln(w, "  paused")
		}
		var next []string
		for _, t := range s.Next[:min(3, len(s.Next))] {
			next = append(next, at(t))
		}
		fmt.Fprintf(w, "  next: %s\n", strings.Join(next, ", "))
		if s.Last.IsZero() {
			fmt.Fprintf(w, "  not run yet\n")
		} else {
			fmt.Fprintf(w, "  last: %s (%d runs)\n", at(s.Last), s.Actions)
		}
	}
}
