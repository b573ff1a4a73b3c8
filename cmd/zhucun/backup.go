package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/activities"
	"zhucun/app"
	"zhucun/backup"
	"zhucun/engine"
	"zhucun/internal/seal"
	"zhucun/store"
)

// backupArgs parses `zhucun NAME DIR [flags]` (the folder before or after
// the flags) into the settings, the folder and the flag set.
func backupArgs(name string, args []string, extra func(*flag.FlagSet)) (app.Config, string, error) {
	var cfg app.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return cfg, "", err
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if dir == "" || fs.NArg() > 1 || (fs.NArg() == 1 && fs.Arg(0) != dir) {
		return cfg, "", fmt.Errorf("usage: zhucun %s DIR", name)
	}
	if cfg.TemporalAddress != "" || cfg.TemporalStore != "postgres" {
		return cfg, "", fmt.Errorf("zhucun %s copies the product database and the embedded Temporal server's two on PostgreSQL (serve's default store); with TEMPORAL_ADDRESS or another store, back up that Temporal's databases its own way", name)
	}
	return cfg, dir, nil
}

// backupCmd is `zhucun backup DIR`: the three databases, copied while
// the system runs.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, dir, err := backupArgs("backup", args, nil)
	if err != nil {
		return err
	}
	// The keys go first: without them the copy's workflow contents
	// cannot be read, so a backup that cannot hold them is no backup.
	keys, err := seal.Load(cfg.KeysPath())
	if err != nil {
		return fmt.Errorf("%w: zhucun backup copies the keys of the system it backs up; run it with serve's --data-dir (ZHUCUN_DATA_DIR) or --keys-file (ZHUCUN_KEYS_FILE)", err)
	}
	m, err := backup.Backup(ctx, cfg.DatabaseURL, dir, version)
	if err != nil {
		return err
	}
	if err := keys.Save(filepath.Join(dir, seal.KeysFile)); err != nil {
		return fmt.Errorf("backup keys: %w", err)
	}
	fmt.Fprintf(stdout, "zhucun backup: %s and its Temporal databases in %s (%d files, %d bytes), as of %s, took %s\n",
		m.Database, dir, len(m.Files), m.Bytes(), m.TakenAt.Format(time.RFC3339), m.Took)
	return nil
}

// restoreCmd is `zhucun restore DIR [--replace]`: the databases put back
// under DATABASE_URL's names, then the read model caught up from the
// workflows' histories by an embedded Temporal server on them.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var replace bool
	cfg, dir, err := backupArgs("restore", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&replace, "replace", false, "drop the target databases first if they exist")
	})
	if err != nil {
		return err
	}
	log := newLogger(cfg.Debug)
	defer log.Sync()
	started := time.Now()
	m, err := backup.Restore(ctx, cfg.DatabaseURL, dir, replace)
	if err != nil {
		return err
	}
	// The copy's data keys join this system's, so what they sealed stays
	// readable here. A copy made before keys existed has none to add.
	if copied, err := seal.Load(filepath.Join(dir, seal.KeysFile)); err == nil {
		if err := seal.Merge(cfg.KeysPath(), copied); err != nil {
			return fmt.Errorf("restore keys: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL) // and any migration newer than the copy
	if err != nil {
		return err
	}
	defer pool.Close()
	tmp, err := os.MkdirTemp("", "zhucun-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	eo, err := cfg.EngineOptions(log)
	if err != nil {
		return err
	}
	eo.FrontendAddr, eo.UIAddr, eo.DataDir = "127.0.0.1:0", "", tmp
	srv, err := engine.Start(ctx, eo)
	if err != nil {
		return fmt.Errorf("the restored Temporal databases: %w", err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			log.Warn("temporal server stop", zap.Error(err))
		}
	}()
	keys, err := cfg.Keys()
	if err != nil {
		return err
	}
	copts, err := cfg.ClientOptions(srv.HostPort(), keys)
	if err != nil {
		return err
	}
	copts.Logger = engine.SDKLogger(log.Named("sdk").WithOptions(zap.IncreaseLevel(zap.WarnLevel)))
	c, err := client.Dial(copts)
	if err != nil {
		return err
	}
	defer c.Close()
	writers := (&activities.Activities{Pool: pool, Log: zap.NewNop(), Temporal: c}).Writers()
	res, err := backup.CatchUp(ctx, c, cfg.Namespace, m.TakenAt.Add(-backup.CatchUpMargin), writers, keys, log)
	if err != nil {
		return fmt.Errorf("restored, but the read model could not be caught up (run the restore again with --replace once the cause is fixed): %w", err)
	}
	fmt.Fprintf(stdout, "zhucun restore: %s as of %s into %s (+_temporal, +_temporal_visibility); read model caught up: %d workflows looked at, %d replayed, %d writes; took %s\n",
		dir, m.TakenAt.Format(time.RFC3339), store.MaskURL(cfg.DatabaseURL), res.Workflows, res.Replayed, res.Writes,
		time.Since(started).Round(time.Millisecond))
	return nil
}
