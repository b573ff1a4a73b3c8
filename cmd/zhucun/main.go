// Command zhucun runs the workflow engine for village-resident work teams:
// `zhucun serve` brings up everything in one process; see `zhucun help`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"zhucun/app"
	"zhucun/demo"
	"zhucun/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `zhucun: workflow engine for village-resident work teams (驻村工作队)

Usage:
  zhucun serve [--demo]          everything in one process: embedded Temporal, worker, HTTP
  zhucun api                     the HTTP front end only (needs TEMPORAL_ADDRESS)
  zhucun worker                  the Temporal worker only (needs TEMPORAL_ADDRESS)
  zhucun temporal                the Temporal server only, on PostgreSQL, for api and worker processes
  zhucun certs DIR [--host H]    a CA, server and client certificates and shared keys for a split deployment
  zhucun migrate                 create the database if missing and apply migrations
  zhucun seed demo               load the demo organisation and its accounts
  zhucun demo accounts [--json]  list the demo accounts
  zhucun user add --username U --role R --display-name N [--member-id ...|--unit-id ...|--office-id ...]
  zhucun user passwd --username U    (reads the new password from stdin)
  zhucun bench [--clients 1,16,64] [--n 300]   front end vs raw Temporal, measured
  zhucun bench --temporal-address H:P --api URL1,URL2 --database-url U   the same against a split deployment
  zhucun bench monthend [--tasks-per-second 360] [--duration 2m] [--kill]   the month-end mix against serve run as a child
  zhucun bench scale               supervisors' lists over a national read model, measured
  zhucun schedules               the periodic jobs' Schedules on the running Temporal: next and last runs
  zhucun backup DIR               copy the database and the embedded Temporal's two (pg_dump), while it runs
  zhucun restore DIR [--replace] put a backup into DATABASE_URL's databases and catch the read model up
  zhucun import template > 台账.xlsx   the organisation's workbook template (县区, 乡镇, 村, 派出单位, 工作队及队员)
  zhucun import org FILE.xlsx [--dry-run]   load or update the organisation from the workbook
  zhucun accounts issue --county ID > accounts.xlsx   one-time passwords of new accounts (also --city, --all)
  zhucun accounts reset --username U | disable --username U
  zhucun bench import [--members 560000]   import a generated national roster, measured
  zhucun version

Settings come from flags or the environment: DATABASE_URL, TEMPORAL_ADDRESS,
ZHUCUN_ADDR, ZHUCUN_DATA_DIR (run 'zhucun serve -h' for all).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "zhucun:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, app.ModeServe, stdout)
	case "api":
		return serve(ctx, rest, app.ModeAPI, stdout)
	case "worker":
		return serve(ctx, rest, app.ModeWorker, stdout)
	case "temporal":
		return temporalCmd(ctx, rest, stdout)
	case "certs":
		return certsCmd(rest, stdout)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "seed":
		return seed(ctx, rest, stdout)
	case "demo":
		return demoCmd(rest, stdout)
	case "user":
		return userCmd(ctx, rest, stdin, stdout)
	case "bench":
		if len(rest) > 0 && rest[0] == "import" {
			return benchImportCmd(ctx, rest[1:], stdout)
		}
		return benchCmd(ctx, rest, stdout)
	case "import":
		return importCmd(ctx, rest, stdout)
	case "accounts":
		return accountsCmd(ctx, rest, stdout)
	case "schedules":
		return schedulesCmd(ctx, rest, stdout)
	case "backup":
		return backupCmd(ctx, rest, stdout)
	case "restore":
		return restoreCmd(ctx, rest, stdout)
	case "version":
		fmt.Fprintln(stdout, "zhucun", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q; run 'zhucun help'", cmd)
}

func newLogger(debug bool) *zap.Logger {
	cfg := zap.NewProductionConfig()
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.Sampling = nil
	if debug {
		cfg.Level = zap.NewAtomicLevelAt(zap.DebugLevel)
	}
	l, _ := cfg.Build()
	return l
}

func parseConfig(name string, args []string) (app.Config, *flag.FlagSet, error) {
	var cfg app.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.Flags(fs)
	return cfg, fs, fs.Parse(args)
}

func serve(ctx context.Context, args []string, mode app.Mode, stdout io.Writer) error {
	cfg, _, err := parseConfig("serve", args)
	if err != nil {
		return err
	}
	if !cfg.Demo && mode.API {
		fmt.Fprintf(stdout, "%s\n", app.ImportHint)
	}
	log := newLogger(cfg.Debug)
	defer log.Sync()
	log.Info("starting zhucun", zap.String("version", version), zap.Any("config", cfg.Masked()))
	started := time.Now()
	a, err := app.Start(ctx, cfg, mode, log)
	if err != nil {
		return err
	}
	log.Info("zhucun is up", zap.String("url", a.URL), zap.String("temporal_ui", a.UIURL()), zap.Duration("took", time.Since(started)))
	if cfg.Demo && mode.API {
		fmt.Fprintf(stdout, "\nzhucun is serving at %s. Demo accounts (password %q):\n", a.URL, demo.Password)
		printAccounts(stdout, true)
		if ui := a.UIURL(); ui != "" {
			fmt.Fprintf(stdout, "\nTemporal Web UI (read-only): %s\n", ui)
		}
		fmt.Fprintln(stdout, "\nStop with Ctrl-C; everything is kept for the next start.")
	}
	<-ctx.Done()
	log.Info("shutting down")
	a.Stop()
	return nil
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, _, err := parseConfig("migrate", args)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.New(pool).EnsureDefaultPolicy(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "database", store.MaskURL(cfg.DatabaseURL), "is up to date")
	return nil
}

func seed(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "demo" {
		return errors.New("usage: zhucun seed demo")
	}
	cfg, _, err := parseConfig("seed", args[1:])
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := demo.Seed(ctx, pool); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo organisation loaded: %d accounts, password %q\n", len(demo.Accounts()), demo.Password)
	return nil
}

func demoCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "accounts" {
		return errors.New("usage: zhucun demo accounts [--json]")
	}
	fs := flag.NewFlagSet("demo accounts", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(demo.Accounts())
	}
	printAccounts(stdout, false)
	return nil
}

func printAccounts(w io.Writer, brief bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tNAME")
	for _, a := range demo.Accounts() {
		if brief && a.Role == "member" && len(a.Username) == 3 && a.Username > "m03" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Username, a.Role, a.DisplayName)
	}
	tw.Flush()
	if brief {
		fmt.Fprintln(w, "(members m01..m28 follow the same pattern; 'zhucun demo accounts' lists all)")
	}
}
