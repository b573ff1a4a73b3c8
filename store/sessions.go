package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CreateSession starts a page session for userID that lasts at most maxAge:
// 32 random bytes for the cookie, only their SHA-256 stored.
func (s *Store) CreateSession(ctx context.Context, userID uuid.UUID, maxAge time.Duration) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	_, err := s.Pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`,
		tokenHash(token), userID, maxAge.String())
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user of a live session and marks it seen, in one
// statement. ErrNotFound when the session is unknown, revoked, expired,
// unused for longer than idle, or its user is disabled.
func (s *Store) SessionUser(ctx context.Context, token string, idle time.Duration) (User, error) {
	if token == "" {
		return User{}, ErrNotFound
	}
	return scanUser(s.Pool.QueryRow(ctx, `WITH seen AS (
			UPDATE sessions SET seen_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND seen_at > now() - $2::interval
			RETURNING user_id)
		SELECT `+userColumns+` FROM users WHERE NOT disabled AND id = (SELECT user_id FROM seen)`,
		tokenHash(token), idle.String()))
}

// RevokeSession ends a session (logout); an unknown one is no error.
func (s *Store) RevokeSession(ctx context.Context, token string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE sessions SET revoked_at = COALESCE(revoked_at, now()) WHERE token_hash = $1`, tokenHash(token))
	return err
}

// ChangePassword sets a new password for id after checking the current
// one, and ends every other session and token of the user, so a password
// that leaked stops working everywhere. ErrBadCredentials if current is
// wrong.
func (s *Store) ChangePassword(ctx context.Context, id uuid.UUID, current, next, keepSession string) error {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.Authenticate(ctx, u.Username, current); err != nil {
		return err
	}
	hash, err := hashPassword(next)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1`, id, string(hash)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now()
			WHERE user_id = $1 AND revoked_at IS NULL AND token_hash <> $2`, id, tokenHash(keepSession))
		return err
	})
}
