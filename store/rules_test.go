package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// Rule 6: where a member stands on the ledger: on a team since when (a
// leader change does not restart it), left when, or joined and not filed.
func TestNoTeamNoLeave(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	standing := func(member, on string) store.Standing {
		t.Helper()
		st, err := s.MemberStanding(ctx, member, day(on))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := standing("b", "2025-06-15"); st.TeamID != "team1" || policy.FormatDate(st.From) != "2025-03-01" {
		t.Errorf("b in June: %+v", st)
	}
	if st := standing("b", "2025-08-01"); st.TeamID != "team2" || policy.FormatDate(st.From) != "2025-07-01" {
		t.Errorf("b in August: %+v", st)
	}
	if st := standing("c", "2025-05-01"); st.TeamID != "" || st.LeftOn != nil || st.JoinOn != nil {
		t.Errorf("c before joining: %+v", st)
	}
	if st := standing("d", "2025-05-01"); st.TeamID != "" || st.LeftOn != nil {
		t.Errorf("d, never on a team: %+v", st)
	}
	// c becomes leader on 2025-10-01: rows split, the stay does not.
	reserveApply(t, s, change("leader", "team1", "c", "", "2025-10-01"))
	if st := standing("c", "2025-10-02"); st.TeamID != "team1" || policy.FormatDate(st.From) != "2025-07-01" {
		t.Errorf("c after becoming leader: %+v", st)
	}
	// a leaves on 2025-11-01 (last day 10-31).
	reserveApply(t, s, change("leave", "team1", "a", "", "2025-11-01"))
	if st := standing("a", "2025-11-02"); st.TeamID != "" || st.LeftOn == nil || policy.FormatDate(*st.LeftOn) != "2025-10-31" || st.LeftTeam != "一村工作队" {
		t.Errorf("a after leaving: %+v", st)
	}
	// d's join recorded, not yet filed.
	if _, _, err := s.ReserveRosterChange(ctx, store.RosterReservation{Change: change("join", "team2", "d", "", "2025-11-05")}); err != nil {
		t.Fatal(err)
	}
	if st := standing("d", "2025-11-06"); st.TeamID != "" || st.JoinOn == nil || st.JoinTeam != "二村工作队" {
		t.Errorf("d joined, not filed: %+v", st)
	}
}

// leaveSnapshot records a leave's state as its workflow would.
func leaveSnapshot(t *testing.T, s *store.Store, version int, l workflows.Leave) {
	t.Helper()
	err := s.RecordSnapshot(context.Background(), workflows.Snapshot{
		ProcessID: l.ID, WorkflowID: workflows.LeaveWorkflowID(l.ID), Kind: workflows.KindLeave, Subject: l.MemberID,
		MemberID: l.MemberID, CountyID: "c1", Status: l.Status, OpenedAt: time.Now(), Version: version,
		WaitingOn: []workflows.Party{}, Steps: []workflows.Step{}, Detail: l,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Rules 4 and 15: a pending extension holds its days until decided; the
// cross-check mentions a pending leave and counts the return day.
func TestExtensionHoldsItsDays(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	reserve := func(start, end string) error {
		_, err := s.ReserveLeave(ctx, store.LeaveReservation{ProcessID: uuid.NewString(), MemberID: "a",
			Start: day(start), End: day(end)})
		return err
	}
	id := uuid.NewString()
	if _, err := s.ReserveLeave(ctx, store.LeaveReservation{ProcessID: id, MemberID: "a", Start: day("2026-01-10"), End: day("2026-01-12")}); err != nil {
		t.Fatal(err)
	}
	l := workflows.Leave{ID: id, MemberID: "a", Kind: "personal", StartDate: "2026-01-10", EndDate: "2026-01-12", Days: 3,
		Status: workflows.LeavePending, Extensions: []workflows.Extension{}}
	leaveSnapshot(t, s, 1, l)
	at := func(d string) time.Time {
		return time.Date(2026, 1, 0, 12, 0, 0, 0, policy.China).AddDate(0, 0, day(d).Day())
	}
	if c, err := s.LeavePendingCovering(ctx, "a", at("2026-01-11")); err != nil || c == nil || c.Status != "pending" {
		t.Errorf("pending leave covering 01-11: %+v %v", c, err)
	}
	if c, _ := s.LeaveCovering(ctx, "a", at("2026-01-11")); c != nil {
		t.Errorf("a pending leave counts as approved: %+v", c)
	}
	l.Status = workflows.LeaveApproved
	leaveSnapshot(t, s, 2, l)

	// The extension to 01-15 holds 13..15.
	if err := s.ReserveExtension(ctx, "a", id, day("2026-01-13"), day("2026-01-15")); err != nil {
		t.Fatal(err)
	}
	if err := reserve("2026-01-14", "2026-01-14"); !errors.Is(err, store.ErrOverlap) {
		t.Errorf("a leave on a held day: %v", err)
	}
	// A snapshot from before the extension was taken keeps the hold.
	leaveSnapshot(t, s, 3, l)
	if err := reserve("2026-01-15", "2026-01-16"); !errors.Is(err, store.ErrOverlap) {
		t.Errorf("the hold was lost to an unrelated snapshot: %v", err)
	}
	l.Extensions = []workflows.Extension{{EndDate: "2026-01-15", Days: 6, Status: "pending"}}
	leaveSnapshot(t, s, 4, l)
	if c, err := s.LeavePendingCovering(ctx, "a", at("2026-01-14")); err != nil || c == nil || c.EndDate != "2026-01-15" {
		t.Errorf("the pending extension covering 01-14: %+v %v", c, err)
	}
	near, err := s.LeavesNear(ctx, "a", "", day("2026-01-01"), day("2026-01-31"))
	if err != nil || len(near) != 1 || near[0].Days != 6 || policy.FormatDate(near[0].EndDate) != "2026-01-15" {
		t.Errorf("leaves near: %+v %v", near, err)
	}
	// ReleaseExtension leaves a hold the workflow has recorded.
	if err := s.ReleaseExtension(ctx, id, day("2026-01-15")); err != nil {
		t.Fatal(err)
	}
	if err := reserve("2026-01-14", "2026-01-14"); !errors.Is(err, store.ErrOverlap) {
		t.Errorf("released a recorded hold: %v", err)
	}
	// Refused: the days are free again.
	l.Extensions[0].Status = "refused"
	leaveSnapshot(t, s, 5, l)
	if err := reserve("2026-01-14", "2026-01-14"); err != nil {
		t.Errorf("after the refusal 01-14 is still held: %v", err)
	}

	// Reported back on 01-12 (early): the leave covers up to and with
	// the return day, not after.
	actual := "2026-01-11"
	back := "2026-01-12"
	l.Status, l.ActualEndDate, l.ReturnedOn, l.Extensions = workflows.LeaveReturned, &actual, &back, []workflows.Extension{}
	leaveSnapshot(t, s, 6, l)
	if c, _ := s.LeaveCovering(ctx, "a", at("2026-01-12")); c == nil {
		t.Errorf("the return day is not covered")
	}
	if c, _ := s.LeaveCovering(ctx, "a", at("2026-01-13")); c != nil {
		t.Errorf("the day after the return is covered: %+v", c)
	}
}

// Rule 9: a year's schedule loaded is versioned, with who loaded it, and
// the calendar in force is the latest.
func TestHolidaysMustBeKnown(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	cal, err := s.HolidayCalendar(ctx)
	if err != nil || cal.Covers(2028) {
		t.Fatalf("before loading: covers 2028 %v (%v)", cal.Covers(2028), err)
	}
	if _, err := s.PutHolidayYear(ctx, 2028, policy.YearSchedule{Holidays: []string{"2028-01-03"}}, "first", "zhumadian-org"); err != nil {
		t.Fatal(err)
	}
	h, err := s.PutHolidayYear(ctx, 2028, policy.YearSchedule{Holidays: []string{"2028-01-04"}, Workdays: []string{"2028-01-08"}}, "second", "zhumadian-bureau")
	if err != nil || h.Version != 2 || h.CreatedBy != "zhumadian-bureau" {
		t.Fatalf("second load: %+v %v", h, err)
	}
	cal, err = s.HolidayCalendar(ctx)
	if err != nil || !cal.Covers(2028) || !cal.IsWorkday(day("2028-01-03")) || cal.IsWorkday(day("2028-01-04")) || !cal.IsWorkday(day("2028-01-08")) {
		t.Errorf("the latest version is not the one in force")
	}
	vs, err := s.HolidayYearVersions(ctx, 2028)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Notice != "first" {
		t.Errorf("versions %+v %v", vs, err)
	}
}

// Rule 3 (the reservation's part): a leave reserved on a route that did
// not see a neighbour since reserved is refused as stale, so two halves
// submitted at once cannot both go to the township alone.
func TestConsecutiveLeavesCountTogether(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	first := uuid.NewString()
	if _, err := s.ReserveLeave(ctx, store.LeaveReservation{ProcessID: first, MemberID: "a",
		Start: day("2026-02-01"), End: day("2026-02-07")}); err != nil {
		t.Fatal(err)
	}
	near := &store.NearCheck{From: day("2026-02-06"), To: day("2026-02-16")}
	second := store.LeaveReservation{ProcessID: uuid.NewString(), MemberID: "a", Start: day("2026-02-08"), End: day("2026-02-14"), Near: near}
	if _, err := s.ReserveLeave(ctx, second); !errors.Is(err, store.ErrRouteChanged) {
		t.Fatalf("a route that missed its neighbour: %v, want ErrRouteChanged", err)
	}
	near.Seen = []string{first}
	if _, err := s.ReserveLeave(ctx, second); err != nil {
		t.Fatalf("a route that saw its neighbour: %v", err)
	}
	third := store.LeaveReservation{ProcessID: uuid.NewString(), MemberID: "a", Start: day("2026-02-10"), End: day("2026-02-10"),
		Near: &store.NearCheck{From: day("2026-02-01"), To: day("2026-02-20"), Seen: []string{first}}}
	if _, err := s.ReserveLeave(ctx, third); !errors.Is(err, store.ErrOverlap) {
		t.Fatalf("an overlap is an overlap, not a stale route: %v", err)
	}
}
