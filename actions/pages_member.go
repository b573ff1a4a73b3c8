package actions

// The member's pages' reads: what a leave of these dates would be before
// it is submitted (请假 preview), and one leave or absence as its page
// shows it to one viewer, with the steps that viewer may take now. The
// steps themselves are the actions of leaves.go and absences.go, and the
// workflows' validators stay the real check: a step offered here that the
// workflow refuses (someone decided first) is answered with its refusal.

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// LeavePreview is what SubmitLeave would decide for these dates now: the
// days as the county counts them, the route and the rule that chose it,
// who approves and who gets it on file. Nothing is reserved or started.
type LeavePreview struct {
	Days        int
	DayCounting string // policy.CountCalendar or policy.CountWorking
	Route       string
	RouteReason string
	// Approvers and FilingOffices are named as people read them
	// ("专探乡党委", "西平县委组织部").
	Approvers     []string
	FilingOffices []string
	PolicyVersion string
	// Overlap: another pending or approved leave of the member meets
	// these dates; submitting them would be refused.
	Overlap bool
}

// PreviewLeave routes a leave of req's dates by the same code as
// SubmitLeave (leaveInput: the member's place, the rules in force,
// LeaveRoute), for the form to show before it is sent. Only the dates are
// checked: the kind and the reason do not change the route.
func (a *Actions) PreviewLeave(ctx context.Context, u User, req LeaveRequest) (LeavePreview, error) {
	if u.Role != policy.RoleMember {
		return LeavePreview{}, errs.New(errs.Forbidden, errs.MsgLeaveMembersOnly)
	}
	f := errs.Fields{}
	start, end := parseDates(f, req.StartDate, req.EndDate)
	if err := f.Err(); err != nil {
		return LeavePreview{}, err
	}
	in, _, err := a.leaveInput(ctx, u, req, "", start, end)
	if err != nil {
		return LeavePreview{}, err
	}
	mc, err := a.store.MemberContext(ctx, u.MemberID, start)
	if err != nil {
		return LeavePreview{}, err
	}
	pv := LeavePreview{Days: in.Route.Days, DayCounting: in.Rules.DayCounting, Route: in.Route.Route,
		RouteReason: in.Route.Reason, PolicyVersion: in.PolicyVersion}
	for _, p := range in.Route.Approvers {
		pv.Approvers = append(pv.Approvers, PartyName(p, mc))
	}
	for _, p := range in.Route.FilingOffices {
		pv.FilingOffices = append(pv.FilingOffices, PartyName(p, mc))
	}
	err = a.store.CheckOverlap(ctx, in.MemberID, "", start, end)
	if errors.Is(err, store.ErrOverlap) {
		pv.Overlap, err = true, nil
	}
	return pv, err
}

// PartyName is a party as people read it, named from the member's place:
// "专探乡党委", "西平县委组织部", "西平县教育局负责人". A party of another
// place, or a city office, reads as its role ("市乡村振兴局").
func PartyName(p workflows.Party, mc store.MemberContext) string {
	switch {
	case p.Role == policy.RoleTownshipCommittee && p.OfficeID == mc.TownshipCommitteeID && mc.TownshipName != "":
		return errs.Text(errs.MsgPartyTownship, mc.TownshipName)
	case p.Role == policy.RoleCountyOrgDept && p.OfficeID == mc.CountyOrgDeptID && mc.CountyName != "":
		return errs.Text(errs.MsgPartyCountyOrg, mc.CountyName)
	case p.Role == policy.RoleCountyBureau && p.OfficeID == mc.CountyBureauID && mc.CountyName != "":
		return errs.Text(errs.MsgPartyCountyBur, mc.CountyName)
	case p.Role == policy.RoleUnitHead && p.UnitID == mc.UnitID && mc.UnitName != "":
		return errs.Text(errs.MsgPartyUnitHead, mc.UnitName)
	case p.Role == policy.RoleMember:
		return errs.Text(errs.MsgPartyMember)
	case p.Role == "system":
		return errs.Text(errs.MsgPartySystem)
	}
	return errs.RoleName(p.Role)
}

// byWhom is who took a decision: the office and the person's name
// ("西平县教育局负责人 陈国庆"); an account named after its office is named
// once ("西平县委组织部"), and a name that says its unit has the unit
// turned into the office ("陈国庆（西平县教育局负责人）").
func byWhom(d workflows.Decision, mc store.MemberContext) string {
	office := PartyName(workflows.PartyFromKey(d.Party), mc)
	switch {
	case d.ByName == "" || strings.Contains(d.ByName, office):
		return cmp.Or(d.ByName, office)
	case d.Role == policy.RoleMember:
		return d.ByName
	case d.Role == policy.RoleUnitHead && mc.UnitName != "" && strings.Contains(d.ByName, mc.UnitName):
		return strings.Replace(d.ByName, mc.UnitName, office, 1)
	}
	return office + " " + d.ByName
}

// LeaveSteps are the steps a viewer may take on a leave now, read from the
// leave as it stands: a member's own withdraw, extend and report back; an
// approver's decision at the step waiting on them; a filing office's
// acknowledgement.
type LeaveSteps struct {
	Withdraw, Extend, Return, Decide, File bool
	// HandOver and Urge (issue 20): 转交 a step that waits on the viewer;
	// the member's 催办 of a step waiting on someone else.
	HandOver, Urge bool
	// DecideStep is the approval step the decision is for (approval or
	// extension_approval).
	DecideStep string
}

// Any reports whether the viewer may take any step.
func (s LeaveSteps) Any() bool {
	return s.Withdraw || s.Extend || s.Return || s.Decide || s.File || s.HandOver || s.Urge
}

func leaveSteps(l workflows.Leave, me workflows.Party, now time.Time) LeaveSteps {
	var s LeaveSteps
	if me.Role == policy.RoleMember && me.MemberID == l.MemberID {
		start, _ := policy.ParseDate(l.StartDate)
		end, _ := policy.ParseDate(l.EndDate)
		extending := len(l.Extensions) > 0 && l.Extensions[len(l.Extensions)-1].Status == workflows.LeavePending
		s.Withdraw = l.Status == workflows.LeavePending
		s.Extend = l.Status == workflows.LeaveApproved && now.Before(policy.EndOfDay(end)) && !extending
		s.Return = l.Status == workflows.LeaveApproved && !now.Before(start)
	}
	for _, st := range l.Steps {
		if !st.Open() || !waitsOn(st, me) {
			continue
		}
		switch st.Name {
		case workflows.StepApproval, workflows.StepExtensionApproval:
			s.Decide, s.DecideStep = true, st.Name
		case workflows.StepFiling:
			s.File = true
		}
	}
	return s
}

func waitsOn(st workflows.Step, me workflows.Party) bool {
	for _, p := range st.WaitingOn {
		if p.Key() == me.Key() {
			return true
		}
	}
	return false
}

// LeavePage is one leave as its page shows it: the leave, where its member
// serves, its timeline, the member's other leaves this year, and the steps
// the viewer may take now.
type LeavePage struct {
	Leave    workflows.Leave
	Place    store.MemberContext
	Timeline []store.TimelineEvent
	// Year and Earlier: the member's other leaves that started this year
	// (their dates, days and status, not their reasons), as the viewer may
	// see them; Tally counts the approved ones.
	Year    int
	Earlier []store.RecordLeave
	Tally   LeaveTally
	Can     LeaveSteps
	// Viewer is the party the viewer acts for.
	Viewer workflows.Party
	// DayCounting is how the leave's rules count its days.
	DayCounting string
}

// LeaveTally is how much leave the member has had approved this year.
type LeaveTally struct{ Leaves, Days int }

// Party names a party from the leave's member's place (see PartyName).
func (pg LeavePage) Party(p workflows.Party) string { return PartyName(p, pg.Place) }

// By is who took a decision on the leave.
func (pg LeavePage) By(d workflows.Decision) string { return byWhom(d, pg.Place) }

// LeavePage is GET /leaves/{id} for people: for anyone who may see the
// leave (GetLeave's rule), the member included.
func (a *Actions) LeavePage(ctx context.Context, u User, id string) (LeavePage, error) {
	p, l, err := a.leaveFor(ctx, u, id)
	if err != nil {
		return LeavePage{}, err
	}
	start, err := policy.ParseDate(l.StartDate)
	if err != nil {
		return LeavePage{}, err
	}
	mc, err := a.store.MemberContext(ctx, l.MemberID, start)
	if err != nil {
		return LeavePage{}, err
	}
	events, err := a.store.Timeline(ctx, p.ID)
	if err != nil {
		return LeavePage{}, err
	}
	pol, err := a.store.PolicyByRef(ctx, l.PolicyVersion)
	if err != nil {
		return LeavePage{}, err
	}
	pg := LeavePage{Leave: l, Place: mc, Timeline: events, Viewer: partyOf(u), Can: leaveSteps(l, partyOf(u), a.now()),
		DayCounting: pol.Rules.Leave.DayCounting}
	if err := a.handedSteps(ctx, u, l, &pg.Can); err != nil {
		return pg, err
	}
	pg.Year, pg.Earlier, pg.Tally, err = a.earlierLeaves(ctx, u, l)
	return pg, err
}

// earlierLeaves is the member's other leaves that started this year, from
// the member's record (store.MemberRecord): only the leaves, never the
// absences or the evaluation tally, which GET /members/{id}/record keeps
// to the member, the unit's head and the county and city offices.
//
// Everyone who may see this leave sees them, the township committee too,
// although the record itself refuses it: the committee approves leaves of
// up to 7 days, and how much leave the member has had this year is what
// it weighs; those leaves are its own township's processes, which its
// lists show it anyway. So that it learns nothing more, a committee sees
// only the leaves in its scope (not one taken while the member served in
// another township).
func (a *Actions) earlierLeaves(ctx context.Context, u User, l workflows.Leave) (int, []store.RecordLeave, LeaveTally, error) {
	year := a.now().In(policy.China).Year()
	rec, err := a.store.MemberRecord(ctx, l.MemberID, year)
	if err != nil {
		return year, nil, LeaveTally{}, err
	}
	var visible map[string]bool
	if u.Role == policy.RoleTownshipCommittee {
		rows, _, err := a.store.ListProcesses(ctx, scopeOf(u), store.ProcessFilter{Kind: workflows.KindLeave, MemberID: l.MemberID, Limit: 200})
		if err != nil {
			return year, nil, LeaveTally{}, err
		}
		visible = map[string]bool{}
		for _, p := range rows {
			visible[p.ID] = true
		}
	}
	var out []store.RecordLeave
	var tally LeaveTally
	for _, r := range rec.Leaves {
		if r.ID == l.ID || (visible != nil && !visible[r.ID]) {
			continue
		}
		out = append(out, r)
		if r.Status == workflows.LeaveApproved || r.Status == workflows.LeaveReturned {
			tally.Leaves++
			tally.Days += r.Days
		}
	}
	return year, out, tally, nil
}

// AbsenceSteps are the steps a viewer may take on an absence now: the
// member's explanation while one is awaited, the unit head's signature
// (or send-back) while one waits on them.
type AbsenceSteps struct{ Explain, Sign bool }

// Any reports whether the viewer may take any step.
func (s AbsenceSteps) Any() bool { return s.Explain || s.Sign }

// AbsenceRound is one explanation the member wrote and, when the head sent
// it back, who did, when and why.
type AbsenceRound struct {
	workflows.Explanation
	No         int // 1 for the first draft
	ReturnedBy string
}

// AbsencePage is one absence as its page shows it: the facts, each
// explanation with the head's send-back, the signature, the timeline, the
// steps the viewer may take now.
type AbsencePage struct {
	Absence  workflows.Absence
	Place    store.MemberContext
	Rounds   []AbsenceRound
	Timeline []store.TimelineEvent
	Can      AbsenceSteps
	Viewer   workflows.Party
}

// Party names a party from the absent member's place.
func (pg AbsencePage) Party(p workflows.Party) string { return PartyName(p, pg.Place) }

// By is who took a decision on the absence.
func (pg AbsencePage) By(d workflows.Decision) string { return byWhom(d, pg.Place) }

// AbsencePage is GET /absences/{id} for people: for anyone who may see
// the absence (GetAbsence's rule).
func (a *Actions) AbsencePage(ctx context.Context, u User, id string) (AbsencePage, error) {
	ab, err := a.absenceFor(ctx, u, id)
	if err != nil {
		return AbsencePage{}, err
	}
	mc, err := a.store.MemberContext(ctx, ab.MemberID, ab.FoundAt)
	if err != nil {
		return AbsencePage{}, err
	}
	events, err := a.store.Timeline(ctx, ab.ID)
	if err != nil {
		return AbsencePage{}, err
	}
	pg := AbsencePage{Absence: ab, Place: mc, Timeline: events, Viewer: partyOf(u)}
	// The head's send-backs, in order, are the "return" decisions of the
	// signature steps; the i-th answers the i-th explanation sent back.
	var backs []workflows.Decision
	for _, st := range ab.Steps {
		for _, d := range st.Decisions {
			if st.Name == workflows.StepSignature && d.Decision == "return" {
				backs = append(backs, d)
			}
		}
		if st.Open() && waitsOn(st, pg.Viewer) {
			pg.Can.Explain = pg.Can.Explain || st.Name == workflows.StepExplanation
			pg.Can.Sign = pg.Can.Sign || st.Name == workflows.StepSignature
		}
	}
	n := 0
	for i, e := range ab.Explanations {
		r := AbsenceRound{Explanation: e, No: i + 1}
		if e.ReturnedAt != nil && n < len(backs) {
			r.ReturnedBy = byWhom(backs[n], mc)
			n++
		}
		pg.Rounds = append(pg.Rounds, r)
	}
	return pg, nil
}
