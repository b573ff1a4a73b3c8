package workflows_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zhucun/policy"
	"zhucun/workflows"
)

// 1. Up to 7 days: township committee approves, both county offices file,
// the member reports back, the workflow completes.
func TestLeaveTownshipApprovedFiledReturned(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-16")
	if in.Route.Days != 7 || in.Route.Route != policy.RouteTownship {
		t.Fatalf("fixture: 7 days should route township, got %+v", in.Route)
	}

	h.check(at(t, "2026-12-01T10:00"), func(l workflows.Leave) {
		if l.Status != workflows.LeavePending {
			t.Errorf("before decision: status %q, want pending", l.Status)
		}
		s := stepNamed(l.Steps, workflows.StepApproval)
		if s == nil || !s.Open() || !equalStrings(partyKeys(s.WaitingOn), []string{committee.Key()}) {
			t.Errorf("approval step %+v, want open and waiting on the committee", s)
		}
	})
	h.okThen(at(t, "2026-12-01T15:00"), workflows.LeaveDecide, approve(committeeActor), func(l workflows.Leave) {
		if l.Status != workflows.LeaveApproved || !sameTime(at(t, "2026-12-01T15:00"), l.DecidedAt) {
			t.Errorf("after approval: status %q decided %v", l.Status, l.DecidedAt)
		}
		f := stepNamed(l.Steps, workflows.StepFiling)
		if f == nil || !f.Open() {
			t.Fatalf("no open filing step after approval: %v", stepNames(l.Steps))
		}
		if got := partyKeys(f.WaitingOn); !equalStrings(got, []string{orgDept.Key(), bureau.Key()}) {
			t.Errorf("filing waits on %v, want both county offices", got)
		}
		if !sameTime(at(t, "2026-12-04T15:00"), f.DueAt) {
			t.Errorf("filing due %v, want approval + 72h", f.DueAt)
		}
		r := stepNamed(l.Steps, workflows.StepReturn)
		if r == nil || !r.Open() || !sameTime(in.ReturnDueAt, r.DueAt) {
			t.Errorf("return step %+v, want open and due %v", r, in.ReturnDueAt)
		}
	})
	h.ok(at(t, "2026-12-02T10:00"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.check(at(t, "2026-12-02T10:30"), func(l workflows.Leave) {
		f := stepNamed(l.Steps, workflows.StepFiling)
		if f == nil || !f.Open() || !equalStrings(partyKeys(f.WaitingOn), []string{bureau.Key()}) {
			t.Errorf("after one filing: %+v, want open and waiting on the bureau only", f)
		}
	})
	h.ok(at(t, "2026-12-02T11:00"), workflows.LeaveFile, fileBy(bureauActor))
	h.check(at(t, "2026-12-02T11:30"), func(l workflows.Leave) {
		if f := stepNamed(l.Steps, workflows.StepFiling); f == nil || f.Open() {
			t.Errorf("filing step %+v, want closed once both filed", f)
		}
		if l.Status != workflows.LeaveApproved {
			t.Errorf("filing changed status to %q", l.Status)
		}
	})
	h.ok(at(t, "2026-12-17T09:00"), workflows.LeaveReturn, returnOn("2026-12-17", "2026-12-16", 7))
	h.run(in)

	l := h.result()
	if l.Status != workflows.LeaveReturned || l.ReturnedOn == nil || *l.ReturnedOn != "2026-12-17" {
		t.Errorf("result: status %q returned on %v", l.Status, l.ReturnedOn)
	}
	if got := stepNames(l.Steps); !equalStrings(got, []string{workflows.StepApproval, workflows.StepFiling, workflows.StepReturn}) {
		t.Errorf("steps %v", got)
	}
	for _, s := range l.Steps {
		if s.Open() || s.Overdue {
			t.Errorf("step %s open=%v overdue=%v at the end", s.Name, s.Open(), s.Overdue)
		}
	}
	want := []string{"submitted", "approved", "filed", "filed", "reminded", "returned"}
	if got := h.actions(); !equalStrings(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	if r := h.eventsOf("reminded", workflows.StepReturn); len(r) != 1 || !r[0].At.Equal(in.EndAt) {
		t.Errorf("return reminder at %v, want once at the end of the leave %v", eventTimes(r), in.EndAt)
	}
	last := h.last()
	if last.Status != workflows.LeaveReturned || !sameTime(at(t, "2026-12-17T09:00"), last.ClosedAt) || last.Overdue || len(last.WaitingOn) != 0 {
		t.Errorf("last snapshot: status %q closed %v overdue %v waiting %v", last.Status, last.ClosedAt, last.Overdue, last.WaitingOn)
	}
	// The committee that approved hears of the return.
	if !hasNotice(h.notices(), committee, "已销假") {
		t.Errorf("committee not told of the return: %+v", h.notices())
	}
	for _, p := range []workflows.Party{orgDept, bureau} {
		if !hasNotice(h.notices(), p, "请备案") {
			t.Errorf("%s not asked to file", p.Key())
		}
	}
}

// 2. More than 7 days: joint countersign; any one refusal refuses at once.
func TestLeaveJointRefusedByAnyOne(t *testing.T) {
	for i, refuser := range jointActors {
		t.Run(refuser.Party.Role, func(t *testing.T) {
			h := newHarness(t, at(t, "2026-12-01T09:00"))
			in := leaveInput(t, "2026-12-10", "2026-12-17")
			if in.Route.Days != 8 || in.Route.Route != policy.RouteJoint {
				t.Fatalf("fixture: 8 days should route joint, got %+v", in.Route)
			}
			// Those before the refuser approve first.
			for j := 0; j < i; j++ {
				h.ok(at(t, "2026-12-01T10:00").Add(hours(j)), workflows.LeaveDecide, approve(jointActors[j]))
			}
			refusedAt := at(t, "2026-12-01T14:00")
			h.do(refusedAt, func() {
				h.send(workflows.LeaveDecide, refuse(refuser), "", func(l workflows.Leave) {
					if l.Status != workflows.LeaveRefused {
						t.Errorf("after refusal: status %q", l.Status)
					}
				})
				// Everyone else deciding afterwards is too late.
				for j, other := range jointActors {
					if j != i {
						h.send(workflows.LeaveDecide, approve(other), workflows.ErrConflict, nil)
					}
				}
			})
			h.run(in)

			l := h.result()
			if l.Status != workflows.LeaveRefused || !sameTime(refusedAt, l.DecidedAt) {
				t.Errorf("result: status %q decided %v", l.Status, l.DecidedAt)
			}
			if got := stepNames(l.Steps); !equalStrings(got, []string{workflows.StepApproval}) {
				t.Errorf("steps %v, want only the approval", got)
			}
			s := stepNamed(l.Steps, workflows.StepApproval)
			if s.Open() || len(s.Decisions) != i+1 || s.Decisions[i].Decision != "refuse" {
				t.Errorf("approval step open=%v decisions %+v", s.Open(), s.Decisions)
			}
			want := []string{"submitted"}
			for j := 0; j < i; j++ {
				want = append(want, "approved")
			}
			want = append(want, "refused")
			if got := h.actions(); !equalStrings(got, want) {
				t.Errorf("timeline %v, want %v", got, want)
			}
			last := h.last()
			if last.Status != workflows.LeaveRefused || !sameTime(refusedAt, last.ClosedAt) || len(last.WaitingOn) != 0 {
				t.Errorf("last snapshot: status %q closed %v waiting %v", last.Status, last.ClosedAt, last.WaitingOn)
			}
			if !hasNotice(h.notices(), memberParty, "未获批准") {
				t.Errorf("member not told of the refusal")
			}
		})
	}
}

func TestLeaveJointAllApprove(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-17")
	h.ok(at(t, "2026-12-02T10:00"), workflows.LeaveDecide, approve(orgDeptActor))
	h.ok(at(t, "2026-12-02T11:00"), workflows.LeaveDecide, approve(unitHeadActor))
	h.check(at(t, "2026-12-02T11:30"), func(l workflows.Leave) {
		if l.Status != workflows.LeavePending {
			t.Errorf("two of three approved: status %q, want pending", l.Status)
		}
		s := stepNamed(l.Steps, workflows.StepApproval)
		if !s.Open() || !equalStrings(partyKeys(s.WaitingOn), []string{bureau.Key()}) {
			t.Errorf("approval step waits on %v, want the bureau only", partyKeys(s.WaitingOn))
		}
	})
	h.okThen(at(t, "2026-12-02T12:00"), workflows.LeaveDecide, approve(bureauActor), func(l workflows.Leave) {
		if l.Status != workflows.LeaveApproved {
			t.Errorf("all three approved: status %q", l.Status)
		}
		if got := stepNames(l.Steps); !equalStrings(got, []string{workflows.StepApproval, workflows.StepReturn}) {
			t.Errorf("steps %v, want approval then return (no filing on the joint route)", got)
		}
	})
	h.reject(at(t, "2026-12-03T10:00"), workflows.LeaveFile, fileBy(orgDeptActor), workflows.ErrForbidden)
	h.ok(at(t, "2026-12-18T10:00"), workflows.LeaveReturn, returnOn("2026-12-18", "2026-12-17", 8))
	h.run(in)

	l := h.result()
	if l.Status != workflows.LeaveReturned {
		t.Errorf("result status %q", l.Status)
	}
	if stepNamed(l.Steps, workflows.StepFiling) != nil {
		t.Errorf("a joint leave got a filing step")
	}
	if d := stepNamed(l.Steps, workflows.StepApproval).Decisions; len(d) != 3 {
		t.Errorf("approval decisions %+v, want three", d)
	}
	for _, p := range []workflows.Party{orgDept, bureau, unitHead} {
		if !hasNotice(h.notices(), p, "已销假") {
			t.Errorf("approver %s not told of the return", p.Key())
		}
	}
}

// 3. Deciders who are not this leave's, or not any more.
func TestLeaveWrongActors(t *testing.T) {
	t.Run("township", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-16")
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(otherCommitteeActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(orgDeptActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveDecide,
			workflows.DecideArgs{Actor: committeeActor, Decision: "maybe"}, workflows.ErrInvalid)
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: otherMemberActor}, workflows.ErrForbidden)
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveFile, fileBy(orgDeptActor), workflows.ErrConflict)
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveReturn, returnOn("2026-12-01", "2026-12-01", 0), workflows.ErrConflict)
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveDecide, approve(committeeActor))
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveDecide, approve(committeeActor), workflows.ErrConflict)
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveDecide, refuse(committeeActor), workflows.ErrConflict)
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveDecide, approve(otherCommitteeActor), workflows.ErrForbidden)
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveReturn,
			workflows.ReturnArgs{Actor: otherMemberActor, ReturnedOn: "2026-12-11"}, workflows.ErrForbidden)
		h.check(at(t, "2026-12-01T13:00"), func(l workflows.Leave) {
			if l.Status != workflows.LeaveApproved {
				t.Errorf("status %q, want approved", l.Status)
			}
			if d := stepNamed(l.Steps, workflows.StepApproval).Decisions; len(d) != 1 || d[0].Party != committee.Key() {
				t.Errorf("decisions %+v, want the committee's only", d)
			}
		})
		h.cancelAt(at(t, "2026-12-02T00:00"))
		h.run(in)
		h.cancelled()
		// Rejected updates write nothing: the start and the approval only.
		if n := len(h.snapshots()); n != 2 {
			t.Errorf("%d snapshots recorded, want 2", n)
		}
		if got := h.actions(); !equalStrings(got, []string{"submitted", "approved"}) {
			t.Errorf("timeline %v", got)
		}
	})
	t.Run("joint", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-17")
		h.reject(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor), workflows.ErrForbidden)
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveDecide, approve(orgDeptActor))
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveDecide, refuse(orgDeptActor), workflows.ErrConflict)
		h.reject(at(t, "2026-12-01T12:00"), workflows.LeaveDecide, approve(orgDeptActor), workflows.ErrConflict)
		h.check(at(t, "2026-12-01T13:00"), func(l workflows.Leave) {
			s := stepNamed(l.Steps, workflows.StepApproval)
			if l.Status != workflows.LeavePending || !s.Open() || len(s.Decisions) != 1 {
				t.Errorf("status %q step open=%v decisions %+v", l.Status, s.Open(), s.Decisions)
			}
			if got := partyKeys(s.WaitingOn); !equalStrings(got, []string{bureau.Key(), unitHead.Key()}) {
				t.Errorf("still waiting on %v", got)
			}
		})
		h.cancelAt(at(t, "2026-12-01T14:00"))
		h.run(in)
		h.cancelled()
	})
}

// 4. Withdrawal: only while pending.
func TestLeaveWithdraw(t *testing.T) {
	t.Run("pending", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-16")
		h.okThen(at(t, "2026-12-02T10:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: memberActor, Comment: "不请了"},
			func(l workflows.Leave) {
				if l.Status != workflows.LeaveWithdrawn {
					t.Errorf("after withdrawal: status %q", l.Status)
				}
			})
		h.run(in)
		l := h.result()
		if l.Status != workflows.LeaveWithdrawn {
			t.Errorf("result status %q", l.Status)
		}
		if s := stepNamed(l.Steps, workflows.StepApproval); s.Open() || len(l.Steps) != 1 {
			t.Errorf("steps %v, approval open=%v", stepNames(l.Steps), s.Open())
		}
		if got := h.actions(); !equalStrings(got, []string{"submitted", "reminded", "withdrawn"}) {
			t.Errorf("timeline %v", got)
		}
		last := h.last()
		if last.Status != workflows.LeaveWithdrawn || !sameTime(at(t, "2026-12-02T10:00"), last.ClosedAt) {
			t.Errorf("last snapshot: status %q closed %v", last.Status, last.ClosedAt)
		}
		if !hasNotice(h.notices(), committee, "撤回") {
			t.Errorf("committee not told of the withdrawal")
		}
	})
	t.Run("after approval", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, "2026-12-10", "2026-12-16")
		h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
		h.reject(at(t, "2026-12-01T11:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: memberActor}, workflows.ErrConflict)
		h.check(at(t, "2026-12-01T12:00"), func(l workflows.Leave) {
			if l.Status != workflows.LeaveApproved {
				t.Errorf("status %q, want approved", l.Status)
			}
		})
		h.cancelAt(at(t, "2026-12-01T13:00"))
		h.run(in)
		h.cancelled()
	})
}

// 5. Extensions route on the new total.
func TestLeaveExtension(t *testing.T) {
	const start, end, newEnd = "2026-12-10", "2026-12-14", "2026-12-18"
	// approvedFiled: a 5-day township leave, approved and filed on 12-01.
	approvedFiled := func(t *testing.T) (*harness, workflows.LeaveInput) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, start, end)
		if in.Route.Days != 5 || in.Route.Route != policy.RouteTownship {
			t.Fatalf("fixture: %+v", in.Route)
		}
		h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(orgDeptActor))
		h.ok(at(t, "2026-12-01T12:00"), workflows.LeaveFile, fileBy(bureauActor))
		return h, in
	}
	// unchanged checks that the leave still ends on the old date.
	unchanged := func(t *testing.T, l workflows.Leave, in workflows.LeaveInput) {
		t.Helper()
		if l.EndDate != end || l.Days != 5 || l.Route != policy.RouteTownship {
			t.Errorf("leave moved before the extension was approved: end %s days %d route %s", l.EndDate, l.Days, l.Route)
		}
		if r := stepNamed(l.Steps, workflows.StepReturn); r == nil || !sameTime(in.ReturnDueAt, r.DueAt) {
			t.Errorf("return step %+v, want due %v", r, in.ReturnDueAt)
		}
	}

	t.Run("crossing the threshold needs all three", func(t *testing.T) {
		h, in := approvedFiled(t)
		ext := extendArgs(t, start, newEnd)
		if ext.Route.Days != 9 || ext.Route.Route != policy.RouteJoint {
			t.Fatalf("fixture: extension to 9 days should route joint, got %+v", ext.Route)
		}
		h.okThen(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, ext, func(l workflows.Leave) {
			unchanged(t, l, in)
			s := stepNamed(l.Steps, workflows.StepExtensionApproval)
			if s == nil || !s.Open() {
				t.Fatalf("no open extension_approval step: %v", stepNames(l.Steps))
			}
			if got := partyKeys(s.WaitingOn); !equalStrings(got, []string{orgDept.Key(), bureau.Key(), unitHead.Key()}) {
				t.Errorf("extension waits on %v, want the three joint approvers", got)
			}
			if !sameTime(in.EndAt, s.DueAt) {
				t.Errorf("extension due %v, want the current end %v", s.DueAt, in.EndAt)
			}
			if len(l.Extensions) != 1 || l.Extensions[0].Status != "pending" || l.Extensions[0].Days != 9 {
				t.Errorf("extensions %+v", l.Extensions)
			}
		})
		h.reject(at(t, "2026-12-12T10:30"), workflows.LeaveExtend, ext, workflows.ErrConflict) // one at a time
		h.ok(at(t, "2026-12-12T11:00"), workflows.LeaveDecide, approve(orgDeptActor))
		h.ok(at(t, "2026-12-12T12:00"), workflows.LeaveDecide, approve(bureauActor))
		h.check(at(t, "2026-12-12T12:30"), func(l workflows.Leave) {
			unchanged(t, l, in)
			s := stepNamed(l.Steps, workflows.StepExtensionApproval)
			if !s.Open() || !equalStrings(partyKeys(s.WaitingOn), []string{unitHead.Key()}) {
				t.Errorf("extension step open=%v waiting %v, want the unit head", s.Open(), partyKeys(s.WaitingOn))
			}
		})
		h.okThen(at(t, "2026-12-12T13:00"), workflows.LeaveDecide, approve(unitHeadActor), func(l workflows.Leave) {
			if l.EndDate != newEnd || l.Days != 9 || l.Route != policy.RouteJoint || l.Status != workflows.LeaveApproved {
				t.Errorf("after approval: end %s days %d route %s status %s", l.EndDate, l.Days, l.Route, l.Status)
			}
			if e := l.Extensions[0]; e.Status != "approved" || !sameTime(at(t, "2026-12-12T13:00"), e.DecidedAt) {
				t.Errorf("extension %+v", e)
			}
			r := stepNamed(l.Steps, workflows.StepReturn)
			if r == nil || !r.Open() || !sameTime(ext.ReturnDueAt, r.DueAt) || r.Overdue {
				t.Errorf("return step %+v, want open, due %v", r, ext.ReturnDueAt)
			}
			if stepNamed(l.Steps, workflows.StepExtensionApproval).Open() {
				t.Errorf("extension step still open")
			}
		})
		// The old report-back deadline passes harmlessly.
		h.check(at(t, "2026-12-16T12:00"), func(l workflows.Leave) {
			if l.Overdue || stepNamed(l.Steps, workflows.StepReturn).Overdue {
				t.Errorf("overdue at the old return deadline although the leave was extended")
			}
		})
		h.ok(at(t, "2026-12-19T09:00"), workflows.LeaveReturn, returnOn("2026-12-19", newEnd, 9))
		h.run(in)

		l := h.result()
		if l.Status != workflows.LeaveReturned || l.EndDate != newEnd {
			t.Errorf("result: status %q end %s", l.Status, l.EndDate)
		}
		if o := h.eventsOf("overdue", ""); len(o) != 0 {
			t.Errorf("overdue events %v", eventTimes(o))
		}
		// The return reminder follows the new end, not the old one.
		if r := h.eventsOf("reminded", workflows.StepReturn); len(r) != 1 || !r[0].At.Equal(ext.EndAt) {
			t.Errorf("return reminders at %v, want once at %v", eventTimes(r), ext.EndAt)
		}
		want := []string{"submitted", "approved", "filed", "filed", "extension_requested",
			"approved", "approved", "approved", "reminded", "returned"}
		if got := h.actions(); !equalStrings(got, want) {
			t.Errorf("timeline %v, want %v", got, want)
		}
	})

	t.Run("refused keeps the old end", func(t *testing.T) {
		h, in := approvedFiled(t)
		h.ok(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, extendArgs(t, start, newEnd))
		h.ok(at(t, "2026-12-12T11:00"), workflows.LeaveDecide, approve(orgDeptActor))
		h.do(at(t, "2026-12-12T12:00"), func() {
			h.send(workflows.LeaveDecide, refuse(bureauActor), "", func(l workflows.Leave) {
				unchanged(t, l, in)
				if l.Status != workflows.LeaveApproved {
					t.Errorf("a refused extension changed the leave's status to %q", l.Status)
				}
				if e := l.Extensions[0]; e.Status != "refused" || e.DecidedAt == nil {
					t.Errorf("extension %+v", e)
				}
			})
			h.send(workflows.LeaveDecide, approve(unitHeadActor), workflows.ErrConflict, nil)
		})
		h.check(at(t, "2026-12-15T12:00"), func(l workflows.Leave) { unchanged(t, l, in) })
		h.ok(at(t, "2026-12-15T15:00"), workflows.LeaveReturn, returnOn("2026-12-15", end, 5))
		h.run(in)
		l := h.result()
		if l.Status != workflows.LeaveReturned || l.EndDate != end || l.Days != 5 {
			t.Errorf("result: status %q end %s days %d", l.Status, l.EndDate, l.Days)
		}
		if !hasNotice(h.notices(), memberParty, "续假未获批准") {
			t.Errorf("member not told of the refused extension")
		}
	})

	t.Run("end date not after the current end", func(t *testing.T) {
		h, in := approvedFiled(t)
		h.reject(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, extendArgs(t, start, end), workflows.ErrInvalid)
		h.reject(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, extendArgs(t, start, "2026-12-13"), workflows.ErrInvalid)
		other := extendArgs(t, start, newEnd)
		other.Actor = otherMemberActor
		h.reject(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, other, workflows.ErrForbidden)
		h.ok(at(t, "2026-12-15T09:00"), workflows.LeaveReturn, returnOn("2026-12-15", end, 5))
		h.run(in)
		if l := h.result(); l.Status != workflows.LeaveReturned || len(l.Extensions) != 0 || l.EndDate != end {
			t.Errorf("result: status %q extensions %+v end %s", l.Status, l.Extensions, l.EndDate)
		}
	})

	t.Run("after return", func(t *testing.T) {
		h := newHarness(t, at(t, "2026-12-01T09:00"))
		in := leaveInput(t, start, end)
		h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
		h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(orgDeptActor))
		// The bureau has not filed yet, so the workflow is still running
		// after the member reports back.
		h.ok(at(t, "2026-12-12T09:00"), workflows.LeaveReturn, returnOn("2026-12-12", "2026-12-11", 2))
		h.reject(at(t, "2026-12-12T10:00"), workflows.LeaveExtend, extendArgs(t, start, newEnd), workflows.ErrConflict)
		h.reject(at(t, "2026-12-12T10:00"), workflows.LeaveReturn, returnOn("2026-12-12", "2026-12-11", 2), workflows.ErrConflict)
		h.check(at(t, "2026-12-12T10:30"), func(l workflows.Leave) {
			if l.Status != workflows.LeaveReturned || len(l.Extensions) != 0 {
				t.Errorf("status %q extensions %+v", l.Status, l.Extensions)
			}
			if f := stepNamed(l.Steps, workflows.StepFiling); f == nil || !f.Open() {
				t.Errorf("filing step %+v, want still open", f)
			}
		})
		h.ok(at(t, "2026-12-12T11:00"), workflows.LeaveFile, fileBy(bureauActor))
		h.run(in)
		l := h.result()
		if l.Status != workflows.LeaveReturned {
			t.Errorf("result status %q", l.Status)
		}
		if last := h.last(); !sameTime(at(t, "2026-12-12T11:00"), last.ClosedAt) {
			t.Errorf("closed at %v, want when the last filing arrived", last.ClosedAt)
		}
	})
}

// 6. An early return shortens the leave as reported; a return before the
// start is refused.
func TestLeaveEarlyReturn(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-16")
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
	h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.ok(at(t, "2026-12-01T12:00"), workflows.LeaveFile, fileBy(bureauActor))
	h.reject(at(t, "2026-12-05T10:00"), workflows.LeaveReturn, returnOn("2026-12-05", "2026-12-04", 0), workflows.ErrConflict)
	h.reject(at(t, "2026-12-09T23:59"), workflows.LeaveReturn, returnOn("2026-12-09", "2026-12-08", 0), workflows.ErrConflict)
	h.okThen(at(t, "2026-12-13T09:00"), workflows.LeaveReturn, returnOn("2026-12-13", "2026-12-12", 3), func(l workflows.Leave) {
		if l.Status != workflows.LeaveReturned {
			t.Errorf("status %q", l.Status)
		}
	})
	h.run(in)

	l := h.result()
	if l.Status != workflows.LeaveReturned || l.ReturnedOn == nil || *l.ReturnedOn != "2026-12-13" {
		t.Errorf("status %q returned on %v", l.Status, l.ReturnedOn)
	}
	if l.ActualEndDate == nil || *l.ActualEndDate != "2026-12-12" || l.ActualDays == nil || *l.ActualDays != 3 {
		t.Errorf("actual end %v days %v, want 2026-12-12 and 3", l.ActualEndDate, l.ActualDays)
	}
	if l.EndDate != "2026-12-16" || l.Days != 7 {
		t.Errorf("approved leave rewritten: end %s days %d", l.EndDate, l.Days)
	}
	last := h.last()
	if !sameTime(at(t, "2026-12-13T09:00"), last.ClosedAt) {
		t.Errorf("closed at %v", last.ClosedAt)
	}
	if got := detail(t, last); got.ActualDays == nil || *got.ActualDays != 3 || got.Status != workflows.LeaveReturned {
		t.Errorf("read model detail: status %q actual days %v", got.Status, got.ActualDays)
	}
	if r := h.eventsOf("reminded", workflows.StepReturn); len(r) != 0 {
		t.Errorf("return reminders after an early return: %v", eventTimes(r))
	}
}

// 7. Nobody reports back: overdue exactly at ReturnDueAt; a late return
// still closes the leave.
func TestLeaveLateReturn(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-16")
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveDecide, approve(committeeActor))
	h.ok(at(t, "2026-12-01T11:00"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.ok(at(t, "2026-12-01T12:00"), workflows.LeaveFile, fileBy(bureauActor))
	h.check(in.ReturnDueAt.Add(-minute()), func(l workflows.Leave) {
		if l.Overdue || stepNamed(l.Steps, workflows.StepReturn).Overdue {
			t.Errorf("overdue a minute before the report-back deadline")
		}
	})
	h.check(in.ReturnDueAt.Add(minute()), func(l workflows.Leave) {
		if !l.Overdue || !stepNamed(l.Steps, workflows.StepReturn).Overdue || l.Status != workflows.LeaveApproved {
			t.Errorf("a minute after the deadline: overdue %v status %q", l.Overdue, l.Status)
		}
	})
	h.okThen(at(t, "2026-12-19T10:00"), workflows.LeaveReturn, returnOn("2026-12-19", "2026-12-16", 7), func(l workflows.Leave) {
		if l.Status != workflows.LeaveReturned || l.Overdue {
			t.Errorf("after the late return: status %q overdue %v", l.Status, l.Overdue)
		}
	})
	h.run(in)

	if l := h.result(); l.Status != workflows.LeaveReturned {
		t.Errorf("result status %q", l.Status)
	}
	over := h.eventsOf("overdue", workflows.StepReturn)
	if len(over) != 1 || !over[0].At.Equal(in.ReturnDueAt) {
		t.Fatalf("return overdue events at %v, want once at %v", eventTimes(over), in.ReturnDueAt)
	}
	// The snapshot carrying that event shows the leave overdue.
	found := false
	for _, s := range h.snapshots() {
		for _, e := range s.Events {
			if e.Action == "overdue" {
				found = true
				if !s.Overdue || !stepNamed(s.Steps, workflows.StepReturn).Overdue || s.Step != workflows.StepReturn {
					t.Errorf("snapshot v%d with the overdue event: overdue %v step %q", s.Version, s.Overdue, s.Step)
				}
				if !hasNotice(s.Notices, memberParty, "逾期") {
					t.Errorf("snapshot v%d: member not told of the overdue return", s.Version)
				}
			}
		}
	}
	if !found {
		t.Errorf("no snapshot carried the overdue event")
	}
	last := h.last()
	if last.Status != workflows.LeaveReturned || last.Overdue || !sameTime(at(t, "2026-12-19T10:00"), last.ClosedAt) {
		t.Errorf("last snapshot: status %q overdue %v closed %v", last.Status, last.Overdue, last.ClosedAt)
	}
	// The late return's step keeps the record of having been overdue.
	if r := stepNamed(last.Steps, workflows.StepReturn); r.Open() || !r.Overdue {
		t.Errorf("return step open=%v overdue=%v", r.Open(), r.Overdue)
	}
}

// 8. A silent approver: reminders every 24 h, escalation at 72 h, overdue
// at the start, never approved by silence.
func TestLeaveApproverSilent(t *testing.T) {
	submitted := at(t, "2026-12-01T09:00")
	h := newHarness(t, submitted)
	in := leaveInput(t, "2026-12-10", "2026-12-16")
	h.check(at(t, "2026-12-09T23:59"), func(l workflows.Leave) {
		if l.Overdue {
			t.Errorf("overdue before the start")
		}
	})
	h.check(at(t, "2026-12-11T10:00"), func(l workflows.Leave) {
		if l.Status != workflows.LeavePending || l.DecidedAt != nil {
			t.Errorf("status %q decided %v: approved by silence?", l.Status, l.DecidedAt)
		}
		s := stepNamed(l.Steps, workflows.StepApproval)
		if !s.Open() || !s.Overdue || !l.Overdue || s.Reminders != 10 {
			t.Errorf("approval step open=%v overdue=%v reminders=%d, leave overdue %v", s.Open(), s.Overdue, s.Reminders, l.Overdue)
		}
		if s.EscalatedTo == nil || s.EscalatedTo.Key() != bureau.Key() {
			t.Errorf("escalated to %+v, want the county bureau", s.EscalatedTo)
		}
		if !equalStrings(partyKeys(s.WaitingOn), []string{committee.Key()}) {
			t.Errorf("waiting on %v", partyKeys(s.WaitingOn))
		}
	})
	h.cancelAt(at(t, "2026-12-11T12:00"))
	h.run(in)
	h.cancelled()

	type ev struct{ action, at string }
	var got, want []ev
	for _, e := range h.events() {
		got = append(got, ev{e.Action, e.At.In(cst).Format("01-02T15:04")})
	}
	want = []ev{
		{"submitted", "12-01T09:00"},
		{"reminded", "12-02T09:00"}, // +24h
		{"reminded", "12-03T09:00"}, // +48h
		{"reminded", "12-04T09:00"}, // +72h
		{"escalated", "12-04T09:00"},
		{"reminded", "12-05T09:00"},
		{"reminded", "12-06T09:00"},
		{"reminded", "12-07T09:00"},
		{"reminded", "12-08T09:00"},
		{"reminded", "12-09T09:00"},
		{"overdue", "12-10T00:00"}, // the start passes undecided
		{"reminded", "12-10T09:00"},
		{"reminded", "12-11T09:00"},
	}
	if len(got) != len(want) {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	} else {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("event %d: got %v, want %v", i, got[i], want[i])
			}
		}
	}
	for _, e := range h.events() {
		if e.Action != "submitted" && (e.Step != workflows.StepApproval || e.ActorID != "system") {
			t.Errorf("event %+v: want a system event on the approval step", e)
		}
	}
	if esc := h.eventsOf("escalated", ""); len(esc) != 1 || !esc[0].At.Equal(submitted.Add(hours(72))) {
		t.Errorf("escalations at %v, want once at +72h", eventTimes(esc))
	}
	if o := h.eventsOf("overdue", workflows.StepApproval); len(o) != 1 || !o[0].At.Equal(in.StartAt) {
		t.Errorf("overdue at %v, want once at the start %v", eventTimes(o), in.StartAt)
	}

	// Notices: every reminder to the committee; the escalation to the bureau.
	reminders, escalations := 0, 0
	for _, n := range h.notices() {
		switch {
		case n.To.Key() == committee.Key() && strings.HasPrefix(n.Text, "提醒"):
			reminders++
		case n.To.Key() == bureau.Key() && strings.HasPrefix(n.Text, "督办"):
			escalations++
		}
	}
	if reminders != 10 || escalations != 1 {
		t.Errorf("%d reminder notices to the committee (want 10), %d escalation notices to the bureau (want 1)", reminders, escalations)
	}
	for _, s := range h.snapshots() {
		if s.Status != workflows.LeavePending {
			t.Errorf("snapshot v%d status %q", s.Version, s.Status)
		}
		for _, e := range s.Events {
			switch e.Action {
			case "escalated":
				st := stepNamed(s.Steps, workflows.StepApproval)
				if st.EscalatedTo == nil || st.EscalatedTo.Key() != bureau.Key() {
					t.Errorf("snapshot v%d: escalated to %+v", s.Version, st.EscalatedTo)
				}
				if !containsKey(s.Watchers, bureau) {
					t.Errorf("snapshot v%d: bureau not watching (%v)", s.Version, partyKeys(s.Watchers))
				}
				if s.Overdue {
					t.Errorf("snapshot v%d: overdue at escalation, before the start", s.Version)
				}
			case "overdue":
				if !s.Overdue || !stepNamed(s.Steps, workflows.StepApproval).Overdue {
					t.Errorf("snapshot v%d with the overdue event is not overdue", s.Version)
				}
			}
		}
	}
}

// 9. The start passes undecided: overdue, still pending; a late approval
// still works and clears the overdue flag.
func TestLeaveStartPassesUndecided(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-02", "2026-12-04")
	h.check(at(t, "2026-12-02T06:00"), func(l workflows.Leave) {
		if l.Status != workflows.LeavePending || !l.Overdue || !stepNamed(l.Steps, workflows.StepApproval).Overdue {
			t.Errorf("after the start: status %q overdue %v", l.Status, l.Overdue)
		}
	})
	h.okThen(at(t, "2026-12-02T08:00"), workflows.LeaveDecide, approve(committeeActor), func(l workflows.Leave) {
		if l.Status != workflows.LeaveApproved || l.Overdue {
			t.Errorf("after the late approval: status %q overdue %v", l.Status, l.Overdue)
		}
	})
	h.ok(at(t, "2026-12-02T09:30"), workflows.LeaveFile, fileBy(orgDeptActor))
	h.ok(at(t, "2026-12-02T10:00"), workflows.LeaveFile, fileBy(bureauActor))
	h.ok(at(t, "2026-12-05T09:00"), workflows.LeaveReturn, returnOn("2026-12-05", "2026-12-04", 3))
	h.run(in)

	if l := h.result(); l.Status != workflows.LeaveReturned || l.Overdue {
		t.Errorf("result: status %q overdue %v", l.Status, l.Overdue)
	}
	o := h.eventsOf("overdue", workflows.StepApproval)
	if len(o) != 1 || !o[0].At.Equal(in.StartAt) {
		t.Errorf("approval overdue at %v, want once at %v", eventTimes(o), in.StartAt)
	}
	want := []string{"submitted", "overdue", "approved", "filed", "filed", "reminded", "returned"}
	if got := h.actions(); !equalStrings(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	// The read model: overdue while undecided, cleared by the approval.
	for _, s := range h.snapshots() {
		d := detail(t, s)
		switch {
		case s.Status == workflows.LeavePending && len(s.Events) > 0 && s.Events[0].Action == "overdue":
			if !s.Overdue || !d.Overdue || s.Step != workflows.StepApproval {
				t.Errorf("snapshot v%d (overdue event): overdue %v/%v step %q", s.Version, s.Overdue, d.Overdue, s.Step)
			}
		case s.Status == workflows.LeaveApproved:
			if s.Overdue || d.Overdue {
				t.Errorf("snapshot v%d approved but overdue %v/%v", s.Version, s.Overdue, d.Overdue)
			}
		}
	}
	if first := h.snapshots()[0]; first.Overdue {
		t.Errorf("overdue at submission")
	}
}

func hasNotice(ns []workflows.Notice, to workflows.Party, text string) bool {
	for _, n := range ns {
		if n.To.Key() == to.Key() && strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}

func containsKey(ps []workflows.Party, p workflows.Party) bool {
	for _, q := range ps {
		if q.Key() == p.Key() {
			return true
		}
	}
	return false
}

// The server writes LeaveOpening itself and the workflow's first record
// must then be the same write, or the read model would flip between two
// versions of the opening (or hold the server's one only); it says so, so
// the store only confirms the opening (issue 16).
func TestLeaveOpeningIsTheFirstRecord(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-16")
	// The server's clock reads a moment before the workflow's first task.
	in.SubmittedAt = at(t, "2026-12-01T08:59").Add(59*time.Second + 123*time.Millisecond)
	h.ok(at(t, "2026-12-01T10:00"), workflows.LeaveWithdraw, workflows.ActorArgs{Actor: memberActor})
	h.run(in)

	opening, leave, err := workflows.LeaveOpening(in)
	if err != nil {
		t.Fatal(err)
	}
	first := h.snapshots()[0]
	if !first.ConfirmsOpening {
		t.Error("the first record does not say it confirms the server's opening")
	}
	first.ConfirmsOpening = false
	got, _ := json.Marshal(first)
	want, _ := json.Marshal(opening)
	if string(got) != string(want) {
		t.Errorf("first record differs from LeaveOpening:\n got %s\nwant %s", got, want)
	}
	if !leave.SubmittedAt.Equal(in.SubmittedAt) || leave.Status != workflows.LeavePending || len(opening.Events) != 1 || len(opening.Notices) != 1 {
		t.Errorf("opening: submitted %v status %q, %d events, %d notices", leave.SubmittedAt, leave.Status, len(opening.Events), len(opening.Notices))
	}
	in.SubmittedAt = time.Time{}
	if _, _, err := workflows.LeaveOpening(in); err == nil {
		t.Error("an opening without submitted_at was built")
	}
}
