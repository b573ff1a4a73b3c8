package actions

// The yearly duties' records and steps (articles 11, 19, 23) and the team
// make-up flags (article 8). A record is stored first, then the duty's
// process is asked to recheck: what counts is decided by SQL over the
// records, never carried by the request into the workflow.

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/obligations"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// TrainingRequest is one training and everyone who attended it.
type TrainingRequest struct {
	Title     string   `json:"title"`
	Level     string   `json:"level"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Days      int      `json:"days"`
	MemberIDs []string `json:"member_ids"`
}

// maxTrainingDays bounds one training's days.
const maxTrainingDays = 60

// Check validates every field, naming each at fault.
func (r *TrainingRequest) Check() error {
	f := errs.Fields{}
	r.Title = strings.TrimSpace(r.Title)
	f.Check(r.Title != "" && utf8.RuneCountInString(r.Title) <= 200, "title", errs.MsgTrainingTitle)
	f.Check(slices.Contains(policy.TrainingLevels, r.Level), "level", errs.MsgTrainingLevel, strings.Join(policy.TrainingLevels, ", "))
	from, err1 := policy.ParseDate(r.From)
	to, err2 := policy.ParseDate(r.To)
	datesOK := err1 == nil && err2 == nil && !to.Before(from)
	f.Check(datesOK, "from", errs.MsgTrainingDates)
	span := 0
	if datesOK {
		span = int(to.Sub(from).Hours()/24+0.5) + 1
	}
	f.Check(r.Days >= 1 && r.Days <= maxTrainingDays && (!datesOK || r.Days <= span), "days", errs.MsgTrainingDays, maxTrainingDays)
	seen := map[string]bool{}
	dup := false
	for _, id := range r.MemberIDs {
		dup = dup || seen[id] || id == ""
		seen[id] = true
	}
	f.Check(len(r.MemberIDs) >= 1 && len(r.MemberIDs) <= 500 && !dup, "member_ids", errs.MsgTrainingMembers)
	return f.Err()
}

// RecordTraining stores a training for its attendees (the county bureau
// only, for members serving in its county) and has each attendee's
// training duty of that year recount.
func (a *Actions) RecordTraining(ctx context.Context, u User, req TrainingRequest) (store.Training, error) {
	if err := a.MayRecordTraining(u); err != nil {
		return store.Training{}, err
	}
	if err := req.Check(); err != nil {
		return store.Training{}, err
	}
	today := policy.DayOf(a.now())
	out, err := a.store.NotServingIn(ctx, u.CountyID, req.MemberIDs, today)
	if err != nil {
		return store.Training{}, err
	}
	if len(out) > 0 {
		return store.Training{}, errs.Field("member_ids", errs.MsgTrainingNotMine, strings.Join(out, ", "))
	}
	t := store.Training{CountyID: u.CountyID, Title: req.Title, Level: req.Level, From: req.From, To: req.To,
		Days: req.Days, MemberIDs: req.MemberIDs, RecordedBy: u.Username}
	if err := a.store.InsertTraining(ctx, &t); err != nil {
		return store.Training{}, err
	}
	from, _ := policy.ParseDate(req.From)
	pol, err := a.store.CurrentPolicy(ctx, u.CountyID)
	if err != nil {
		return t, err
	}
	for _, m := range req.MemberIDs {
		s, err := a.serving(ctx, m, today)
		if err == nil {
			err = a.starter().Recheck(ctx, obligations.TrainingInput(s, from.Year(), pol))
		}
		if err != nil {
			// The record stands; the duty counts it at its next recheck.
			a.logger(ctx).Warn("training recorded, recheck not sent", zap.String("member", m), zap.Error(err))
		}
	}
	return t, nil
}

func (a *Actions) starter() obligations.Starter {
	return obligations.Starter{Store: a.store, Temporal: a.tc, Keys: a.keys}
}

// serving is the member where they serve on day, as the duties need it.
func (a *Actions) serving(ctx context.Context, member string, day time.Time) (store.Serving, error) {
	mc, err := a.store.MemberContext(ctx, member, day)
	if err != nil {
		return store.Serving{}, err
	}
	return store.Serving{MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID, UnitName: mc.UnitName,
		TeamID: mc.TeamID, TeamName: mc.TeamName, TownshipID: mc.TownshipID, CountyID: mc.CountyID,
		BureauID: mc.CountyBureauID}, nil
}

// SupportRequest is a hearing (Who "") or a visit of the unit to a team.
type SupportRequest struct {
	TeamID string `json:"team_id"`
	On     string `json:"on"`
	Who    string `json:"who,omitempty"`
	Name   string `json:"name,omitempty"`
	Note   string `json:"note"`
}

// RecordHearing: the unit's party committee heard the team's report.
func (a *Actions) RecordHearing(ctx context.Context, u User, req SupportRequest) (store.SupportRecord, error) {
	return a.recordSupport(ctx, u, req, workflows.ObligationHearing)
}

// RecordVisit: the unit's principal or another leader visited the village.
func (a *Actions) RecordVisit(ctx context.Context, u User, req SupportRequest) (store.SupportRecord, error) {
	return a.recordSupport(ctx, u, req, workflows.ObligationVisits)
}

func (a *Actions) recordSupport(ctx context.Context, u User, req SupportRequest, typ string) (store.SupportRecord, error) {
	if u.Role != policy.RoleUnitHead || u.UnitID == "" {
		return store.SupportRecord{}, errs.New(errs.Forbidden, errs.MsgSupportUnitHead)
	}
	now := a.now()
	f := errs.Fields{}
	on, err := policy.ParseDate(req.On)
	f.Check(err == nil && !on.After(now), "on", errs.MsgSupportDate)
	if typ == workflows.ObligationVisits {
		req.Name = strings.TrimSpace(req.Name)
		f.Check(req.Who == "principal" || req.Who == "leader", "who", errs.MsgSupportWho)
		f.Check(req.Name != "" && utf8.RuneCountInString(req.Name) <= 50, "name", errs.MsgSupportName)
	}
	f.Check(utf8.RuneCountInString(req.Note) <= 500, "note", errs.MsgSupportName)
	serves := false
	if req.TeamID != "" {
		if serves, err = a.store.UnitServesTeam(ctx, u.UnitID, req.TeamID, policy.DayOf(now)); err != nil {
			return store.SupportRecord{}, err
		}
	}
	f.Check(serves, "team_id", errs.MsgSupportTeam)
	if err := f.Err(); err != nil {
		return store.SupportRecord{}, err
	}
	r := store.SupportRecord{UnitID: u.UnitID, TeamID: req.TeamID, Who: req.Who, Name: req.Name, On: req.On,
		Note: strings.TrimSpace(req.Note), RecordedBy: u.Username}
	if typ == workflows.ObligationHearing {
		r.Who, r.Name = "", ""
		err = a.store.InsertHearing(ctx, &r)
	} else {
		err = a.store.InsertVisit(ctx, &r)
	}
	if err != nil {
		return r, err
	}
	if err := a.recheckSupport(ctx, r, on, typ); err != nil {
		a.logger(ctx).Warn("support recorded, recheck not sent", zap.String("unit", r.UnitID), zap.Error(err))
	}
	return r, nil
}

func (a *Actions) recheckSupport(ctx context.Context, r store.SupportRecord, on time.Time, typ string) error {
	team, err := a.store.Team(ctx, r.TeamID)
	if err != nil {
		return err
	}
	offices, err := a.store.CountyOffices(ctx, team.CountyID)
	if err != nil {
		return err
	}
	pol, err := a.store.CurrentPolicy(ctx, team.CountyID)
	if err != nil {
		return err
	}
	unit := ""
	if p, err := a.store.UnitName(ctx, r.UnitID); err == nil {
		unit = p
	}
	s := store.Serving{UnitID: r.UnitID, UnitName: unit, TeamID: team.ID, TeamName: team.Name,
		TownshipID: team.TownshipID, CountyID: team.CountyID, BureauID: offices.BureauID}
	in := obligations.VisitsInput(s, on.Year(), pol)
	if typ == workflows.ObligationHearing {
		half := 1
		if on.Month() > time.June {
			half = 2
		}
		in = obligations.HearingInput(s, on.Year(), half, pol)
	}
	return a.starter().Recheck(ctx, in)
}

// SupportList is a unit's hearings and visits of a year.
type SupportList struct {
	Year  int                   `json:"year"`
	Items []store.SupportRecord `json:"items"`
}

// SupportRecords are the caller's unit's hearings and visits of a year
// ("" for this China year).
func (a *Actions) SupportRecords(ctx context.Context, u User, year string) (SupportList, error) {
	if u.Role != policy.RoleUnitHead || u.UnitID == "" {
		return SupportList{}, errs.New(errs.Forbidden, errs.MsgSupportUnitHead)
	}
	y := a.now().In(policy.China).Year()
	if year != "" {
		n, err := strconv.Atoi(year)
		if err != nil || n < policy.MinYear || n > policy.MaxYear {
			return SupportList{}, errs.Field("year", errs.MsgAssessYear, policy.MinYear, policy.MaxYear)
		}
		y = n
	}
	list, err := a.store.SupportRecords(ctx, u.UnitID, y)
	return SupportList{Year: y, Items: list}, err
}

// ResultRequest is a unit head's assessment result.
type ResultRequest struct {
	Ref
	Result string `json:"result"`
	Note   string `json:"note"`
}

// Check validates the result and note, naming each field.
func (r ResultRequest) Check() error {
	f := errs.Fields{}
	f.Check(slices.Contains(workflows.AssessmentResults, strings.TrimSpace(r.Result)), "result", errs.MsgAssessResult)
	f.Check(utf8.RuneCountInString(r.Note) <= 1000, "note", errs.MsgAssessResult)
	return f.Err()
}

// Assessment reads one assessment the caller may see.
func (a *Actions) Assessment(ctx context.Context, u User, id string) (workflows.Assessment, error) {
	var as workflows.Assessment
	p, err := a.processOf(ctx, u, id, workflows.KindAssessment, errs.MsgAssessUnitHead)
	if err == nil {
		err = json.Unmarshal(p.Detail, &as)
	}
	return as, err
}

// RecordAssessment: the member's unit head records the year's result.
func (a *Actions) RecordAssessment(ctx context.Context, u User, req ResultRequest) (workflows.Assessment, error) {
	as, err := a.Assessment(ctx, u, req.ID)
	if err == nil && (u.Role != policy.RoleUnitHead || u.UnitID != as.UnitID) {
		// The workflow decides too; this answers before the body is read.
		err = errs.New(errs.Forbidden, errs.MsgAssessUnitHead)
	}
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return as, err
	}
	var out workflows.Assessment
	err = a.send(ctx, workflows.AssessmentWorkflowID(as.MemberID, as.Year), workflows.AssessmentRecord,
		workflows.ResultArgs{Actor: actorOf(u), Result: req.Result, Note: req.Note}, &out, closed(errs.MsgAssessAcked))
	return out, err
}

// AckAssessment: the county bureau acknowledges the result.
func (a *Actions) AckAssessment(ctx context.Context, u User, req CommentRequest) (workflows.Assessment, error) {
	as, err := a.Assessment(ctx, u, req.ID)
	if err == nil && (u.Role != policy.RoleCountyBureau || u.CountyID != as.CountyID) {
		err = errs.New(errs.Forbidden, errs.MsgAssessBureau)
	}
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return as, err
	}
	var out workflows.Assessment
	err = a.send(ctx, workflows.AssessmentWorkflowID(as.MemberID, as.Year), workflows.AssessmentAck,
		workflows.ActorArgs{Actor: actorOf(u), Comment: req.Comment}, &out, closed(errs.MsgAssessAcked))
	return out, err
}

// TeamFlags lists a county's team make-up flags (article 8): open ones,
// and those resolved in the last 30 days.
func (a *Actions) TeamFlags(ctx context.Context, u User, county string) ([]store.TeamFlag, error) {
	if county == "" {
		county = u.CountyID
	}
	if !canSeeCounty(u, county) || county == "" {
		return nil, errs.New(errs.Forbidden, errs.MsgFlagsCounty)
	}
	return a.store.TeamFlags(ctx, county, a.now().Add(-30*24*time.Hour))
}

// CheckTeamsNow runs article 8's check for the caller's county at once
// (the daily job does it every morning), so a fixed team is seen fixed.
func (a *Actions) CheckTeamsNow(ctx context.Context, u User) (int, error) {
	if u.Role != policy.RoleCountyBureau || u.CountyID == "" {
		return 0, errs.New(errs.Forbidden, errs.MsgFlagsOffices)
	}
	pol, err := a.store.CurrentPolicy(ctx, u.CountyID)
	if err != nil {
		return 0, err
	}
	now := a.now()
	return a.store.CheckTeams(ctx, u.CountyID, policy.DayOf(now), now, pol.Rules.Roster.MinTeamSize, pol.Rules.Roster.MinTermYears)
}

// UnitTeams are the teams the caller's unit has members on (a unit head).
func (a *Actions) UnitTeams(ctx context.Context, u User) ([]store.Team, error) {
	if u.Role != policy.RoleUnitHead || u.UnitID == "" {
		return nil, errs.New(errs.Forbidden, errs.MsgSupportUnitHead)
	}
	return a.store.UnitTeams(ctx, u.UnitID, policy.DayOf(a.now()))
}

// MayRecordTraining: trainings are entered by a county bureau.
func (a *Actions) MayRecordTraining(u User) error {
	if u.Role != policy.RoleCountyBureau || u.CountyID == "" {
		return errs.New(errs.Forbidden, errs.MsgTrainingOffices)
	}
	return nil
}
