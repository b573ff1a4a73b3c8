package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"
)

// Errors of the account queries.
var (
	// ErrDuplicate: a row with that unique key (e.g. username) exists.
	ErrDuplicate = errors.New("already exists")
	// ErrBadCredentials: unknown user, disabled user or wrong password; the
	// three are deliberately indistinguishable.
	ErrBadCredentials = errors.New("bad credentials")
	// ErrInvalidPassword: the password is shorter than MinPasswordLen
	// characters or longer than bcrypt's 72 bytes.
	ErrInvalidPassword = errors.New("invalid password")
)

// MinPasswordLen is the least number of characters a password must have.
const MinPasswordLen = 8

// BcryptCost is the cost of new password hashes. Tests lower it to
// bcrypt.MinCost for speed.
var BcryptCost = bcrypt.DefaultCost

// User is an account: one role and the ids that scope it. Empty ids are
// NULL in the database and omitted in JSON.
type User struct {
	ID          uuid.UUID `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        string    `json:"role"`
	MemberID    string    `json:"member_id,omitempty"`
	UnitID      string    `json:"unit_id,omitempty"`
	OfficeID    string    `json:"office_id,omitempty"`
	TeamID      string    `json:"team_id,omitempty"`
	TownshipID  string    `json:"township_id,omitempty"`
	CountyID    string    `json:"county_id,omitempty"`
	// Principal: the unit's principal (一把手), the one unit_head account
	// that signs for the unit.
	Principal bool `json:"principal,omitempty"`
	// MustChangePassword: the password is a one-time one; nothing but a
	// password change is allowed until its holder sets their own.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// Store runs zhucun's queries over one pool.
type Store struct {
	Pool *pgxpool.Pool
}

// New returns a Store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{Pool: pool} }

const userColumns = `id, username, display_name, role,
	COALESCE(member_id, ''), COALESCE(unit_id, ''), COALESCE(office_id, ''),
	COALESCE(team_id, ''), COALESCE(township_id, ''), COALESCE(county_id, ''), principal, must_change_password`

func scanUser(row pgx.Row, extra ...any) (User, error) {
	var u User
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role,
		&u.MemberID, &u.UnitID, &u.OfficeID, &u.TeamID, &u.TownshipID, &u.CountyID, &u.Principal,
		&u.MustChangePassword}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return User{}, ErrNotFound
		}
		return User{}, err
	}
	return u, nil
}

func checkPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return fmt.Errorf("%w: at least %d characters", ErrInvalidPassword, MinPasswordLen)
	}
	if len(password) > 72 {
		return fmt.Errorf("%w: at most 72 bytes", ErrInvalidPassword)
	}
	return nil
}

func hashPassword(password string) ([]byte, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	return bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// CreateUser adds u with password (at least 8 characters), giving it a new
// id if u.ID is zero. A taken username is an error wrapping ErrDuplicate.
func (s *Store) CreateUser(ctx context.Context, u User, password string) (User, error) {
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	if u.ID == uuid.Nil {
		u.ID = uuid.New()
	}
	_, err = s.Pool.Exec(ctx, `INSERT INTO users
		(id, username, display_name, role, password_hash,
		 member_id, unit_id, office_id, team_id, township_id, county_id, principal)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''),
		        NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''), $12)`,
		u.ID, u.Username, u.DisplayName, u.Role, string(hash),
		u.MemberID, u.UnitID, u.OfficeID, u.TeamID, u.TownshipID, u.CountyID, u.Principal)
	if isUniqueViolation(err) {
		return User{}, fmt.Errorf("user %q: %w", u.Username, ErrDuplicate)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", u.Username, err)
	}
	return u, nil
}

// UpsertUser creates u with password, or, when the username exists,
// updates its display name, role and scope ids and keeps its password
// hash, id and disabled flag: seeding is idempotent and never resets a
// password that was changed. The password is hashed only for a new user.
func (s *Store) UpsertUser(ctx context.Context, u User, password string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET display_name = $2, role = $3,
		member_id = NULLIF($4, ''), unit_id = NULLIF($5, ''), office_id = NULLIF($6, ''),
		team_id = NULLIF($7, ''), township_id = NULLIF($8, ''), county_id = NULLIF($9, ''),
		principal = $10
		WHERE username = $1`,
		u.Username, u.DisplayName, u.Role,
		u.MemberID, u.UnitID, u.OfficeID, u.TeamID, u.TownshipID, u.CountyID, u.Principal)
	if err != nil {
		return fmt.Errorf("upsert user %q: %w", u.Username, err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	if u.ID == uuid.Nil {
		u.ID = uuid.New()
	}
	// ON CONFLICT covers a concurrent seeder inserting the same username.
	_, err = s.Pool.Exec(ctx, `INSERT INTO users
		(id, username, display_name, role, password_hash,
		 member_id, unit_id, office_id, team_id, township_id, county_id, principal)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''),
		        NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''), $12)
		ON CONFLICT (username) DO UPDATE SET
		  display_name = EXCLUDED.display_name, role = EXCLUDED.role,
		  member_id = EXCLUDED.member_id, unit_id = EXCLUDED.unit_id,
		  office_id = EXCLUDED.office_id, team_id = EXCLUDED.team_id,
		  township_id = EXCLUDED.township_id, county_id = EXCLUDED.county_id,
		  principal = EXCLUDED.principal`,
		u.ID, u.Username, u.DisplayName, u.Role, string(hash),
		u.MemberID, u.UnitID, u.OfficeID, u.TeamID, u.TownshipID, u.CountyID, u.Principal)
	if err != nil {
		return fmt.Errorf("upsert user %q: %w", u.Username, err)
	}
	return nil
}

// SetPassword replaces username's password (at least 8 characters).
// ErrNotFound when there is no such user.
func (s *Store) SetPassword(ctx context.Context, username, password string) error {
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE username = $1`,
		username, string(hash))
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// SetDisabled disables (or re-enables) username. A disabled user cannot
// log in and its tokens stop working. ErrNotFound when there is no such user.
func (s *Store) SetDisabled(ctx context.Context, username string, disabled bool) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET disabled = $2 WHERE username = $1`, username, disabled)
	if err != nil {
		return fmt.Errorf("set disabled: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

// dummy is a fixed hash compared against when the username is unknown, so
// that the answer takes as long as for a known one.
func dummy() []byte {
	dummyOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte("zhucun-no-such-user-dummy"), BcryptCost)
		if err != nil {
			panic(err)
		}
		dummyHash = h
	})
	return dummyHash
}

// Authenticate checks username and password. Unknown user, disabled user
// and wrong password all return ErrBadCredentials, and an unknown user
// costs a bcrypt comparison too, so neither the answer nor its timing
// tells which usernames exist.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	var hash string
	var disabled bool
	u, err := scanUser(s.Pool.QueryRow(ctx,
		`SELECT `+userColumns+`, password_hash, disabled FROM users WHERE username = $1`, username),
		&hash, &disabled)
	if errors.Is(err, ErrNotFound) {
		bcrypt.CompareHashAndPassword(dummy(), []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if !passwordMatches(hash, password) || disabled {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// passwordMatches checks password against either kind of stored hash: a
// one-time password's (must_change_password then keeps its holder to the
// password change) or a chosen password's bcrypt. A one-time check costs
// a bcrypt comparison too, so timing does not tell which kind an account
// holds.
func passwordMatches(hash, password string) bool {
	if isOneTimeHash(hash) {
		bcrypt.CompareHashAndPassword(dummy(), []byte(password))
		return oneTimeMatches(hash, password)
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// UserByID returns the user with id, disabled or not; ErrNotFound if none.
func (s *Store) UserByID(ctx context.Context, id uuid.UUID) (User, error) {
	return scanUser(s.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// UserByUsername returns the user named username, disabled or not;
// ErrNotFound if none.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	return scanUser(s.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// IssueToken creates a bearer token for userID valid for ttl: 32 random
// bytes, base64url without padding. Only its SHA-256 is stored.
func (s *Store) IssueToken(ctx context.Context, userID uuid.UUID, ttl time.Duration) (token string, expiresAt time.Time, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	// PostgreSQL keeps microseconds; return what is stored.
	expiresAt = time.Now().Add(ttl).Truncate(time.Microsecond)
	_, err = s.Pool.Exec(ctx, `INSERT INTO tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash(token), userID, expiresAt)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	return token, expiresAt, nil
}

// UserByToken returns the user a bearer token belongs to. ErrNotFound
// unless the token exists, is not revoked, has not expired and its user is
// not disabled.
func (s *Store) UserByToken(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, ErrNotFound
	}
	return scanUser(s.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users
		WHERE NOT disabled AND id = (SELECT user_id FROM tokens
			WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now())`,
		tokenHash(token)))
}

// RevokeToken revokes a token (logout); revoking it again is not an error.
// ErrNotFound if no such token was ever issued.
func (s *Store) RevokeToken(ctx context.Context, token string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, now())
		WHERE token_hash = $1`, tokenHash(token))
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
