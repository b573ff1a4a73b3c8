package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// OpenProcesses is one kind and county's open processes, as the read model
// holds them, for the operators' metrics.
type OpenProcesses struct {
	Kind, County string
	Open         int64
	Overdue      int64
	// OldestOverdue is the due time of the longest overdue one (zero if
	// none is overdue).
	OldestOverdue time.Time
}

// OutboxState is the notification outbox as a whole.
type OutboxState struct {
	Backlog int64 // not yet delivered
	Failing int64 // not yet delivered, and tried at least once
	// OldestBacklog is when the oldest undelivered row was written (zero
	// if none).
	OldestBacklog time.Time
}

// MetricsSnapshot is what the operators' metrics read from the database
// at a scrape.
type MetricsSnapshot struct {
	Processes []OpenProcesses
	Outbox    OutboxState
	// Provisional counts processes written before their workflow started
	// and not yet replaced by its first record: normally none, briefly.
	Provisional int64
	// OldestProvisional is the opening of the oldest provisional process.
	OldestProvisional time.Time
}

// Metrics reads the figures for the operators' metrics in one repeatable
// read transaction: open and overdue processes by kind and county, the
// outbox's backlog, and processes the read model holds ahead of their
// workflow's first record.
func (s *Store) Metrics(ctx context.Context) (MetricsSnapshot, error) {
	var m MetricsSnapshot
	err := pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT kind, county_id, count(*), count(*) FILTER (WHERE overdue),
			       min(due_at) FILTER (WHERE overdue)
			  FROM processes
			 WHERE closed_at IS NULL
			 GROUP BY kind, county_id
			 ORDER BY kind, county_id`)
		if err != nil {
			return err
		}
		m.Processes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenProcesses, error) {
			var p OpenProcesses
			var oldest *time.Time
			err := r.Scan(&p.Kind, &p.County, &p.Open, &p.Overdue, &oldest)
			if oldest != nil {
				p.OldestOverdue = *oldest
			}
			return p, err
		})
		if err != nil {
			return err
		}
		var oldestOutbox, oldestProvisional *time.Time
		if err := tx.QueryRow(ctx, `
			SELECT count(*), count(*) FILTER (WHERE attempts > 0), min(created_at)
			  FROM outbox WHERE sent_at IS NULL`).Scan(&m.Outbox.Backlog, &m.Outbox.Failing, &oldestOutbox); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			SELECT count(*), min(opened_at) FROM processes WHERE version = 0`).Scan(&m.Provisional, &oldestProvisional); err != nil {
			return err
		}
		if oldestOutbox != nil {
			m.Outbox.OldestBacklog = *oldestOutbox
		}
		if oldestProvisional != nil {
			m.OldestProvisional = *oldestProvisional
		}
		return nil
	})
	return m, err
}
