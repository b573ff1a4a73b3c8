package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/policy"
	"zhucun/workflows"
)

// procHarness runs one article 13 process (trip or statement) with an
// in-memory read model; updates are scheduled at chosen instants and each
// must get the outcome the test expects.
type procHarness struct {
	recording
	suite   testsuite.WorkflowTestSuite
	env     *testsuite.TestWorkflowEnvironment
	start   time.Time
	pending map[string]string
	nextID  int
}

func newProcHarness(t *testing.T, start time.Time) *procHarness {
	h := &procHarness{recording: recording{t: t}, start: start, pending: map[string]string{}}
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.RegisterWorkflow(workflows.TripWorkflow)
	h.env.RegisterWorkflow(workflows.StatementWorkflow)
	h.env.RegisterActivityWithOptions(func(_ context.Context, s workflows.Snapshot) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.snaps = append(h.snaps, s)
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecord})
	return h
}

// update schedules an update at when; want "" must succeed, else the
// validator must reject it with an ApplicationError of that type.
func (h *procHarness) update(when time.Time, name string, args any, want string) {
	h.env.RegisterDelayedCallback(func() {
		h.nextID++
		id := name + "-" + time.Duration(h.nextID).String()
		h.pending[id] = name
		h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {
				if want != "" {
					delete(h.pending, id)
					h.t.Errorf("%s %+v accepted, want %q", name, args, want)
				}
			},
			OnReject: func(err error) {
				delete(h.pending, id)
				var ae *temporal.ApplicationError
				if want == "" || !errors.As(err, &ae) || ae.Type() != want {
					h.t.Errorf("%s %+v rejected with %v, want %q", name, args, err, want)
				}
			},
			OnComplete: func(_ any, err error) {
				if want == "" {
					delete(h.pending, id)
					if err != nil {
						h.t.Errorf("%s failed: %v", name, err)
					}
				}
			},
		}, args)
	}, when.Sub(h.start))
}

func (h *procHarness) finished() {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not finish")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	for id := range h.pending {
		h.t.Errorf("update %s: no outcome", id)
	}
}

// tripInput: a 4-day trip reported on 12-01 09:00, starting 12-03, due
// at its start like a short leave, reminded daily, escalated after 3 days.
func tripInput(t *testing.T) workflows.TripInput {
	rules := policy.Default().Leave
	return workflows.TripInput{
		TripFacts: workflows.TripFacts{ID: "trip-1", MemberID: "m-li", MemberName: "李明", UnitID: "xiping-edu",
			TeamID: "team-zhuantan-1", TownshipID: "zhuantan", CountyID: "xiping", StartDate: "2026-12-03",
			EndDate: "2026-12-06", Days: 4, Destination: "市农业农村局", Purpose: "项目申报培训"},
		Approvers: []workflows.Party{committee}, DueAt: midnight(t, "2026-12-03"),
		RemindEvery: rules.ReminderEvery, EscalateAfter: rules.EscalateAfter,
		Escalation:    []workflows.Escalation{{From: committee, To: bureau}},
		PolicyVersion: "city@1", ReportedBy: memberActor,
	}
}

func TestTripApprovedInTime(t *testing.T) {
	h := newProcHarness(t, at(t, "2026-12-01T09:00"))
	h.update(at(t, "2026-12-01T10:00"), workflows.TripDecide, approve(otherCommitteeActor), workflows.ErrForbidden)
	h.update(at(t, "2026-12-01T10:00"), workflows.TripDecide, approve(memberActor), workflows.ErrForbidden)
	h.update(at(t, "2026-12-01T11:00"), workflows.TripDecide, workflows.DecideArgs{Actor: committeeActor, Decision: "maybe"}, workflows.ErrInvalid)
	h.update(at(t, "2026-12-01T15:00"), workflows.TripDecide, approve(committeeActor), "")
	h.env.ExecuteWorkflow(workflows.TripWorkflow, tripInput(t))
	h.finished()
	h.checkRecorded(workflows.KindTrip, workflows.TripWorkflowID("trip-1"))
	tr := resultOf[workflows.Trip](t, h.env)
	if tr.Status != workflows.TripApproved || tr.Overdue || tr.DecidedLate || tr.DecidedAt == nil {
		t.Errorf("trip %+v, want approved in time", tr)
	}
	if n := len(h.eventsOf("reminded", "")); n != 0 {
		t.Errorf("%d reminders before a same-day decision", n)
	}
	if h.last().ClosedAt == nil || len(h.last().WaitingOn) != 0 {
		t.Errorf("closed trip still waits: %+v", h.last())
	}
}

func TestTripRemindedEscalatedOverdueThenRefused(t *testing.T) {
	h := newProcHarness(t, at(t, "2026-12-01T09:00"))
	// Undecided past its start: reminded daily, escalated to the county
	// bureau after 72 h, overdue at its start, and still the committee's
	// to decide (never approved by silence): refused on 12-04.
	h.update(at(t, "2026-12-04T10:00"), workflows.TripDecide, refuse(committeeActor), "")
	h.env.ExecuteWorkflow(workflows.TripWorkflow, tripInput(t))
	h.finished()
	tr := resultOf[workflows.Trip](t, h.env)
	if tr.Status != workflows.TripRefused || !tr.DecidedLate || tr.Overdue {
		t.Errorf("trip %s late %v overdue %v, want refused late, no longer overdue", tr.Status, tr.DecidedLate, tr.Overdue)
	}
	if got := eventTimes(h.eventsOf("reminded", workflows.StepApproval)); !equalStrings(got, []string{"12-02T09:00", "12-03T09:00", "12-04T09:00"}) {
		t.Errorf("reminders at %v", got)
	}
	if got := eventTimes(h.eventsOf("overdue", workflows.StepApproval)); !equalStrings(got, []string{"12-03T00:00"}) {
		t.Errorf("overdue at %v, want at its start", got)
	}
	if got := eventTimes(h.eventsOf("escalated", workflows.StepApproval)); !equalStrings(got, []string{"12-04T09:00"}) {
		t.Errorf("escalated at %v, want after 72 h", got)
	}
	member := false
	for _, n := range h.notices() {
		member = member || n.To.MemberID == "m-li"
	}
	if !member {
		t.Error("the member was not told of the decision")
	}
}

// statementHarness: a county's November, three members counted, two short.
func statementInput(t *testing.T) workflows.StatementInput {
	due := midnight(t, "2026-12-25")
	return workflows.StatementInput{ID: "st-1", CountyID: "xiping", CountyName: "西平县", Month: "2026-11",
		WorkingDays: []string{"2026-11-02"}, Rules: policy.DefaultPresence(), PolicyVersion: "city@1",
		Bureau: bureau, ReviewDueAt: due, RemindAt: policy.RemindersBefore(due, policy.Default().Absence.RemindBefore)}
}

func (h *procHarness) computed(res workflows.StatementResult) {
	h.env.RegisterActivityWithOptions(func(_ context.Context, a workflows.StatementArgs) (workflows.StatementResult, error) {
		if a.CountyID != "xiping" || a.Month != "2026-11" || a.Rules.MinDaysMonth != 20 {
			h.t.Errorf("activity args %+v", a)
		}
		return res, nil
	}, activity.RegisterOptions{Name: workflows.ActivityComputeStatement})
}

func shortOf(member string, counted int) workflows.StatementFigures {
	return workflows.StatementFigures{MemberID: member, MemberName: member, WorkingDays: 21, InPostDays: counted,
		CountedDays: counted, RequiredDays: 20, AbsentDays: 21 - counted}
}

func TestStatementShortfallsDecidedInTime(t *testing.T) {
	h := newProcHarness(t, at(t, "2026-12-01T00:30"))
	h.computed(workflows.StatementResult{Members: 3, Shortfalls: []workflows.StatementFigures{shortOf("m-li", 18), shortOf("m-zhao", 19)}})
	excuse := workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-zhao", Decision: "excuse", Reason: "抗洪抢险，经县委同意"}
	explain := workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-li", Decision: "explain", AbsenceID: "ab-1"}
	h.update(at(t, "2026-12-02T09:00"), workflows.StatementDecide, workflows.ShortfallArgs{Actor: orgDeptActor, MemberID: "m-li", Decision: "excuse", Reason: "x"}, workflows.ErrForbidden)
	h.update(at(t, "2026-12-02T09:00"), workflows.StatementDecide, workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-wang", Decision: "excuse", Reason: "x"}, workflows.ErrInvalid)
	h.update(at(t, "2026-12-02T09:00"), workflows.StatementDecide, workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-zhao", Decision: "excuse"}, workflows.ErrInvalid)
	h.update(at(t, "2026-12-02T09:00"), workflows.StatementDecide, workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-li", Decision: "explain"}, workflows.ErrInvalid)
	h.update(at(t, "2026-12-02T10:00"), workflows.StatementDecide, excuse, "")
	h.update(at(t, "2026-12-02T11:00"), workflows.StatementDecide, excuse, workflows.ErrConflict)
	h.update(at(t, "2026-12-03T10:00"), workflows.StatementDecide, explain, "")
	h.env.ExecuteWorkflow(workflows.StatementWorkflow, statementInput(t))
	h.finished()
	h.checkRecorded(workflows.KindPresenceStatement, workflows.StatementWorkflowID("xiping", "2026-11"))
	st := resultOf[workflows.Statement](t, h.env)
	if st.Status != workflows.StatementDone || st.Members != 3 || st.ReviewedLate || len(st.Shortfalls) != 2 {
		t.Fatalf("statement %+v", st)
	}
	got := map[string]workflows.Shortfall{}
	for _, it := range st.Shortfalls {
		got[it.MemberID] = it
	}
	if it := got["m-zhao"]; it.Status != workflows.ShortfallExcused || it.Reason == "" || it.DecidedAt == nil {
		t.Errorf("excused item %+v", it)
	}
	if it := got["m-li"]; it.Status != workflows.ShortfallExplanation || it.AbsenceID != "ab-1" {
		t.Errorf("explanation item %+v", it)
	}
	if n := len(h.eventsOf("reminded", "")); n != 0 {
		t.Errorf("%d reminders though decided in the first days", n)
	}
}

func TestStatementRemindedAndOverdueUntilDecided(t *testing.T) {
	h := newProcHarness(t, at(t, "2026-12-01T00:30"))
	h.computed(workflows.StatementResult{Members: 1, Shortfalls: []workflows.StatementFigures{shortOf("m-li", 17)}})
	h.update(at(t, "2026-12-28T10:00"), workflows.StatementDecide,
		workflows.ShortfallArgs{Actor: bureauActor, MemberID: "m-li", Decision: "excuse", Reason: "驻村期间住院，有病历"}, "")
	h.env.ExecuteWorkflow(workflows.StatementWorkflow, statementInput(t))
	h.finished()
	st := resultOf[workflows.Statement](t, h.env)
	if st.Status != workflows.StatementDone || !st.ReviewedLate {
		t.Errorf("statement %s late %v: want done, late", st.Status, st.ReviewedLate)
	}
	if got := eventTimes(h.eventsOf("reminded", workflows.StepShortfallReview)); !equalStrings(got, []string{"12-20T00:00", "12-23T00:00", "12-24T00:00"}) {
		t.Errorf("reminders at %v", got)
	}
	if got := eventTimes(h.eventsOf("overdue", workflows.StepShortfallReview)); !equalStrings(got, []string{"12-25T00:00"}) {
		t.Errorf("overdue at %v", got)
	}
}

func TestStatementWithoutShortfallsEndsAtOnce(t *testing.T) {
	h := newProcHarness(t, at(t, "2026-12-01T00:30"))
	h.computed(workflows.StatementResult{Members: 5, Shortfalls: nil})
	h.env.ExecuteWorkflow(workflows.StatementWorkflow, statementInput(t))
	h.finished()
	st := resultOf[workflows.Statement](t, h.env)
	if st.Status != workflows.StatementDone || len(st.Steps) != 0 || st.Members != 5 {
		t.Errorf("statement %+v", st)
	}
	if len(h.last().WaitingOn) != 0 {
		t.Errorf("waits on %v", h.last().WaitingOn)
	}
}
