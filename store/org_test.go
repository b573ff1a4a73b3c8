package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"zhucun/store"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMemberContext(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)

	c1 := store.MemberContext{
		TeamID: "team1", TeamName: "一村工作队", VillageID: "v1", VillageName: "一村",
		TownshipID: "t1", TownshipName: "一乡", CountyID: "c1", CountyName: "一县", CityID: "city",
		TownshipCommitteeID: "t1-committee", CountyOrgDeptID: "c1-org", CountyBureauID: "c1-bureau",
		CityOrgDeptID: "city-org", CityBureauID: "city-bureau",
	}
	c2 := store.MemberContext{
		TeamID: "team2", TeamName: "二村工作队", VillageID: "v2", VillageName: "二村",
		TownshipID: "t2", TownshipName: "二乡", CountyID: "c2", CountyName: "二县", CityID: "city",
		TownshipCommitteeID: "t2-committee", CountyOrgDeptID: "c2-org", CountyBureauID: "c2-bureau",
		CityOrgDeptID: "city-org", CityBureauID: "city-bureau",
	}
	with := func(c store.MemberContext, id, name, unit, unitName string, leader bool) store.MemberContext {
		c.MemberID, c.MemberName, c.UnitID, c.UnitName, c.IsLeader = id, name, unit, unitName, leader
		return c
	}
	// A China date given as midnight in Asia/Shanghai reads as that date.
	shanghai := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		name   string
		member string
		on     time.Time
		want   store.MemberContext
	}{
		{"leader", "a", day("2025-05-01"), with(c1, "a", "甲", "u1", "市局", true)},
		{"before the move", "b", day("2025-06-30"), with(c1, "b", "乙", "u2", "县局", false)},
		{"after the move", "b", day("2025-07-01"), with(c2, "b", "乙", "u2", "县局", false)},
		{"china midnight", "b", time.Date(2025, 7, 1, 0, 0, 0, 0, shanghai), with(c2, "b", "乙", "u2", "县局", false)},
		{"before joining: the most recent", "c", day("2025-01-01"), with(c1, "c", "丙", "u1", "市局", false)},
		{"no membership", "d", day("2025-05-01"), store.MemberContext{MemberID: "d", MemberName: "丁",
			UnitID: "u2", UnitName: "县局", CityID: "city", CityOrgDeptID: "city-org", CityBureauID: "city-bureau"}},
	} {
		got, err := s.MemberContext(ctx, tc.member, tc.on)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	if _, err := s.MemberContext(ctx, "nobody", day("2025-05-01")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown member: %v", err)
	}
}

func TestOrgLookups(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)

	for _, tc := range []struct{ role, county, township, want string }{
		{"township_committee", "c1", "t1", "t1-committee"},
		{"township_committee", "", "t2", "t2-committee"},
		{"county_org_dept", "c1", "", "c1-org"},
		{"county_bureau", "c2", "t2", "c2-bureau"},
		{"city_org_dept", "", "", "city-org"},
		{"city_bureau", "c1", "", "city-bureau"},
	} {
		got, err := s.OfficeID(ctx, tc.role, tc.county, tc.township)
		if err != nil || got != tc.want {
			t.Errorf("OfficeID(%s, %s, %s) = %q, %v; want %q", tc.role, tc.county, tc.township, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ role, county, township string }{
		{"township_committee", "c1", "nowhere"},
		{"county_bureau", "nowhere", ""},
		{"member", "c1", "t1"},
	} {
		if _, err := s.OfficeID(ctx, tc.role, tc.county, tc.township); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OfficeID(%s, %s, %s) = %v, want ErrNotFound", tc.role, tc.county, tc.township, err)
		}
	}

	if id, name, err := s.County(ctx, "c2"); err != nil || id != "c2" || name != "二县" {
		t.Errorf("County = %q %q %v", id, name, err)
	}
	if _, _, err := s.County(ctx, "nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("County(nowhere) = %v", err)
	}
	cs, err := s.ListCounties(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.County{{ID: "c1", Name: "一县"}, {ID: "c2", Name: "二县"}}; !reflect.DeepEqual(cs, want) {
		t.Errorf("ListCounties = %+v", cs)
	}

	if m, err := s.Member(ctx, "a"); err != nil || m != (store.Member{ID: "a", Name: "甲", UnitID: "u1", FirstSecretary: true}) {
		t.Errorf("Member(a) = %+v, %v", m, err)
	}
	if _, err := s.Member(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Member(nobody) = %v", err)
	}
}

func TestRoster(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)

	ids := func(on string) []string {
		t.Helper()
		r, err := s.Roster(ctx, "team1", day(on))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range r {
			out = append(out, e.MemberID)
		}
		return out
	}
	for on, want := range map[string][]string{
		"2025-02-28": nil,
		"2025-03-01": {"a", "b"},
		"2025-06-30": {"a", "b"},
		"2025-07-01": {"a", "c"},
	} {
		if got := ids(on); !reflect.DeepEqual(got, want) {
			t.Errorf("roster on %s = %v, want %v", on, got, want)
		}
	}

	r, err := s.Roster(ctx, "team1", day("2025-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	to := day("2025-06-30")
	want := []store.RosterEntry{
		{MemberID: "a", MemberName: "甲", UnitID: "u1", IsLeader: true, From: day("2025-03-01")},
		{MemberID: "b", MemberName: "乙", UnitID: "u2", From: day("2025-03-01"), To: &to},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("roster = %+v, want %+v", r, want)
	}
	if r, err := s.Roster(ctx, "no-team", day("2025-04-01")); err != nil || len(r) != 0 {
		t.Errorf("unknown team: %v, %v", r, err)
	}
}
