package workflows_test

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/workflows"
)

var (
	committee2Actor = workflows.Actor{UserID: "u-zhuantan-2", Name: "镇党委李委员", Party: committee}
	// committee3 decides for committee2 while it is away (委托).
	deputyOf2Actor = workflows.Actor{UserID: "u-zhuantan-3", Name: "镇党委张干事（代镇党委李委员）", Party: committee,
		OnBehalfOf: "u-zhuantan-2"}
	leaderParty = workflows.Party{Role: policy.RoleMember, MemberID: "m-leader"}
	leaderActor = workflows.Actor{UserID: "u-leader", Name: "王队长", Party: leaderParty}
)

func handOver(from, to workflows.Actor) workflows.HandOverArgs {
	return workflows.HandOverArgs{Actor: from, To: to, Comment: "本周下乡，请李委员处理"}
}

// 转交 then a delegated decision, a copy, and the member's 催办: the
// approval handed to one committee account is refused to the account that
// handed it over and to anyone outside; that account's deputy decides it,
// on its behalf; the decision is copied to the team leader, who decides
// nothing; the member urges once a day per step.
func TestLeaveHandOverDelegatedCopied(t *testing.T) {
	h := newHarness(t, at(t, "2026-12-01T09:00"))
	in := leaveInput(t, "2026-12-10", "2026-12-12")
	in.CopyTo = []workflows.Party{leaderParty}

	h.ok(at(t, "2026-12-01T09:30"), workflows.ProcessUrge, workflows.UrgeArgs{Actor: memberActor, Comment: "家中急事"})
	var again error
	h.do(at(t, "2026-12-01T10:00"), func() {
		h.env.UpdateWorkflow(workflows.ProcessUrge, "again", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { again = err },
			OnAccept:   func() { t.Error("a second 催办 of the step within 24 h was accepted") },
			OnComplete: func(any, error) {},
		}, workflows.UrgeArgs{Actor: memberActor})
	})
	h.reject(at(t, "2026-12-01T10:01"), workflows.ProcessUrge, workflows.UrgeArgs{Actor: otherMemberActor}, workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T10:05"), workflows.ProcessHandOver, handOver(committeeActor, committeeActor), workflows.ErrInvalid)
	otherOffice := workflows.Actor{UserID: "u-baiyun", Name: "白云镇党委", Party: otherCommittee}
	h.reject(at(t, "2026-12-01T10:06"), workflows.ProcessHandOver, handOver(committeeActor, otherOffice), workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T10:07"), workflows.ProcessHandOver, handOver(bureauActor, committee2Actor), workflows.ErrForbidden)
	h.ok(at(t, "2026-12-01T10:10"), workflows.ProcessHandOver, handOver(committeeActor, committee2Actor))
	h.check(at(t, "2026-12-01T10:11"), func(l workflows.Leave) {
		s := stepNamed(l.Steps, workflows.StepApproval)
		if s == nil || len(s.WaitingOn) != 1 || s.WaitingOn[0].Key() != "user:u-zhuantan-2" {
			t.Errorf("after 转交 the approval waits on %+v, want the account u-zhuantan-2", s)
		}
	})
	h.reject(at(t, "2026-12-01T10:20"), workflows.LeaveDecide, approve(committeeActor), workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T10:21"), workflows.ProcessHandOver, handOver(committeeActor, committee2Actor), workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T10:22"), workflows.LeaveDecide, approve(otherCommitteeActor), workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T10:23"), workflows.LeaveDecide, approve(leaderActor), workflows.ErrForbidden)
	h.ok(at(t, "2026-12-02T09:31"), workflows.ProcessUrge, workflows.UrgeArgs{Actor: memberActor}) // a day on
	h.okThen(at(t, "2026-12-02T11:00"), workflows.LeaveDecide, approve(deputyOf2Actor), func(l workflows.Leave) {
		if l.Status != workflows.LeaveApproved {
			t.Errorf("after the deputy's approval: %q", l.Status)
		}
		s := stepNamed(l.Steps, workflows.StepApproval)
		if s == nil || len(s.Decisions) != 1 || s.Decisions[0].By != "u-zhuantan-3" || s.Decisions[0].Party != committee.Key() {
			t.Errorf("decision %+v, want by the deputy for the committee", s)
		}
		if len(l.CopiedTo) != 1 || l.CopiedTo[0] != leaderParty.Key() {
			t.Errorf("copied to %v, want the team leader", l.CopiedTo)
		}
	})
	h.reject(at(t, "2026-12-02T11:10"), workflows.LeaveDecide, refuse(committee2Actor), workflows.ErrConflict)
	h.reject(at(t, "2026-12-02T11:11"), workflows.LeaveDecide, refuse(leaderActor), workflows.ErrForbidden)
	h.cancelAt(at(t, "2026-12-02T12:00"))
	h.run(in)
	h.cancelled()

	var ae *temporal.ApplicationError
	if !errors.As(again, &ae) || ae.Type() != workflows.ErrConflict || ae.Message() != string(errs.MsgUrgeNextAt) {
		t.Fatalf("second 催办 within 24 h: %v", again)
	}
	var next []string
	if err := ae.Details(&next); err != nil || len(next) != 2 || next[1] != "2026-12-02 09:30" {
		t.Errorf("the refusal's details %v (%v), want the next possible 2026-12-02 09:30", next, err)
	}
	var got []string
	for _, e := range h.events() {
		switch e.Action {
		case "urged", "handed_over", "approved", "copied":
			got = append(got, e.Action+"/"+e.Actor)
		}
	}
	want := "urged/李明 handed_over/镇党委王书记 urged/李明 approved/镇党委张干事（代镇党委李委员） copied/系统"
	if strings.Join(got, " ") != want {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	}
	handed := workflows.Party{Role: committee.Role, OfficeID: committee.OfficeID, UserID: "u-zhuantan-2"}
	if n := countPrefixed(h.notices(), handed, "转交"); n != 1 {
		t.Errorf("%d 转交 notices to the new account, want 1", n)
	}
	if n := countPrefixed(h.notices(), committee, "催办"); n != 1 {
		t.Errorf("%d 催办 notices to the committee, want 1 (the second went to the account)", n)
	}
	if n := countPrefixed(h.notices(), handed, "催办"); n != 1 {
		t.Errorf("%d 催办 notices to the account handed the step, want 1", n)
	}
	if n := countPrefixed(h.notices(), leaderParty, "抄送"); n != 1 {
		t.Errorf("%d 抄送 notices to the team leader, want 1", n)
	}
}
