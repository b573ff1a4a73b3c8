// Package backup copies a zhucun system — the product database and the
// embedded Temporal server's two databases — to a folder with pg_dump, and
// puts it back with pg_restore, so that a restored system is one that
// existed: every process the read model knows is in Temporal, in the same
// or a later state. The read model may be behind Temporal (a workflow moved
// on while the copy was taken), never ahead; CatchUp then brings it level
// from the workflows' own histories.
//
// Consistency: the three databases cannot share one snapshot, so the
// product database's snapshot is exported first, then Temporal's, then its
// visibility's, all within milliseconds, and pg_dump copies exactly those
// snapshots while the system keeps running. A process is written to the
// read model by its workflow (a local activity) before Temporal records
// the step, so whatever the product copy holds, the Temporal copy holds
// too.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"zhucun/store"
)

// Suffixes name the three databases after DATABASE_URL's: the product's,
// the embedded Temporal server's and its visibility's, in the order they
// are copied.
var Suffixes = []string{"", "_temporal", "_temporal_visibility"}

// ManifestFile describes a backup folder.
const ManifestFile = "manifest.json"

// Manifest is what a backup folder holds and when it was taken.
type Manifest struct {
	Format int `json:"format"`
	// TakenAt is when the product database's snapshot was exported; the
	// Temporal databases' follow within milliseconds.
	TakenAt  time.Time `json:"taken_at"`
	Zhucun   string    `json:"zhucun_version"`
	PgDump   string    `json:"pg_dump_version"`
	Database string    `json:"database"` // the product database's name when copied
	Files    []File    `json:"files"`
	// Took is how long the copy took.
	Took string `json:"took"`
}

// File is one database's dump.
type File struct {
	Suffix string `json:"suffix"` // after the product database's name
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Bytes is the backup's size.
func (m Manifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Bytes
	}
	return n
}

// tool finds pg_dump or pg_restore.
func tool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is missing: install PostgreSQL's client programs (Debian: apt-get install postgresql-client)", name)
	}
	return p, nil
}

// pgEnv is the libpq environment of databaseURL's server and user (the
// password stays off the command line); the database is named apart.
func pgEnv(databaseURL string) ([]string, string, error) {
	cfg, err := store.ConnConfig(databaseURL)
	if err != nil {
		return nil, "", err
	}
	ssl := "disable"
	if cfg.TLSConfig != nil {
		ssl = "require"
	}
	env := append(os.Environ(), fmt.Sprintf("PGHOST=%s", cfg.Host), fmt.Sprintf("PGPORT=%d", cfg.Port),
		"PGUSER="+cfg.User, "PGSSLMODE="+ssl, "PGCONNECT_TIMEOUT=10")
	if cfg.Password != "" {
		env = append(env, "PGPASSWORD="+cfg.Password)
	}
	return env, cfg.Database, nil
}

// run runs a PostgreSQL client program, its error naming what it said.
func run(ctx context.Context, env []string, path string, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if len(msg) > 2000 {
			msg = msg[:2000] + "..."
		}
		return fmt.Errorf("%s: %v: %s", filepath.Base(path), err, msg)
	}
	return nil
}

// Backup copies the databases of databaseURL (see Suffixes) into dir,
// which must not exist or be empty, while the system runs.
func Backup(ctx context.Context, databaseURL, dir, version string) (Manifest, error) {
	started := time.Now()
	m := Manifest{Format: 1, Zhucun: version}
	pgDump, err := tool("pg_dump")
	if err != nil {
		return m, err
	}
	if out, err := exec.Command(pgDump, "--version").Output(); err == nil {
		m.PgDump = strings.TrimSpace(string(out))
	}
	env, db, err := pgEnv(databaseURL)
	if err != nil {
		return m, err
	}
	m.Database = db
	if err := emptyDir(dir); err != nil {
		return m, err
	}
	names := make([]string, len(Suffixes))
	for i, s := range Suffixes {
		names[i] = db + s
	}
	have, err := store.ExistingDatabases(ctx, databaseURL, names...)
	if err != nil {
		return m, err
	}
	if len(have) != len(names) {
		return m, fmt.Errorf("backup copies %s: only %s exist (the embedded Temporal server on PostgreSQL, serve's default, keeps the other two)",
			strings.Join(names, ", "), strings.Join(have, ", "))
	}
	// Product first, then Temporal, then visibility: each snapshot is at
	// least as late as the one before.
	m.TakenAt = time.Now()
	snaps := make([]*store.Snapshot, len(names))
	defer func() {
		for _, s := range snaps {
			if s != nil {
				s.Release(context.WithoutCancel(ctx))
			}
		}
	}()
	for i := range names {
		if snaps[i], err = store.ExportSnapshot(ctx, withDatabase(databaseURL, names[i])); err != nil {
			return m, err
		}
	}
	errc := make(chan error, len(names))
	for i, name := range names {
		file := filepath.Join(dir, "zhucun.dump") // the product's; then temporal.dump, temporal_visibility.dump
		if Suffixes[i] != "" {
			file = filepath.Join(dir, strings.TrimPrefix(Suffixes[i], "_")+".dump")
		}
		m.Files = append(m.Files, File{Suffix: Suffixes[i], Name: filepath.Base(file)})
		go func() {
			errc <- run(ctx, env, pgDump, "--format=custom", "--no-owner", "--no-privileges",
				"--snapshot="+snaps[i].Name, "--file="+file, "--dbname="+name)
		}()
	}
	var errs []error
	for range names {
		errs = append(errs, <-errc)
	}
	if err := errors.Join(errs...); err != nil {
		return m, err
	}
	for i := range m.Files {
		path := filepath.Join(dir, m.Files[i].Name)
		if err := os.Chmod(path, 0o600); err != nil { // accounts and tokens are in there
			return m, err
		}
		if m.Files[i].Bytes, m.Files[i].SHA256, err = digest(path); err != nil {
			return m, err
		}
	}
	m.Took = time.Since(started).Round(time.Millisecond).String()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o600); err != nil {
		return m, err
	}
	return m, nil
}

// ReadManifest reads a backup folder's manifest and checks its files.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("%s is not a zhucun backup: %w", dir, err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != 1 || len(m.Files) != len(Suffixes) {
		return m, fmt.Errorf("%s: a manifest this zhucun cannot read (%v)", filepath.Join(dir, ManifestFile), err)
	}
	for _, f := range m.Files {
		n, sum, err := digest(filepath.Join(dir, f.Name))
		if err != nil {
			return m, err
		}
		if n != f.Bytes || sum != f.SHA256 {
			return m, fmt.Errorf("%s is not the file the backup wrote (size or checksum differs)", filepath.Join(dir, f.Name))
		}
	}
	return m, nil
}

// Restore puts the backup in dir into the databases of databaseURL (see
// Suffixes), which must not exist unless replace is set (then they are
// dropped first). The read model is then caught up by CatchUp.
func Restore(ctx context.Context, databaseURL, dir string, replace bool) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	pgRestore, err := tool("pg_restore")
	if err != nil {
		return m, err
	}
	env, db, err := pgEnv(databaseURL)
	if err != nil {
		return m, err
	}
	names := make([]string, len(Suffixes))
	for i, s := range Suffixes {
		names[i] = db + s
	}
	have, err := store.ExistingDatabases(ctx, databaseURL, names...)
	if err != nil {
		return m, err
	}
	if len(have) > 0 {
		if !replace {
			return m, fmt.Errorf("restore writes into new databases, and %s exist: drop them, name others in DATABASE_URL, or pass --replace to drop them",
				strings.Join(have, ", "))
		}
		if err := store.DropDatabases(ctx, databaseURL, Suffixes...); err != nil {
			return m, err
		}
	}
	if err := store.CreateDatabases(ctx, databaseURL, Suffixes...); err != nil {
		return m, err
	}
	for _, f := range m.Files {
		if err := run(ctx, env, pgRestore, "--no-owner", "--no-privileges", "--exit-on-error",
			"--dbname="+db+f.Suffix, filepath.Join(dir, f.Name)); err != nil {
			return m, fmt.Errorf("restore %s: %w", db+f.Suffix, err)
		}
		if f.Suffix != "" {
			if err := store.AdoptTemporalSchema(ctx, withDatabase(databaseURL, db+f.Suffix)); err != nil {
				return m, fmt.Errorf("restore %s: %w", db+f.Suffix, err)
			}
		}
	}
	return m, nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: a backup goes into a new folder", dir)
	}
	return nil
}

func digest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// withDatabase is url naming another database on the same server.
func withDatabase(raw, db string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}
