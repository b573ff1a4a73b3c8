package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zhucun/demo"
	"zhucun/internal/pgtest"
	"zhucun/store"
)

func init() { store.BcryptCost = bcrypt.MinCost }

// TestOrgShape checks the demo data without a database.
func TestOrgShape(t *testing.T) {
	o := demo.Org
	ids := map[string]string{} // every id is unique across kinds
	add := func(kind, id string) {
		if prev, ok := ids[id]; ok {
			t.Errorf("%s id %q already used by a %s", kind, id, prev)
		}
		ids[id] = kind
	}
	countyOf := map[string]string{}
	for _, c := range o.Counties {
		add("county", c.ID)
	}
	for _, tw := range o.Townships {
		add("township", tw.ID)
		countyOf[tw.ID] = tw.CountyID
	}
	villageCounty := map[string]string{}
	for _, v := range o.Villages {
		add("village", v.ID)
		villageCounty[v.ID] = countyOf[v.TownshipID]
		if !strings.HasPrefix(v.ID, v.TownshipID+"-") {
			t.Errorf("village %s not named after its township %s", v.ID, v.TownshipID)
		}
	}
	for _, f := range o.Offices {
		add("office", f.ID)
	}
	units := map[string]demo.Unit{}
	for _, u := range o.Units {
		add("unit", u.ID)
		units[u.ID] = u
	}
	members := map[string]demo.Member{}
	for _, m := range o.Members {
		add("member", m.ID)
		members[m.ID] = m
	}
	seen := map[string]bool{}
	unitCounties := map[string]map[string]bool{}
	for _, tm := range o.Teams {
		add("team", tm.ID)
		if tm.ID != tm.VillageID+"-team" {
			t.Errorf("team %s of village %s", tm.ID, tm.VillageID)
		}
		if n := len(tm.MembersOf()); n < 3 || n > 4 {
			t.Errorf("team %s has %d members", tm.ID, n)
		}
		if !members[tm.Leader].FirstSecretary {
			t.Errorf("leader %s of %s is no first secretary", tm.Leader, tm.ID)
		}
		county := villageCounty[tm.VillageID]
		for _, id := range tm.MembersOf() {
			if seen[id] {
				t.Errorf("member %s on two teams", id)
			}
			seen[id] = true
			u := units[members[id].UnitID]
			if u.Level == "county" && u.CountyID != county {
				t.Errorf("member %s of county unit %s serves in %s", id, u.ID, county)
			}
			if unitCounties[u.ID] == nil {
				unitCounties[u.ID] = map[string]bool{}
			}
			unitCounties[u.ID][county] = true
		}
	}
	if len(seen) != len(o.Members) {
		t.Errorf("%d members on teams, %d members", len(seen), len(o.Members))
	}
	for _, u := range o.Units {
		if u.Level == "city" && len(unitCounties[u.ID]) != len(o.Counties) {
			t.Errorf("city unit %s sends to %d counties", u.ID, len(unitCounties[u.ID]))
		}
		if len(unitCounties[u.ID]) == 0 {
			t.Errorf("unit %s sends nobody", u.ID)
		}
	}
}

func TestAccountsJSON(t *testing.T) {
	accts := demo.Accounts()
	names := map[string]bool{}
	for _, a := range accts {
		if names[a.Username] {
			t.Errorf("username %s twice", a.Username)
		}
		names[a.Username] = true
		if a.Password != demo.Password {
			t.Errorf("%s: password %q", a.Username, a.Password)
		}
	}
	for _, want := range []string{"admin", "zhumadian-org", "zhumadian-bureau", "xiping-bureau",
		"shangcai-org", "zhuantan-committee", "xiping-edu-head", "city-agri-head", "m01", "m28"} {
		if !names[want] {
			t.Errorf("no account %s", want)
		}
	}
	b, err := json.Marshal(accts[len(accts)-1])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"username":"m28","password":"zhucun-demo","role":"member","display_name":"曹颖","member_id":"m28","unit_id":"shangcai-health","team_id":"huangbu-liuying-team","township_id":"huangbu","county_id":"shangcai"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant %s", b, want)
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.Pool(t, "demo")

	counts := func() map[string]int {
		out := map[string]int{}
		for _, tbl := range []string{"cities", "counties", "townships", "villages", "teams", "units",
			"members", "memberships", "offices", "users"} {
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+tbl).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[tbl] = n
		}
		return out
	}
	if err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	first := counts()
	if err := demo.Seed(ctx, pool); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	second := counts()
	for k, v := range first {
		if second[k] != v {
			t.Errorf("%s: %d rows after the first seed, %d after the second", k, v, second[k])
		}
	}
	for k, want := range map[string]int{"cities": 1, "counties": 2, "townships": 4, "villages": 8,
		"teams": 8, "members": len(demo.Org.Members), "memberships": len(demo.Org.Members),
		"offices": 10, "users": len(demo.Accounts())} {
		if first[k] != want {
			t.Errorf("%s: %d rows, want %d", k, first[k], want)
		}
	}
	if first["units"] < 4 {
		t.Errorf("%d units", first["units"])
	}

	// Every member, office and unit head has exactly one account.
	var bad []string
	rows, err := pool.Query(ctx, `
		SELECT 'member ' || m.id FROM members m
		 WHERE (SELECT count(*) FROM users u WHERE u.member_id = m.id AND u.role = 'member') <> 1
		UNION ALL
		SELECT 'office ' || o.id FROM offices o
		 WHERE (SELECT count(*) FROM users u WHERE u.office_id = o.id AND u.role = o.role) <> 1
		UNION ALL
		SELECT 'unit ' || n.id FROM units n
		 WHERE (SELECT count(*) FROM users u WHERE u.unit_id = n.id AND u.role = 'unit_head') <> 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		bad = append(bad, s)
	}
	if rows.Err() != nil || len(bad) > 0 {
		t.Errorf("without exactly one account: %v %v", bad, rows.Err())
	}

	st := store.New(pool)
	on := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, tm := range demo.Org.Teams {
		r, err := st.Roster(ctx, tm.ID, on)
		if err != nil {
			t.Fatal(err)
		}
		if len(r) < 3 || len(r) > 4 || len(r) != len(tm.MembersOf()) {
			t.Errorf("team %s has %d current members", tm.ID, len(r))
			continue
		}
		if !r[0].IsLeader || r[0].MemberID != tm.Leader {
			t.Errorf("team %s: first entry %+v is not the leader %s", tm.ID, r[0], tm.Leader)
		}
	}
	if r, _ := st.Roster(ctx, "zhuantan-xiaowangzhuang-team", time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)); len(r) != 0 {
		t.Errorf("roster before the demo memberships began: %v", r)
	}
	r, err := st.Roster(ctx, "zhuantan-xiaowangzhuang-team", on)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r {
		got = append(got, e.MemberID+":"+e.MemberName)
		if !e.From.Equal(demo.MembershipsFrom) || e.To != nil {
			t.Errorf("entry %+v: want from 2025-03-01, open-ended", e)
		}
	}
	if strings.Join(got, ",") != "m01:王建国,m02:李秀英,m03:张伟,m04:刘洋" {
		t.Errorf("roster = %v", got)
	}

	// MemberContext of a member of 专探乡 (m06, 赵楼村).
	mc, err := st.MemberContext(ctx, "m06", on)
	if err != nil {
		t.Fatal(err)
	}
	want := store.MemberContext{
		MemberID: "m06", MemberName: "杨帆", UnitID: "city-agri", UnitName: "驻马店市农业农村局",
		TeamID: "zhuantan-zhaolou-team", TeamName: "赵楼村驻村工作队",
		VillageID: "zhuantan-zhaolou", VillageName: "赵楼村",
		TownshipID: "zhuantan", TownshipName: "专探乡", CountyID: "xiping", CountyName: "西平县",
		CityID: "zhumadian", TownshipCommitteeID: "zhuantan-committee",
		CountyOrgDeptID: "xiping-org", CountyBureauID: "xiping-bureau",
		CityOrgDeptID: "zhumadian-org", CityBureauID: "zhumadian-bureau",
	}
	if mc != want {
		t.Errorf("MemberContext(m06):\n got %+v\nwant %+v", mc, want)
	}
	if mc, _ := st.MemberContext(ctx, "m05", on); !mc.IsLeader {
		t.Errorf("m05 leads 赵楼村 but IsLeader is false")
	}
}

func TestDemoLogin(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.Pool(t, "demo")
	if err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)

	u, err := st.Authenticate(ctx, "m03", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != "member" || u.MemberID != "m03" || u.UnitID != "xiping-edu" ||
		u.TeamID != "zhuantan-xiaowangzhuang-team" || u.TownshipID != "zhuantan" || u.CountyID != "xiping" {
		t.Errorf("m03 = %+v", u)
	}
	if _, err := st.Authenticate(ctx, "m03", "wrong-password"); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	for _, a := range demo.Accounts() {
		got, err := st.UserByUsername(ctx, a.Username)
		if err != nil {
			t.Fatalf("%s: %v", a.Username, err)
		}
		want := a.User()
		want.ID = got.ID
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", a.Username, got, want)
		}
	}
	head, err := st.Authenticate(ctx, "xiping-edu-head", demo.Password)
	if err != nil || head.Role != "unit_head" || head.UnitID != "xiping-edu" || head.CountyID != "xiping" {
		t.Errorf("xiping-edu-head = %+v, %v", head, err)
	}

	// A changed password survives a re-seed.
	if err := st.SetPassword(ctx, "m03", "changed-password"); err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, "m03", "changed-password"); err != nil {
		t.Errorf("re-seed reset the password: %v", err)
	}

	// Tokens: look-up, expiry, revocation.
	tok, _, err := st.IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.UserByToken(ctx, tok); err != nil || got.Username != "m03" {
		t.Errorf("UserByToken = %+v, %v", got, err)
	}
	expired, _, err := st.IssueToken(ctx, u.ID, -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, expired); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired token: %v", err)
	}
	if err := st.RevokeToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
}
