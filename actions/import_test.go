package actions_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/internal/pgtest"
	"zhucun/orgimport"
	"zhucun/store"
)

var admin = store.User{Username: "test-admin", Role: "admin"}

// twoCounties is the generated organisation the tests import.
func twoCounties() *store.OrgImport {
	return orgimport.Generate(orgimport.Spec{Prefix: "x", Counties: 2, TownshipsPer: 2, VillagesPer: 3,
		MembersPerTeam: 4, UnitsPerCounty: 3, CityUnits: 2})
}

func workbook(t *testing.T, o *store.OrgImport) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := orgimport.Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newImport(t *testing.T) (*actions.Actions, *pgxpool.Pool) {
	t.Helper()
	store.BcryptCost = bcrypt.MinCost
	pool, _ := pgtest.Pool(t, "import")
	return actions.New(actions.Config{Pool: pool}), pool
}

func importFile(t *testing.T, a *actions.Actions, b []byte, dry bool) actions.ImportReport {
	t.Helper()
	rep, err := a.ImportOrg(context.Background(), admin, "台账.xlsx", bytes.NewReader(b), dry, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("problems: %v", rep.Problems)
	}
	return rep
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func counts(rep actions.ImportReport) map[string]store.ImportCount {
	m := map[string]store.ImportCount{}
	for _, c := range rep.Counts {
		m[c.Kind] = c
	}
	return m
}

func TestImportTwoCountiesLandsEveryRowAndAgainChangesNothing(t *testing.T) {
	ctx := context.Background()
	a, pool := newImport(t)
	o := twoCounties()
	b := workbook(t, o)

	dry := importFile(t, a, b, true)
	if c := counts(dry)["队员"]; c.Created != len(o.Members) {
		t.Errorf("dry run would create %+v members, want %d", c, len(o.Members))
	}
	if n := count(t, pool, `SELECT count(*) FROM members`); n != 0 {
		t.Fatalf("the dry run wrote %d members", n)
	}

	rep := importFile(t, a, b, false)
	if c := counts(rep)["首次入队记录"]; c.Created != len(o.Members) {
		t.Errorf("first rosters %+v, want %d", c, len(o.Members))
	}
	st := store.New(pool)
	for _, m := range o.Members {
		mc, err := st.MemberContext(ctx, m.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if mc.MemberName != m.Name || mc.TeamID != m.TeamID || mc.VillageID != m.VillageID || mc.UnitID != m.UnitID || mc.IsLeader != m.Leader {
			t.Errorf("member %s landed as %+v", m.ID, mc)
		}
		if mc.CountyBureauID == "" || mc.TownshipCommitteeID == "" || mc.CityBureauID == "" {
			t.Errorf("member %s has no offices: %+v", m.ID, mc)
		}
	}
	for _, u := range o.Units {
		if n := count(t, pool, `SELECT count(*) FROM units WHERE id = $1 AND head_name = $2 AND head_phone = $3`, u.ID, u.HeadName, u.HeadPhone); n != 1 {
			t.Errorf("unit %s did not land with its head", u.ID)
		}
	}
	for table, want := range map[string]int{"counties": 2, "townships": 4, "villages": 12, "teams": 12, "units": 8} {
		if n := count(t, pool, `SELECT count(*) FROM `+table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	// An account for every member, unit head and office (2 city, 2x2 county, 4 township).
	wantAccounts := len(o.Members) + len(o.Units) + 2 + 4 + 4
	if n := count(t, pool, `SELECT count(*) FROM users WHERE issue_pending AND must_change_password`); n != wantAccounts {
		t.Errorf("%d accounts to issue, want %d", n, wantAccounts)
	}

	again := importFile(t, a, b, false)
	for _, c := range again.Counts {
		if c.Created != 0 || c.Updated != 0 {
			t.Errorf("importing the same file again: %+v", c)
		}
	}
	if len(again.Changes) != 0 {
		t.Errorf("importing the same file again plans %v", again.Changes)
	}
}

func TestImportChangedWorkbook(t *testing.T) {
	ctx := context.Background()
	a, pool := newImport(t)
	o := twoCounties()
	importFile(t, a, workbook(t, o), false)

	// Names, phones and unit heads change in place, with no roster change.
	o.Members[0].Name, o.Members[1].Phone, o.Units[0].HeadName = "改名甲", "13700000000", "新一把手"
	rep := importFile(t, a, workbook(t, o), false)
	if c := counts(rep); c["队员"].Updated != 2 || c["派出单位"].Updated != 1 || len(rep.Changes) != 0 {
		t.Errorf("renames: %+v, changes %v", rep.Counts, rep.Changes)
	}
	if n := count(t, pool, `SELECT count(*) FROM members WHERE id = $1 AND name = '改名甲'`, o.Members[0].ID); n != 1 {
		t.Error("the member's new name did not land")
	}
	if n := count(t, pool, `SELECT count(*) FROM users WHERE member_id = $1 AND display_name = '改名甲'`, o.Members[0].ID); n != 1 {
		t.Error("the member's account kept the old name")
	}
	if n := count(t, pool, `SELECT count(*) FROM users WHERE unit_id = $1 AND role = 'unit_head' AND display_name LIKE '新一把手%'`, o.Units[0].ID); n != 1 {
		t.Error("the unit head's account kept the old name")
	}

	// Who is on which team: each difference is a planned roster change.
	left := o.Members[2]                                   // leaves team 1
	moved := o.Members[7]                                  // team 2 → team 3
	o.Members[4].Leader, o.Members[5].Leader = false, true // team 2's leader changes
	o.Members[7].TeamID, o.Members[7].TeamName, o.Members[7].VillageID = o.Members[8].TeamID, o.Members[8].TeamName, o.Members[8].VillageID
	newcomer := store.ImportMember{TeamID: o.Members[0].TeamID, TeamName: o.Members[0].TeamName, VillageID: o.Members[0].VillageID,
		ID: "x-new-1", Name: "新队员", UnitID: o.Members[0].UnitID, Joined: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	o.Members = append(slices.Delete(o.Members, 2, 3), newcomer)
	b := workbook(t, o)

	// Without Temporal the command line cannot open them: nothing is written.
	_, err := a.ImportOrg(ctx, admin, "台账.xlsx", bytes.NewReader(b), false, nil)
	if e, ok := errs.As(err); !ok || e.Code != errs.Conflict {
		t.Fatalf("an import needing roster changes without Temporal: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM members WHERE id = 'x-new-1'`); n != 0 {
		t.Error("the refused import wrote the newcomer")
	}

	dry := importFile(t, a, b, true)
	type key struct{ change, member string }
	got := map[key]bool{}
	for _, c := range dry.Changes {
		got[key{c.Change, c.MemberID}] = c.Deferred
	}
	want := map[key]bool{
		{"leave", left.ID}: false, {"join", "x-new-1"}: false,
		{"leave", moved.ID}: false, {"join", moved.ID}: true,
		{"leader", o.Members[4].ID}: false, // Members[4] is the old Members[5]: the new leader
	}
	for k, deferred := range want {
		if d, ok := got[k]; !ok || d != deferred {
			t.Errorf("planned change %v: present %v deferred %v, want deferred %v", k, ok, d, deferred)
		}
	}
	if len(got) != len(want) {
		t.Errorf("planned %v, want %v", dry.Changes, want)
	}
}

func TestImportWithProblemsWritesNothing(t *testing.T) {
	a, pool := newImport(t)
	rep, err := a.ImportOrg(context.Background(), admin, "错.xlsx", bytes.NewReader(orgimport.ErrorSample()), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Problems) != len(orgimport.ErrorCases) {
		t.Errorf("problems %v, want %d", rep.Problems, len(orgimport.ErrorCases))
	}
	for _, table := range []string{"counties", "units", "members", "users"} {
		if n := count(t, pool, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("a workbook with problems wrote %d %s", n, table)
		}
	}
	if _, err := a.ImportOrg(context.Background(), store.User{Role: "county_bureau"}, "x.xlsx", bytes.NewReader(nil), true, nil); err == nil {
		t.Error("a county bureau imported")
	}
}

func TestIssuedAccountsChangePasswordFirst(t *testing.T) {
	ctx := context.Background()
	a, pool := newImport(t)
	o := twoCounties()
	importFile(t, a, workbook(t, o), false)

	issued, err := a.IssueAccounts(ctx, admin, store.IssueScope{Counties: []string{"xc1"}})
	if err != nil {
		t.Fatal(err)
	}
	// xc1: 24 members, 3 county units, 2 county offices, 2 townships.
	if len(issued) != 24+3+2+2 {
		t.Errorf("issued %d accounts of xc1", len(issued))
	}
	if again, _ := a.IssueAccounts(ctx, admin, store.IssueScope{Counties: []string{"xc1"}}); len(again) != 0 {
		t.Errorf("the same accounts issued twice: %d", len(again))
	}
	var acc store.IssuedAccount
	for _, x := range issued {
		if x.Role == "member" {
			acc = x
			break
		}
	}
	// One-time passwords: 80 bits, stored as a salted SHA-256 (see
	// store.hashOneTime); a wrong one is refused like any.
	if len(acc.Password) != store.OneTimeLen || store.OneTimeLen < 14 {
		t.Errorf("one-time password %q: want %d characters (80 bits)", acc.Password, store.OneTimeLen)
	}
	hashKind := func() string {
		var h string
		if err := pool.QueryRow(ctx, `SELECT split_part(password_hash, '$', 1) FROM users WHERE username = $1`, acc.Username).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	if k := hashKind(); k != "otp-sha256" {
		t.Errorf("one-time password stored as %q", k)
	}
	if _, err := a.Login(ctx, actions.LoginRequest{Username: acc.Username, Password: acc.Password[1:] + "x"}); err == nil {
		t.Error("a wrong one-time password logged in")
	}
	s, err := a.Login(ctx, actions.LoginRequest{Username: acc.Username, Password: acc.Password})
	if err != nil {
		t.Fatal(err)
	}
	if !s.MustChangePassword {
		t.Error("a first login with a one-time password is not told to change it")
	}
	u, err := a.Authenticate(ctx, s.Token)
	if err != nil || actions.PasswordChangeFirst(u) == nil {
		t.Errorf("a one-time password's user is let through: %v", err)
	}
	bad := actions.PasswordRequest{Current: acc.Password, New: acc.Username, Repeat: acc.Username}
	if err := a.ChangePassword(ctx, u, bad); err == nil {
		t.Error("the username was taken as the new password")
	}
	req := actions.PasswordRequest{Current: acc.Password, New: "Jiangxi-2026-river", Repeat: "Jiangxi-2026-river"}
	if err := a.ChangePassword(ctx, u, req); err != nil {
		t.Fatal(err)
	}
	s, err = a.Login(ctx, actions.LoginRequest{Username: acc.Username, Password: req.New})
	if err != nil || s.MustChangePassword {
		t.Fatalf("login with the new password: %v, must change %v", err, s.MustChangePassword)
	}
	if k := hashKind(); k != "" { // bcrypt's "$2a" splits to an empty first part
		t.Errorf("a chosen password stored as %q, want bcrypt", k)
	}

	// A reset gives a new one-time password; disabling ends the account.
	reset, err := a.ResetPassword(ctx, admin, actions.AccountRequest{Username: acc.Username})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, s.Token); err == nil {
		t.Error("the token outlived the reset")
	}
	s, err = a.Login(ctx, actions.LoginRequest{Username: acc.Username, Password: reset.Password})
	if err != nil || !s.MustChangePassword {
		t.Fatalf("login after a reset: %v, must change %v", err, s.MustChangePassword)
	}
	if err := a.DisableAccount(ctx, admin, actions.AccountRequest{Username: acc.Username}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, s.Token); err == nil {
		t.Error("a disabled account's token still works")
	}
	_, err = a.Login(ctx, actions.LoginRequest{Username: acc.Username, Password: reset.Password})
	if e, ok := errs.As(err); !ok || e.Code != errs.Unauthenticated {
		t.Errorf("a disabled account logged in: %v", err)
	}
	if err := a.DisableAccount(ctx, store.User{Role: "county_bureau"}, actions.AccountRequest{Username: "x"}); !isForbidden(err) {
		t.Errorf("a county bureau disabled an account: %v", err)
	}
}

func isForbidden(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == errs.Forbidden
}
