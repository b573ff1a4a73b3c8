package workflows_test

import (
	"testing"
	"time"

	"zhucun/policy"
	"zhucun/workflows"
)

func assessmentInput() workflows.AssessmentInput {
	o := policy.DefaultObligations()
	due := policy.YearDue(2026, o.AssessmentDue)
	var before []time.Duration
	for _, d := range o.RemindBefore {
		before = append(before, d.D())
	}
	return workflows.AssessmentInput{
		ProcessID: workflows.AssessmentProcessID(memberParty.MemberID, 2026), MemberID: memberParty.MemberID, MemberName: "李明",
		UnitID: "xiping-edu", CountyID: "xiping", Year: 2026, ResultDue: due,
		ResultRemind: policy.RemindersBefore(due, o.RemindBefore), AckDays: o.AssessmentAckDays, RemindBefore: before,
		UnitHead: unitHead, Bureau: bureau, PolicyVersion: "city@1",
	}
}

func result(a workflows.Actor, r string) workflows.ResultArgs {
	return workflows.ResultArgs{Actor: a, Result: r, Note: "工作扎实"}
}

// Recorded late (after the reminders and the overdue), then acknowledged
// in time: only the unit head records, once, a known grade; only the
// bureau acknowledges, once, after the result.
func TestAssessmentLateResultThenAck(t *testing.T) {
	h := newHarness(t, at(t, "2026-01-01T00:30"))
	h.env.RegisterWorkflow(workflows.AssessmentWorkflow)
	h.reject(at(t, "2026-06-01T09:00"), workflows.AssessmentAck, fileBy(bureauActor), workflows.ErrConflict)
	h.reject(at(t, "2026-06-01T09:00"), workflows.AssessmentRecord, result(bureauActor, "称职"), workflows.ErrForbidden)
	h.reject(at(t, "2026-06-01T09:00"), workflows.AssessmentRecord, result(unitHeadActor, "很好"), workflows.ErrInvalid)
	h.ok(at(t, "2027-01-05T10:00"), workflows.AssessmentRecord, result(unitHeadActor, "称职"))
	h.reject(at(t, "2027-01-05T11:00"), workflows.AssessmentRecord, result(unitHeadActor, "优秀"), workflows.ErrConflict)
	h.reject(at(t, "2027-01-06T09:00"), workflows.AssessmentAck, fileBy(orgDeptActor), workflows.ErrForbidden)
	h.ok(at(t, "2027-01-10T09:00"), workflows.AssessmentAck, fileBy(bureauActor))
	h.reject(at(t, "2027-01-10T10:00"), workflows.AssessmentAck, fileBy(bureauActor), workflows.ErrConflict)
	h.env.ExecuteWorkflow(workflows.AssessmentWorkflow, assessmentInput())
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("not finished")
	}
	h.checkRecorded(workflows.KindAssessment, workflows.AssessmentWorkflowID(memberParty.MemberID, 2026))
	a := resultOf[workflows.Assessment](t, h.env)
	if a.Status != workflows.AssessmentAcknowledged || a.Result != "称职" || a.Overdue {
		t.Fatalf("%+v", a)
	}
	if got := a.AckDue.In(cst).Format("2006-01-02T15:04"); got != "2027-01-16T00:00" {
		t.Errorf("ack due %s, want the end of the 10th day after the result", got)
	}
	if n := len(h.eventsOf("reminded", workflows.StepAssessResult)); n != 2 {
		t.Errorf("%d reminders of the result, want 2 (30 and 7 days before)", n)
	}
	if len(h.eventsOf("overdue", workflows.StepAssessResult)) != 1 || len(h.eventsOf("overdue", workflows.StepAssessAck)) != 0 {
		t.Errorf("overdue events: %v", h.actions())
	}
	if countPrefixed(h.notices(), unitHead, "逾期") != 1 || countPrefixed(h.notices(), bureau, "待确认") != 1 {
		t.Errorf("notices %v", h.notices())
	}
}

// The bureau silent: reminded before, overdue at the acknowledgement's due.
func TestAssessmentAckOverdue(t *testing.T) {
	h := newHarness(t, at(t, "2026-01-01T00:30"))
	h.env.RegisterWorkflow(workflows.AssessmentWorkflow)
	h.ok(at(t, "2026-12-01T10:00"), workflows.AssessmentRecord, result(unitHeadActor, "优秀"))
	var mid workflows.Assessment
	h.do(at(t, "2026-12-12T09:00"), func() {
		v, err := h.env.QueryWorkflow(workflows.AssessmentQuery)
		if err == nil {
			err = v.Get(&mid)
		}
		if err != nil {
			t.Error(err)
		}
	})
	h.ok(at(t, "2026-12-20T09:00"), workflows.AssessmentAck, fileBy(bureauActor))
	h.env.ExecuteWorkflow(workflows.AssessmentWorkflow, assessmentInput())
	if !mid.Overdue || mid.Status != workflows.AssessmentAwaitingAck {
		t.Errorf("on 12-12: %+v", mid)
	}
	if n := len(h.eventsOf("reminded", workflows.StepAssessAck)); n != 1 {
		t.Errorf("%d reminders of the acknowledgement, want 1 (7 days before)", n)
	}
	if a := resultOf[workflows.Assessment](t, h.env); a.Status != workflows.AssessmentAcknowledged {
		t.Fatalf("%+v", a)
	}
}
