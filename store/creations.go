package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CreationRefused says which limit a creating request met and when the
// oldest request counted against it stops counting.
type CreationRefused struct {
	PerDay     bool // the day's limit, else the minute's
	RetryAfter time.Time
}

func (r *CreationRefused) Error() string {
	return fmt.Sprintf("creation limit (per day: %v), retry after %s", r.PerDay, r.RetryAfter)
}

// TakeCreation counts one creating request of a user at now against its
// limits (perMinute in the last minute, perDay in the last 24 hours). It
// answers the slot taken, to give back with ReleaseCreation if the request
// fails, or, at a limit, which one and when to retry. Requests of one user
// are counted one at a time (a transaction-scoped advisory lock), so a
// burst cannot slip past the limit together.
func (s *Store) TakeCreation(ctx context.Context, user uuid.UUID, now time.Time, perMinute, perDay int) (slot int64, refused *CreationRefused, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('creations:' || $1::text, 0))`, user); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM creations WHERE user_id = $1 AND at <= $2`, user, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		var inMinute, inDay int
		var firstInMinute, firstInDay *time.Time
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE at > $2), count(*),
				min(at) FILTER (WHERE at > $2), min(at)
			FROM creations WHERE user_id = $1`, user, now.Add(-time.Minute)).
			Scan(&inMinute, &inDay, &firstInMinute, &firstInDay); err != nil {
			return err
		}
		if refused = creationVerdict(inMinute, inDay, firstInMinute, firstInDay, perMinute, perDay); refused != nil {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO creations (user_id, at) VALUES ($1, $2) RETURNING id`, user, now).Scan(&slot)
	})
	return slot, refused, err
}

// ReleaseCreation gives back a slot of TakeCreation's whose request failed.
func (s *Store) ReleaseCreation(ctx context.Context, slot int64) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM creations WHERE id = $1`, slot)
	return err
}

// creationVerdict is the limit a user's counted requests meet, if any.
func creationVerdict(inMinute, inDay int, firstInMinute, firstInDay *time.Time, perMinute, perDay int) *CreationRefused {
	switch {
	case inDay >= perDay && firstInDay != nil:
		return &CreationRefused{PerDay: true, RetryAfter: firstInDay.Add(24 * time.Hour)}
	case inMinute >= perMinute && firstInMinute != nil:
		return &CreationRefused{RetryAfter: firstInMinute.Add(time.Minute)}
	}
	return nil
}

// queueCreation is TakeCreation inside another transaction's batch: the
// slot is inserted only below both limits (o.slot stays 0 at one) and only
// once the leave is reserved, and the counts are read for the refusal.
func queueCreation(exec func(string, ...any), row func(func(pgx.Row) error, string, ...any), o *reserveOutcome, lim CreationLimit, processID string) {
	exec(`SELECT pg_advisory_xact_lock(hashtextextended('creations:' || $1::text, 0))`, lim.UserID)
	exec(`DELETE FROM creations WHERE user_id = $1 AND at <= $2`, lim.UserID, lim.Now.Add(-24*time.Hour))
	row(func(q pgx.Row) error { return q.Scan(&o.inMinute, &o.inDay, &o.firstMin, &o.firstDay) },
		`SELECT count(*) FILTER (WHERE at > $2), count(*), min(at) FILTER (WHERE at > $2), min(at)
		FROM creations WHERE user_id = $1`, lim.UserID, lim.Now.Add(-time.Minute))
	row(func(q pgx.Row) error {
		err := q.Scan(&o.slot)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	}, `INSERT INTO creations (user_id, at)
		SELECT $1, $2 WHERE (SELECT count(*) FROM creations WHERE user_id = $1 AND at > $3) < $4
		  AND (SELECT count(*) FROM creations WHERE user_id = $1) < $5
		  AND EXISTS (SELECT 1 FROM leave_periods WHERE process_id = $6::uuid)
		RETURNING id`, lim.UserID, lim.Now, lim.Now.Add(-time.Minute), lim.PerMinute, lim.PerDay, processID)
}
