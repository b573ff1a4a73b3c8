package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// rosterRoutes: roster changes and the ledger (article 17).
func (s *Server) rosterRoutes(r chi.Router) {
	r.Post("/roster-changes", s.recordRosterChange)
	r.Get("/roster-changes", s.listRosterChanges)
	r.Get("/roster-changes/{id}", s.getRosterChange)
	r.Post("/roster-changes/{id}/filing", s.fileRosterChange)
	r.Post("/roster-changes/{id}/report", s.reportRosterChange)
	r.Get("/teams/{id}/roster", s.teamRoster)
	r.Get("/ledger", s.ledger)
}

type rosterRequest struct {
	TeamID           string `json:"team_id"`
	Change           string `json:"change"`
	MemberID         string `json:"member_id"`
	ReplacesMemberID string `json:"replaces_member_id"`
	EffectiveOn      string `json:"effective_on"`
	Reason           string `json:"reason"`
}

var changeKinds = map[string]bool{workflows.ChangeJoin: true, workflows.ChangeLeave: true,
	workflows.ChangeReplace: true, workflows.ChangeLeader: true}

// check validates the request's shape and returns the effective date; a
// change may be recorded after the fact, or up to a year ahead.
func (req rosterRequest) check(today time.Time) (time.Time, error) {
	f := fields{}
	f.check(req.TeamID != "", "team_id", "required")
	f.check(changeKinds[req.Change], "change", "must be join, leave, replace or leader")
	f.check(req.MemberID != "", "member_id", "required")
	if req.Change == workflows.ChangeReplace {
		f.check(req.ReplacesMemberID != "", "replaces_member_id", "required for a replacement: the member who leaves")
		f.check(req.ReplacesMemberID != req.MemberID, "replaces_member_id", "must differ from member_id")
	} else {
		f.check(req.ReplacesMemberID == "", "replaces_member_id", "only for a replacement")
	}
	eff, err := policy.ParseDate(req.EffectiveOn)
	f.check(err == nil, "effective_on", "must be a date YYYY-MM-DD")
	f.check(err != nil || !eff.After(policy.AddDays(today, 366)), "effective_on", "must be within a year from today")
	checkText(f, "reason", req.Reason, true)
	return eff, f.err()
}

// rosterParties are the team and members a change names, looked up.
type rosterParties struct {
	team     store.Team
	member   store.Member
	replaced *store.Member
}

func (s *Server) recordRosterChange(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if u.Role != policy.RoleCountyBureau && u.Role != policy.RoleUnitHead {
		s.fail(w, r, errf(CodeForbidden, "roster changes are recorded by the county bureau or the member's dispatching unit"))
		return
	}
	var req rosterRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	eff, err := req.check(policy.DayOf(s.now()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	idemKey, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if idemKey != "" {
		if id, err := s.store.IdempotentProcess(ctx, u.ID, idemKey, "roster-changes"); err == nil {
			s.respondRepeated(w, r, u.ID, idemKey, "roster-changes", id)
			return
		} else if !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
	}
	ps, err := s.rosterParties(ctx, req)
	if err == nil {
		err = canRecordRoster(u, ps)
	}
	var in workflows.RosterChangeInput
	if err == nil {
		in, err = s.rosterInput(ctx, u, req, ps, eff)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.reserveAndStart(w, r, in, eff, idemKey)
}

// reserveAndStart checks the change against the ledger under the roster
// lock, reserves it, then starts its workflow; a start that fails releases
// the reservation so the members are not blocked.
func (s *Server) reserveAndStart(w http.ResponseWriter, r *http.Request, in workflows.RosterChangeInput, eff time.Time, idemKey string) {
	ctx := r.Context()
	existing, facts, err := s.store.ReserveRosterChange(ctx, store.RosterReservation{
		Change: store.RosterChange{ID: in.ID, TeamID: in.TeamID, Change: in.Change, MemberID: in.MemberID,
			ReplacesMemberID: in.ReplacesMemberID, EffectiveOn: eff},
		UserID: userOf(r).ID, IdempotencyKey: idemKey,
	})
	var conflict *store.RosterConflict
	switch {
	case errors.As(err, &conflict):
		s.fail(w, r, errf(CodeConflict, "%s", conflict.Message))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	case existing != "": // the same Idempotency-Key won a race
		s.respondRepeated(w, r, userOf(r).ID, idemKey, "roster-changes", existing)
		return
	}
	in.Flags, in.FlagNotes = rosterFlags(facts, in.Rules)
	rc, err := s.startRoster(ctx, in)
	if err != nil {
		s.releaseIfUnstarted(ctx, workflows.RosterChangeWorkflowID(in.ID), func(ctx context.Context) error {
			return s.store.CancelRosterChange(ctx, in.ID)
		})
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rc)
}

// rosterParties looks up the team and members, naming the field of any
// that does not exist.
func (s *Server) rosterParties(ctx context.Context, req rosterRequest) (rosterParties, error) {
	var ps rosterParties
	var err error
	if ps.team, err = s.store.Team(ctx, req.TeamID); err != nil {
		return ps, notFoundField(err, "team_id", "no such team")
	}
	if ps.member, err = s.store.Member(ctx, req.MemberID); err != nil {
		return ps, notFoundField(err, "member_id", "no such member")
	}
	if req.Change == workflows.ChangeReplace {
		m, err := s.store.Member(ctx, req.ReplacesMemberID)
		if err != nil {
			return ps, notFoundField(err, "replaces_member_id", "no such member")
		}
		ps.replaced = &m
	}
	return ps, nil
}

// notFoundField turns a lookup's ErrNotFound into a 400 naming the field.
func notFoundField(err error, field, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fieldErr(map[string]string{field: msg})
	}
	return err
}

// canRecordRoster: the bureau of the team's county, or the head of the
// unit that sent the member (either member, for a replacement).
func canRecordRoster(u store.User, ps rosterParties) error {
	ok := false
	switch u.Role {
	case policy.RoleCountyBureau:
		ok = u.CountyID == ps.team.CountyID
	case policy.RoleUnitHead:
		ok = u.UnitID == ps.member.UnitID || (ps.replaced != nil && u.UnitID == ps.replaced.UnitID)
	}
	if !ok {
		return errf(CodeForbidden, "a change to %s is recorded by the bureau of its county or by the member's dispatching unit", ps.team.Name)
	}
	return nil
}

// rosterInput resolves the policy and offices and computes the filing
// deadline, in China time, before the workflow starts.
func (s *Server) rosterInput(ctx context.Context, u store.User, req rosterRequest, ps rosterParties, eff time.Time) (workflows.RosterChangeInput, error) {
	t := ps.team
	pol, err := s.store.CurrentPolicy(ctx, t.CountyID)
	if err != nil {
		return workflows.RosterChangeInput{}, err
	}
	rules := pol.Rules.Roster
	in := workflows.RosterChangeInput{
		RosterFacts: workflows.RosterFacts{
			ID: uuid.NewString(), TeamID: t.ID, TeamName: t.Name, TownshipID: t.TownshipID, CountyID: t.CountyID,
			Change: req.Change, MemberID: ps.member.ID, MemberName: ps.member.Name, UnitID: ps.member.UnitID,
			EffectiveOn: policy.FormatDate(eff), Reason: req.Reason,
		},
		PolicyVersion: pol.Ref(), Rules: rules,
		FilingDueAt: policy.RosterFilingDue(rules, eff), RecordedBy: actorOf(u),
	}
	if ps.replaced != nil {
		in.ReplacesMemberID, in.ReplacesMemberName, in.ReplacesUnitID = ps.replaced.ID, ps.replaced.Name, ps.replaced.UnitID
	}
	office := func(role string) (workflows.Party, error) {
		id, err := s.store.OfficeID(ctx, role, t.CountyID, t.TownshipID)
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
func (s *Server) startRoster(ctx context.Context, in workflows.RosterChangeInput) (workflows.RosterChange, error) {
	var rc workflows.RosterChange
	err := s.startWith(ctx, client.StartWorkflowOptions{ID: workflows.RosterChangeWorkflowID(in.ID)},
		workflows.RosterChangeWorkflow, in, workflows.RosterRecorded, nil, &rc)
	return rc, err
}

// rosterChangeFor loads a change the caller may see: canSee's scope, plus
// the member replaced and their unit's head.
func (s *Server) rosterChangeFor(r *http.Request) (store.Process, workflows.RosterChange, error) {
	var rc workflows.RosterChange
	p, err := s.store.GetProcess(r.Context(), chi.URLParam(r, "id"))
	if err == nil && p.Kind != workflows.KindRosterChange {
		err = store.ErrNotFound
	}
	if err == nil {
		err = json.Unmarshal(p.Detail, &rc)
	}
	if err != nil {
		return p, rc, err
	}
	u := userOf(r)
	replaced := rc.ReplacesMemberID != "" && ((u.Role == policy.RoleMember && u.MemberID == rc.ReplacesMemberID) ||
		(u.Role == policy.RoleUnitHead && u.UnitID == rc.ReplacesUnitID))
	if !canSee(u, processTarget(p)) && !replaced {
		return p, rc, errf(CodeForbidden, "this roster change is outside your scope")
	}
	return p, rc, nil
}

func (s *Server) getRosterChange(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.rosterChangeFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(p.Detail)
}

func (s *Server) listRosterChanges(w http.ResponseWriter, r *http.Request) {
	s.listKind(w, r, workflows.KindRosterChange)
}

func (s *Server) fileRosterChange(w http.ResponseWriter, r *http.Request) {
	s.rosterUpdate(w, r, workflows.RosterFile)
}

func (s *Server) reportRosterChange(w http.ResponseWriter, r *http.Request) {
	s.rosterUpdate(w, r, workflows.RosterReport)
}

// rosterUpdate sends an acknowledgement (filing or report) and answers
// with the change as it stands after it; the workflow's validator says
// whether it is the caller's to send.
func (s *Server) rosterUpdate(w http.ResponseWriter, r *http.Request, name string) {
	p, _, err := s.rosterChangeFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comment, err := optionalComment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rc workflows.RosterChange
	s.send(w, r, workflows.RosterChangeWorkflowID(p.ID), name,
		workflows.ActorArgs{Actor: actorOf(userOf(r)), Comment: comment}, &rc, closed("this roster change is closed"))
}

// dateParam reads a China date query parameter, today by default.
func (s *Server) dateParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return policy.DayOf(s.now()), nil
	}
	d, err := policy.ParseDate(v)
	if err != nil {
		return d, fieldErr(map[string]string{name: "must be a date YYYY-MM-DD"})
	}
	return d, nil
}

// rosterItem is one line of a team's roster.
type rosterItem struct {
	MemberID   string  `json:"member_id"`
	MemberName string  `json:"member_name"`
	UnitID     string  `json:"unit_id"`
	IsLeader   bool    `json:"is_leader"`
	From       string  `json:"from"`
	To         *string `json:"to"`
}

func dateOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

// teamRoster answers who was on a team on a day, from the ledger.
func (s *Server) teamRoster(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	team, err := s.store.Team(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	on, err := s.dateParam(r, "on")
	if err == nil {
		err = s.canSeeTeam(ctx, userOf(r), team)
	}
	var entries []store.RosterEntry
	if err == nil {
		entries, err = s.store.Roster(ctx, team.ID, on)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]rosterItem, 0, len(entries))
	for _, e := range entries {
		items = append(items, rosterItem{MemberID: e.MemberID, MemberName: e.MemberName, UnitID: e.UnitID,
			IsLeader: e.IsLeader, From: e.From.Format(time.DateOnly), To: dateOrNil(e.To)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"team_id": team.ID, "team_name": team.Name, "county_id": team.CountyID,
		"on": policy.FormatDate(on), "items": items})
}

// canSeeTeam: county offices of the team's county and city offices, the
// township committee, and units heads and members who served on the team.
func (s *Server) canSeeTeam(ctx context.Context, u store.User, t store.Team) error {
	ok := canSeeCounty(u, t.CountyID) || (u.Role == policy.RoleTownshipCommittee && u.TownshipID == t.TownshipID)
	if !ok && (u.Role == policy.RoleMember || u.Role == policy.RoleUnitHead) {
		member, unit := u.MemberID, ""
		if u.Role == policy.RoleUnitHead {
			member, unit = "", u.UnitID
		}
		var err error
		if ok, err = s.store.ServedOnTeam(ctx, t.ID, member, unit); err != nil {
			return err
		}
	}
	if !ok {
		return errf(CodeForbidden, "the roster of %s is outside your scope", t.Name)
	}
	return nil
}

// ledgerItem is one membership of the ledger.
type ledgerItem struct {
	store.LedgerRow
	From string  `json:"from"`
	To   *string `json:"to"`
}

// ledger lists a county's memberships in force on a day (all counties for
// a city office that names none), or their whole history with
// history=true; format=xlsx downloads it.
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	q := r.URL.Query()
	county := q.Get("county")
	if county == "" && !isCityOffice(u) {
		county = u.CountyID
	}
	if !canSeeCounty(u, county) {
		s.fail(w, r, errf(CodeForbidden, "the ledger is for county and city offices, each in its scope"))
		return
	}
	f := fields{}
	history, herr := strconv.ParseBool(q.Get("history"))
	f.check(q.Get("history") == "" || herr == nil, "history", "must be true or false")
	format := q.Get("format")
	f.check(format == "" || format == "json" || format == "xlsx", "format", "must be json or xlsx")
	on, err := s.dateParam(r, "on")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := f.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if county != "" {
		if _, _, err := s.store.County(r.Context(), county); err != nil {
			s.fail(w, r, notFoundField(err, "county", "no such county"))
			return
		}
	}
	var day *time.Time
	if !history {
		day = &on
	}
	rows, err := s.store.Ledger(r.Context(), county, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format == "xlsx" {
		s.writeLedgerXLSX(w, r, ledgerFileName(county, day), rows)
		return
	}
	items := make([]ledgerItem, 0, len(rows))
	for _, row := range rows {
		items = append(items, ledgerItem{LedgerRow: row, From: row.From.Format(time.DateOnly), To: dateOrNil(row.To)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"county_id": county, "on": dateOrNil(day), "history": history, "items": items})
}
