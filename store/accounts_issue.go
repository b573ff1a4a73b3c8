package store

// Handing out accounts: one-time passwords for the accounts an import
// created, and an administrator's reset. The password is shown once, to
// whoever issues it, and stored only as a bcrypt hash; its holder must set
// their own at the first login.

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"
)

// OneTimeCost is the bcrypt cost of one-time passwords. They are random
// (about 57 bits, OneTimeLen characters of an unambiguous alphabet), so
// guessing them is hopeless whatever the cost, and a county's thousands
// must hash in seconds; the password its holder then sets has BcryptCost.
var OneTimeCost = 6

// OneTimeLen is the length of a one-time password.
const OneTimeLen = 11

// oneTimeAlphabet leaves out characters read alike (0/O, 1/l/I).
const oneTimeAlphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// NewOneTimePassword is a random password for handing out on paper.
func NewOneTimePassword() string {
	b := make([]byte, OneTimeLen)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	for i := range b {
		b[i] = oneTimeAlphabet[int(b[i])%len(oneTimeAlphabet)]
	}
	return string(b)
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
		hashes, err := hashAll(out)
		if err != nil {
			return err
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

// hashAll hashes the one-time passwords on every core.
func hashAll(accounts []IssuedAccount) ([]string, error) {
	hashes := make([]string, len(accounts))
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(accounts); i += len(errs) {
				h, err := bcrypt.GenerateFromPassword([]byte(accounts[i].Password), OneTimeCost)
				if err != nil {
					errs[w] = err
					return
				}
				hashes[i] = string(h)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return hashes, nil
}

// ResetPassword gives username a new one-time password, to be changed at
// the next login, and ends every token and session it had. ErrNotFound if
// there is no such user.
func (s *Store) ResetPassword(ctx context.Context, username string) (string, error) {
	password := NewOneTimePassword()
	h, err := bcrypt.GenerateFromPassword([]byte(password), OneTimeCost)
	if err != nil {
		return "", err
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id uuid.UUID
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, must_change_password = true, issue_pending = false
			WHERE username = $1 RETURNING id`, username, string(h)).Scan(&id)
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
