package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"zhucun/store"
	"zhucun/workflows"
)

// TestReserveLeaveCountsAndOpensInOneTransaction: a leave's reservation
// takes the creation slot and writes the provisional opening with its
// dates; at the per-minute limit it is refused with when to retry, and
// keeps neither dates, slot nor opening; an overlap takes no slot.
func TestReserveLeaveCountsAndOpensInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)
	user := uuid.New()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	lim := &store.CreationLimit{UserID: user, Now: now, PerMinute: 2, PerDay: 100}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	openingOf := func(id, start string) workflows.Snapshot {
		return workflows.Snapshot{ProcessID: id, WorkflowID: workflows.LeaveWorkflowID(id), Kind: workflows.KindLeave,
			Subject: "a", MemberID: "a", CountyID: "c1", Status: workflows.LeavePending, OpenedAt: now, Version: 1,
			WaitingOn: []workflows.Party{}, Steps: []workflows.Step{},
			Notices: []workflows.Notice{{To: workflows.Party{Role: "township_committee", OfficeID: "t1-committee"}, Text: "x"}},
			Detail:  workflows.Leave{ID: id, MemberID: "a", StartDate: start, EndDate: start, Status: workflows.LeavePending}}
	}
	reserve := func(start string) (string, store.LeaveReserved, error) {
		id := uuid.NewString()
		opening := openingOf(id, start)
		got, err := s.ReserveLeave(ctx, store.LeaveReservation{ProcessID: id, MemberID: "a", UserID: user,
			Start: day(start), End: day(start), Limit: lim, Opening: &opening})
		return id, got, err
	}
	first, got, err := reserve("2027-01-04")
	if err != nil || got.Slot == 0 {
		t.Fatalf("first leave: %+v %v, want a slot", got, err)
	}
	if n := count(`SELECT count(*) FROM processes WHERE id = $1 AND version = 0`, first); n != 1 {
		t.Errorf("provisional openings of the first leave: %d, want 1 (version 0)", n)
	}
	if n := count(`SELECT count(*) FROM outbox WHERE process_id = $1`, first); n != 0 {
		t.Errorf("the provisional opening queued %d notices; nobody is told before the workflow starts", n)
	}
	if _, _, err := reserve("2027-01-04"); !errors.Is(err, store.ErrOverlap) {
		t.Fatalf("overlapping leave: %v, want ErrOverlap", err)
	}
	if n := count(`SELECT count(*) FROM creations WHERE user_id = $1`, user); n != 1 {
		t.Errorf("slots after an overlap: %d, want 1 (a refused reservation counts nothing)", n)
	}
	if _, got, err := reserve("2027-01-05"); err != nil || got.Slot == 0 {
		t.Fatalf("second leave: %+v %v", got, err)
	}
	third, _, err := reserve("2027-01-06")
	var refused *store.CreationRefused
	if !errors.As(err, &refused) || refused.PerDay || !refused.RetryAfter.Equal(now.Add(time.Minute)) {
		t.Fatalf("third leave in a minute: %v, want the minute's limit, retry at %s", err, now.Add(time.Minute))
	}
	if n := count(`SELECT count(*) FROM processes WHERE id = $1`, third) + count(`SELECT count(*) FROM leave_periods WHERE process_id = $1`, third); n != 0 {
		t.Errorf("the refused leave kept %d rows (opening, dates)", n)
	}
	if n := count(`SELECT count(*) FROM creations WHERE user_id = $1`, user); n != 2 {
		t.Errorf("slots: %d, want 2", n)
	}
}
