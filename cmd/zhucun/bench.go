package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zhucun/bench"
	"zhucun/store"
)

// benchCmd: `zhucun bench` prints the front end against raw Temporal;
// `zhucun bench scale` the read model at national scale; `zhucun bench
// monthend` the month-end mix against a serve it runs and may kill.
func benchCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "scale" {
		return benchScale(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "monthend" {
		return benchMonthend(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	db := fs.String("database-url", "postgres://postgres@127.0.0.1:5432/zhucun_bench?sslmode=disable",
		"in process: a database the run drops and fills anew (its name must contain \"bench\"); with --api: the deployment's database, only read")
	levels := fs.String("clients", "1,16,64", "client concurrencies")
	n := fs.Int("n", 300, "processes per level and side")
	settle := fs.Duration("settle", 2*time.Second, "pause between phases, for the last one's asynchronous work to finish")
	sync := fs.String("synchronous", "full", "embedded SQLite synchronous pragma (full, normal)")
	st := fs.String("temporal-store", "postgres", "embedded Temporal persistence: postgres (serve's default) or sqlite")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run (server and all) to this file")
	temporal := fs.String("temporal-address", "", "measure a running split deployment: its Temporal frontend host:port (with --api)")
	apis := fs.String("api", "", "measure a running split deployment: its api base URLs, comma-separated, used in turn (with --temporal-address; the api processes run with --demo)")
	noCaches := fs.Bool("no-caches", false, "in process: the api without its caches of tokens, policies and holidays (for before/after)")
	compare := fs.Bool("compare-caches", false, "in process: measure submissions and decisions again with the caches off, right after, for before/after under the same load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ls, err := parseLevels(*levels)
	if err != nil {
		return err
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o := bench.Options{DatabaseURL: *db, Levels: ls, N: *n, Out: stdout, Synchronous: *sync, Store: *st, TemporalAddress: *temporal, Settle: *settle, NoCaches: *noCaches, CompareCaches: *compare}
	if *apis != "" {
		o.APIs = strings.Split(*apis, ",")
		fmt.Fprintf(stdout, "zhucun bench: %d processes per level, split deployment: temporal %s, api %s\n", *n, *temporal, *apis)
	} else {
		store := *st
		if store == "sqlite" {
			store += ", synchronous=" + *sync
		}
		fmt.Fprintf(stdout, "zhucun bench: %d processes per level, temporal store %s\n", *n, store)
	}
	_, err = bench.Frontend(ctx, o)
	return err
}

// parseLevels reads --clients: concurrencies such as "1,16,64".
func parseLevels(s string) ([]int, error) {
	var ls []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("--clients: %q is not a number", f)
		}
		ls = append(ls, v)
	}
	return ls, nil
}

func benchScale(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench scale", flag.ContinueOnError)
	o := bench.ScaleOptions{Out: stdout}
	fs.StringVar(&o.DatabaseURL, "database-url", "postgres://postgres@127.0.0.1:5432/zhucun_scale?sslmode=disable", "a database of its own, filled once")
	fs.IntVar(&o.Members, "members", 560000, "village-resident cadres")
	fs.IntVar(&o.Processes, "processes", 1000000, "processes in the read model")
	fs.IntVar(&o.BigCounty, "big-county", 2000, "members of the county whose report and ledger are read")
	fs.IntVar(&o.Requests, "requests", 200, "requests per measured list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := bench.Scale(ctx, o)
	return err
}

func benchMonthend(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench monthend", flag.ContinueOnError)
	o := bench.MonthendOptions{Out: stdout}
	fs.StringVar(&o.DatabaseURL, "database-url", "postgres://postgres@127.0.0.1:5432/zhucun_monthend_bench?sslmode=disable",
		"a database the run drops and fills anew, with its two Temporal siblings (its name must contain \"bench\")")
	fs.Float64Var(&o.TasksPerSecond, "tasks-per-second", 360, "workflow tasks a second the mix is sized to cause (docs/scaling.md: 360 at the busiest minute)")
	fs.DurationVar(&o.Duration, "duration", 2*time.Minute, "how long the measured window lasts")
	fs.DurationVar(&o.Warmup, "warmup", 10*time.Second, "how long the mix runs before the window, not counted")
	fs.IntVar(&o.MaxInflight, "max-inflight", 256, "requests out at once at most; an arrival past it is not sent and counts as behind")
	kill := fs.Bool("kill", false, "SIGKILL serve during the window and restart it, then check every request answered 2xx")
	fs.IntVar(&o.Kills, "kills", 2, "with --kill: how many times")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*kill {
		o.Kills = 0
	} else if o.Kills < 1 {
		return fmt.Errorf("--kills: %d; with --kill, at least 1", o.Kills)
	}
	// The bench's made-up accounts never log in with their password: a
	// cheap hash spares a second of bcrypt per hundred of them.
	store.BcryptCost = bcrypt.MinCost
	res, err := bench.Monthend(ctx, o)
	if err == nil && res.Errors > 0 {
		err = fmt.Errorf("%d requests failed (must be 0)", res.Errors)
	}
	return err
}
