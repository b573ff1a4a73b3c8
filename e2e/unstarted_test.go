package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"zhucun/policy"
	"zhucun/server"
	"zhucun/store"
	"zhucun/workflows"
)

// TestSweepReleasesUnstartedLeave: the server writes a leave's opening
// before it starts the workflow. If it stops in between (a crash), the
// provisional leave must not stay in lists and block the member's dates:
// the sweep finds it, learns from Temporal that no workflow exists, and
// releases it; a leave whose workflow did start is left alone.
func TestSweepReleasesUnstartedLeave(t *testing.T) {
	ctx := context.Background()
	st := store.New(H.Pool)
	start, end := day(40), day(41)
	from, _ := policy.ParseDate(start)
	to, _ := policy.ParseDate(end)

	// What a crash right after the opening leaves behind.
	id := uuid.NewString()
	in := workflows.LeaveInput{
		ID: id, MemberID: "m10", MemberName: "吴芳", UnitID: "xiping-edu", TeamID: "chushan-yangzhuang-team",
		TownshipID: "chushan", CountyID: "xiping", Kind: "personal", StartDate: start, EndDate: end, Reason: "崩溃前",
		Route: workflows.Route{Days: 2, Route: policy.RouteTownship,
			Approvers: []workflows.Party{{Role: policy.RoleTownshipCommittee, OfficeID: "chushan-committee"}}},
		Rules: policy.Default().Leave, StartAt: from, EndAt: policy.EndOfDay(to), ReturnDueAt: policy.EndOfDay(to),
		SubmittedAt: time.Now().Add(-2 * time.Minute),
	}
	opening, _, err := workflows.LeaveOpening(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReserveLeave(ctx, store.LeaveReservation{ProcessID: id, MemberID: "m10", Start: from, End: to}); err != nil {
		t.Fatal(err)
	}
	if err := store.New(H.Pool).RecordSnapshot(ctx, workflows.Provisional(opening)); err != nil {
		t.Fatal(err)
	}
	member := H.Login(t, "m10")
	member.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 200)
	body := map[string]any{"kind": "personal", "start_date": start, "end_date": end, "reason": "崩溃后重交"}
	member.JSON(t, "POST", "/api/v1/leaves", body, 409) // the orphan holds the dates

	// A leave submitted normally, whose workflow started.
	started := member.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(45), "end_date": day(45), "reason": "正常"}, 201)

	sweeper := server.New(server.Config{Pool: H.Pool, Temporal: H.Temporal})
	if n := sweeper.Actions().SweepUnstartedOnce(ctx, 0); n < 1 {
		t.Fatalf("the sweep found %d provisional processes, want the orphan at least", n)
	}
	member.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 404)
	again := member.JSON(t, "POST", "/api/v1/leaves", body, 201)
	member.JSON(t, "GET", "/api/v1/leaves/"+started["id"].(string), nil, 200)
	t.Logf("orphan %s released; resubmitted as %s", id, again["id"])
}
