package actions

// Leave (请销假, article 16): submit, decide, file, withdraw, extend, report
// back, and the reads.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// SubmitLeave routes a member's leave by the county's rules in force,
// reserves its dates and starts its workflow. The answer is the leave with
// its route; the same Idempotency-Key answers the first leave again.
func (a *Actions) SubmitLeave(ctx context.Context, u User, req LeaveRequest) (Created, error) {
	if u.Role != policy.RoleMember {
		return Created{}, errs.New(errs.Forbidden, errs.MsgLeaveMembersOnly)
	}
	start, end, err := req.Check()
	if err != nil {
		return Created{}, err
	}
	id := uuid.NewString()
	var in workflows.LeaveInput
	var opening workflows.Snapshot
	var leave workflows.Leave
	c := creation{user: u, scope: "leaves", key: req.IdempotencyKey, workflowID: workflows.LeaveWorkflowID(id),
		reserve: func(ctx context.Context) (string, error) {
			if in, err = a.leaveInput(ctx, u, req, id, start, end); err != nil {
				return "", err
			}
			if opening, leave, err = workflows.LeaveOpening(in); err != nil {
				return "", err
			}
			existing, err := a.store.ReserveLeave(ctx, store.LeaveReservation{
				ProcessID: id, MemberID: in.MemberID, Start: start, End: end, UserID: u.ID, IdempotencyKey: req.IdempotencyKey,
			})
			if errors.Is(err, store.ErrOverlap) {
				err = errs.New(errs.Conflict, errs.MsgLeaveOverlap)
			}
			return existing, err
		},
		start: func(ctx context.Context) (any, error) {
			err := a.startOpening(ctx, client.StartWorkflowOptions{ID: workflows.LeaveWorkflowID(id)}, workflows.LeaveWorkflow, in, opening)
			return leave, err
		},
		release: func(ctx context.Context) error { return a.store.ReleaseLeave(ctx, id) },
	}
	return a.create(ctx, id, c)
}

// leaveInput is the workflow's input: the member's place, the rules in
// force, the route and the deadlines, all fixed before the start.
func (a *Actions) leaveInput(ctx context.Context, u User, req LeaveRequest, id string, start, end time.Time) (workflows.LeaveInput, error) {
	mc, err := a.store.MemberContext(ctx, u.MemberID, start)
	if err != nil {
		return workflows.LeaveInput{}, err
	}
	pol, err := a.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		return workflows.LeaveInput{}, err
	}
	route, err := a.route(ctx, pol.Rules.Leave, mc, start, end)
	if err != nil {
		return workflows.LeaveInput{}, err
	}
	return workflows.LeaveInput{
		ID: id, MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID, TeamID: mc.TeamID,
		TownshipID: mc.TownshipID, CountyID: mc.CountyID, Kind: req.Kind,
		StartDate: policy.FormatDate(start), EndDate: policy.FormatDate(end), Reason: req.Reason,
		Route: route, PolicyVersion: pol.Ref(), Rules: pol.Rules.Leave,
		EscalateTo: resolveParty(pol.Rules.Leave.Escalation[policy.RoleTownshipCommittee], mc),
		StartAt:    start, EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDue(pol.Rules.Leave, end),
		SubmittedBy: actorOf(u), SubmittedAt: a.now().Truncate(time.Millisecond),
	}, nil
}

// calendar is the working-day calendar when the rules count working days.
func (a *Actions) calendar(ctx context.Context, rules policy.LeaveRules) (policy.Calendar, error) {
	if rules.DayCounting != policy.CountWorking {
		return nil, nil
	}
	over, err := a.store.HolidayOverrides(ctx)
	if err != nil {
		return nil, err
	}
	return policy.NewCalendar(over), nil
}

// route resolves who approves a leave of these dates and who gets it on
// file, under the rules given.
func (a *Actions) route(ctx context.Context, rules policy.LeaveRules, mc store.MemberContext, start, end time.Time) (workflows.Route, error) {
	cal, err := a.calendar(ctx, rules)
	if err != nil {
		return workflows.Route{}, err
	}
	return LeaveRoute(rules, cal, mc, start, end)
}

// LeaveRoute is route's pure part: the days under rules and cal, refused
// beyond MaxDays or when none count, and who approves and gets it on file.
func LeaveRoute(rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext, start, end time.Time) (workflows.Route, error) {
	days := policy.CountDays(rules, cal, start, end)
	if days > rules.MaxDays {
		return workflows.Route{}, errs.Field("end_date", errs.MsgLeaveTooLong, days, rules.MaxDays)
	}
	if days < 1 {
		return workflows.Route{}, errs.Field("end_date", errs.MsgLeaveNoWorkingDay)
	}
	rt := workflows.Route{Days: days, Route: policy.LeaveRoute(rules, days), Reason: policy.RouteReason(rules, days)}
	roles := rules.TownshipApprovers
	if rt.Route == policy.RouteJoint {
		roles = rules.JointApprovers
	} else {
		for _, role := range rules.FilingOffices {
			rt.FilingOffices = append(rt.FilingOffices, resolveParty(role, mc))
		}
	}
	for _, role := range roles {
		rt.Approvers = append(rt.Approvers, resolveParty(role, mc))
	}
	return rt, nil
}

// resolveParty turns a policy role into the member's own office or unit.
func resolveParty(role string, mc store.MemberContext) workflows.Party {
	switch role {
	case policy.RoleUnitHead:
		return workflows.Party{Role: role, UnitID: mc.UnitID}
	case policy.RoleTownshipCommittee:
		return workflows.Party{Role: role, OfficeID: mc.TownshipCommitteeID}
	case policy.RoleCountyOrgDept:
		return workflows.Party{Role: role, OfficeID: mc.CountyOrgDeptID}
	case policy.RoleCountyBureau:
		return workflows.Party{Role: role, OfficeID: mc.CountyBureauID}
	case policy.RoleCityOrgDept:
		return workflows.Party{Role: role, OfficeID: mc.CityOrgDeptID}
	case policy.RoleCityBureau:
		return workflows.Party{Role: role, OfficeID: mc.CityBureauID}
	}
	return workflows.Party{Role: role}
}

// canonicalID is a process id as workflow ids hold it (lowercase UUID);
// anything else names no process.
func canonicalID(id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return "", store.ErrNotFound
	}
	return u.String(), nil
}

// leaveFor loads a leave the caller may see.
func (a *Actions) leaveFor(ctx context.Context, u User, id string) (store.Process, workflows.Leave, error) {
	var l workflows.Leave
	p, err := a.processOf(ctx, u, id, workflows.KindLeave, errs.MsgLeaveOutOfScope)
	if err != nil {
		return p, l, err
	}
	return p, l, json.Unmarshal(p.Detail, &l)
}

// GetLeave is one leave, for those who may see it.
func (a *Actions) GetLeave(ctx context.Context, u User, id string) (workflows.Leave, error) {
	_, l, err := a.leaveFor(ctx, u, id)
	return l, err
}

func (a *Actions) updateLeave(ctx context.Context, id, name string, args any) (workflows.Leave, error) {
	var leave workflows.Leave
	err := a.send(ctx, workflows.LeaveWorkflowID(id), name, args, &leave, closed(errs.MsgLeaveClosed))
	return leave, err
}

// DecideLeave goes straight to the workflow: its validator is the check of
// who may decide (an approver of this leave, at this step, not decided
// yet), and anyone outside the leave's scope is none of those. That saves
// the read-model lookup on the busiest step; only a leave Temporal does not
// know is looked up, to tell a closed leave (409) from one that does not
// exist or is out of the caller's sight (404, 403).
func (a *Actions) DecideLeave(ctx context.Context, u User, req DecisionRequest) (workflows.Leave, error) {
	id, err := canonicalID(req.ID)
	if err != nil {
		return workflows.Leave{}, err
	}
	if err := req.Check("approve", "refuse"); err != nil {
		return workflows.Leave{}, err
	}
	var leave workflows.Leave
	err = a.send(ctx, workflows.LeaveWorkflowID(id), workflows.LeaveDecide,
		workflows.DecideArgs{Actor: actorOf(u), Decision: req.Decision, Comment: req.Comment}, &leave,
		func() error {
			if _, _, err := a.leaveFor(ctx, u, id); err != nil {
				return err
			}
			return errs.New(errs.Conflict, errs.MsgLeaveClosed)
		})
	return leave, err
}

// FileLeave is a county office's acknowledgement of a filing (备案).
func (a *Actions) FileLeave(ctx context.Context, u User, req CommentRequest) (workflows.Leave, error) {
	return a.actorUpdate(ctx, u, req, workflows.LeaveFile)
}

// WithdrawLeave is the member taking back a leave still pending.
func (a *Actions) WithdrawLeave(ctx context.Context, u User, req CommentRequest) (workflows.Leave, error) {
	return a.actorUpdate(ctx, u, req, workflows.LeaveWithdraw)
}

func (a *Actions) actorUpdate(ctx context.Context, u User, req CommentRequest, name string) (workflows.Leave, error) {
	p, _, err := a.leaveFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return workflows.Leave{}, err
	}
	return a.updateLeave(ctx, p.ID, name, workflows.ActorArgs{Actor: actorOf(u), Comment: req.Comment})
}

// ownLeave loads a leave and checks that the caller is its member.
func (a *Actions) ownLeave(ctx context.Context, u User, id string) (store.Process, workflows.Leave, error) {
	p, l, err := a.leaveFor(ctx, u, id)
	if err == nil && u.MemberID != l.MemberID {
		err = errs.New(errs.Forbidden, errs.MsgLeaveNotOwn)
	}
	return p, l, err
}

// ExtendLeave asks for more days (续假): routed on the new total, the old
// end standing until the extension is approved.
func (a *Actions) ExtendLeave(ctx context.Context, u User, req ExtensionRequest) (workflows.Leave, error) {
	p, l, err := a.ownLeave(ctx, u, req.ID)
	if err != nil {
		return l, err
	}
	start, end, err := req.Check(l.StartDate, l.EndDate)
	if err != nil {
		return l, err
	}
	pol, err := a.store.PolicyByRef(ctx, l.PolicyVersion)
	if err != nil {
		return l, err
	}
	mc, err := a.store.MemberContext(ctx, l.MemberID, start)
	if err != nil {
		return l, err
	}
	route, err := a.route(ctx, pol.Rules.Leave, mc, start, end)
	if err != nil {
		return l, err
	}
	oldEnd, _ := policy.ParseDate(l.EndDate)
	if err := a.store.CheckOverlap(ctx, l.MemberID, p.ID, policy.AddDays(oldEnd, 1), end); err != nil {
		if errors.Is(err, store.ErrOverlap) {
			err = errs.New(errs.Conflict, errs.MsgLeaveExtensionOverlap)
		}
		return l, err
	}
	return a.updateLeave(ctx, p.ID, workflows.LeaveExtend, workflows.ExtendArgs{
		Actor: actorOf(u), EndDate: policy.FormatDate(end), Reason: req.Reason, Route: route,
		EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDue(pol.Rules.Leave, end),
	})
}

// ReturnLeave is the member's report back (销假); an early return shortens
// the leave.
func (a *Actions) ReturnLeave(ctx context.Context, u User, req ReturnRequest) (workflows.Leave, error) {
	p, l, err := a.ownLeave(ctx, u, req.ID)
	if err != nil {
		return l, err
	}
	start, on, actualEnd, err := req.Check(l.StartDate, l.EndDate, a.now())
	if err != nil {
		return l, err
	}
	pol, err := a.store.PolicyByRef(ctx, l.PolicyVersion)
	if err != nil {
		return l, err
	}
	cal, err := a.calendar(ctx, pol.Rules.Leave)
	if err != nil {
		return l, err
	}
	return a.updateLeave(ctx, p.ID, workflows.LeaveReturn, workflows.ReturnArgs{
		Actor: actorOf(u), ReturnedOn: policy.FormatDate(on), ActualEndDate: policy.FormatDate(actualEnd),
		ActualDays: policy.CountDays(pol.Rules.Leave, cal, start, actualEnd),
	})
}
