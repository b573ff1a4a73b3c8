package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangesChannel is where the triggers of migration 020 announce a change
// to what the api processes cache; the payload names the cache (a
// Change* constant).
const ChangesChannel = "zhucun_changes"

// What a change notice names.
const (
	ChangeAuth     = "auth"     // an account or a token changed
	ChangePolicy   = "policy"   // a policy version was put
	ChangeHolidays = "holidays" // a holiday year or correction was loaded
	// ChangeDelegations: a delegation was given or ended (migration 021).
	ChangeDelegations = "delegations"
)

// ChangeListener is one connection listening on ChangesChannel, taken out
// of the pool for good: a listening connection handed back would go on
// collecting notices nobody reads.
type ChangeListener struct {
	conn *pgx.Conn
}

// ListenChanges opens a listening connection.
func (s *Store) ListenChanges(ctx context.Context) (*ChangeListener, error) {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn := c.Hijack()
	if _, err := conn.Exec(ctx, `LISTEN `+ChangesChannel); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("listen %s: %w", ChangesChannel, err)
	}
	return &ChangeListener{conn: conn}, nil
}

// Next waits for the next change and returns what it names; an error
// means the connection is gone (or ctx ended) and notices may be lost.
func (l *ChangeListener) Next(ctx context.Context) (string, error) {
	n, err := l.conn.WaitForNotification(ctx)
	if err != nil {
		return "", err
	}
	return n.Payload, nil
}

// Close ends the listening connection.
func (l *ChangeListener) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	l.conn.Close(ctx)
}

// UserByTokenUntil is UserByToken with the token's expiry, for a cache to
// forget the token on time.
func (s *Store) UserByTokenUntil(ctx context.Context, token string) (User, time.Time, error) {
	var exp time.Time
	if token == "" {
		return User{}, exp, ErrNotFound
	}
	u, err := scanUser(s.Pool.QueryRow(ctx, `WITH t AS (SELECT user_id, expires_at FROM tokens
			WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now())
		SELECT `+userColumns+`, (SELECT expires_at FROM t) FROM users
		WHERE NOT disabled AND id = (SELECT user_id FROM t)`,
		tokenHash(token)), &exp)
	return u, exp, err
}

// Ping checks that the listening connection still reaches the database.
func (l *ChangeListener) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return l.conn.Ping(ctx)
}
