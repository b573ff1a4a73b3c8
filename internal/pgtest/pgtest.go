// Package pgtest gives each test package its own freshly migrated
// PostgreSQL database on the real server named by TEST_DATABASE_URL
// (default the local server, as scripts/ensure-postgres.sh leaves it).
package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhucun/store"
)

// DefaultURL is the server the tests use when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// URL returns a URL for a new database named after prefix, created and
// migrated, and dropped when the test ends.
func URL(t testing.TB, prefix string) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = DefaultURL
	}
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	name := fmt.Sprintf("zt_%s_%d", strings.ReplaceAll(prefix, "-", "_"), time.Now().UnixNano())
	ctx := context.Background()
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("PostgreSQL is not reachable (%v): run scripts/ensure-postgres.sh", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	admin.Close(ctx)
	t.Cleanup(func() {
		c, err := pgx.ConnectConfig(context.Background(), cfg)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u := cfg.Copy()
	u.Database = name
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", u.User, u.Host, u.Port, name)
}

// Pool opens a migrated pool on a fresh database.
func Pool(t testing.TB, prefix string) (*pgxpool.Pool, string) {
	t.Helper()
	url := URL(t, prefix)
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, url
}
