package actions

// 转交, 催办 by the member, and 抄送我的 (issue 20).

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// HandOverRequest is POST /processes/{id}/handover: the account (username)
// of the caller's office or unit the step goes to, a comment, and which
// step (its id or name; "" the first the caller holds).
type HandOverRequest struct {
	Ref
	To      string `json:"to"`
	Step    string `json:"step"`
	Comment string `json:"comment"`
}

// Check: an account named, a comment that says why.
func (req HandOverRequest) Check() error {
	f := errs.Fields{}
	f.Check(strings.TrimSpace(req.To) != "", "to", errs.MsgRequired)
	f.Check(len(req.Step) <= 100, "step", errs.MsgTextTooLong, 100)
	checkText(f, "comment", req.Comment, true)
	return f.Err()
}

// HandOver passes one waiting item to another account of the caller's
// office or unit; the workflow checks that the step waits on the caller
// (or on the account it is deputy for) and records it.
func (a *Actions) HandOver(ctx context.Context, u User, req HandOverRequest) (store.Process, error) {
	p, err := a.processOf(ctx, u, req.ID, "", errs.MsgProcessOutOfView)
	if err != nil {
		return p, err
	}
	if err := req.Check(); err != nil {
		return p, err
	}
	if p.Kind != workflows.KindLeave {
		return p, errs.New(errs.Conflict, errs.MsgHandOverKind)
	}
	if !mayDelegate(u) {
		return p, errs.New(errs.Forbidden, errs.MsgHandOverNothing)
	}
	to, err := a.deskmate(ctx, u, req.To, "to", errs.MsgHandOverTo)
	if err != nil {
		return p, err
	}
	act, err := a.deciderOf(ctx, u, false, a.waitingOf(ctx, p.ID))
	if err != nil {
		return p, err
	}
	args := workflows.HandOverArgs{Actor: act, To: actorOf(to), Step: req.Step, Comment: req.Comment}
	if err := a.send(ctx, workflows.LeaveWorkflowID(p.ID), workflows.ProcessHandOver, args, nil, closed(errs.MsgLeaveClosed)); err != nil {
		return p, err
	}
	return a.store.GetProcess(ctx, p.ID)
}

// urgeMember is the member's 催办 of their own process (issue 20): any
// open step that waits on someone else, once per step a day. The timeline
// says when the member last urged; a refusal names the next possible
// instant in its next_at field.
func (a *Actions) urgeMember(ctx context.Context, u User, req CommentRequest) (store.Process, error) {
	if err := req.Check(); err != nil {
		return store.Process{}, err
	}
	p, err := a.processOf(ctx, u, req.ID, "", errs.MsgUrgeOwn)
	if err != nil {
		return p, err
	}
	if p.MemberID != u.MemberID {
		return p, errs.New(errs.Forbidden, errs.MsgUrgeOwn)
	}
	if p.ClosedAt != nil {
		return p, errs.New(errs.Conflict, errs.MsgUrgeNothing)
	}
	wid, err := workflowIDOf(p)
	if err != nil {
		return p, err
	}
	args := workflows.UrgeArgs{Actor: actorOf(u), Comment: req.Comment}
	err = a.send(ctx, wid, workflows.ProcessUrge, args, nil, closed(errs.MsgUrgeNothing))
	if err != nil {
		return p, withNextAt(err)
	}
	return a.store.GetProcess(ctx, p.ID)
}

// withNextAt adds to the workflow's "urged already" refusal the instant the
// next 催办 is possible, as RFC 3339 in the error's next_at field.
func withNextAt(err error) error {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Message() != string(errs.MsgUrgeNextAt) || !app.HasDetails() {
		return err
	}
	var args []string
	if app.Details(&args) != nil || len(args) != 2 {
		return err
	}
	e, _ := Explain(err)
	if t, perr := time.ParseInLocation("2006-01-02 15:04", args[1], policy.China); perr == nil {
		e.Fields = map[string]string{"next_at": t.Format(time.RFC3339)}
	}
	return e
}

// CopiedToMe is 抄送我的: the decided leaves copied to the caller (as a
// team leader, or a head of the member's unit), newest first.
func (a *Actions) CopiedToMe(ctx context.Context, u User, q Query) (List[store.Process], error) {
	if err := checkParams(q, "limit"); err != nil {
		return List[store.Process]{}, err
	}
	limit, err := limitOf(q)
	if err != nil {
		return List[store.Process]{}, err
	}
	items, err := a.store.CopiedTo(ctx, []string{partyOf(u).Key()}, limit)
	return List[store.Process]{Items: items}, err
}

// copyParties resolves the county's 抄送 rule for a member's leave: the
// team's leader (unless the member leads it) and the unit's heads.
func (a *Actions) copyParties(ctx context.Context, rules policy.LeaveRules, mc store.MemberContext, on time.Time) ([]workflows.Party, error) {
	var out []workflows.Party
	for _, c := range rules.CopyTo {
		switch c {
		case policy.CopyTeamLeader:
			roster, err := a.store.Roster(ctx, mc.TeamID, on)
			if err != nil {
				return nil, err
			}
			for _, e := range roster {
				if e.IsLeader && e.MemberID != mc.MemberID {
					out = append(out, workflows.Party{Role: policy.RoleMember, MemberID: e.MemberID})
				}
			}
		case policy.CopyUnitHead:
			if mc.UnitID != "" {
				out = append(out, workflows.Party{Role: policy.RoleUnitHead, UnitID: mc.UnitID})
			}
		}
	}
	return out, nil
}

// handedSteps adds to a leave page's steps what issue 20 changed: a step
// handed over to the viewer's account, or to one the viewer is deputy for
// today, is the viewer's to decide; an approver may hand over what waits
// on them; the member may urge a step waiting on someone else.
func (a *Actions) handedSteps(ctx context.Context, u User, l workflows.Leave, can *LeaveSteps) error {
	mine := map[string]bool{"user:" + u.ID.String(): true}
	if mayDelegate(u) {
		dels, err := a.activeDelegationsTo(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, d := range dels {
			mine["user:"+d.DelegatorID.String()] = true
		}
	}
	for _, st := range l.Steps {
		if !st.Open() {
			continue
		}
		for _, p := range st.WaitingOn {
			switch {
			case p.Role == policy.RoleMember:
			case u.Role == policy.RoleMember && u.MemberID == l.MemberID:
				can.Urge = true
			case mine[p.Key()] && (st.Name == workflows.StepApproval || st.Name == workflows.StepExtensionApproval):
				can.Decide, can.DecideStep = true, st.Name
			case mine[p.Key()] && st.Name == workflows.StepFiling:
				can.File = true
			}
		}
	}
	can.HandOver = mayDelegate(u) && (can.Decide || can.File)
	return nil
}
