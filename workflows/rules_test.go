package workflows_test

// Issue 17, rule by rule, where a workflow carries the rule: each test is
// named after the rule it shows, time-skipped where time matters.

import (
	"slices"
	"testing"
	"time"

	"zhucun/policy"
	"zhucun/workflows"
)

func cancelBy(a workflows.Actor) workflows.ActorArgs {
	return workflows.ActorArgs{Actor: a, Comment: "家中事情已解决，不再需要请假"}
}

// escalationEdges is the default escalation map resolved for the fixture
// member, as the server resolves it.
func escalationEdges() []workflows.Escalation {
	return []workflows.Escalation{
		{From: committee, To: bureau},
		{From: bureau, To: absCityBureau},
		{From: orgDept, To: absCityOrg},
		{From: unitHead, To: orgDept},
	}
}

func stepIDs(steps []workflows.Step, name string) []string {
	var out []string
	for _, s := range steps {
		if s.Name == name {
			out = append(out, s.ID)
		}
	}
	return out
}

func stepByID(steps []workflows.Step, id string) *workflows.Step {
	for i := range steps {
		if steps[i].ID == id {
			return &steps[i]
		}
	}
	return nil
}

// Rule 1: an approved leave is cancelled (撤销) before it starts: every
// step closes, its approver and filing offices are told, it ends as
// cancelled. Pending, or once started, it cannot be; reporting back on the
// first day records it as not taken.
func TestCancelApprovedLeave(t *testing.T) {
	t.Run("before the start", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-12")
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveCancel, cancelBy(memberActor), workflows.ErrConflict) // pending: withdraw it
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveDecide, approve(committeeActor))
		h.ok(at(t, "2026-12-01T12:00"), workflows.LeaveFile, fileBy(orgDeptActor))
		h.reject(at(t, "2026-12-01T13:00"), workflows.LeaveCancel, cancelBy(otherMemberActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-12-01T13:00"), workflows.LeaveCancel, cancelBy(committeeActor), workflows.ErrForbidden)
		h.okThen(at(t, "2026-12-09T20:00"), workflows.LeaveCancel, cancelBy(memberActor), func(l workflows.Leave) {
			if l.Status != workflows.LeaveCancelled || l.CancelReason == "" || !sameTime(at(t, "2026-12-09T20:00"), l.CancelledAt) {
				t.Errorf("after cancelling: status %q reason %q at %v", l.Status, l.CancelReason, l.CancelledAt)
			}
		})
		h.run(in)
		l := h.result()
		if l.Status != workflows.LeaveCancelled {
			t.Fatalf("result status %q, want cancelled (not withdrawn, not returned)", l.Status)
		}
		for _, s := range l.Steps {
			if s.Open() || len(s.WaitingOn) != 0 {
				t.Errorf("step %s open after cancelling: %+v", s.ID, s)
			}
		}
		if f := stepNamed(l.Steps, workflows.StepFiling); f == nil || f.Decisions[len(f.Decisions)-1].Decision != "cancelled" {
			t.Errorf("filing step %+v, want closed by the cancellation", f)
		}
		for _, p := range []workflows.Party{committee, orgDept, bureau} {
			if !hasNotice(h.notices(), p, "已撤销") {
				t.Errorf("%s not told of the cancellation", p.Key())
			}
		}
		if hasNotice(h.notices(), memberParty, "已撤销") {
			t.Errorf("the member was told of their own cancellation")
		}
		acts := h.actions()
		if acts[len(acts)-1] != "cancelled" {
			t.Errorf("timeline ends %v, want cancelled", acts)
		}
		if last := h.last(); last.Status != workflows.LeaveCancelled || last.ClosedAt == nil || len(last.WaitingOn) != 0 {
			t.Errorf("last snapshot: status %q closed %v waiting %v", last.Status, last.ClosedAt, last.WaitingOn)
		}
	})
	t.Run("once started, reported back on the first day", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-12")
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveDecide, approve(committeeActor))
		h.ok(at(t, "2026-12-01T12:00"), workflows.LeaveFile, fileBy(orgDeptActor)) // the bureau never files
		h.reject(at(t, "2026-12-10T00:00").Add(time.Second), workflows.LeaveCancel, cancelBy(memberActor), workflows.ErrConflict)
		back := workflows.ReturnArgs{Actor: memberActor, ReturnedOn: "2026-12-10", NotTaken: true}
		h.okThen(at(t, "2026-12-10T09:00"), workflows.LeaveReturn, back, func(l workflows.Leave) {
			if l.Status != workflows.LeaveReturned || !l.NotTaken || l.ActualDays == nil || *l.ActualDays != 0 || l.ActualEndDate != nil {
				t.Errorf("back on the first day: status %q not taken %v days %v end %v", l.Status, l.NotTaken, l.ActualDays, l.ActualEndDate)
			}
		})
		h.run(in) // ends at once: nothing is left to file
		if l := h.result(); l.Status != workflows.LeaveReturned || !l.NotTaken {
			t.Errorf("result %q not taken %v", l.Status, l.NotTaken)
		}
		if end := h.env.Now(); end.After(at(t, "2026-12-10T09:01")) {
			t.Errorf("ended at %v, not when reported back", end)
		}
		if !hasNotice(h.notices(), bureau, "未休") {
			t.Errorf("the bureau, still to file, was not told")
		}
	})
}

// Rule 2: a back-dated sick leave is not overdue when submitted: its
// approval is due the grace after submission.
func TestBackdatedSickLeave(t *testing.T) {
	submitted := at(t, "2026-12-10T09:30")
	h := newHarness(t, submitted)
	in := leaveInput(t, "2026-12-08", "2026-12-14") // began two days ago
	in.Kind, in.SubmittedAt = "sick", submitted
	in.ApprovalDueAt = policy.ApprovalDue(policy.Default().Leave, in.StartAt, submitted)
	if !in.ApprovalDueAt.Equal(submitted.Add(72 * time.Hour)) {
		t.Fatalf("fixture: approval due %v", in.ApprovalDueAt)
	}
	h.check(submitted.Add(time.Minute), func(l workflows.Leave) {
		s := stepNamed(l.Steps, workflows.StepApproval)
		if l.Overdue || s.Overdue || !sameTime(in.ApprovalDueAt, s.DueAt) {
			t.Errorf("just submitted: overdue %v, approval due %v", l.Overdue, s.DueAt)
		}
	})
	h.check(submitted.Add(72*time.Hour-time.Minute), func(l workflows.Leave) {
		if l.Overdue {
			t.Errorf("overdue before the grace ran out")
		}
	})
	h.check(submitted.Add(72*time.Hour+time.Minute), func(l workflows.Leave) {
		if !l.Overdue || !stepNamed(l.Steps, workflows.StepApproval).Overdue {
			t.Errorf("undecided after the grace: not overdue")
		}
	})
	h.ok(submitted.Add(73*time.Hour), workflows.LeaveDecide, approve(committeeActor))
	h.cancelAt(submitted.Add(74 * time.Hour))
	h.run(in)
	h.cancelled()
	if o := h.eventsOf("overdue", workflows.StepApproval); len(o) != 1 || !o[0].At.Equal(in.ApprovalDueAt) {
		t.Errorf("overdue at %v, want once at %v", eventTimes(o), in.ApprovalDueAt)
	}
}

// Rule 3: a 7-day leave joined with a 7-day one goes joint; the leave
// keeps its own days and says which it was joined with.
func TestConsecutiveLeavesCountTogether(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-17", "2026-12-23")
	in.Route = route(14)
	in.Route.Days, in.Route.Joined, in.Route.CombinedDays = 7, []string{"lv-0"}, 14
	h.check(at(t, "2026-12-01T09:01"), func(l workflows.Leave) {
		s := stepNamed(l.Steps, workflows.StepApproval)
		if l.Route != policy.RouteJoint || l.Days != 7 || l.CombinedDays != 14 || !slices.Equal(l.JoinedWith, []string{"lv-0"}) ||
			!equalStrings(partyKeys(s.WaitingOn), []string{orgDept.Key(), bureau.Key(), unitHead.Key()}) {
			t.Errorf("joined leave: route %s days %d combined %d joined %v waiting %v", l.Route, l.Days, l.CombinedDays, l.JoinedWith, partyKeys(s.WaitingOn))
		}
	})
	for i, a := range jointActors {
		h.ok(at(t, "2026-12-01T10:00").Add(hours(i)), workflows.LeaveDecide, approve(a))
	}
	h.cancelAt(at(t, "2026-12-02T00:00"))
	h.run(in)
	h.cancelled()
	if l := h.last(); l.Status != workflows.LeaveApproved || stepNamed(detail(t, l).Steps, workflows.StepFiling) != nil {
		t.Errorf("a joint leave is approved by all three and filed with nobody: %+v", l)
	}
}

// Rule 4 (the workflow's part): a pending extension may be withdrawn (its
// days go back); the leave stands as approved. The days held are the
// store's (e2e).
func TestExtensionHoldsItsDays(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-12")
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
	h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveExtend, extendArgs(t, "2026-12-10", "2026-12-14"))
	h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: otherMemberActor}, workflows.ErrForbidden)
	h.okThen(at(t, "2026-12-01T13:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: memberActor, Comment: "不需要了"}, func(l workflows.Leave) {
		e := l.Extensions[0]
		if l.Status != workflows.LeaveApproved || l.EndDate != "2026-12-12" || e.Status != "withdrawn" ||
			stepNamed(l.Steps, workflows.StepExtensionApproval).Open() {
			t.Errorf("after withdrawing the extension: status %q end %s extension %+v", l.Status, l.EndDate, e)
		}
	})
	h.reject(at(t, "2026-12-01T14:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: memberActor}, workflows.ErrConflict) // nothing waits
	h.ok(at(t, "2026-12-02T09:00"), workflows.LeaveExtend, extendArgs(t, "2026-12-10", "2026-12-13"))
	h.okThen(at(t, "2026-12-02T10:00"), workflows.LeaveDecide, refuse(committeeActor), func(l workflows.Leave) {
		if l.Extensions[1].Status != "refused" || l.EndDate != "2026-12-12" {
			t.Errorf("refused extension %+v, end %s", l.Extensions[1], l.EndDate)
		}
	})
	h.cancelAt(at(t, "2026-12-03T00:00"))
	h.run(in)
	h.cancelled()
	if got := h.eventsOf("extension_withdrawn", workflows.StepExtensionApproval); len(got) != 1 {
		t.Errorf("extension_withdrawn events %v", got)
	}
	if !hasNotice(h.notices(), committee, "续假已撤回") {
		t.Errorf("the committee was not told the extension was withdrawn")
	}
}

// Rule 5: a silent office escalates to the office above it (never to
// itself); the escalated office sees it and may remind, never decide.
func TestEscalationGoesUp(t *testing.T) {
	t.Run("joint", func(t *testing.T) {
		submitted := at(t, "2026-12-01T09:00")
		h := newHarness(t, submitted)
		in := leaveInput(t, "2026-12-20", "2026-12-29") // 10 days: joint
		in.Escalation, in.EscalateTo = escalationEdges(), workflows.Party{}
		h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(orgDeptActor))
		h.check(submitted.Add(72*time.Hour+time.Minute), func(l workflows.Leave) {
			s := stepNamed(l.Steps, workflows.StepApproval)
			// The bureau and the head are silent: the city bureau above the
			// bureau, the county org dept above the head.
			if got := partyKeys(s.Escalations); !equalStrings(got, []string{absCityBureau.Key(), orgDept.Key()}) {
				t.Errorf("escalated to %v", got)
			}
			if !equalStrings(partyKeys(s.WaitingOn), []string{bureau.Key(), unitHead.Key()}) || l.Status != workflows.LeavePending {
				t.Errorf("still waiting on %v, status %q", partyKeys(s.WaitingOn), l.Status)
			}
		})
		remindAt := submitted.Add(73 * time.Hour)
		h.reject(remindAt, workflows.LeaveDecide, approve(absCityBureauActor), workflows.ErrForbidden)
		h.reject(remindAt, workflows.LeaveRemind, workflows.ActorArgs{Actor: otherCommitteeActor}, workflows.ErrForbidden)
		h.reject(remindAt, workflows.LeaveRemind, workflows.ActorArgs{Actor: memberActor}, workflows.ErrForbidden)
		h.ok(remindAt, workflows.LeaveRemind, workflows.ActorArgs{Actor: absCityBureauActor, Comment: "请尽快审批"})
		h.cancelAt(submitted.Add(74 * time.Hour))
		h.run(in)
		h.cancelled()
		for _, p := range []workflows.Party{absCityBureau, orgDept} {
			if !hasNotice(h.notices(), p, "督办") {
				t.Errorf("%s not told of the silence", p.Key())
			}
		}
		for _, p := range []workflows.Party{bureau, unitHead} {
			if !hasNotice(h.notices(), p, "催办") {
				t.Errorf("%s not reminded by the city bureau", p.Key())
			}
			if countPrefixed(h.notices(), p, "督办") != 0 {
				t.Errorf("%s, the silent one, was escalated to", p.Key())
			}
		}
		if u := h.eventsOf("urged", workflows.StepApproval); len(u) != 1 || u[0].ActorID != absCityBureauActor.UserID {
			t.Errorf("urged events %+v", u)
		}
		last := h.last()
		if !containsKey(last.Watchers, absCityBureau) || last.Status != workflows.LeavePending {
			t.Errorf("watchers %v status %q", partyKeys(last.Watchers), last.Status)
		}
	})
	t.Run("township and filing", func(t *testing.T) {
		submitted := at(t, "2026-12-01T09:00")
		h := newHarness(t, submitted)
		in := leaveInput(t, "2026-12-20", "2026-12-22")
		in.Escalation, in.EscalateTo = escalationEdges(), workflows.Party{}
		h.check(submitted.Add(72*time.Hour+time.Minute), func(l workflows.Leave) {
			if got := partyKeys(stepNamed(l.Steps, workflows.StepApproval).Escalations); !equalStrings(got, []string{bureau.Key()}) {
				t.Errorf("the silent committee escalated to %v, want the county bureau", got)
			}
		})
		approved := submitted.Add(80 * time.Hour)
		h.ok(approved, workflows.LeaveDecide, approve(committeeActor))
		// The filing: both county offices silent go to the city's two,
		// the bureau never to itself.
		h.check(approved.Add(72*time.Hour+time.Minute), func(l workflows.Leave) {
			got := partyKeys(stepNamed(l.Steps, workflows.StepFiling).Escalations)
			if !equalStrings(got, []string{absCityOrg.Key(), absCityBureau.Key()}) {
				t.Errorf("filing escalated to %v", got)
			}
		})
		h.cancelAt(approved.Add(73 * time.Hour))
		h.run(in)
		h.cancelled()
	})
}

// Rule 7: an extension approved while the first filing is still open gets
// a filing of its own: its own due time, reminders and overdue state;
// each office acknowledges either, in any order.
func TestEveryFilingStepIsItsOwn(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-12")
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
	h.ok(at(t, "2026-12-02T09:00"), workflows.LeaveExtend, extendArgs(t, "2026-12-10", "2026-12-14"))
	h.ok(at(t, "2026-12-02T10:00"), workflows.LeaveDecide, approve(committeeActor))
	var first, second string
	h.check(at(t, "2026-12-02T11:00"), func(l workflows.Leave) {
		ids := stepIDs(l.Steps, workflows.StepFiling)
		if len(ids) != 2 || ids[0] == ids[1] || ids[0] == "" {
			t.Fatalf("filing steps %v, want two with their own ids", ids)
		}
		first, second = ids[0], ids[1]
		if a, b := stepByID(l.Steps, first), stepByID(l.Steps, second); !sameTime(at(t, "2026-12-04T10:00"), a.DueAt) ||
			!sameTime(at(t, "2026-12-05T10:00"), b.DueAt) || !a.Open() || !b.Open() {
			t.Errorf("filings %+v and %+v", a, b)
		}
	})
	// The bureau acknowledges the second first, by its id.
	h.do(at(t, "2026-12-02T12:00"), func() {
		h.send(workflows.LeaveFile, workflows.ActorArgs{Actor: bureauActor, Step: second}, "", func(l workflows.Leave) {
			if b := stepByID(l.Steps, second); !equalStrings(partyKeys(b.WaitingOn), []string{orgDept.Key()}) ||
				len(stepByID(l.Steps, first).WaitingOn) != 2 {
				t.Errorf("after the bureau filed the second: %+v / %+v", stepByID(l.Steps, first), b)
			}
		})
		h.send(workflows.LeaveFile, workflows.ActorArgs{Actor: bureauActor, Step: "filing-99"}, workflows.ErrConflict, nil)
	})
	// The org dept names none: the earliest waiting on it, the first.
	h.ok(at(t, "2026-12-03T09:00"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.check(at(t, "2026-12-04T10:30"), func(l workflows.Leave) {
		a, b := stepByID(l.Steps, first), stepByID(l.Steps, second)
		if !a.Overdue || b.Overdue || !l.Overdue {
			t.Errorf("at the first's due: first overdue %v, second overdue %v", a.Overdue, b.Overdue)
		}
		if a.Reminders != 3 || b.Reminders != 2 {
			t.Errorf("reminders %d and %d, want 3 and 2 (each every 24 h from its own opening)", a.Reminders, b.Reminders)
		}
		if !equalStrings(partyKeys(a.WaitingOn), []string{bureau.Key()}) || !equalStrings(partyKeys(b.WaitingOn), []string{orgDept.Key()}) {
			t.Errorf("waiting: first %v, second %v", partyKeys(a.WaitingOn), partyKeys(b.WaitingOn))
		}
	})
	h.check(at(t, "2026-12-05T10:30"), func(l workflows.Leave) {
		if !stepByID(l.Steps, second).Overdue {
			t.Errorf("the second not overdue at its own due")
		}
	})
	h.do(at(t, "2026-12-06T09:00"), func() {
		h.send(workflows.LeaveFile, workflows.ActorArgs{Actor: bureauActor, Step: first}, "", nil)
	})
	h.do(at(t, "2026-12-06T09:30"), func() {
		h.send(workflows.LeaveFile, workflows.ActorArgs{Actor: orgDeptActor, Step: second}, "", nil)
	})
	h.reject(at(t, "2026-12-06T10:00"), workflows.LeaveFile, fileBy(bureauActor), workflows.ErrConflict)
	h.ok(at(t, "2026-12-15T09:00"), workflows.LeaveReturn, returnOn("2026-12-15", "2026-12-14", 5))
	h.run(in)
	l := h.result()
	if l.Status != workflows.LeaveReturned {
		t.Fatalf("result %q", l.Status)
	}
	for _, id := range []string{first, second} {
		if s := stepByID(l.Steps, id); s.Open() || len(s.Decisions) != 2 {
			t.Errorf("filing %s: %+v", id, s)
		}
	}
	overdue := h.eventsOf("overdue", workflows.StepFiling)
	if got := eventTimes(overdue); !equalStrings(got, []string{"12-04T10:00", "12-05T10:00"}) {
		t.Errorf("filing overdue at %v, each at its own due", got)
	}
}

// Rule 8: reporting back after the report-back day records the overstay
// (the days are the server's count), marks the leave late, and is not
// capped to the approved end.
func TestOverstayIsRecorded(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-12")
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
	h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(bureauActor))
	back := returnOn("2026-12-16", "2026-12-12", 3)
	back.Late, back.OverstayDays = true, 3
	h.ok(at(t, "2026-12-16T09:00"), workflows.LeaveReturn, back)
	h.run(in)
	l := h.result()
	if !l.ReturnedLate || l.OverstayDays != 3 || *l.ActualDays != 3 || *l.ActualEndDate != "2026-12-12" {
		t.Errorf("late return: late %v overstay %d days %d end %s", l.ReturnedLate, l.OverstayDays, *l.ActualDays, *l.ActualEndDate)
	}
	if o := h.eventsOf("overdue", workflows.StepReturn); len(o) != 1 || !o[0].At.Equal(in.ReturnDueAt) {
		t.Errorf("report back overdue at %v, want at %v", eventTimes(o), in.ReturnDueAt)
	}
}

// Rule 11: a month's report is submitted once its cycle has closed (after
// the cutoff day); before, it is refused with the date it opens.
func TestReportSubmittedAfterCycleCloses(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := reportInput(t, "2026-03")
	if !in.OpensAt.Equal(midnight(t, "2026-03-21")) {
		t.Fatalf("March opens %v", in.OpensAt)
	}
	submit := workflows.ActorArgs{Actor: bureauActor, Comment: "本月汇总"}
	h.reject(at(t, "2026-03-20T23:59"), workflows.ReportSubmit, submit, workflows.ErrConflict)
	h.ok(at(t, "2026-03-21T00:01"), workflows.ReportSubmit, submit)
	h.execute(workflows.ReportWorkflow, in, workflows.KindAbsenceReport)
	r := h.report()
	if r.Status != workflows.ReportSubmitted || !sameTime(at(t, "2026-03-21T00:01"), r.SubmittedAt) || r.OpensAt == nil {
		t.Errorf("result %+v", r)
	}
}

// Rule 12: an absence recorded late gets its own fair deadline (recorded
// + 3 days, a rest day moving it), belongs to the report of the month it
// is due in, and is not late when signed by then.
func TestLateRecordingFairDeadline(t *testing.T) {
	found, recorded := at(t, "2026-03-18T10:00"), at(t, "2026-03-23T09:00")
	rules := policy.Default()
	due, y, m, late := policy.AbsenceDue(rules.Absence, policy.PeriodsOf(rules, nil), found, recorded)
	if !late || !due.Equal(midnight(t, "2026-03-27")) || policy.CycleKey(y, m) != "2026-04" {
		t.Fatalf("fixture: due %v cycle %s late %v", due, policy.CycleKey(y, m), late)
	}
	in := absenceInput(t, found)
	in.DueAt, in.CycleMonth, in.LateRecorded, in.FoundCycle = due, policy.CycleKey(y, m), true, "2026-03"
	in.RemindAt = policy.RemindersBefore(due, rules.Absence.RemindBefore)
	t.Run("signed by its own due", func(t *testing.T) {
		h := newAbsHarness(t, recorded)
		h.checkAbsence(recorded.Add(time.Minute), func(a workflows.Absence) {
			if a.Overdue || !a.LateRecorded || a.CycleMonth != "2026-04" || a.FoundCycle != "2026-03" {
				t.Errorf("just recorded: %+v", a)
			}
		})
		h.ok(at(t, "2026-03-25T09:00"), workflows.AbsenceExplain, explain("当日去县里开会"))
		h.ok(at(t, "2026-03-26T20:00"), workflows.AbsenceSign, signBy(unitHeadActor))
		h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
		if a := h.absence(); a.Late || a.Overdue || a.Status != workflows.AbsenceSigned {
			t.Errorf("signed before its own due (after March's 25th): late %v overdue %v", a.Late, a.Overdue)
		}
		for _, c := range h.reported() {
			if c.Month != "2026-04" {
				t.Errorf("told the %s report, want April's", c.Month)
			}
		}
	})
	t.Run("unsigned at its due", func(t *testing.T) {
		h := newAbsHarness(t, recorded)
		h.checkAbsence(at(t, "2026-03-26T23:59"), func(a workflows.Absence) {
			if a.Overdue {
				t.Errorf("overdue before its own due")
			}
		})
		h.checkAbsence(at(t, "2026-03-27T00:01"), func(a workflows.Absence) {
			if !a.Overdue {
				t.Errorf("not overdue after its own due")
			}
		})
		h.cancelAt(at(t, "2026-03-28T00:00"))
		h.env.ExecuteWorkflow(workflows.AbsenceWorkflow, in)
		h.cancelled()
	})
}

// Rule 13: a county office voids an absence recorded wrongly (误报): it
// ends voided and leaves the monthly report; one closed unresolved stays
// in it as missing.
func TestVoidedIsNotMissing(t *testing.T) {
	t.Run("the absence", func(t *testing.T) {
		h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
		in := absenceInput(t, at(t, "2026-03-03T10:00"))
		void := func(a workflows.Actor) workflows.CloseArgs {
			return workflows.CloseArgs{Actor: a, Reason: "经核实当日在乡里开会，查岗记录有误"}
		}
		h.reject(at(t, "2026-03-04T09:00"), workflows.AbsenceVoid, void(memberActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-03-04T09:00"), workflows.AbsenceVoid, void(unitHeadActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-03-04T09:00"), workflows.AbsenceVoid, void(absOtherBureauAct), workflows.ErrForbidden)
		h.ok(at(t, "2026-03-04T10:00"), workflows.AbsenceVoid, void(bureauActor))
		h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
		a := h.absence()
		if a.Status != workflows.AbsenceVoided || a.VoidReason == "" || a.VoidedBy != bureauActor.Name || a.Overdue {
			t.Errorf("voided absence %+v", a)
		}
		if s := stepNamed(a.Steps, workflows.StepExplanation); s.Open() {
			t.Errorf("the explanation still waits: %+v", s)
		}
		if got := h.reportedStatuses(); got[len(got)-1] != workflows.AbsenceVoided {
			t.Errorf("the report was told %v, want voided last", got)
		}
		if !hasNotice(h.notices(), memberParty, "已作废") {
			t.Errorf("the member was not told")
		}
	})
	t.Run("the report", func(t *testing.T) {
		h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
		in := reportInput(t, "2026-03")
		h.signal(at(t, "2026-03-03T11:01"), absItem("a1", workflows.AbsenceAwaitingExplanation, nil, false))
		h.signal(at(t, "2026-03-04T09:00"), absItem("a2", workflows.AbsenceAwaitingExplanation, nil, false))
		h.signal(at(t, "2026-03-05T09:00"), absItem("a2", workflows.AbsenceVoided, nil, false))
		h.signal(at(t, "2026-03-06T09:00"), absItem("a1", workflows.AbsenceClosed, nil, false))
		h.checkReport(at(t, "2026-03-06T10:00"), func(r workflows.AbsenceReport) {
			if len(r.Items) != 1 || r.Items[0].AbsenceID != "a1" || r.Items[0].Status != workflows.ItemMissing {
				t.Errorf("items %+v, want a1 alone, missing", r.Items)
			}
		})
		h.ok(at(t, "2026-03-24T10:00"), workflows.ReportSubmit, workflows.ActorArgs{Actor: bureauActor})
		// Voided after the report went: it leaves the sent report too.
		h.signal(at(t, "2026-03-25T10:00"), absItem("a1", workflows.AbsenceVoided, nil, false))
		h.execute(workflows.ReportWorkflow, in, workflows.KindAbsenceReport)
		if r := h.report(); len(r.Items) != 0 {
			t.Errorf("items %+v, want none", r.Items)
		}
		if len(h.reported()) != 0 {
			t.Errorf("a voided absence was carried: %+v", h.reported())
		}
		if v := h.eventsOf("absence_voided", ""); len(v) != 2 {
			t.Errorf("absence_voided events %v", v)
		}
	})
}

// Rule 14: only the unit's principal (一把手) signs; the signature records
// who signed (and, for a delegate, for whom: the hook for delegation).
func TestTheHeadNotAnyHead(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00"))
	h.ok(at(t, "2026-03-03T12:00"), workflows.AbsenceExplain, explain("在县里培训"))
	h.reject(at(t, "2026-03-04T09:00"), workflows.AbsenceSign, signBy(deputyHeadActor), workflows.ErrForbidden)
	h.reject(at(t, "2026-03-04T09:00"), workflows.AbsenceSign, signBy(absOtherHeadActor), workflows.ErrForbidden)
	delegate := deputyHeadActor
	delegate.AsPrincipal, delegate.OnBehalfOf = true, unitHeadActor.UserID
	h.ok(at(t, "2026-03-04T10:00"), workflows.AbsenceSign, signBy(delegate))
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
	a := h.absence()
	if a.Status != workflows.AbsenceSigned || a.SignedByID != deputyHeadActor.UserID || a.SignedBy != deputyHeadActor.Name ||
		a.SignedFor != unitHeadActor.UserID {
		t.Errorf("signed by %q (%s) for %q", a.SignedBy, a.SignedByID, a.SignedFor)
	}

	h2 := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	h2.ok(at(t, "2026-03-03T12:00"), workflows.AbsenceExplain, explain("在县里培训"))
	h2.ok(at(t, "2026-03-04T10:00"), workflows.AbsenceSign, signBy(unitHeadActor))
	h2.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
	if a := h2.absence(); a.SignedByID != unitHeadActor.UserID || a.SignedFor != "" {
		t.Errorf("the principal's signature: by %s for %q", a.SignedByID, a.SignedFor)
	}
}

// Rule 15 (the workflow's part): a pending leave covering the moment
// found is carried on the absence for whoever reads it.
func TestLeaveCrossCheckPendingLeave(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00"))
	in.PendingLeave = &workflows.LeaveConflict{LeaveID: "lv-9", StartDate: "2026-03-03", EndDate: "2026-03-04", Status: workflows.LeavePending}
	h.checkAbsence(at(t, "2026-03-03T11:01"), func(a workflows.Absence) {
		if a.PendingLeave == nil || a.PendingLeave.LeaveID != "lv-9" || a.LeaveConflict != nil {
			t.Errorf("pending leave %+v, conflict %+v", a.PendingLeave, a.LeaveConflict)
		}
	})
	h.ok(at(t, "2026-03-04T10:00"), workflows.AbsenceClose, workflows.CloseArgs{Actor: orgDeptActor, Reason: "请假已获批"})
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
}

// rosterInput17 is rosterInput as the server builds it since issue 17:
// the offices' own acknowledgement deadline and the calendar written out.
func rosterInput17(t testing.TB, effective string, recorded time.Time) workflows.RosterChangeInput {
	in := rosterInput(t, effective)
	p := policy.Periods{Cal: policy.NewCalendar(nil), SkipRestDays: true}
	in.FilingDueAt = policy.RosterFilingDueIn(in.Rules, p, midnight(t, effective))
	in.AckDueAt = p.End(policy.DayOf(recorded), in.Rules.FilingDays)
	in.SkipRestDays, in.RestDays = true, policy.RestDaysOf(p.Cal, recorded, 200)
	return in
}

// Rule 16: filed on time is the unit's recording within 3 days; the
// offices' acknowledgement is their own step, its lateness their own.
func TestFiledOnTimeMeansUnitFiled(t *testing.T) {
	t.Run("recorded in time, acknowledged late", func(t *testing.T) {
		recorded := at(t, "2026-12-03T10:00") // effective Tuesday 12-01: due end of Friday 12-04
		h := newRosterHarness(t, recorded)
		in := rosterInput17(t, "2026-12-01", recorded)
		// 12-03 + 3 is Sunday: the offices have until the end of Monday.
		if !in.AckDueAt.Equal(midnight(t, "2026-12-08")) || !in.FilingDueAt.Equal(midnight(t, "2026-12-05")) {
			t.Fatalf("fixture: ack due %v, filing due %v", in.AckDueAt, in.FilingDueAt)
		}
		h.check(at(t, "2026-12-05T09:00"), func(rc workflows.RosterChange) {
			if rc.FiledLate || rc.Overdue {
				t.Errorf("after the unit's days, before the offices': filed late %v overdue %v", rc.FiledLate, rc.Overdue)
			}
		})
		h.ok(at(t, "2026-12-07T09:00"), workflows.RosterFile, orgDeptActor)
		h.check(at(t, "2026-12-08T00:01"), func(rc workflows.RosterChange) {
			if !rc.Overdue || rc.FiledLate {
				t.Errorf("after the offices' due: overdue %v, filed late %v", rc.Overdue, rc.FiledLate)
			}
		})
		h.ok(at(t, "2026-12-08T09:00"), workflows.RosterFile, bureauActor)
		h.ok(at(t, "2026-12-08T10:00"), workflows.RosterReport, bureauActor)
		h.run(in)
		rc := h.result()
		if rc.FiledLate || !rc.AcknowledgedLate || rc.AckDueAt == nil || !rc.AckDueAt.Equal(in.AckDueAt) {
			t.Errorf("result: filed late %v, acknowledged late %v, ack due %v", rc.FiledLate, rc.AcknowledgedLate, rc.AckDueAt)
		}
	})
	t.Run("recorded late, acknowledged at once", func(t *testing.T) {
		recorded := at(t, "2026-12-09T10:00")
		h := newRosterHarness(t, recorded)
		in := rosterInput17(t, "2026-12-01", recorded)
		h.check(recorded.Add(time.Minute), func(rc workflows.RosterChange) {
			if !rc.FiledLate || rc.Overdue {
				t.Errorf("recorded after the unit's days: filed late %v, overdue %v (the offices are not late)", rc.FiledLate, rc.Overdue)
			}
		})
		h.ok(at(t, "2026-12-09T11:00"), workflows.RosterFile, orgDeptActor)
		h.ok(at(t, "2026-12-09T12:00"), workflows.RosterFile, bureauActor)
		h.ok(at(t, "2026-12-09T13:00"), workflows.RosterReport, bureauActor)
		h.run(in)
		if rc := h.result(); !rc.FiledLate || rc.AcknowledgedLate || rc.ReportedLate {
			t.Errorf("result: filed late %v, acknowledged late %v", rc.FiledLate, rc.AcknowledgedLate)
		}
	})
}

// Rule 17: the ledger report's 3 days, ending on a Saturday, run to the
// end of Monday; fixed dates do not move (the absence's 25th above).
func TestPeriodsEndOnWorkingDay(t *testing.T) {
	recorded := at(t, "2026-12-08T10:00")
	h := newRosterHarness(t, recorded)
	in := rosterInput17(t, "2026-12-07", recorded)
	h.ok(at(t, "2026-12-09T09:00"), workflows.RosterFile, orgDeptActor)
	h.ok(at(t, "2026-12-09T10:00"), workflows.RosterFile, bureauActor) // Wednesday: + 3 is Saturday
	h.check(at(t, "2026-12-09T11:00"), func(rc workflows.RosterChange) {
		if rc.ReportDueAt == nil || !rc.ReportDueAt.Equal(midnight(t, "2026-12-15")) {
			t.Errorf("ledger report due %v, want the end of Monday 12-14", rc.ReportDueAt)
		}
	})
	h.check(at(t, "2026-12-14T23:00"), func(rc workflows.RosterChange) {
		if rc.Overdue {
			t.Errorf("overdue over the weekend")
		}
	})
	h.ok(at(t, "2026-12-14T23:30"), workflows.RosterReport, bureauActor)
	h.run(in)
	if rc := h.result(); rc.ReportedLate {
		t.Errorf("reported on Monday: late")
	}
	// Without the rule the same filing is due at the end of Saturday.
	old := policy.RosterReportDueIn(in.Rules, policy.Periods{}, at(t, "2026-12-09T10:00"))
	if !old.Equal(midnight(t, "2026-12-13")) {
		t.Errorf("without the rule: due %v", old)
	}
}
