package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"zhucun/store"
)

// rosterOn lists "member" or "member*" (leader) on team on that day.
func rosterOn(t *testing.T, s *store.Store, team, on string) []string {
	t.Helper()
	r, err := s.Roster(context.Background(), team, day(on))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range r {
		id := e.MemberID
		if e.IsLeader {
			id += "*"
		}
		out = append(out, id)
	}
	return out
}

func change(kind, team, member, replaces, effective string) store.RosterChange {
	return store.RosterChange{ID: uuid.NewString(), TeamID: team, Change: kind, MemberID: member,
		ReplacesMemberID: replaces, EffectiveOn: day(effective)}
}

// reserveApply reserves c, applies it twice (the second is a no-op) and
// returns the facts found at reservation.
func reserveApply(t *testing.T, s *store.Store, c store.RosterChange) store.RosterFacts {
	t.Helper()
	ctx := context.Background()
	_, facts, err := s.ReserveRosterChange(ctx, store.RosterReservation{Change: c})
	if err != nil {
		t.Fatalf("reserve %s %s: %v", c.Change, c.MemberID, err)
	}
	for i, want := range []bool{true, false} {
		applied, err := s.ApplyRosterChange(ctx, c)
		if err != nil || applied != want {
			t.Fatalf("apply %s %s (#%d): applied %v, %v; want %v", c.Change, c.MemberID, i+1, applied, err, want)
		}
	}
	return facts
}

// refused checks that reserving c is a conflict whose message says want.
func refused(t *testing.T, s *store.Store, c store.RosterChange, want string) {
	t.Helper()
	_, _, err := s.ReserveRosterChange(context.Background(), store.RosterReservation{Change: c})
	var rc *store.RosterConflict
	if !errors.As(err, &rc) || !strings.Contains(rc.Message(), want) {
		t.Errorf("%s %s: %v, want a conflict saying %q", c.Change, c.MemberID, err, want)
	}
}

// The fixture's team1 (county c1): a (leader) from 2025-03-01, b until
// 2025-06-30 (then on team2), c from 2025-07-01; d has no team.
func TestRosterChangesApplyIdempotently(t *testing.T) {
	s, _ := newStore(t)

	f := reserveApply(t, s, change("join", "team1", "d", "", "2025-09-01"))
	if f.TeamSizeAfter != 3 || f.Leaving != nil || f.NewLeader != nil {
		t.Errorf("join facts %+v", f)
	}
	if got := rosterOn(t, s, "team1", "2025-08-31"); !reflect.DeepEqual(got, []string{"a*", "c"}) {
		t.Errorf("day before the join: %v", got)
	}
	if got := rosterOn(t, s, "team1", "2025-09-01"); !reflect.DeepEqual(got, []string{"a*", "c", "d"}) {
		t.Errorf("join day: %v", got)
	}
	refused(t, s, change("join", "team1", "b", "", "2025-10-01"), "二村工作队")
	refused(t, s, change("join", "team2", "d", "", "2025-10-01"), "一村工作队")

	f = reserveApply(t, s, change("leave", "team1", "c", "", "2025-10-01"))
	if f.TeamSizeAfter != 2 || f.Leaving == nil || f.Leaving.MemberID != "c" || !f.Leaving.Since.Equal(day("2025-07-01")) {
		t.Errorf("leave facts %+v leaving %+v", f, f.Leaving)
	}
	if got := rosterOn(t, s, "team1", "2025-09-30"); !reflect.DeepEqual(got, []string{"a*", "c", "d"}) {
		t.Errorf("last day before the leave: %v", got)
	}
	if got := rosterOn(t, s, "team1", "2025-10-01"); !reflect.DeepEqual(got, []string{"a*", "d"}) {
		t.Errorf("leave day: %v", got)
	}
	refused(t, s, change("leave", "team1", "c", "", "2025-10-05"), "不在一村工作队")
	refused(t, s, change("leave", "team2", "d", "", "2025-10-05"), "不在二村工作队")
	refused(t, s, change("replace", "team1", "c", "b", "2025-10-05"), "乙（b）2025-10-05不在一村工作队")
	refused(t, s, change("replace", "team1", "b", "d", "2025-10-05"), "二村工作队") // b is busy
	refused(t, s, change("leave", "team1", "d", "", "2025-09-01"), "自2025-09-01起才在")

	// The leader is replaced: the newcomer leads, history keeps who led.
	f = reserveApply(t, s, change("replace", "team1", "c", "a", "2025-11-01"))
	if f.NewLeader == nil || f.NewLeader.ID != "c" || f.NewLeader.FirstSecretary || f.TeamSizeAfter != 2 ||
		f.Leaving == nil || f.Leaving.MemberID != "a" || !f.Leaving.Since.Equal(day("2025-03-01")) {
		t.Errorf("replace facts %+v", f)
	}
	if got := rosterOn(t, s, "team1", "2025-10-31"); !reflect.DeepEqual(got, []string{"a*", "d"}) {
		t.Errorf("day before the replacement: %v", got)
	}
	if got := rosterOn(t, s, "team1", "2025-11-01"); !reflect.DeepEqual(got, []string{"c*", "d"}) {
		t.Errorf("replacement day: %v", got)
	}

	// Leader change: both rows end and reopen; tenure runs through them.
	f = reserveApply(t, s, change("leader", "team1", "d", "", "2025-12-01"))
	if f.NewLeader == nil || f.NewLeader.ID != "d" || f.TeamSizeAfter != 2 {
		t.Errorf("leader facts %+v", f)
	}
	refused(t, s, change("leader", "team1", "d", "", "2025-12-05"), "已是一村工作队的队长")
	if got := rosterOn(t, s, "team1", "2025-11-30"); !reflect.DeepEqual(got, []string{"c*", "d"}) {
		t.Errorf("day before the leader change: %v", got)
	}
	if got := rosterOn(t, s, "team1", "2025-12-01"); !reflect.DeepEqual(got, []string{"d*", "c"}) {
		t.Errorf("leader change day: %v", got)
	}
	f = reserveApply(t, s, change("leave", "team1", "d", "", "2026-01-01"))
	if f.Leaving == nil || !f.Leaving.Since.Equal(day("2025-09-01")) || f.LeaderLeavesWithoutHeir == nil || f.TeamSizeAfter != 1 {
		t.Errorf("leader leaving: facts %+v leaving %+v", f, f.Leaving)
	}
}

// A change awaiting filing blocks other changes of its members until it
// is applied or cancelled; an Idempotency-Key returns the first change.
func TestRosterPendingAndIdempotency(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	user := uuid.New()

	first := change("join", "team1", "d", "", "2025-09-01")
	if ex, _, err := s.ReserveRosterChange(ctx, store.RosterReservation{Change: first, UserID: user, IdempotencyKey: "k1"}); err != nil || ex != "" {
		t.Fatalf("reserve: %q %v", ex, err)
	}
	again := change("join", "team1", "d", "", "2025-09-01")
	if ex, _, err := s.ReserveRosterChange(ctx, store.RosterReservation{Change: again, UserID: user, IdempotencyKey: "k1"}); err != nil || ex != first.ID {
		t.Errorf("same key: %q %v, want %s", ex, err, first.ID)
	}
	refused(t, s, change("join", "team2", "d", "", "2025-10-01"), "尚待备案")
	refused(t, s, change("replace", "team1", "d", "c", "2025-10-01"), "尚待备案")

	if err := s.CancelRosterChange(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	reserveApply(t, s, change("join", "team2", "d", "", "2025-10-01"))
	if got := rosterOn(t, s, "team1", "2025-10-01"); !reflect.DeepEqual(got, []string{"a*", "c"}) {
		t.Errorf("a cancelled change touched the ledger: %v", got)
	}

	// The ledger moved since a change was recorded: applying it is refused
	// and leaves the ledger as it was.
	late := change("leave", "team2", "d", "", "2025-12-01")
	if _, _, err := s.ReserveRosterChange(ctx, store.RosterReservation{Change: late}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE memberships SET to_date = '2025-10-31' WHERE member_id = 'd' AND to_date IS NULL`); err != nil {
		t.Fatal(err)
	}
	var rc *store.RosterConflict
	if _, err := s.ApplyRosterChange(ctx, late); !errors.As(err, &rc) {
		t.Errorf("apply on a moved ledger: %v", err)
	}
}

func TestLedgerAndTeams(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	reserveApply(t, s, change("replace", "team1", "d", "c", "2025-09-01"))

	on := day("2025-09-01")
	rows, err := s.Ledger(ctx, "c1", &on)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.TeamID+"/"+r.MemberID+"/"+r.UnitName+"/"+r.VillageName)
	}
	if want := []string{"team1/a/市局/一村", "team1/d/县局/一村"}; !reflect.DeepEqual(got, want) {
		t.Errorf("c1 ledger on %s: %v, want %v", on.Format("2006-01-02"), got, want)
	}
	all, err := s.Ledger(ctx, "", nil)
	if err != nil || len(all) != 5 { // a, b (ended), b on team2, c (ended), d
		t.Errorf("whole history: %d rows, %v", len(all), err)
	}
	for _, r := range all {
		if r.MemberID == "c" && (r.To == nil || !r.To.Equal(day("2025-08-31"))) {
			t.Errorf("c's row ends %v, want 2025-08-31", r.To)
		}
	}
	if c2, err := s.Ledger(ctx, "c2", &on); err != nil || len(c2) != 1 || c2[0].MemberID != "b" || c2[0].CountyName != "二县" {
		t.Errorf("c2 ledger: %+v %v", c2, err)
	}

	team, err := s.Team(ctx, "team1")
	if err != nil || team.CountyID != "c1" || team.TownshipID != "t1" || team.VillageName != "一村" {
		t.Errorf("Team(team1) = %+v, %v", team, err)
	}
	if _, err := s.Team(ctx, "nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Team(nowhere) = %v", err)
	}
	for _, tc := range []struct {
		member, unit string
		want         bool
	}{{"c", "", true}, {"b", "", true}, {"", "u2", true}, {"", "nounit", false}, {"x", "", false}} {
		if ok, err := s.ServedOnTeam(ctx, "team1", tc.member, tc.unit); err != nil || ok != tc.want {
			t.Errorf("ServedOnTeam(team1, %q, %q) = %v, %v", tc.member, tc.unit, ok, err)
		}
	}
}
