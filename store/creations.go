package store

import (
	"context"
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
		switch {
		case inDay >= perDay && firstInDay != nil:
			refused = &CreationRefused{PerDay: true, RetryAfter: firstInDay.Add(24 * time.Hour)}
			return nil
		case inMinute >= perMinute && firstInMinute != nil:
			refused = &CreationRefused{RetryAfter: firstInMinute.Add(time.Minute)}
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
