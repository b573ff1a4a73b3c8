package actions

// Spot checks (查岗, article 13): records the city or county bureau makes
// of each check, one member or a whole team in one call. An absent result
// opens the article 18 absence chain, linked to the check; supervisors
// see counts by place, channel and result, never a member ranked.

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// MaxSpotCheckMembers bounds one call (a team is a handful).
const MaxSpotCheckMembers = 50

// SpotCheckRequest is one check: of member_id, or of every member of
// team_id on the day; result applies to all unless results names one.
type SpotCheckRequest struct {
	MemberID  string             `json:"member_id"`
	TeamID    string             `json:"team_id"`
	CheckedAt string             `json:"checked_at"`
	Channel   string             `json:"channel"`
	Result    string             `json:"result"`
	CoverKind string             `json:"cover_kind"`
	Note      string             `json:"note"`
	Results   []SpotMemberResult `json:"results"`
}

// SpotMemberResult is one member's result where it differs from the call's.
type SpotMemberResult struct {
	MemberID  string `json:"member_id"`
	Result    string `json:"result"`
	CoverKind string `json:"cover_kind"`
	Note      string `json:"note"`
}

// SpotCheckResult is what was recorded: every member's row and the
// absences opened.
type SpotCheckResult struct {
	BatchID  string            `json:"batch_id"`
	Checks   []store.SpotCheck `json:"checks"`
	Absences []string          `json:"absences"`
}

var spotChannels = []string{"video", "phone", "on_site", "online"}

// Check validates the request's own fields at now.
func (req SpotCheckRequest) Check(now time.Time) (time.Time, error) {
	f := errs.Fields{}
	f.Check((req.MemberID == "") != (req.TeamID == ""), "member_id", errs.MsgSpotCheckWho)
	at, err := time.Parse(time.RFC3339, req.CheckedAt)
	f.Check(err == nil, "checked_at", errs.MsgInstant)
	if err == nil {
		f.Check(!at.After(now), "checked_at", errs.MsgNotFuture)
		f.Check(at.In(policy.China).Year() >= policy.MinYear, "checked_at", errs.MsgNotBeforeYear, policy.MinYear)
	}
	f.Check(contains(spotChannels, req.Channel), "channel", errs.MsgSpotCheckChannel)
	checkResult(f, "", req.Result, req.CoverKind)
	checkText(f, "note", req.Note, false)
	f.Check(len(req.Results) <= MaxSpotCheckMembers, "results", errs.MsgSpotCheckTooMany, MaxSpotCheckMembers)
	for _, r := range req.Results {
		f.Check(r.MemberID != "", "results.member_id", errs.MsgRequired)
		checkResult(f, "results.", r.Result, r.CoverKind)
		checkText(f, "results.note", r.Note, false)
	}
	return at, f.Err()
}

func checkResult(f errs.Fields, prefix, result, cover string) {
	f.Check(result == "present" || result == "absent" || result == "excused", prefix+"result", errs.MsgSpotCheckResult)
	f.Check((result == "excused") == (cover == "leave" || cover == "trip") && (result == "excused" || cover == ""),
		prefix+"cover_kind", errs.MsgSpotCheckCover)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// RecordSpotCheck records a check. Everything is validated first (each
// member in the recorder's scope, each excuse covered, each absence's
// input built), so a bad result records nothing.
func (a *Actions) RecordSpotCheck(ctx context.Context, u User, req SpotCheckRequest) (SpotCheckResult, error) {
	if u.Role != policy.RoleCityBureau && u.Role != policy.RoleCountyBureau {
		return SpotCheckResult{}, errs.New(errs.Forbidden, errs.MsgSpotCheckRecorders)
	}
	at, err := req.Check(a.now())
	if err != nil {
		return SpotCheckResult{}, err
	}
	members, err := a.checkedMembers(ctx, u, req, at)
	if err != nil {
		return SpotCheckResult{}, err
	}
	res := SpotCheckResult{BatchID: uuid.NewString(), Absences: []string{}}
	var absences []workflows.AbsenceInput
	var absentRows []int
	for _, m := range members {
		c, in, err := a.spotCheckRow(ctx, u, req, m, at)
		if err != nil {
			return SpotCheckResult{}, err
		}
		c.BatchID = res.BatchID
		if in != nil {
			absences = append(absences, *in)
			absentRows = append(absentRows, len(res.Checks))
		}
		res.Checks = append(res.Checks, c)
	}
	if err := a.store.InsertSpotChecks(ctx, res.Checks); err != nil {
		return SpotCheckResult{}, err
	}
	for i, in := range absences {
		if _, err := a.startAbsence(ctx, in); err != nil {
			return res, err
		}
		row := &res.Checks[absentRows[i]]
		row.AbsenceID = in.ID
		if err := a.store.LinkSpotCheckAbsence(ctx, row.ID, in.ID); err != nil {
			return res, err
		}
		res.Absences = append(res.Absences, in.ID)
	}
	return res, nil
}

// checkedMembers: the member named, or the team's roster on the day;
// each must be in a county bureau's own county.
func (a *Actions) checkedMembers(ctx context.Context, u User, req SpotCheckRequest, at time.Time) ([]store.MemberContext, error) {
	ids := []string{req.MemberID}
	if req.TeamID != "" {
		team, err := a.store.Team(ctx, req.TeamID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errs.Field("team_id", errs.MsgSpotCheckTeam)
		} else if err != nil {
			return nil, err
		}
		if u.Role == policy.RoleCountyBureau && team.CountyID != u.CountyID {
			return nil, errs.New(errs.Forbidden, errs.MsgAbsenceOwnCounty)
		}
		roster, err := a.store.Roster(ctx, req.TeamID, at.In(policy.China))
		if err != nil {
			return nil, err
		}
		if len(roster) == 0 {
			return nil, errs.Field("team_id", errs.MsgSpotCheckTeam)
		}
		ids = ids[:0]
		for _, e := range roster {
			ids = append(ids, e.MemberID)
		}
	}
	var out []store.MemberContext
	for _, id := range ids {
		mc, err := a.store.MemberContext(ctx, id, at)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errs.Field("member_id", errs.MsgUnknownMember)
		} else if err != nil {
			return nil, err
		}
		if st, err := a.store.MemberStanding(ctx, id, at); err != nil {
			return nil, err
		} else if st.TeamID == "" {
			return nil, errs.New(errs.Conflict, errs.MsgAbsenceNotOnTeam, at.In(policy.China).Format("2006-01-02 15:04"))
		}
		if u.Role == policy.RoleCountyBureau && mc.CountyID != u.CountyID {
			return nil, errs.New(errs.Forbidden, errs.MsgAbsenceOwnCounty)
		}
		out = append(out, mc)
	}
	return out, nil
}

// spotCheckRow is one member's row and, when absent, the absence to open.
func (a *Actions) spotCheckRow(ctx context.Context, u User, req SpotCheckRequest, m store.MemberContext, at time.Time) (store.SpotCheck, *workflows.AbsenceInput, error) {
	result, cover, note := req.Result, req.CoverKind, req.Note
	for _, r := range req.Results {
		if r.MemberID == m.MemberID {
			result, cover, note = r.Result, r.CoverKind, r.Note
		}
	}
	c := store.SpotCheck{ID: uuid.NewString(), MemberID: m.MemberID, MemberName: m.MemberName, TeamID: m.TeamID,
		TownshipID: m.TownshipID, CountyID: m.CountyID, CheckedAt: at.In(policy.China), Channel: req.Channel,
		Result: result, CoverKind: cover, Note: note, RecordedBy: u.Username}
	switch result {
	case "excused":
		id, err := a.coverOf(ctx, m.MemberID, cover, at)
		if err != nil {
			return c, nil, err
		}
		c.CoverID = id
	case "absent":
		method := "online"
		if req.Channel == "on_site" {
			method = "onsite"
		}
		ar := AbsenceRequest{MemberID: m.MemberID, FoundAt: req.CheckedAt, Method: method, Note: spotNote(req.Channel, note)}
		in, err := a.absenceInput(ctx, u, ar, at)
		if err != nil {
			return c, nil, err
		}
		return c, &in, nil
	}
	return c, nil, nil
}

// coverOf is the approved leave or the trip covering the member at at.
func (a *Actions) coverOf(ctx context.Context, member, kind string, at time.Time) (string, error) {
	var id, name string
	if kind == "leave" {
		name = "请假"
		lc, err := a.store.LeaveCovering(ctx, member, at)
		if err != nil {
			return "", err
		}
		if lc != nil {
			id = lc.LeaveID
		}
	} else {
		name = "外出报备"
		var err error
		if id, err = a.store.TripCovering(ctx, member, at); err != nil {
			return "", err
		}
	}
	if id == "" {
		return "", errs.Field("cover_kind", errs.MsgSpotCheckNoCover, name)
	}
	return id, nil
}

var channelNames = map[string]string{"video": "视频", "phone": "电话", "on_site": "实地", "online": "线上"}

func spotNote(channel, note string) string {
	s := "查岗（" + channelNames[channel] + "）"
	if note != "" {
		s += "：" + note
	}
	return s
}

// SpotCheckSummary counts checks by township, channel and result over a
// month (?month=YYYY-MM, default this one) in a county (?county=, a
// county office's own), for county and city offices.
func (a *Actions) SpotCheckSummary(ctx context.Context, u User, q Query) (List[store.SpotCheckCount], error) {
	county, from, to, err := a.presenceRange(u, q)
	if err != nil {
		return List[store.SpotCheckCount]{}, err
	}
	rows, err := a.store.SpotCheckSummary(ctx, county, from, to)
	if rows == nil {
		rows = []store.SpotCheckCount{}
	}
	return List[store.SpotCheckCount]{Items: rows}, err
}

// ListSpotChecks is the checks recorded, for the offices that record and
// supervise them (the same range as the summary).
func (a *Actions) ListSpotChecks(ctx context.Context, u User, q Query) (List[store.SpotCheck], error) {
	county, from, to, err := a.presenceRange(u, q)
	if err != nil {
		return List[store.SpotCheck]{}, err
	}
	rows, err := a.store.ListSpotChecks(ctx, county, from, to, 500)
	if rows == nil {
		rows = []store.SpotCheck{}
	}
	return List[store.SpotCheck]{Items: rows}, err
}

// presenceRange reads ?county= and ?month= for county and city offices.
func (a *Actions) presenceRange(u User, q Query) (county string, from, to time.Time, err error) {
	county = q.Get("county")
	if u.Role == policy.RoleCountyOrgDept || u.Role == policy.RoleCountyBureau {
		if county == "" {
			county = u.CountyID
		}
	}
	if (county != "" && !canSeeCounty(u, county)) || (county == "" && !isCityOffice(u)) {
		return "", from, to, errs.New(errs.Forbidden, errs.MsgPresenceScope)
	}
	month := q.Get("month")
	if month == "" {
		month = a.now().In(policy.China).Format("2006-01")
	}
	from, perr := time.ParseInLocation("2006-01", month, policy.China)
	if perr != nil {
		return "", from, to, errs.Field("month", errs.MsgMonth)
	}
	return county, from, from.AddDate(0, 1, 0), nil
}
