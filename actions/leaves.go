package actions

// Leave (请销假, article 16): submit, decide, file, withdraw, extend, report
// back, and the reads.

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

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
		reserveCounted: func(ctx context.Context, lim *store.CreationLimit) (string, int64, error) {
			// Routed again if a leave next to it appeared meanwhile
			// (consecutive leaves count together). The reservation also
			// writes the opening, so the start that follows is the last
			// thing the submission waits for.
			for attempt := 1; ; attempt++ {
				var near *store.NearCheck
				if in, near, err = a.leaveInput(ctx, u, req, id, start, end); err != nil {
					return "", 0, err
				}
				if opening, leave, err = workflows.LeaveOpening(in); err != nil {
					return "", 0, err
				}
				got, err := a.store.ReserveLeave(ctx, store.LeaveReservation{
					ProcessID: id, MemberID: in.MemberID, Start: start, End: end, UserID: u.ID, IdempotencyKey: req.IdempotencyKey,
					Near: near, Limit: lim, Opening: &opening,
				})
				if errors.Is(err, store.ErrRouteChanged) && attempt < 3 {
					continue
				}
				if errors.Is(err, store.ErrOverlap) || errors.Is(err, store.ErrRouteChanged) {
					err = errs.New(errs.Conflict, errs.MsgLeaveOverlap)
				}
				return got.Existing, got.Slot, err
			}
		},
		start: func(ctx context.Context) (any, error) {
			err := a.startWritten(ctx, client.StartWorkflowOptions{ID: workflows.LeaveWorkflowID(id)}, workflows.LeaveWorkflow, in)
			return leave, err
		},
		release: func(ctx context.Context) error { return a.store.ReleaseLeave(ctx, id) },
	}
	return a.create(ctx, id, c)
}

// leaveInput is the workflow's input: the member's place, the rules in
// force, the route and the deadlines, all fixed before the start. near is
// the stretch of days where another leave would change the route.
func (a *Actions) leaveInput(ctx context.Context, u User, req LeaveRequest, id string, start, end time.Time) (workflows.LeaveInput, *store.NearCheck, error) {
	now := a.now()
	// The member's context, standing and nearby leaves: one round trip.
	read, err := a.store.ReadForLeave(ctx, u.MemberID, start, now, policy.AddDays(start, -joinWindow), policy.AddDays(end, joinWindow))
	if err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	mc := read.Context
	pol, err := a.currentPolicy(ctx, mc.CountyID)
	if err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	rules := pol.Rules.Leave
	if err := checkLeaveStart(rules, req.Kind, start, now); err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	if err := onTeamForLeave(read.Standing, start); err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	route, near, err := routeWith(rules, cal, mc, req.Kind, start, end, read.Near)
	if err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	submitted := now.Truncate(time.Millisecond).In(policy.China)
	copyTo, err := a.copyParties(ctx, rules, mc, start)
	if err != nil {
		return workflows.LeaveInput{}, nil, err
	}
	return workflows.LeaveInput{
		ID: id, MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID, TeamID: mc.TeamID,
		TownshipID: mc.TownshipID, CountyID: mc.CountyID, Kind: req.Kind,
		StartDate: policy.FormatDate(start), EndDate: policy.FormatDate(end), Reason: req.Reason,
		Route: route, PolicyVersion: pol.Ref(), Rules: rules,
		Escalation: escalationOf(rules, mc),
		StartAt:    start, EndAt: policy.EndOfDay(end),
		ReturnDueAt:   policy.ReturnDueIn(rules, policy.PeriodsOf(pol.Rules, cal), end),
		ApprovalDueAt: policy.ApprovalDue(rules, start, submitted),
		SubmittedBy:   actorOf(u), SubmittedAt: submitted,
		CopyTo: copyTo,
	}, near, nil
}

// LeaveRoute routes a leave of any kind, joined with none: see
// LeaveRouteFor.
func LeaveRoute(rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext, start, end time.Time) (workflows.Route, error) {
	return LeaveRouteFor(rules, cal, mc, "", start, end, nil)
}

// LeaveRouteFor is the pure part of routing: the days under rules and cal,
// refused beyond the kind's longest leave, when none count, or in a year
// whose holidays are not known (counting working days); the route taken
// on the days together with the joined leaves (consecutive leaves count
// together); and who approves and gets it on file.
func LeaveRouteFor(rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext, kind string, start, end time.Time, joined []store.NearLeave) (workflows.Route, error) {
	if rules.DayCounting == policy.CountWorking {
		if y, ok := policy.UncoveredYear(cal, start, end); ok {
			field := "end_date"
			if start.In(policy.China).Year() == y {
				field = "start_date"
			}
			return workflows.Route{}, errs.Field(field, errs.MsgHolidaysUnknown, y, y)
		}
	}
	days := policy.CountDays(rules, cal, start, end)
	if max := policy.KindMaxDays(rules, kind); days > max {
		if max < rules.MaxDays {
			return workflows.Route{}, errs.Field("end_date", errs.MsgLeaveKindTooLong, errs.LeaveKindName(kind), max, days)
		}
		return workflows.Route{}, errs.Field("end_date", errs.MsgLeaveTooLong, days, rules.MaxDays)
	}
	if days < 1 {
		return workflows.Route{}, errs.Field("end_date", errs.MsgLeaveNoWorkingDay)
	}
	total := days
	var items []string
	rt := workflows.Route{Days: days}
	for _, j := range joined {
		total += j.Days
		rt.Joined = append(rt.Joined, j.ID)
		items = append(items, errs.Text(errs.MsgRouteJoinedItem, policy.FormatDate(j.StartDate), policy.FormatDate(j.EndDate), policy.DaysText(rules, j.Days)))
	}
	rt.Route = policy.LeaveRoute(rules, total)
	rt.Reason = policy.RouteReason(rules, days)
	if len(joined) > 0 {
		rt.CombinedDays = total
		rt.Reason = policy.RouteReasonCounted(rules, total,
			errs.Text(errs.MsgRouteJoinedWith, strings.Join(items, "、"), policy.DaysText(rules, total)))
	}
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
	act, err := a.deciderOf(ctx, u, false, a.waitingOf(ctx, id))
	if err != nil {
		return leave, err
	}
	err = a.send(ctx, workflows.LeaveWorkflowID(id), workflows.LeaveDecide,
		workflows.DecideArgs{Actor: act, Decision: req.Decision, Comment: req.Comment}, &leave,
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
	return a.FileLeaveStep(ctx, u, FilingRequest{Ref: req.Ref, Comment: req.Comment})
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
	if _, err := a.onTeamNow(ctx, l.MemberID, a.now()); err != nil {
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
	cal, err := a.calendar(ctx)
	if err != nil {
		return l, err
	}
	route, _, err := a.routeJoined(ctx, pol.Rules.Leave, cal, mc, l.Kind, p.ID, start, end)
	if err != nil {
		return l, err
	}
	// The new days are held while the extension waits: no other leave
	// may take them; a refused or withdrawn extension gives them back.
	oldEnd, _ := policy.ParseDate(l.EndDate)
	if err := a.store.ReserveExtension(ctx, l.MemberID, p.ID, policy.AddDays(oldEnd, 1), end); err != nil {
		if errors.Is(err, store.ErrOverlap) {
			err = errs.New(errs.Conflict, errs.MsgLeaveExtensionOverlap)
		}
		return l, err
	}
	out, err := a.updateLeave(ctx, p.ID, workflows.LeaveExtend, workflows.ExtendArgs{
		Actor: actorOf(u), EndDate: policy.FormatDate(end), Reason: req.Reason, Route: route,
		EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDueIn(pol.Rules.Leave, policy.PeriodsOf(pol.Rules, cal), end),
	})
	if err != nil {
		if rerr := a.store.ReleaseExtension(context.WithoutCancel(ctx), p.ID, end); rerr != nil {
			a.log.Warn("extension's days not released", zap.String("leave", p.ID), zap.Error(rerr))
		}
	}
	return out, err
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
	cal, err := a.calendar(ctx)
	if err != nil {
		return l, err
	}
	args := workflows.ReturnArgs{Actor: actorOf(u), ReturnedOn: policy.FormatDate(on)}
	if on.Equal(start) { // back on the first day: nothing was taken
		args.NotTaken = true
	} else {
		args.ActualEndDate = policy.FormatDate(actualEnd)
		args.ActualDays = policy.CountDays(pol.Rules.Leave, cal, start, actualEnd)
	}
	args.Late, args.OverstayDays = overstay(pol.Rules, cal, l, on)
	return a.updateLeave(ctx, p.ID, workflows.LeaveReturn, args)
}
