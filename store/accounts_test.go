package store_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"zhucun/internal/pgtest"
	"zhucun/store"
)

func init() { store.BcryptCost = bcrypt.MinCost }

// fixture is a small organisation: one city, county "c1" with township
// "t1", village "v1", team "team1"; units "u1" (city) and "u2" (county c1);
// members "a" (leader), "b", "c" and "d" (no membership); and every office.
const fixture = `
INSERT INTO cities VALUES ('city', '市');
INSERT INTO counties VALUES ('c1', 'city', '一县'), ('c2', 'city', '二县');
INSERT INTO townships VALUES ('t1', 'c1', '一乡'), ('t2', 'c2', '二乡');
INSERT INTO villages VALUES ('v1', 't1', '一村'), ('v2', 't2', '二村');
INSERT INTO offices (id, role, name, city_id, county_id, township_id) VALUES
  ('city-org', 'city_org_dept', '市委组织部', 'city', NULL, NULL),
  ('city-bureau', 'city_bureau', '市乡村振兴局', 'city', NULL, NULL),
  ('c1-org', 'county_org_dept', '一县组织部', 'city', 'c1', NULL),
  ('c1-bureau', 'county_bureau', '一县乡村振兴局', 'city', 'c1', NULL),
  ('c2-org', 'county_org_dept', '二县组织部', 'city', 'c2', NULL),
  ('c2-bureau', 'county_bureau', '二县乡村振兴局', 'city', 'c2', NULL),
  ('t1-committee', 'township_committee', '一乡党委', 'city', 'c1', 't1'),
  ('t2-committee', 'township_committee', '二乡党委', 'city', 'c2', 't2');
INSERT INTO units (id, name, level, city_id, county_id) VALUES
  ('u1', '市局', 'city', 'city', NULL), ('u2', '县局', 'county', 'city', 'c1');
INSERT INTO members (id, name, unit_id, first_secretary) VALUES
  ('a', '甲', 'u1', true), ('b', '乙', 'u2', false), ('c', '丙', 'u1', false), ('d', '丁', 'u2', false);
INSERT INTO teams VALUES ('team1', 'v1', '一村工作队'), ('team2', 'v2', '二村工作队');
INSERT INTO memberships (team_id, member_id, is_leader, from_date, to_date) VALUES
  ('team1', 'a', true,  '2025-03-01', NULL),
  ('team1', 'b', false, '2025-03-01', '2025-06-30'),
  ('team2', 'b', false, '2025-07-01', NULL),
  ('team1', 'c', false, '2025-07-01', NULL);
`

func newStore(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	pool, _ := pgtest.Pool(t, "store")
	if _, err := pool.Exec(context.Background(), fixture); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return store.New(pool), pool
}

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)

	u, err := s.CreateUser(ctx, store.User{Username: "a", DisplayName: "甲", Role: "member",
		MemberID: "a", UnitID: "u1", TeamID: "team1", TownshipID: "t1", CountyID: "c1"}, "secret-1")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == uuid.Nil {
		t.Fatal("no id given")
	}
	if _, err := s.CreateUser(ctx, store.User{Username: "a", DisplayName: "x", Role: "admin"}, "secret-12"); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.CreateUser(ctx, store.User{Username: "short", DisplayName: "x", Role: "admin"}, "1234567"); !errors.Is(err, store.ErrInvalidPassword) {
		t.Fatalf("short password: %v", err)
	}
	// An unknown role is refused by the database.
	if _, err := s.CreateUser(ctx, store.User{Username: "bad", DisplayName: "x", Role: "king"}, "secret-12"); err == nil {
		t.Fatal("unknown role accepted")
	}

	got, err := s.Authenticate(ctx, "a", "secret-1")
	if err != nil {
		t.Fatal(err)
	}
	if got != u {
		t.Fatalf("authenticate = %+v, want %+v", got, u)
	}
	for _, c := range []struct{ user, pass string }{{"a", "secret-2"}, {"nobody", "secret-1"}, {"", ""}} {
		if _, err := s.Authenticate(ctx, c.user, c.pass); !errors.Is(err, store.ErrBadCredentials) {
			t.Errorf("authenticate(%q, %q) = %v", c.user, c.pass, err)
		}
	}

	// Scope ids empty in Go are NULL in the database and absent in JSON.
	adm, err := s.CreateUser(ctx, store.User{Username: "root", DisplayName: "管理员", Role: "admin"}, "secret-12")
	if err != nil {
		t.Fatal(err)
	}
	var nulls int
	pool.QueryRow(ctx, `SELECT num_nulls(member_id, unit_id, office_id, team_id, township_id, county_id)
		FROM users WHERE id = $1`, adm.ID).Scan(&nulls)
	if nulls != 6 {
		t.Errorf("admin has %d NULL scope ids, want 6", nulls)
	}
	b, _ := json.Marshal(adm)
	if want := `{"id":"` + adm.ID.String() + `","username":"root","display_name":"管理员","role":"admin"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	b, _ = json.Marshal(u)
	for _, k := range []string{`"member_id":"a"`, `"unit_id":"u1"`, `"team_id":"team1"`, `"township_id":"t1"`, `"county_id":"c1"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("json %s lacks %s", b, k)
		}
	}
	if strings.Contains(string(b), "office_id") {
		t.Errorf("json %s has an empty office_id", b)
	}

	if byID, err := s.UserByID(ctx, u.ID); err != nil || byID != u {
		t.Errorf("UserByID = %+v, %v", byID, err)
	}
	if byName, err := s.UserByUsername(ctx, "a"); err != nil || byName != u {
		t.Errorf("UserByUsername = %+v, %v", byName, err)
	}
	if _, err := s.UserByUsername(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByUsername(nobody) = %v", err)
	}
	if _, err := s.UserByID(ctx, uuid.New()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByID(unknown) = %v", err)
	}

	// SetPassword.
	if err := s.SetPassword(ctx, "a", "another-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "a", "secret-1"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	if _, err := s.Authenticate(ctx, "a", "another-1"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if err := s.SetPassword(ctx, "nobody", "another-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPassword(nobody) = %v", err)
	}
	if err := s.SetPassword(ctx, "a", "short"); !errors.Is(err, store.ErrInvalidPassword) {
		t.Errorf("SetPassword(short) = %v", err)
	}

	// UpsertUser updates the scope and keeps id and password.
	if err := s.UpsertUser(ctx, store.User{Username: "a", DisplayName: "甲二", Role: "member",
		MemberID: "a", UnitID: "u1", TeamID: "team2", TownshipID: "t2", CountyID: "c2"}, "ignored-pw"); err != nil {
		t.Fatal(err)
	}
	up, err := s.Authenticate(ctx, "a", "another-1")
	if err != nil {
		t.Fatalf("upsert changed the password: %v", err)
	}
	if up.ID != u.ID || up.DisplayName != "甲二" || up.TeamID != "team2" || up.CountyID != "c2" {
		t.Errorf("after upsert: %+v", up)
	}
	if err := s.UpsertUser(ctx, store.User{Username: "new", DisplayName: "新", Role: "city_bureau", OfficeID: "city-bureau"}, "new-password"); err != nil {
		t.Fatal(err)
	}
	if nu, err := s.Authenticate(ctx, "new", "new-password"); err != nil || nu.OfficeID != "city-bureau" || nu.ID == uuid.Nil {
		t.Errorf("upserted new user: %+v, %v", nu, err)
	}

	// A disabled user cannot log in.
	if err := s.SetDisabled(ctx, "new", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "new", "new-password"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user logged in: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)
	u, err := s.CreateUser(ctx, store.User{Username: "c1-bureau", DisplayName: "一县乡村振兴局",
		Role: "county_bureau", OfficeID: "c1-bureau", CountyID: "c1"}, "secret-12")
	if err != nil {
		t.Fatal(err)
	}

	tok, exp, err := s.IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: %d bytes, %v", tok, len(raw), err)
	}
	if d := time.Until(exp); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expires in %v", d)
	}
	var stored int
	pool.QueryRow(ctx, `SELECT count(*) FROM tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, tok).Scan(&stored)
	if stored != 1 {
		t.Errorf("token's sha256 stored %d times", stored)
	}

	got, err := s.UserByToken(ctx, tok)
	if err != nil || got != u {
		t.Fatalf("UserByToken = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x", tok + "x"} {
		if _, err := s.UserByToken(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UserByToken(%q) = %v", bad, err)
		}
	}

	expired, _, err := s.IssueToken(ctx, u.ID, -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, expired); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired token: %v", err)
	}

	other, _, _ := s.IssueToken(ctx, u.ID, time.Hour)
	if err := s.RevokeToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := s.UserByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
	if _, err := s.UserByToken(ctx, other); err != nil {
		t.Errorf("another token of the same user: %v", err)
	}
	if err := s.RevokeToken(ctx, "never-issued"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}

	// A disabled user's tokens stop working.
	if err := s.SetDisabled(ctx, "c1-bureau", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, other); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("disabled user's token: %v", err)
	}
}
