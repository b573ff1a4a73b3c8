package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// OutboxRow is one notification due for delivery.
type OutboxRow struct {
	ID        int64
	Recipient string
	Text      string
	Attempts  int
	// ProcessID, Kind and CountyID are the process the notice is about
	// (Kind and CountyID "" when the read model has no such process):
	// its page is the notice's link, its county's policy sets quiet hours.
	ProcessID string
	Kind      string
	CountyID  string
	// Deadline is the due time of the step the notice is about, if any.
	Deadline *time.Time
}

// OutboxTx is one delivery pass over the outbox: a transaction that holds
// the rows it took locked until it commits, so that concurrent senders
// skip them and a row is marked in the same transaction that took it.
type OutboxTx struct {
	tx pgx.Tx
}

// BeginOutbox starts a delivery pass.
func (s *Store) BeginOutbox(ctx context.Context) (*OutboxTx, error) {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &OutboxTx{tx: tx}, nil
}

// Due takes up to limit unsent rows whose next try is due, oldest first,
// skipping those another pass holds.
func (o *OutboxTx) Due(ctx context.Context, limit int) ([]OutboxRow, error) {
	rows, err := o.tx.Query(ctx, `
		SELECT o.id, o.recipient, o.text, o.attempts, o.process_id::text,
		       coalesce(p.kind, ''), coalesce(p.county_id, ''), o.deadline
		  FROM outbox o LEFT JOIN processes p ON p.id = o.process_id
		 WHERE o.sent_at IS NULL AND o.next_try_at <= now()
		 ORDER BY o.id
		 LIMIT $1
		   FOR UPDATE OF o SKIP LOCKED`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxRow, error) {
		var o OutboxRow
		err := r.Scan(&o.ID, &o.Recipient, &o.Text, &o.Attempts, &o.ProcessID, &o.Kind, &o.CountyID, &o.Deadline)
		return o, err
	})
}

// MarkSent records a row as delivered.
func (o *OutboxTx) MarkSent(ctx context.Context, id int64) error {
	_, err := o.tx.Exec(ctx, `UPDATE outbox SET sent_at = now() WHERE id = $1`, id)
	return err
}

// MarkFailed records a failed delivery: the row's attempts so far, the
// error (valid UTF-8 without NUL bytes, which PostgreSQL rejects) and when
// to try again, counted from the database's clock as next_try_at is.
func (o *OutboxTx) MarkFailed(ctx context.Context, id int64, attempts int, lastError string, retryIn time.Duration) error {
	_, err := o.tx.Exec(ctx, `
			UPDATE outbox
			   SET attempts = $2, last_error = $3,
			       next_try_at = now() + $4 * interval '1 second'
			 WHERE id = $1`,
		id, attempts, lastError, retryIn.Seconds())
	return err
}

// MarkDeferred holds a row back until a later time (quiet hours) without
// counting an attempt: the wait is policy, not a failure.
func (o *OutboxTx) MarkDeferred(ctx context.Context, id int64, until time.Time) error {
	_, err := o.tx.Exec(ctx, `UPDATE outbox SET next_try_at = $2 WHERE id = $1`, id, until)
	return err
}

// Commit keeps the pass's marks and releases its rows.
func (o *OutboxTx) Commit(ctx context.Context) error { return o.tx.Commit(ctx) }

// Rollback gives the pass's rows back unmarked; after Commit it does nothing.
func (o *OutboxTx) Rollback(ctx context.Context) error { return o.tx.Rollback(ctx) }
