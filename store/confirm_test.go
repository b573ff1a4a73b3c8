package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"zhucun/store"
	"zhucun/workflows"
)

// TestFirstRecordConfirmsTheOpening: the workflow's first record of a
// leave whose opening the server wrote raises its version and queues its
// notices without writing the rest again; with no opening there (its
// write lost), the same record writes the whole process.
func TestFirstRecordConfirmsTheOpening(t *testing.T) {
	ctx := context.Background()
	s, pool := newStore(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	snap := func(id string) workflows.Snapshot {
		return workflows.Snapshot{ProcessID: id, WorkflowID: workflows.LeaveWorkflowID(id), Kind: workflows.KindLeave,
			Subject: "a", MemberID: "a", CountyID: "c1", Status: workflows.LeavePending, OpenedAt: now, Version: 1,
			WaitingOn: []workflows.Party{}, Steps: []workflows.Step{},
			Events:  []workflows.Event{{Seq: 1, At: now, Action: "submitted"}},
			Notices: []workflows.Notice{{To: workflows.Party{Role: "township_committee", OfficeID: "t1-committee"}, Text: "待审批"}},
			Detail:  workflows.Leave{ID: id, MemberID: "a", StartDate: "2027-02-01", EndDate: "2027-02-01", Status: workflows.LeavePending}}
	}
	state := func(id string) (version, events, notices int) {
		t.Helper()
		err := pool.QueryRow(ctx, `SELECT coalesce((SELECT version FROM processes WHERE id = $1), -1),
			(SELECT count(*) FROM process_events WHERE process_id = $1), (SELECT count(*) FROM outbox WHERE process_id = $1)`,
			id).Scan(&version, &events, &notices)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	id := uuid.NewString()
	opening := snap(id)
	if _, err := s.ReserveLeave(ctx, store.LeaveReservation{ProcessID: id, MemberID: "a", UserID: uuid.New(),
		Start: day("2027-02-01"), End: day("2027-02-01"), Opening: &opening}); err != nil {
		t.Fatal(err)
	}
	// What the confirmation must not write again: the opening's event,
	// made different here so a rewrite would show.
	if _, err := pool.Exec(ctx, `UPDATE process_events SET action = 'kept' WHERE process_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	first := snap(id)
	first.ConfirmsOpening = true
	if err := s.RecordSnapshot(ctx, first); err != nil {
		t.Fatal(err)
	}
	if v, e, n := state(id); v != 1 || e != 1 || n != 1 {
		t.Errorf("confirmed opening: version %d, %d events, %d notices; want 1, 1, 1", v, e, n)
	}
	var action string
	if err := pool.QueryRow(ctx, `SELECT action FROM process_events WHERE process_id = $1`, id).Scan(&action); err != nil || action != "kept" {
		t.Errorf("the opening's event was written again (%q, %v)", action, err)
	}
	// Again (a retried record): nothing changes, nothing is queued twice.
	if err := s.RecordSnapshot(ctx, first); err != nil {
		t.Fatal(err)
	}
	if v, e, n := state(id); v != 1 || e != 1 || n != 1 {
		t.Errorf("confirmed twice: version %d, %d events, %d notices; want 1, 1, 1", v, e, n)
	}
	lost := uuid.NewString()
	whole := snap(lost)
	whole.ConfirmsOpening = true
	if err := s.RecordSnapshot(ctx, whole); err != nil {
		t.Fatal(err)
	}
	if v, e, n := state(lost); v != 1 || e != 1 || n != 1 {
		t.Errorf("first record without an opening: version %d, %d events, %d notices; want it written whole", v, e, n)
	}
}
