package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Snapshot is an open repeatable-read transaction on one database whose
// snapshot is exported, for pg_dump --snapshot to dump exactly what it
// sees. It must stay open until every pg_dump using it has started.
type Snapshot struct {
	Name string
	conn *pgx.Conn
	tx   pgx.Tx
}

// ExportSnapshot opens a transaction on the database of databaseURL and
// exports its snapshot.
func ExportSnapshot(ctx context.Context, databaseURL string) (*Snapshot, error) {
	cfg, err := ConnConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", cfg.Database, err)
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err == nil {
		s := &Snapshot{conn: conn, tx: tx}
		if err = tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&s.Name); err == nil {
			return s, nil
		}
	}
	conn.Close(ctx)
	return nil, fmt.Errorf("export a snapshot of %s: %w", cfg.Database, err)
}

// Release ends the snapshot's transaction.
func (s *Snapshot) Release(ctx context.Context) {
	_ = s.tx.Rollback(ctx)
	_ = s.conn.Close(ctx)
}

// ExistingDatabases are those of names that exist on the server of
// databaseURL.
func ExistingDatabases(ctx context.Context, databaseURL string, names ...string) ([]string, error) {
	cfg, err := ConnConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	cfg.Database = "postgres"
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname`, names)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// CreateDatabases creates the databases named after databaseURL's database
// plus each suffix, empty.
func CreateDatabases(ctx context.Context, databaseURL string, suffixes ...string) error {
	return onSiblings(ctx, databaseURL, suffixes, func(c *pgx.Conn, name string) error {
		if err := CreateDatabase(ctx, c, name); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		return nil
	})
}

// AdoptTemporalSchema makes the Temporal database of databaseURL, restored
// from a copy of one with another name, its own: Temporal's schema_version
// row is keyed by the database's name, and without it the server would
// take the database for an empty one.
func AdoptTemporalSchema(ctx context.Context, databaseURL string) error {
	cfg, err := ConnConfig(databaseURL)
	if err != nil {
		return err
	}
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, `UPDATE schema_version SET db_name = current_database() WHERE db_name <> current_database()`)
	return err
}
