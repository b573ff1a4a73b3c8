package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"zhucun/policy"
	"zhucun/workflows"
)

// oblHarness runs one obligation with a fake count: met once the test
// says a record has been entered.
type oblHarness struct {
	*harness
	met    bool
	counts int
}

func newOblHarness(t *testing.T, start time.Time) *oblHarness {
	h := &oblHarness{harness: newHarness(t, start)}
	h.env.RegisterWorkflow(workflows.ObligationWorkflow)
	h.env.RegisterActivityWithOptions(h.count, activity.RegisterOptions{Name: workflows.ActivityObligationCount})
	return h
}

func (h *oblHarness) count(_ context.Context, c workflows.ObligationCheck) (workflows.ObligationCount, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts++
	if h.met {
		return workflows.ObligationCount{Satisfied: true, Records: 1}, nil
	}
	return workflows.ObligationCount{}, nil
}

// enter is a qualifying record entered at when: the action signals a recheck.
func (h *oblHarness) enter(when time.Time) {
	h.do(when, func() {
		h.mu.Lock()
		h.met = true
		h.mu.Unlock()
		h.env.SignalWorkflow(workflows.ObligationRecheck, nil)
	})
}

// trainingInput is member m-li's 2026 training, with the default rules.
func trainingInput() workflows.ObligationInput {
	o := policy.DefaultObligations()
	wid := workflows.ObligationWorkflowID(workflows.ObligationTraining, memberParty.MemberID, "2026")
	return workflows.ObligationInput{
		ProcessID: workflows.ObligationProcessID(wid), Type: workflows.ObligationTraining, Period: "2026",
		Subject: "2026年 教育培训 李明", MemberID: memberParty.MemberID, UnitID: "xiping-edu", CountyID: "xiping",
		Check:     workflows.ObligationCheck{Type: workflows.ObligationTraining, MemberID: memberParty.MemberID, From: "2026-01-01", To: "2026-12-31", MinDays: 3, MinLevel: "county"},
		DueAt:     policy.YearDue(2026, o.TrainingDue),
		RemindAt:  policy.TrainingReminders(o, 2026),
		WaitingOn: []workflows.Party{memberParty, bureau}, PolicyVersion: "city@1",
	}
}

func (h *oblHarness) run(in workflows.ObligationInput) workflows.Obligation {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.ObligationWorkflow, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not finish")
	}
	h.checkRecorded(workflows.KindObligation, "")
	return resultOf[workflows.Obligation](h.t, h.env)
}

// Met in time: a training recorded in November closes the duty, after the
// October reminder to the member and the bureau, not overdue.
func TestTrainingSatisfiedInTime(t *testing.T) {
	h := newOblHarness(t, at(t, "2026-01-01T00:30"))
	h.enter(at(t, "2026-11-20T10:00"))
	o := h.run(trainingInput())
	if o.Status != workflows.ObligationSatisfied || o.Late || o.Overdue {
		t.Fatalf("status %s late %v overdue %v", o.Status, o.Late, o.Overdue)
	}
	if got := o.SatisfiedAt.In(cst).Format("2006-01-02T15:04"); got != "2026-11-20T10:00" {
		t.Errorf("satisfied at %s", got)
	}
	if n := len(h.eventsOf("reminded", workflows.StepTraining)); n != 1 {
		t.Errorf("%d reminders before November, want 1 (October 1)", n)
	}
	for _, p := range []workflows.Party{memberParty, bureau} {
		if countPrefixed(h.notices(), p, "提醒") != 1 || countPrefixed(h.notices(), p, "已完成") != 1 {
			t.Errorf("%s: notices %v", p.Key(), h.notices())
		}
	}
	if h.counts != 2 { // at the start (nothing yet), and on the record
		t.Errorf("%d counts, want 2", h.counts)
	}
}

// Never met: reminded from October, overdue at the end of the year, still
// open for a late record until it lapses.
func TestTrainingOverdueThenLapses(t *testing.T) {
	h := newOblHarness(t, at(t, "2026-01-01T00:30"))
	var mid workflows.Obligation
	h.do(at(t, "2027-01-01T09:00"), func() {
		v, err := h.env.QueryWorkflow(workflows.ObligationQuery)
		if err == nil {
			err = v.Get(&mid)
		}
		if err != nil {
			t.Errorf("query: %v", err)
		}
	})
	o := h.run(trainingInput())
	if mid.Status != workflows.ObligationOverdue || !mid.Overdue {
		t.Errorf("on 2027-01-01: status %s overdue %v, want overdue", mid.Status, mid.Overdue)
	}
	if o.Status != workflows.ObligationLapsed {
		t.Fatalf("status %s, want lapsed", o.Status)
	}
	if n := len(h.eventsOf("reminded", workflows.StepTraining)); n != 3 {
		t.Errorf("%d reminders, want 3 (10-01, 30 and 7 days before)", n)
	}
	if len(h.eventsOf("overdue", workflows.StepTraining)) != 1 || countPrefixed(h.notices(), bureau, "逾期") != 1 {
		t.Errorf("overdue not told once: %v", h.actions())
	}
}

// Met late: a record after the due day satisfies it, marked late.
func TestTrainingSatisfiedLate(t *testing.T) {
	h := newOblHarness(t, at(t, "2026-01-01T00:30"))
	h.enter(at(t, "2027-01-15T10:00"))
	o := h.run(trainingInput())
	if o.Status != workflows.ObligationSatisfied || !o.Late {
		t.Fatalf("status %s late %v, want satisfied late", o.Status, o.Late)
	}
	if len(h.eventsOf("overdue", "")) != 1 {
		t.Errorf("events %v", h.actions())
	}
}

// A record entered before the process starts counts at its start.
func TestHearingMetBeforeStart(t *testing.T) {
	h := newOblHarness(t, at(t, "2026-03-01T06:00"))
	h.met = true
	o := policy.DefaultObligations()
	in := workflows.ObligationInput{
		ProcessID: "p-hearing", Type: workflows.ObligationHearing, Period: "2026-H1", Subject: "2026年上半年 听取汇报",
		UnitID: "xiping-edu", TeamID: "team-1", CountyID: "xiping",
		Check: workflows.ObligationCheck{Type: workflows.ObligationHearing, UnitID: "xiping-edu", TeamID: "team-1", From: "2026-01-01", To: "2026-06-30"},
		DueAt: policy.HalfDue(o, 2026, 1), RemindAt: policy.RemindersBefore(policy.HalfDue(o, 2026, 1), o.RemindBefore),
		WaitingOn: []workflows.Party{unitHead},
	}
	got := h.run(in)
	if got.Status != workflows.ObligationSatisfied || len(h.eventsOf("reminded", "")) != 0 {
		t.Fatalf("status %s, events %v", got.Status, h.actions())
	}
}

// Continue-as-new: past the history limit the run hands its state on; the
// next run keeps the version, the timeline, the reminders already sent and
// the pending recheck, and finishes the duty.
func TestObligationContinuesAsNew(t *testing.T) {
	h := newOblHarness(t, at(t, "2026-01-01T00:30"))
	in := trainingInput()
	in.MaxEvents = 500
	h.do(at(t, "2026-10-20T10:00"), func() {
		h.env.SetCurrentHistoryLength(600)
		h.env.SignalWorkflow(workflows.ObligationRecheck, nil)
	})
	h.env.ExecuteWorkflow(workflows.ObligationWorkflow, in)
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("first run ended with %v, want continue-as-new", err)
	}
	var next workflows.ObligationInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	c := next.Carry
	if c == nil || c.State.Runs != 1 || c.Version != len(h.snapshots()) || len(c.Steps) != 1 {
		t.Fatalf("carry %+v", c)
	}
	if c.Steps[0].Reminders != 1 || len(c.Events) != 2 { // opened, reminded on 10-01
		t.Errorf("carried steps %+v events %+v", c.Steps, c.Events)
	}
	firstCounts := h.counts

	// The next run, with the same read model, from where the first stopped.
	h2 := newOblHarness(t, at(t, "2026-10-20T10:00"))
	h2.snaps = h.snapshots()
	h2.enter(at(t, "2026-11-02T09:00"))
	o := h2.run(next)
	if o.Status != workflows.ObligationSatisfied || o.Runs != 2 || o.Late {
		t.Fatalf("after continuing: %+v", o)
	}
	if o.Checks != firstCounts+h2.counts {
		t.Errorf("checks %d, want %d counted across both runs", o.Checks, firstCounts+h2.counts)
	}
	if n := len(h2.eventsOf("reminded", "")); n != 1 {
		t.Errorf("%d reminders across both runs, want the one of 10-01 (none repeated)", n)
	}
}
