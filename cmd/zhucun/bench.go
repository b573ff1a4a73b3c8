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

	"zhucun/bench"
)

// benchCmd: `zhucun bench` prints the front end against raw Temporal;
// `zhucun bench scale` the read model at national scale.
func benchCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "scale" {
		return benchScale(ctx, args[1:], stdout)
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
