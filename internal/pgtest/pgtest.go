// Package pgtest gives each test package its own freshly migrated
// PostgreSQL database on the real server named by TEST_DATABASE_URL
// (default the local server, as scripts/ensure-postgres.sh leaves it).
package pgtest

import (
	"context"
	"fmt"
	"net/url"
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

// Create makes a new empty database named after prefix and returns its URL
// and a function that drops it.
func Create(prefix string) (string, func(), error) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = DefaultURL
	}
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		return "", nil, fmt.Errorf("TEST_DATABASE_URL: %w", err)
	}
	name := fmt.Sprintf("zt_%s_%d", strings.ReplaceAll(prefix, "-", "_"), time.Now().UnixNano())
	ctx := context.Background()
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL is not reachable (%v): run scripts/ensure-postgres.sh", err)
	}
	defer admin.Close(ctx)
	if err := store.CreateDatabase(ctx, admin, name); err != nil {
		return "", nil, fmt.Errorf("create test database: %w", err)
	}
	drop := func() {
		c, err := pgx.ConnectConfig(context.Background(), cfg)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		store.DropDatabase(context.Background(), c, name)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// URL is Create for a test: the database is dropped when the test ends.
func URL(t testing.TB, prefix string) string {
	t.Helper()
	u, drop, err := Create(prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return u
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
