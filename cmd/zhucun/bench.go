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

	"zhucun/bench"
)

// benchCmd: `zhucun bench` prints the front end against raw Temporal;
// `zhucun bench scale` the read model at national scale.
func benchCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "scale" {
		return benchScale(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	db := fs.String("database-url", "postgres://postgres@127.0.0.1:5432/zhucun_bench?sslmode=disable", "a database the run drops and fills anew (its name must contain \"bench\")")
	levels := fs.String("clients", "1,16,64", "client concurrencies")
	n := fs.Int("n", 300, "processes per level and side")
	sync := fs.String("synchronous", "full", "embedded SQLite synchronous pragma (full, normal)")
	st := fs.String("temporal-store", "sqlite", "embedded Temporal persistence: sqlite or postgres")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run (server and all) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var ls []int
	for _, f := range strings.Split(*levels, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return fmt.Errorf("--clients: %q is not a number", f)
		}
		ls = append(ls, v)
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
	fmt.Fprintf(stdout, "zhucun bench: %d processes per level, temporal store %s (SQLite synchronous=%s)\n", *n, *st, *sync)
	_, err := bench.Frontend(ctx, bench.Options{DatabaseURL: *db, Levels: ls, N: *n, Out: stdout, Synchronous: *sync, Store: *st})
	return err
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
