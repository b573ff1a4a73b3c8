package activities_test

import (
	"context"
	"testing"
	"time"

	"zhucun/internal/pgtest"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// Record is one batch whose waiting index and side tables follow the
// process row's version: a late, older snapshot (a zombie attempt, the
// server's provisional opening arriving after the workflow's first record)
// must change none of them, while events and notices only ever add up.
func TestRecordKeepsTheNewestSnapshot(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.Pool(t, "record")
	committee := workflows.Party{Role: policy.RoleTownshipCommittee, OfficeID: "t1-committee"}
	in := workflows.LeaveInput{
		ID: "6f1d1a38-9f43-4c53-9d55-0d5e0c1f6a01", MemberID: "a", MemberName: "甲", UnitID: "u1",
		TownshipID: "t1", CountyID: "c1", Kind: "personal", StartDate: "2030-01-02", EndDate: "2030-01-03",
		Route:       workflows.Route{Days: 2, Route: policy.RouteTownship, Approvers: []workflows.Party{committee}},
		Rules:       policy.Default().Leave,
		StartAt:     time.Date(2030, 1, 2, 0, 0, 0, 0, policy.China),
		SubmittedAt: time.Date(2030, 1, 1, 9, 0, 0, 0, policy.China),
	}
	v1, leave, err := workflows.LeaveOpening(in)
	if err != nil {
		t.Fatal(err)
	}
	// Version 2: approved, waiting on nobody, one more event.
	v2 := v1
	v2.Version, v2.Status, v2.Step, v2.WaitingOn = 2, workflows.LeaveApproved, "", []workflows.Party{}
	v2.Steps = []workflows.Step{{Name: workflows.StepApproval, OpenedAt: in.SubmittedAt, DoneAt: &in.SubmittedAt}}
	v2.Events = []workflows.Event{{Seq: 2, At: in.SubmittedAt, Action: "approved", Step: workflows.StepApproval}}
	v2.Notices = nil
	leave.Status = workflows.LeaveApproved
	v2.Detail = leave

	for i, s := range []workflows.Snapshot{v1, v2, v1, workflows.Provisional(v1)} {
		if err := store.New(pool).RecordSnapshot(ctx, s); err != nil {
			t.Fatalf("record %d (version %d): %v", i, s.Version, err)
		}
	}
	var version, waiting, events, outbox int
	var status, period string
	if err := pool.QueryRow(ctx, `SELECT version, status,
		(SELECT count(*) FROM process_waiting WHERE process_id = p.id),
		(SELECT count(*) FROM process_events WHERE process_id = p.id),
		(SELECT count(*) FROM outbox WHERE process_id = p.id),
		(SELECT status FROM leave_periods WHERE process_id = p.id)
		FROM processes p WHERE id = $1`, in.ID).Scan(&version, &status, &waiting, &events, &outbox, &period); err != nil {
		t.Fatal(err)
	}
	if version != 2 || status != workflows.LeaveApproved || waiting != 0 || period != workflows.LeaveApproved {
		t.Errorf("after v1, v2, v1, v0: version %d status %s, %d waiting lines, leave period %s; want 2 approved, 0, approved",
			version, status, waiting, period)
	}
	if events != 2 || outbox != len(v1.Notices) {
		t.Errorf("%d events and %d notices, want 2 and %d", events, outbox, len(v1.Notices))
	}
}
