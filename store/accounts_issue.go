package store

// Handing out accounts: one-time passwords for the accounts an import
// created, and an administrator's reset. The password is shown once, to
// whoever issues it, and stored only hashed (see hashOneTime); its holder
// must set their own, bcrypt-hashed, at the first login.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// OneTimeLen is the length of a one-time password: 14 characters of a
// 55-letter alphabet, drawn uniformly, are 80.9 bits of randomness.
const OneTimeLen = 14

// oneTimeAlphabet leaves out characters read alike (0/O, 1/l/I).
const oneTimeAlphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// NewOneTimePassword is a random password for handing out on paper. Bytes
// of 220 and above are drawn again, so that every letter is as likely as
// another (220 is the largest multiple of 55 below 256).
func NewOneTimePassword() string {
	out := make([]byte, 0, OneTimeLen)
	b := make([]byte, 2*OneTimeLen)
	for len(out) < OneTimeLen {
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		for _, c := range b {
			if c < 220 && len(out) < OneTimeLen {
				out = append(out, oneTimeAlphabet[int(c)%len(oneTimeAlphabet)])
			}
		}
	}
	return string(out)
}

// oneTimePrefix marks a password_hash that is a one-time password's.
const oneTimePrefix = "otp-sha256$"

// hashOneTime stores a one-time password as a salted SHA-256, not bcrypt.
// Why this is safe: a slow hash protects passwords people choose, which
// can be guessed from a dictionary; a one-time password has 80 bits of
// randomness, so even a leaked table cannot be searched (2^80 SHA-256
// evaluations), while bcrypt at a usable cost would take a whole
// country's 560,000 accounts about half an hour to issue. The salt keeps
// equal passwords' hashes apart. The password its holder sets at the
// first login is bcrypt-hashed (hashPassword), as every chosen one.
func hashOneTime(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	return oneTimeHash(salt, password)
}

func oneTimeHash(salt []byte, password string) string {
	sum := sha256.Sum256(append(append([]byte{}, salt...), password...))
	return oneTimePrefix + hex.EncodeToString(salt) + "$" + hex.EncodeToString(sum[:])
}

// isOneTimeHash: hash was made by hashOneTime.
func isOneTimeHash(hash string) bool { return strings.HasPrefix(hash, oneTimePrefix) }

// oneTimeMatches compares password with a hashOneTime hash in constant
// time.
func oneTimeMatches(hash, password string) bool {
	saltHex, _, ok := strings.Cut(strings.TrimPrefix(hash, oneTimePrefix), "$")
	salt, err := hex.DecodeString(saltHex)
	if !ok || err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(oneTimeHash(salt, password)), []byte(hash)) == 1
}

// IssuedAccount is a line of the accounts sheet.
type IssuedAccount struct {
	Username    string
	DisplayName string
	Role        string
	CountyID    string
	Password    string
}

// IssueScope picks the pending accounts to issue: those of Counties (their
// members, offices, townships and county-level unit heads), plus with
// CityLevel those of no county (city offices and city-level unit heads);
// All takes every pending account.
type IssueScope struct {
	All       bool
	Counties  []string
	CityLevel bool
}

// IssueAccounts gives every pending account in scope a one-time password
// and returns them, by username. Each account is issued once: a second
// call (or a concurrent one) finds them issued already.
func (s *Store) IssueAccounts(ctx context.Context, scope IssueScope) ([]IssuedAccount, error) {
	var out []IssuedAccount
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, username, display_name, role, COALESCE(county_id, '') FROM users
			WHERE issue_pending AND NOT disabled
			  AND ($1 OR county_id = ANY($2) OR ($3 AND county_id IS NULL))
			ORDER BY county_id NULLS FIRST, role, username FOR UPDATE SKIP LOCKED`,
			scope.All, scope.Counties, scope.CityLevel)
		if err != nil {
			return err
		}
		var ids []uuid.UUID
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (IssuedAccount, error) {
			var a IssuedAccount
			var id uuid.UUID
			err := r.Scan(&id, &a.Username, &a.DisplayName, &a.Role, &a.CountyID)
			ids = append(ids, id)
			a.Password = NewOneTimePassword()
			return a, err
		})
		if err != nil {
			return err
		}
		hashes := make([]string, len(out))
		for i := range out {
			hashes[i] = hashOneTime(out[i].Password)
		}
		_, err = tx.Exec(ctx, `UPDATE users u SET password_hash = x.hash, issue_pending = false, must_change_password = true
			FROM unnest($1::uuid[], $2::text[]) AS x(id, hash) WHERE u.id = x.id`, ids, hashes)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("issue accounts: %w", err)
	}
	return out, nil
}

// ResetPassword gives username a new one-time password, to be changed at
// the next login, and ends every token and session it had. ErrNotFound if
// there is no such user.
func (s *Store) ResetPassword(ctx context.Context, username string) (string, error) {
	password := NewOneTimePassword()
	h := hashOneTime(password)
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id uuid.UUID
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, must_change_password = true, issue_pending = false
			WHERE username = $1 RETURNING id`, username, h).Scan(&id)
		if err == pgx.ErrNoRows {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return revokeAll(ctx, tx, id)
	})
	return password, err
}

// DisableAccount disables username and ends its tokens and sessions.
// ErrNotFound if there is no such user.
func (s *Store) DisableAccount(ctx context.Context, username string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id uuid.UUID
		err := tx.QueryRow(ctx, `UPDATE users SET disabled = true WHERE username = $1 RETURNING id`, username).Scan(&id)
		if err == pgx.ErrNoRows {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return revokeAll(ctx, tx, id)
	})
}

func revokeAll(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
	if _, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id)
	return err
}

// CountyBureauUser is the account of the county's bureau (县级乡村振兴部门)
// that records the roster changes an import finds. ErrNotFound if none.
func (s *Store) CountyBureauUser(ctx context.Context, countyID string) (User, error) {
	return scanUser(s.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users
		WHERE role = 'county_bureau' AND county_id = $1 AND NOT disabled ORDER BY created_at LIMIT 1`, countyID))
}
