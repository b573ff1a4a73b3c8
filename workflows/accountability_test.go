package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/policy"
	"zhucun/workflows"
)

// acctHarness runs one circulation, interview or recall in the test
// environment with an in-memory read model and (for a recall) ledger.
type acctHarness struct {
	recording
	suite testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	start time.Time

	lmu      sync.Mutex
	joined   *workflows.Replacement // the ledger's answer once someone joined
	checks   int
	nextID   int
	accepted map[string]bool
}

func newAcctHarness(t *testing.T, start time.Time) *acctHarness {
	h := &acctHarness{recording: recording{t: t}, start: start, accepted: map[string]bool{}}
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.RegisterWorkflow(workflows.CirculationWorkflow)
	h.env.RegisterWorkflow(workflows.InterviewWorkflow)
	h.env.RegisterWorkflow(workflows.RecallWorkflow)
	h.env.RegisterActivityWithOptions(func(_ context.Context, s workflows.Snapshot) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.snaps = append(h.snaps, s)
		return nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecord})
	h.env.RegisterActivityWithOptions(func(_ context.Context, a workflows.ReplacementArgs) (workflows.Replacement, error) {
		h.lmu.Lock()
		defer h.lmu.Unlock()
		h.checks++
		if h.joined == nil {
			return workflows.Replacement{}, nil
		}
		return *h.joined, nil
	}, activity.RegisterOptions{Name: workflows.ActivityReplacementOf})
	return h
}

func (h *acctHarness) do(when time.Time, fn func()) {
	d := when.Sub(h.start)
	if d <= 0 {
		h.t.Fatalf("callback at %v is not after the start %v", when, h.start)
	}
	h.env.RegisterDelayedCallback(fn, d)
}

// update sends an update at when: want "" must succeed (then sees its
// result as JSON), else be rejected with that ApplicationError type.
func (h *acctHarness) update(when time.Time, name string, args any, want string, then func(json.RawMessage)) {
	h.do(when, func() {
		h.nextID++
		id := fmt.Sprintf("%s-%d", name, h.nextID)
		desc := fmt.Sprintf("update %s %+v at %v", id, args, h.env.Now().In(cst))
		h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {
				if want != "" {
					h.t.Errorf("%s: accepted, want rejection %q", desc, want)
				}
				h.accepted[id] = true
			},
			OnReject: func(err error) {
				var ae *temporal.ApplicationError
				switch {
				case want == "":
					h.t.Errorf("%s: rejected: %v", desc, err)
				case !errors.As(err, &ae) || ae.Type() != want:
					h.t.Errorf("%s: rejected with %v, want %q", desc, err, want)
				}
			},
			OnComplete: func(res any, err error) {
				if want != "" {
					return
				}
				if err != nil {
					h.t.Errorf("%s: failed: %v", desc, err)
					return
				}
				if then != nil {
					b, _ := json.Marshal(res)
					then(b)
				}
			},
		}, args)
	})
}

func (h *acctHarness) countActions(action string) int {
	n := 0
	for _, a := range h.actions() {
		if a == action {
			n++
		}
	}
	return n
}

var (
	countyOffices = []workflows.Party{orgDept, bureau,
		{Role: policy.RoleCountyOrgDept, OfficeID: "shangcai-org"}, {Role: policy.RoleCountyBureau, OfficeID: "shangcai-bureau"}}
	agriHead = workflows.Party{Role: policy.RoleUnitHead, UnitID: "city-agri"}
)

// circulationInput is December's circulation drafted on the 26th: 李明
// absent with his explanation missing, shangcai's report late.
func circulationInput(t testing.TB) workflows.CirculationInput {
	due := at(t, "2027-01-01T00:00")
	return workflows.CirculationInput{
		ProcessID: workflows.CirculationProcessID("zhumadian", "2026-12"), CityID: "zhumadian", Month: "2026-12",
		DueAt: due, RemindAt: []time.Time{due.Add(-72 * time.Hour), due.Add(-24 * time.Hour)},
		Bureau: cityBureau, Offices: countyOffices,
		Items: []workflows.CirculationItem{{AbsenceID: "ab-1", MemberID: "m-li", MemberName: "李明", UnitID: "xiping-edu",
			UnitName: "西平县教育局", CountyID: "xiping", CountyName: "西平县", FoundAt: at(t, "2026-12-03T10:00"), Explanation: workflows.ItemMissing}},
		Counties: []workflows.CirculationCounty{{CountyID: "shangcai", CountyName: "上蔡县", Report: workflows.CountyReportedLate}},
	}
}

func decodeAs[T any](t *testing.T, b json.RawMessage) T {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Errorf("decode %T: %v", v, err)
	}
	return v
}

// Issued in time: only the city bureau may issue, once; every county
// office, the named member and their unit head are told.
func TestCirculationIssuedInTime(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-26T09:00"))
	in := circulationInput(t)
	issue := func(a workflows.Actor) workflows.IssueArgs {
		return workflows.IssueArgs{Actor: a, Foreword: "请各县对照整改"}
	}
	h.update(at(t, "2026-12-26T10:00"), workflows.CirculationIssue, issue(bureauActor), workflows.ErrForbidden, nil)
	h.update(at(t, "2026-12-26T10:00"), workflows.CirculationIssue, issue(orgDeptActor), workflows.ErrForbidden, nil)
	h.update(at(t, "2026-12-28T10:00"), workflows.CirculationIssue, issue(cityBureauActor), "", func(b json.RawMessage) {
		c := decodeAs[workflows.Circulation](t, b)
		if c.Status != workflows.CirculationIssued || c.Foreword != "请各县对照整改" || !sameTime(at(t, "2026-12-28T10:00"), c.IssuedAt) || c.Overdue {
			t.Errorf("after issue: %+v", c)
		}
	})
	h.env.ExecuteWorkflow(workflows.CirculationWorkflow, in)
	c := resultOf[workflows.Circulation](t, h.env)
	if c.Status != workflows.CirculationIssued || len(c.Items) != 1 || len(c.Counties) != 1 {
		t.Errorf("result %+v", c)
	}
	h.checkRecorded(workflows.KindCirculation, workflows.CirculationWorkflowID("zhumadian", "2026-12"))
	if h.countActions("reminded") != 0 || h.countActions("overdue") != 0 {
		t.Errorf("timeline %v: reminded or overdue though issued in time", h.actions())
	}
	ns := h.notices()
	for _, p := range append(countyOffices, memberParty, unitHead) {
		if countNotices(ns, p, "") != 1 {
			t.Errorf("notices to %s: %d, want 1 (%+v)", p.Key(), countNotices(ns, p, ""), ns)
		}
	}
	if countNotices(ns, agriHead, "") != 0 {
		t.Errorf("a unit no one in the circulation belongs to was told")
	}
	if last := h.last(); last.ClosedAt == nil || len(last.WaitingOn) != 0 {
		t.Errorf("last snapshot %+v", last)
	}
}

// Not issued by the due instant: reminded twice, then overdue; still
// issuable late, and issuing twice is a conflict.
func TestCirculationOverdue(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-26T09:00"))
	in := circulationInput(t)
	h.do(at(t, "2027-01-02T09:00"), func() {
		v, err := h.env.QueryWorkflow(workflows.CirculationQuery)
		var c workflows.Circulation
		if err == nil {
			err = v.Get(&c)
		}
		s := stepNamed(c.Steps, workflows.StepIssue)
		if err != nil || !c.Overdue || s == nil || s.Reminders != 2 || !s.Overdue {
			t.Errorf("after due: %v %+v step %+v", err, c, s)
		}
	})
	args := workflows.IssueArgs{Actor: cityBureauActor}
	h.update(at(t, "2027-01-03T09:00"), workflows.CirculationIssue, args, "", nil)
	h.update(at(t, "2027-01-03T09:00").Add(time.Second), workflows.CirculationIssue, args, workflows.ErrConflict, nil)
	h.env.ExecuteWorkflow(workflows.CirculationWorkflow, in)
	if c := resultOf[workflows.Circulation](t, h.env); c.Status != workflows.CirculationIssued {
		t.Errorf("result %+v", c)
	}
	if h.countActions("reminded") != 2 || h.countActions("overdue") != 1 {
		t.Errorf("timeline %v", h.actions())
	}
	if times := eventTimes(h.eventsOf("reminded", workflows.StepIssue)); len(times) != 2 {
		t.Errorf("reminders at %v", times)
	}
}

func interviewInput(t testing.TB, opened string) workflows.InterviewInput {
	wid := workflows.InterviewWorkflowID("m-li", 2026, workflows.TriggerAbsences)
	due := policy.DayOf(at(t, opened)).AddDate(0, 0, 16) // end of opened day + 15
	return workflows.InterviewInput{
		ProcessID: workflows.ProcessIDOf(wid), WorkflowID: wid, CountyID: "xiping", UnitID: "xiping-edu",
		UnitName: "西平县教育局", Principal: "王局长", MemberID: "m-li", MemberName: "李明", Year: 2026,
		Trigger: workflows.TriggerAbsences, Reason: "一年内离岗2次", OpenedBy: workflows.Actor{UserID: "system", Name: "系统"},
		DueAt: due, RemindAt: []time.Time{due.Add(-72 * time.Hour), due.Add(-24 * time.Hour)},
		Bureau: bureau, UnitHead: unitHead, PolicyVersion: "city@1",
	}
}

// Held in time: only the county bureau schedules and records; held needs
// a schedule first; nothing is reminded or overdue.
func TestInterviewHeldInTime(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-26T09:00"))
	in := interviewInput(t, "2026-12-26T09:00")
	sched := workflows.ScheduleArgs{Actor: bureauActor, Date: "2027-01-05", Place: "县乡村振兴局三楼会议室"}
	held := workflows.ActorArgs{Actor: bureauActor, Comment: "已约谈，单位承诺整改"}
	h.update(at(t, "2026-12-26T10:00"), workflows.InterviewHold, held, workflows.ErrConflict, nil)
	h.update(at(t, "2026-12-26T10:00"), workflows.InterviewSchedule, workflows.ScheduleArgs{Actor: unitHeadActor, Date: "2027-01-05", Place: "x"}, workflows.ErrForbidden, nil)
	h.update(at(t, "2026-12-26T10:00"), workflows.InterviewSchedule, workflows.ScheduleArgs{Actor: bureauActor}, workflows.ErrInvalid, nil)
	h.update(at(t, "2026-12-27T10:00"), workflows.InterviewSchedule, sched, "", func(b json.RawMessage) {
		iv := decodeAs[workflows.Interview](t, b)
		if iv.Status != workflows.InterviewScheduled || iv.Date != "2027-01-05" || iv.Place != sched.Place {
			t.Errorf("after schedule %+v", iv)
		}
	})
	h.update(at(t, "2027-01-05T11:00"), workflows.InterviewHold, workflows.ActorArgs{Actor: orgDeptActor}, workflows.ErrForbidden, nil)
	h.update(at(t, "2027-01-05T12:00"), workflows.InterviewHold, held, "", nil)
	h.env.ExecuteWorkflow(workflows.InterviewWorkflow, in)
	iv := resultOf[workflows.Interview](t, h.env)
	if iv.Status != workflows.InterviewHeld || iv.HeldLate || iv.Overdue || iv.Note != held.Comment || !sameTime(at(t, "2027-01-05T12:00"), iv.HeldAt) {
		t.Errorf("result %+v", iv)
	}
	h.checkRecorded(workflows.KindInterview, in.WorkflowID)
	if h.countActions("reminded") != 0 || h.countActions("overdue") != 0 {
		t.Errorf("timeline %v", h.actions())
	}
	if countNotices(h.notices(), unitHead, "约谈安排") != 1 {
		t.Errorf("the unit head was not told the date: %+v", h.notices())
	}
	if last := h.last(); last.UnitID != "xiping-edu" || last.ClosedAt == nil {
		t.Errorf("last snapshot %+v", last)
	}
}

// Not held by the due instant: reminded, then overdue; held late is
// recorded as such.
func TestInterviewOverdue(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-26T09:00"))
	in := interviewInput(t, "2026-12-26T09:00")
	if want := at(t, "2027-01-11T00:00"); !in.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", in.DueAt, want)
	}
	h.update(at(t, "2027-01-12T09:00"), workflows.InterviewSchedule, workflows.ScheduleArgs{Actor: bureauActor, Date: "2027-01-13", Place: "县局"}, "", nil)
	h.update(at(t, "2027-01-13T09:00"), workflows.InterviewHold, workflows.ActorArgs{Actor: bureauActor, Comment: "迟到的约谈"}, "", nil)
	h.update(at(t, "2027-01-13T10:00"), workflows.InterviewHold, workflows.ActorArgs{Actor: bureauActor}, workflows.ErrConflict, nil)
	h.env.ExecuteWorkflow(workflows.InterviewWorkflow, in)
	iv := resultOf[workflows.Interview](t, h.env)
	if iv.Status != workflows.InterviewHeld || !iv.HeldLate {
		t.Errorf("result %+v", iv)
	}
	if h.countActions("reminded") != 2 || h.countActions("overdue") != 1 {
		t.Errorf("timeline %v", h.actions())
	}
	overdue := h.eventsOf("overdue", workflows.StepInterview)
	if len(overdue) != 1 || !overdue[0].At.Equal(in.DueAt) {
		t.Errorf("overdue events %+v", overdue)
	}
}

func recallInput(t testing.TB) workflows.RecallInput {
	due := at(t, "2027-01-01T00:00").AddDate(0, 0, 30)
	return workflows.RecallInput{
		ProcessID: workflows.ProcessIDOf(workflows.RecallWorkflowID("rc-9")), RosterChangeID: "rc-9",
		MemberID: "m-li", MemberName: "李明", UnitID: "xiping-edu", UnitName: "西平县教育局",
		TeamID: "team-1", TeamName: "焦庄村驻村工作队", TownshipID: "chushan", CountyID: "xiping",
		Reason: "长期不在岗", RecalledOn: "2026-12-31", By: unitHeadActor,
		DueAt: due, RemindAt: []time.Time{due.Add(-72 * time.Hour), due.Add(-24 * time.Hour)},
		Bureau: bureau, UnitHead: unitHead,
	}
}

// Replaced in time: the team is short until the ledger shows someone new,
// found by the daily check.
func TestRecallReplacedInTime(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-31T09:00"))
	in := recallInput(t)
	h.do(at(t, "2027-01-05T09:00"), func() {
		h.lmu.Lock()
		h.joined = &workflows.Replacement{MemberID: "m-zhao", MemberName: "赵强", JoinedOn: "2027-01-05"}
		h.lmu.Unlock()
	})
	h.do(at(t, "2027-01-05T08:00"), func() {
		if last := h.last(); last.Status != workflows.RecallShort || len(last.WaitingOn) != 1 {
			t.Errorf("before the join: %+v", last)
		}
	})
	h.env.ExecuteWorkflow(workflows.RecallWorkflow, in)
	rc := resultOf[workflows.Recall](t, h.env)
	if rc.Status != workflows.RecallReplaced || rc.TeamShort || rc.ReplacedLate || rc.Replacement == nil || rc.Replacement.MemberID != "m-zhao" {
		t.Errorf("result %+v", rc)
	}
	h.checkRecorded(workflows.KindRecall, workflows.RecallWorkflowID("rc-9"))
	// Found at the first daily check after the join (2027-01-05 09:00 is
	// the 6th check, counting the one at the start).
	rep := h.eventsOf("replaced", workflows.StepReplacement)
	if len(rep) != 1 || !rep[0].At.Equal(at(t, "2027-01-05T09:00")) && !rep[0].At.Equal(at(t, "2027-01-06T09:00")) {
		t.Errorf("replaced events %+v (checks %d)", rep, h.checks)
	}
	if h.countActions("reminded") != 0 || h.countActions("overdue") != 0 {
		t.Errorf("timeline %v", h.actions())
	}
}

// Not replaced in time: reminded twice, overdue; a check signal after a
// late join closes it as replaced late at once.
func TestRecallOverdue(t *testing.T) {
	h := newAcctHarness(t, at(t, "2026-12-31T09:00"))
	in := recallInput(t)
	h.do(at(t, "2027-02-01T09:00"), func() {
		last := h.last()
		if last.Status != workflows.RecallShort || !last.Overdue {
			t.Errorf("after due: %+v", last)
		}
	})
	h.do(at(t, "2027-02-02T15:00"), func() {
		h.lmu.Lock()
		h.joined = &workflows.Replacement{MemberID: "m-zhao", MemberName: "赵强", JoinedOn: "2027-02-02"}
		h.lmu.Unlock()
		h.env.SignalWorkflow(workflows.RecallSignalCheck, nil)
	})
	h.env.ExecuteWorkflow(workflows.RecallWorkflow, in)
	rc := resultOf[workflows.Recall](t, h.env)
	if rc.Status != workflows.RecallReplaced || !rc.ReplacedLate {
		t.Errorf("result %+v", rc)
	}
	if h.countActions("reminded") != 2 || h.countActions("overdue") != 1 {
		t.Errorf("timeline %v", h.actions())
	}
	rep := h.eventsOf("replaced", workflows.StepReplacement)
	if len(rep) != 1 || !rep[0].At.Equal(at(t, "2027-02-02T15:00")) {
		t.Errorf("replaced %+v: the check signal was not answered at once", rep)
	}
}
