package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// RosterRequest records a change to a team (动态备案).
type RosterRequest struct {
	TeamID           string `json:"team_id"`
	Change           string `json:"change"`
	MemberID         string `json:"member_id"`
	ReplacesMemberID string `json:"replaces_member_id"`
	EffectiveOn      string `json:"effective_on"`
	Reason           string `json:"reason"`
	// IdempotencyKey is the Idempotency-Key header.
	IdempotencyKey string `json:"-"`
}

var changeKinds = map[string]bool{workflows.ChangeJoin: true, workflows.ChangeLeave: true,
	workflows.ChangeReplace: true, workflows.ChangeLeader: true}

// check validates the request's shape and returns the effective date; a
// change may be recorded after the fact, or up to a year ahead.
func (req RosterRequest) Check(today time.Time) (time.Time, error) {
	f := errs.Fields{}
	f.Check(req.TeamID != "", "team_id", errs.MsgRequired)
	f.Check(changeKinds[req.Change], "change", errs.MsgOneOf, "join, leave, replace, leader")
	f.Check(req.MemberID != "", "member_id", errs.MsgRequired)
	if req.Change == workflows.ChangeReplace {
		f.Check(req.ReplacesMemberID != "", "replaces_member_id", errs.MsgRosterReplaceNeeds)
		f.Check(req.ReplacesMemberID != req.MemberID, "replaces_member_id", errs.MsgRosterReplaceSame)
	} else {
		f.Check(req.ReplacesMemberID == "", "replaces_member_id", errs.MsgRosterReplaceOnly)
	}
	eff, err := policy.ParseDate(req.EffectiveOn)
	f.Check(err == nil, "effective_on", errs.MsgDate)
	f.Check(err != nil || !eff.After(policy.AddDays(today, 366)), "effective_on", errs.MsgRosterWithinYear)
	checkText(f, "reason", req.Reason, true)
	return eff, f.Err()
}

// rosterParties are the team and members a change names, looked up.
type rosterParties struct {
	team     store.Team
	member   store.Member
	replaced *store.Member
}

// RecordRosterChange checks a change against the ledger under the roster
// lock, reserves it, and starts its filing workflow; a start that fails
// releases the reservation so the members are not blocked.
func (a *Actions) RecordRosterChange(ctx context.Context, u User, req RosterRequest) (Created, error) {
	if u.Role != policy.RoleCountyBureau && u.Role != policy.RoleUnitHead && !cityOfficeRole(u) {
		return Created{}, errs.New(errs.Forbidden, errs.MsgRosterRecorders)
	}
	eff, err := req.Check(policy.DayOf(a.now()))
	if err != nil {
		return Created{}, err
	}
	if err := checkIdempotencyKey(req.IdempotencyKey); err != nil {
		return Created{}, err
	}
	ps, err := a.rosterParties(ctx, req)
	if err == nil {
		err = canRecordRoster(u, ps)
	}
	var in workflows.RosterChangeInput
	if err == nil {
		in, err = a.rosterInput(ctx, u, req, ps, eff)
	}
	var backdated map[string]string
	if err == nil {
		backdated, err = checkBackdate(u, in.Rules, eff, in.FilingDueAt, a.now())
	}
	if err != nil {
		return Created{}, err
	}
	return a.create(ctx, in.ID, creation{user: u, scope: "roster-changes", key: req.IdempotencyKey,
		workflowID: workflows.RosterChangeWorkflowID(in.ID),
		reserve: func(ctx context.Context) (string, error) {
			existing, facts, err := a.store.ReserveRosterChange(ctx, store.RosterReservation{
				Change: store.RosterChange{ID: in.ID, TeamID: in.TeamID, Change: in.Change, MemberID: in.MemberID,
					ReplacesMemberID: in.ReplacesMemberID, EffectiveOn: eff},
				UserID: u.ID, IdempotencyKey: req.IdempotencyKey,
			})
			in.Flags, in.FlagNotes = rosterFlags(facts, in.Rules)
			for _, flag := range []string{workflows.FlagBackdated, workflows.FlagFiledLate} {
				if note, ok := backdated[flag]; ok {
					in.Flags = append(in.Flags, flag)
					in.FlagNotes[flag] = note
				}
			}
			return existing, err
		},
		start:   func(ctx context.Context) (any, error) { return a.startRoster(ctx, in) },
		release: func(ctx context.Context) error { return a.store.CancelRosterChange(ctx, in.ID) },
	})
}

// rosterParties looks up the team and members, naming the field of any
// that does not exist.
func (a *Actions) rosterParties(ctx context.Context, req RosterRequest) (rosterParties, error) {
	var ps rosterParties
	var err error
	if ps.team, err = a.store.Team(ctx, req.TeamID); err != nil {
		return ps, notFoundField(err, "team_id", errs.MsgUnknownTeam)
	}
	if ps.member, err = a.store.Member(ctx, req.MemberID); err != nil {
		return ps, notFoundField(err, "member_id", errs.MsgUnknownMember)
	}
	if req.Change == workflows.ChangeReplace {
		m, err := a.store.Member(ctx, req.ReplacesMemberID)
		if err != nil {
			return ps, notFoundField(err, "replaces_member_id", errs.MsgUnknownMember)
		}
		ps.replaced = &m
	}
	return ps, nil
}

// notFoundField turns a lookup's ErrNotFound into a 400 naming the field.
func notFoundField(err error, field string, m errs.Msg) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.Field(field, m)
	}
	return err
}

// canRecordRoster: the bureau of the team's county, or the head of the
// unit that sent the member (either member, for a replacement).
func canRecordRoster(u store.User, ps rosterParties) error {
	ok := cityOfficeRole(u) // an old change, and only that (checkBackdate)
	switch u.Role {
	case policy.RoleCountyBureau:
		ok = u.CountyID == ps.team.CountyID
	case policy.RoleUnitHead:
		ok = u.UnitID == ps.member.UnitID || (ps.replaced != nil && u.UnitID == ps.replaced.UnitID)
	}
	if !ok {
		return errs.New(errs.Forbidden, errs.MsgRosterRecorderOfTeam, ps.team.Name)
	}
	// A unit head speaks for their own unit's members only: taking
	// another unit's member off a team is the county bureau's to record.
	if u.Role == policy.RoleUnitHead && ps.replaced != nil && ps.replaced.UnitID != u.UnitID {
		return errs.New(errs.Forbidden, errs.MsgRosterOtherUnit, ps.replaced.Name)
	}
	return nil
}

// rosterInput resolves the policy and offices and computes the filing
// deadline, in China time, before the workflow starts.
func (a *Actions) rosterInput(ctx context.Context, u User, req RosterRequest, ps rosterParties, eff time.Time) (workflows.RosterChangeInput, error) {
	t := ps.team
	pol, err := a.currentPolicy(ctx, t.CountyID)
	if err != nil {
		return workflows.RosterChangeInput{}, err
	}
	rules := pol.Rules.Roster
	cal, err := a.calendar(ctx)
	if err != nil {
		return workflows.RosterChangeInput{}, err
	}
	periods := policy.PeriodsOf(pol.Rules, cal)
	today := policy.DayOf(a.now())
	in := workflows.RosterChangeInput{
		RosterFacts: workflows.RosterFacts{
			ID: uuid.NewString(), TeamID: t.ID, TeamName: t.Name, TownshipID: t.TownshipID, CountyID: t.CountyID,
			Change: req.Change, MemberID: ps.member.ID, MemberName: ps.member.Name, UnitID: ps.member.UnitID,
			EffectiveOn: policy.FormatDate(eff), Reason: req.Reason,
		},
		PolicyVersion: pol.Ref(), Rules: rules,
		FilingDueAt: policy.RosterFilingDueIn(rules, periods, eff), RecordedBy: actorOf(u),
		AckDueAt:     periods.End(today, rules.FilingDays),
		SkipRestDays: periods.SkipRestDays, RestDays: policy.RestDaysOf(cal, today, restDaysAhead),
	}
	if ps.replaced != nil {
		in.ReplacesMemberID, in.ReplacesMemberName, in.ReplacesUnitID = ps.replaced.ID, ps.replaced.Name, ps.replaced.UnitID
	}
	office := func(role string) (workflows.Party, error) {
		id, err := a.store.OfficeID(ctx, role, t.CountyID, t.TownshipID)
		return workflows.Party{Role: role, OfficeID: id}, err
	}
	for _, role := range rules.FilingOffices {
		p, err := office(role)
		if err != nil {
			return in, fmt.Errorf("filing office %s of %s: %w", role, t.CountyID, err)
		}
		in.FilingOffices = append(in.FilingOffices, p)
	}
	if in.Bureau, err = office(policy.RoleCountyBureau); err != nil {
		return in, fmt.Errorf("county bureau of %s: %w", t.CountyID, err)
	}
	if in.CityBureau, err = office(policy.RoleCityBureau); errors.Is(err, store.ErrNotFound) {
		in.CityBureau, err = workflows.Party{}, nil // no city bureau: nobody to notify
	}
	return in, err
}

// restDaysAhead is how far ahead a roster change's input writes out the
// calendar for its ledger report's deadline (filing rarely takes weeks).
const restDaysAhead = 200

// cityOfficeRole: the city's two offices (not the operator's admin).
func cityOfficeRole(u User) bool {
	return u.Role == policy.RoleCityOrgDept || u.Role == policy.RoleCityBureau
}

// checkBackdate: a change effective more than BackdateDays ago is for a
// city office to record (403 for others), and flagged; a city office
// records only those (the rest are the county's and the units'). One
// recorded after the filing days is flagged as filed late (the unit's
// lateness). It returns the flags' notes.
func checkBackdate(u User, r policy.RosterRules, eff, filingDue, now time.Time) (map[string]string, error) {
	notes := map[string]string{}
	today := policy.DayOf(now)
	old := eff.Before(policy.AddDays(today, -r.BackdateDays))
	if cityOfficeRole(u) && !old {
		return nil, errs.New(errs.Forbidden, errs.MsgRosterCityOld, r.BackdateDays)
	}
	if old {
		if !cityOfficeRole(u) {
			return nil, errs.New(errs.Forbidden, errs.MsgRosterBackdateCity, policy.FormatDate(eff), r.BackdateDays)
		}
		notes[workflows.FlagBackdated] = fmt.Sprintf("生效日期%s早于登记日%d天以上，由%s登记（第十七条）",
			policy.FormatDate(eff), r.BackdateDays, errs.RoleName(u.Role))
	}
	if !now.Before(filingDue) {
		notes[workflows.FlagFiledLate] = fmt.Sprintf("变动自%s生效，应于%s前备案，%s才登记备案（第十七条）",
			policy.FormatDate(eff), policy.FormatDate(filingDue), policy.FormatDate(today))
	}
	return notes, nil
}

// rosterFlags turns the ledger's facts into article 8's flags, each with a
// note for people: flagged, not refused (the rules say "normally").
func rosterFlags(f store.RosterFacts, r policy.RosterRules) ([]string, map[string]string) {
	flags, notes := []string{}, map[string]string{}
	add := func(flag, note string) {
		flags = append(flags, flag)
		notes[flag] = note
	}
	if f.TeamSizeAfter < r.MinTeamSize {
		add(workflows.FlagTeamBelowMin, fmt.Sprintf("变更后工作队为%d人，少于%d人（第八条）", f.TeamSizeAfter, r.MinTeamSize))
	}
	if l := f.NewLeader; l != nil && !l.FirstSecretary {
		add(workflows.FlagLeaderNotFirstSecretary, l.Name+"不是第一书记；队长一般由第一书记担任（第八条）")
	}
	if l := f.LeaderLeavesWithoutHeir; l != nil {
		add(workflows.FlagTeamWithoutLeader, "队长"+l.Name+"离队后工作队暂无队长")
	}
	if t := f.Leaving; t != nil && r.MinTermYears > 0 && f.Effective.Before(t.Since.AddDate(r.MinTermYears, 0, 0)) {
		add(workflows.FlagLeftBeforeTerm, fmt.Sprintf("%s自%s在队，离队时不满%d年（第八条）",
			t.MemberName, t.Since.Format(time.DateOnly), r.MinTermYears))
	}
	return flags, notes
}

// startRoster starts the workflow and waits for its first record, so the
// recorder can read the change at once.
func (a *Actions) startRoster(ctx context.Context, in workflows.RosterChangeInput) (workflows.RosterChange, error) {
	var rc workflows.RosterChange
	err := a.startWith(ctx, client.StartWorkflowOptions{ID: workflows.RosterChangeWorkflowID(in.ID)},
		workflows.RosterChangeWorkflow, in, workflows.RosterRecorded, nil, &rc)
	return rc, err
}

// rosterChangeFor loads a change the caller may see: canSee's scope, plus
// the member replaced and their unit's head.
func (a *Actions) rosterChangeFor(ctx context.Context, u User, id string) (store.Process, workflows.RosterChange, error) {
	var rc workflows.RosterChange
	p, err := a.loadProcess(ctx, id, workflows.KindRosterChange)
	if err == nil {
		err = json.Unmarshal(p.Detail, &rc)
	}
	if err != nil {
		return p, rc, err
	}
	replaced := rc.ReplacesMemberID != "" && ((u.Role == policy.RoleMember && u.MemberID == rc.ReplacesMemberID) ||
		(u.Role == policy.RoleUnitHead && u.UnitID == rc.ReplacesUnitID))
	if !canSee(u, processTarget(p)) && !replaced {
		return p, rc, errs.New(errs.Forbidden, errs.MsgRosterOutOfScope)
	}
	return p, rc, nil
}

// GetRosterChange is one change, for those who may see it.
func (a *Actions) GetRosterChange(ctx context.Context, u User, id string) (workflows.RosterChange, error) {
	_, rc, err := a.rosterChangeFor(ctx, u, id)
	return rc, err
}

// FileRosterChange is a county office's acknowledgement (备案).
func (a *Actions) FileRosterChange(ctx context.Context, u User, req CommentRequest) (workflows.RosterChange, error) {
	return a.rosterUpdate(ctx, u, req, workflows.RosterFile)
}

// ReportRosterChange is the county bureau reporting the updated ledger to
// the city bureau.
func (a *Actions) ReportRosterChange(ctx context.Context, u User, req CommentRequest) (workflows.RosterChange, error) {
	return a.rosterUpdate(ctx, u, req, workflows.RosterReport)
}

// rosterUpdate sends an acknowledgement (filing or report) and answers
// with the change as it stands after it; the workflow's validator says
// whether it is the caller's to send.
func (a *Actions) rosterUpdate(ctx context.Context, u User, req CommentRequest, name string) (workflows.RosterChange, error) {
	p, _, err := a.rosterChangeFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	var rc workflows.RosterChange
	if err != nil {
		return rc, err
	}
	err = a.send(ctx, workflows.RosterChangeWorkflowID(p.ID), name,
		workflows.ActorArgs{Actor: actorOf(u), Comment: req.Comment}, &rc, closed(errs.MsgRosterClosed))
	return rc, err
}
