// Package store is the SQL of zhucun: every statement zhucun sends to its
// own database lives here, over one pgx pool — the organisation, accounts,
// policies, the read model's writes (RecordSnapshot) and queries, the
// notification outbox, the demo and bench data loaders, and creating and
// dropping databases. Other packages call its methods; none writes SQL,
// so no table is written from two places.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhucun/migrations"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// defaultMaxConns: four processes of one deployment (two api, two worker)
// stay within PostgreSQL's default 100 connections beside Temporal's own.
const defaultMaxConns = 16

// Open connects to databaseURL, creating the database if it is missing, and
// applies the migrations.
func Open(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	if err := EnsureDatabase(ctx, databaseURL); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// pgx's default of max(4, CPUs) connections queued concurrent requests
	// behind each other; pool_max_conns in the URL still wins.
	if !strings.Contains(databaseURL, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if _, err := migrations.Apply(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return pool, nil
}

// ConnConfig is one connection's config from a database URL, which may
// carry pgxpool's own settings (pool_max_conns...): pgx alone would send
// those to the server as parameters it does not know.
func ConnConfig(databaseURL string) (*pgx.ConnConfig, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	return cfg.ConnConfig, nil
}

// EnsureDatabase creates the database named in databaseURL if it does not
// exist, connecting to the server's "postgres" database to do so.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	cfg, err := ConnConfig(databaseURL)
	if err != nil {
		return err
	}
	name := cfg.Database
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		conn.Close(ctx)
		return nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("cannot reach PostgreSQL at %s:%d (%v); start it with scripts/ensure-postgres.sh", cfg.Host, cfg.Port, shortErr(err))
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	aconn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	defer aconn.Close(ctx)
	err = CreateDatabase(ctx, aconn, name)
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i > 0 && len(s) > 160 {
		return s[i+2:]
	}
	return s
}

// MaskURL hides the password in a database URL for logging.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// DropDatabases drops the databases named after databaseURL's database
// plus each suffix ("" for itself, "_temporal" for Temporal's...), ending
// any session still on them. For benchmarks and tests that start from nothing.
func DropDatabases(ctx context.Context, databaseURL string, suffixes ...string) error {
	return onSiblings(ctx, databaseURL, suffixes, func(c *pgx.Conn, name string) error {
		return DropDatabase(ctx, c, name)
	})
}

// onSiblings runs do, over one connection to the server's postgres
// database, for each database named after databaseURL's plus a suffix.
func onSiblings(ctx context.Context, databaseURL string, suffixes []string, do func(c *pgx.Conn, name string) error) error {
	cfg, err := ConnConfig(databaseURL)
	if err != nil {
		return err
	}
	name := cfg.Database
	cfg.Database = "postgres"
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	for _, s := range suffixes {
		if err := do(c, name+s); err != nil {
			return err
		}
	}
	return nil
}

// CreateDatabase creates the database name on the server conn is connected to.
func CreateDatabase(ctx context.Context, conn *pgx.Conn, name string) error {
	_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// DropDatabase drops the database name, if it exists, on the server conn is
// connected to, ending any session still on it.
func DropDatabase(ctx context.Context, conn *pgx.Conn, name string) error {
	_, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}
