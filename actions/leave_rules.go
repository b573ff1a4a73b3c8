package actions

// Leave (article 16) as a county office lives it (issue 17): cancelling
// before the start (撤销), back-dated sick leave, no leave without a team,
// consecutive leaves counted together, escalation to the office above and
// its reminder (催办), a filing chosen among several, overstay.

import (
	"context"
	"slices"
	"sync"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// checkLeaveStart: personal leave may not start before today; sick leave
// up to SickBackdateDays before (补假).
func checkLeaveStart(r policy.LeaveRules, kind string, start, now time.Time) error {
	earliest := policy.EarliestStart(r, kind, now)
	if !start.Before(earliest) {
		return nil
	}
	if kind == policy.KindSick {
		return errs.Field("start_date", errs.MsgLeaveBackdateSick, r.SickBackdateDays, policy.FormatDate(earliest))
	}
	return errs.Field("start_date", errs.MsgLeaveBackdatePersonal, policy.FormatDate(earliest))
}

// onTeamForLeave: no team, no leave. A member not on a team today (left,
// or joined but not yet filed) cannot ask for leave (409, saying why); a
// leave may not start before the member joined their team.
func onTeamForLeave(st store.Standing, start time.Time) error {
	if err := teamCheck(st); err != nil {
		return err
	}
	if start.Before(st.From) {
		return errs.Field("start_date", errs.MsgLeaveBeforeJoined, policy.FormatDate(st.From))
	}
	return nil
}

// onTeamNow: a member who left their team (or is on none yet) keeps
// reading their own history but submits nothing more: no leave, no
// extension (409, saying why).
func (a *Actions) onTeamNow(ctx context.Context, memberID string, now time.Time) (store.Standing, error) {
	st, err := a.store.MemberStanding(ctx, memberID, now)
	if err != nil {
		return st, err
	}
	return st, teamCheck(st)
}

// teamCheck refuses a member on no team (left, or joined and not filed).
func teamCheck(st store.Standing) error {
	switch {
	case st.TeamID == "" && st.JoinOn != nil:
		return errs.New(errs.Conflict, errs.MsgLeaveJoinNotFiled, st.JoinTeam, policy.FormatDate(*st.JoinOn))
	case st.TeamID == "" && st.LeftOn != nil:
		return errs.New(errs.Conflict, errs.MsgLeaveTeamLeft, policy.FormatDate(*st.LeftOn), st.LeftTeam)
	case st.TeamID == "":
		return errs.New(errs.Conflict, errs.MsgLeaveNoTeam)
	}
	return nil
}

// joinWindow is how far around a leave the member's other leaves are read
// for joining: a chain of consecutive leaves longer than this on either
// side is not followed further.
const joinWindow = 120

// routeJoined routes a leave of the member (except: the leave itself, when
// it is being extended) together with the member's pending and approved
// leaves consecutive with it, directly or through one another. near is the
// stretch where a new leave would touch this one and the leaves the route
// saw, for the reservation to check nothing appeared there since.
func (a *Actions) routeJoined(ctx context.Context, rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext,
	kind, except string, start, end time.Time) (workflows.Route, *store.NearCheck, error) {
	others, err := a.store.LeavesNear(ctx, mc.MemberID, except, policy.AddDays(start, -joinWindow), policy.AddDays(end, joinWindow))
	if err != nil {
		return workflows.Route{}, nil, err
	}
	return routeWith(rules, cal, mc, kind, start, end, others)
}

// routeWith is routeJoined on the member's nearby leaves read already.
func routeWith(rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext, kind string, start, end time.Time,
	others []store.NearLeave) (workflows.Route, *store.NearCheck, error) {
	joined := JoinConsecutive(rules, cal, start, end, others)
	rt, err := LeaveRouteFor(rules, cal, mc, kind, start, end, joined)
	// A leave that would join is at most the gap away in days counted;
	// in calendar days that is the gap, or, counting working days, the
	// gap's working days plus the longest run of rest days (9).
	w := rules.ConsecutiveGapDays + 1
	if rules.DayCounting == policy.CountWorking {
		w = 2*rules.ConsecutiveGapDays + 10
	}
	near := &store.NearCheck{From: policy.AddDays(start, -w), To: policy.AddDays(end, w)}
	for _, o := range others {
		near.Seen = append(near.Seen, o.ID)
	}
	return rt, near, err
}

// JoinConsecutive picks from others the leaves consecutive with start..end:
// separated from it, or from one picked already, by at most the policy's
// gap (counted as the policy counts days). They are routed together.
func JoinConsecutive(rules policy.LeaveRules, cal policy.Calendar, start, end time.Time, others []store.NearLeave) []store.NearLeave {
	type span struct{ start, end time.Time }
	group := []span{{start, end}}
	var joined []store.NearLeave
	touches := func(o store.NearLeave) bool {
		for _, g := range group {
			gap := policy.GapDays(rules, cal, g.end, o.StartDate)
			if o.StartDate.Before(g.start) {
				gap = policy.GapDays(rules, cal, o.EndDate, g.start)
			}
			if gap >= 0 && gap <= rules.ConsecutiveGapDays {
				return true
			}
		}
		return false
	}
	left := append([]store.NearLeave(nil), others...)
	for grew := true; grew; {
		grew = false
		for i := 0; i < len(left); i++ {
			if touches(left[i]) {
				joined = append(joined, left[i])
				group = append(group, span{left[i].StartDate, left[i].EndDate})
				left = append(left[:i], left[i+1:]...)
				grew = true
				i--
			}
		}
	}
	slices.SortFunc(joined, func(x, y store.NearLeave) int { return x.StartDate.Compare(y.StartDate) })
	return joined
}

// escalationOf resolves the policy's escalation map for the member's
// offices: who is told when each office stays silent. Never an office to
// itself, never to an office the member has none of.
func escalationOf(rules policy.LeaveRules, mc store.MemberContext) []workflows.Escalation {
	var out []workflows.Escalation
	roles := make([]string, 0, len(rules.Escalation))
	for from := range rules.Escalation {
		roles = append(roles, from)
	}
	slices.Sort(roles)
	for _, from := range roles {
		f, t := resolveParty(from, mc), resolveParty(rules.Escalation[from], mc)
		if f.Key() == t.Key() || (f.OfficeID == "" && f.UnitID == "") || (t.OfficeID == "" && t.UnitID == "") {
			continue
		}
		out = append(out, workflows.Escalation{From: f, To: t})
	}
	return out
}

// overstay: a report back after the report-back day (as the member was
// told it: the return step's due) is late, and the days away past the
// approved end, counted as the policy counts days, are the overstay.
func overstay(rules policy.Rules, cal policy.Calendar, l workflows.Leave, on time.Time) (late bool, days int) {
	end, err := policy.ParseDate(l.EndDate)
	if err != nil {
		return false, 0
	}
	due := policy.ReturnDueIn(rules.Leave, policy.PeriodsOf(rules, cal), end)
	for i := len(l.Steps) - 1; i >= 0; i-- {
		if l.Steps[i].Name == workflows.StepReturn && l.Steps[i].DueAt != nil {
			due = *l.Steps[i].DueAt
			break
		}
	}
	if on.Before(policy.DayOf(due)) {
		return false, 0
	}
	return true, policy.CountDays(rules.Leave, cal, policy.AddDays(end, 1), policy.AddDays(on, -1))
}

// CancelLeave is the member's 撤销 of an approved leave before it starts,
// with a reason: its approvers and filing offices are told and its dates
// are free again.
func (a *Actions) CancelLeave(ctx context.Context, u User, req CloseRequest) (workflows.Leave, error) {
	p, l, err := a.ownLeave(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return l, err
	}
	return a.updateLeave(ctx, p.ID, workflows.LeaveCancel, workflows.ActorArgs{Actor: actorOf(u), Comment: req.Reason})
}

// RemindLeave is an escalated office's reminder (催办) to the offices
// silent at a leave's step; the workflow checks it was escalated to it.
func (a *Actions) RemindLeave(ctx context.Context, u User, req CommentRequest) (workflows.Leave, error) {
	return a.actorUpdate(ctx, u, req, workflows.LeaveRemind)
}

// FilingRequest acknowledges a leave's filing (备案); Step names which
// one when two are open (the first leave's and an extension's), by the
// step's id; "" is the earliest waiting on the caller.
type FilingRequest struct {
	Ref
	Comment string `json:"comment"`
	Step    string `json:"step"`
}

// Check: the comment fits; a step is an id.
func (req FilingRequest) Check() error {
	f := errs.Fields{}
	checkText(f, "comment", req.Comment, false)
	f.Check(len(req.Step) <= 100, "step", errs.MsgTextTooLong, 100)
	return f.Err()
}

// FileLeaveStep is a county office's acknowledgement of one of a leave's
// filings, each tracked apart (its own due time, reminders, overdue).
func (a *Actions) FileLeaveStep(ctx context.Context, u User, req FilingRequest) (workflows.Leave, error) {
	p, _, err := a.leaveFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return workflows.Leave{}, err
	}
	act, err := a.deciderOf(ctx, u, false, a.waitingOf(ctx, p.ID))
	if err != nil {
		return workflows.Leave{}, err
	}
	return a.updateLeave(ctx, p.ID, workflows.LeaveFile, workflows.ActorArgs{Actor: act, Comment: req.Comment, Step: req.Step})
}

// calendarTTL bounds how long a process keeps the working-day calendar
// before reading it again; loading a year's holidays here refreshes it at
// once (other processes within the TTL).
const calendarTTL = 30 * time.Second

// calendarCache holds the calendar in force, read from the store.
type calendarCache struct {
	mu   sync.Mutex
	cal  policy.Calendar
	read time.Time
}

var calendars sync.Map // *store.Store → *calendarCache

func (a *Actions) calendarCache() *calendarCache {
	c, _ := calendars.LoadOrStore(a.store, &calendarCache{})
	return c.(*calendarCache)
}

// calendar is the working-day calendar in force: the holiday schedules
// loaded, the holidays table's corrections, the built-in table. Periods
// counted in days need it whatever the day counting.
func (a *Actions) calendar(ctx context.Context) (policy.Calendar, error) {
	if cal, ok := a.caches.calendar(); ok {
		return cal, nil
	}
	gen, live := a.caches.begin()
	c := a.calendarCache()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cal != nil && time.Since(c.read) < calendarTTL {
		return c.cal, nil
	}
	cal, err := a.store.HolidayCalendar(ctx)
	if err != nil {
		return nil, err
	}
	c.cal, c.read = cal, time.Now()
	if live {
		a.caches.putCalendar(gen, cal)
	}
	return cal, nil
}

// forgetCalendar makes the next calendar read go to the store.
func (a *Actions) forgetCalendar() {
	a.caches.drop(store.ChangeHolidays)
	c := a.calendarCache()
	c.mu.Lock()
	c.cal = nil
	c.mu.Unlock()
}
