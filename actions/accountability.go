package actions

// Articles 18 and 20: the month's circulation (通报) read, issued and
// downloaded; interviews (约谈) opened by an office, scheduled and recorded
// by the county bureau, and counted in the unit's record; a member's
// recall (召回) by their unit's head or the county bureau.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// CirculationView is a circulation; Format is what the caller asked for.
type CirculationView struct {
	workflows.Circulation
	Format string `json:"-"`
}

// cityOf is the city a county or city office belongs to; others may not
// read circulations.
func (a *Actions) cityOf(ctx context.Context, u User) (string, error) {
	switch u.Role {
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau, policy.RoleCityOrgDept, policy.RoleCityBureau:
		return a.store.CityOfOffice(ctx, u.OfficeID)
	case policy.RoleAdmin:
		return a.store.CityOfOffice(ctx, "")
	}
	return "", errs.New(errs.Forbidden, errs.MsgCirculationScope)
}

// Circulation is a month's circulation ("YYYY-MM"; ?format=xlsx for the
// spreadsheet), for every county and city office of the city.
func (a *Actions) Circulation(ctx context.Context, u User, month string, q Query) (CirculationView, error) {
	if err := checkParams(q, "format"); err != nil {
		return CirculationView{}, err
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "xlsx" {
		return CirculationView{}, errs.Field("format", errs.MsgOneOf, "json, xlsx")
	}
	city, err := a.cityOf(ctx, u)
	if err != nil {
		return CirculationView{}, err
	}
	if _, _, err := policy.ParseCycle(month); err != nil {
		return CirculationView{}, errs.Field("month", errs.MsgMonth)
	}
	var v CirculationView
	p, err := a.store.GetProcess(ctx, workflows.CirculationProcessID(city, month))
	if errors.Is(err, store.ErrNotFound) {
		return v, errs.New(errs.NotFound, errs.MsgCirculationNone, month)
	}
	if err == nil {
		err = json.Unmarshal(p.Detail, &v.Circulation)
	}
	v.Format = format
	return v, err
}

// IssueRequest is the city bureau issuing a month's circulation.
type IssueRequest struct {
	Month    string `json:"-"`
	Foreword string `json:"foreword"`
}

// IssueCirculation issues the month's circulation: the city bureau only,
// once; the workflow checks both again by its own state.
func (a *Actions) IssueCirculation(ctx context.Context, u User, req IssueRequest) (workflows.Circulation, error) {
	var c workflows.Circulation
	if u.Role != policy.RoleCityBureau {
		return c, errs.New(errs.Forbidden, errs.MsgCirculationCityOnly)
	}
	f := errs.Fields{}
	checkText(f, "foreword", req.Foreword, false)
	if err := f.Err(); err != nil {
		return c, err
	}
	cur, err := a.Circulation(ctx, u, req.Month, Query{})
	if err != nil {
		return c, err
	}
	if cur.Status == workflows.CirculationIssued {
		return c, errs.New(errs.Conflict, errs.MsgCirculationIssued)
	}
	err = a.send(ctx, workflows.CirculationWorkflowID(cur.CityID, req.Month), workflows.CirculationIssue,
		workflows.IssueArgs{Actor: actorOf(u), Foreword: req.Foreword}, &c, closed(errs.MsgCirculationIssued))
	return c, err
}

var circulationHeaders = []string{"县（区）", "队员", "派出单位", "工作队", "发现时间", "情况说明"}

var explanationNames = map[string]string{
	workflows.ItemOnTime: "按时签字", workflows.ItemLate: "逾期签字",
	workflows.ItemMissing: "未提交", workflows.ItemClosed: "县级已关闭",
}

var countyReportNames = map[string]string{
	workflows.CountyReportedLate: "逾期报送", workflows.CountyNotReported: "未报送",
}

// CirculationSheet is the circulation as a workbook: the named absences,
// then the counties that reported late or not at all.
func CirculationSheet(v CirculationView) Sheet {
	return Sheet{Name: fmt.Sprintf("circulation-%s.xlsx", v.Month),
		Write: func(w io.Writer) error { return circulationXLSX(w, v) }}
}

func circulationXLSX(out io.Writer, v CirculationView) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "通报"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	status := "草稿（未印发）"
	if v.IssuedAt != nil {
		status = "印发于 " + reportTime(v.IssuedAt) + "（" + v.IssuedBy + "）"
	}
	rows := [][]any{{v.Month + " 驻村工作队缺岗情况通报"}, {status}, {v.Foreword}, {}, reportCells(circulationHeaders)}
	for _, it := range v.Items {
		rows = append(rows, []any{it.CountyName, it.MemberName, it.UnitName, it.TeamName,
			reportTime(&it.FoundAt), explanationNames[it.Explanation]})
	}
	rows = append(rows, []any{}, []any{"县（区）", "月度汇总"})
	for _, c := range v.Counties {
		rows = append(rows, []any{c.CountyName, countyReportNames[c.Report] + " " + reportTime(c.SubmittedAt)})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "F", 18); err != nil {
		return err
	}
	return f.Write(out)
}

// InterviewRequest is an office deciding an interview of a unit's principal.
type InterviewRequest struct {
	UnitID   string `json:"unit_id"`
	CountyID string `json:"county_id"`
	MemberID string `json:"member_id"`
	Reason   string `json:"reason"`
	// IdempotencyKey is the Idempotency-Key header: required, it is the
	// interview's key, so a repeated request opens nothing twice.
	IdempotencyKey string `json:"-"`
}

// OpenInterview opens an interview a county office (of its county) or a
// city office (of a county it names) decided.
func (a *Actions) OpenInterview(ctx context.Context, u User, req InterviewRequest) (workflows.Interview, error) {
	var iv workflows.Interview
	switch {
	case u.Role == policy.RoleCountyOrgDept || u.Role == policy.RoleCountyBureau:
		if req.CountyID != "" && req.CountyID != u.CountyID {
			return iv, errs.New(errs.Forbidden, errs.MsgInterviewScope)
		}
		req.CountyID = u.CountyID
	case u.Role == policy.RoleCityOrgDept || u.Role == policy.RoleCityBureau:
	default:
		return iv, errs.New(errs.Forbidden, errs.MsgInterviewOpeners)
	}
	f := errs.Fields{}
	f.Check(req.UnitID != "", "unit_id", errs.MsgRequired)
	f.Check(req.CountyID != "", "county_id", errs.MsgRequired)
	f.Check(req.IdempotencyKey != "", "Idempotency-Key", errs.MsgRequired)
	checkText(f, "reason", req.Reason, true)
	if err := f.Err(); err != nil {
		return iv, err
	}
	if err := checkIdempotencyKey(req.IdempotencyKey); err != nil {
		return iv, err
	}
	unit, err := a.store.Unit(ctx, req.UnitID)
	if err != nil {
		return iv, notFoundField(err, "unit_id", errs.MsgAcctUnknownUnit)
	}
	offices, err := a.store.CountyOffices(ctx, req.CountyID)
	if err != nil {
		return iv, notFoundField(err, "county_id", errs.MsgUnknownCounty)
	}
	var member store.Member
	if req.MemberID != "" {
		if member, err = a.store.Member(ctx, req.MemberID); err != nil {
			return iv, notFoundField(err, "member_id", errs.MsgUnknownMember)
		}
	}
	pol, err := a.store.CurrentPolicy(ctx, req.CountyID)
	if err != nil {
		return iv, err
	}
	wid := workflows.DecidedInterviewWorkflowID(u.ID.String() + "/" + req.IdempotencyKey)
	in := workflows.NewInterviewInput(wid, workflows.InterviewParties{CountyID: req.CountyID, BureauID: offices.BureauID,
		UnitID: unit.ID, UnitName: unit.Name, Principal: unit.Principal},
		workflows.TriggerDecided, req.Reason, actorOf(u), a.now(), pol)
	in.MemberID, in.MemberName = member.ID, member.Name
	err = a.startWith(ctx, client.StartWorkflowOptions{ID: wid}, workflows.InterviewWorkflow, in,
		workflows.InterviewRecorded, nil, &iv)
	return iv, err
}

// interviewFor loads an interview the caller may see.
func (a *Actions) interviewFor(ctx context.Context, u User, id string) (store.Process, workflows.Interview, error) {
	var iv workflows.Interview
	p, err := a.processOf(ctx, u, id, workflows.KindInterview, errs.MsgInterviewScope)
	if err == nil {
		err = json.Unmarshal(p.Detail, &iv)
	}
	return p, iv, err
}

// GetInterview is one interview.
func (a *Actions) GetInterview(ctx context.Context, u User, id string) (workflows.Interview, error) {
	_, iv, err := a.interviewFor(ctx, u, id)
	return iv, err
}

// ListInterviews is the interviews in scope, filtered as the processes are.
func (a *Actions) ListInterviews(ctx context.Context, u User, q Query) (List[json.RawMessage], error) {
	return a.listKind(ctx, u, q, workflows.KindInterview)
}

// ScheduleRequest fixes an interview's date and place.
type ScheduleRequest struct {
	Ref
	Date  string `json:"date"`
	Place string `json:"place"`
}

// ScheduleInterview is the county bureau fixing (or moving) the date and place.
func (a *Actions) ScheduleInterview(ctx context.Context, u User, req ScheduleRequest) (workflows.Interview, error) {
	_, cur, err := a.interviewFor(ctx, u, req.ID)
	if err != nil {
		return workflows.Interview{}, err
	}
	f := errs.Fields{}
	_, derr := policy.ParseDate(req.Date)
	f.Check(derr == nil, "date", errs.MsgDate)
	checkText(f, "place", req.Place, true)
	if err := f.Err(); err != nil {
		return workflows.Interview{}, err
	}
	var iv workflows.Interview
	err = a.send(ctx, cur.WorkflowID, workflows.InterviewSchedule,
		workflows.ScheduleArgs{Actor: actorOf(u), Date: req.Date, Place: req.Place}, &iv, closed(errs.MsgInterviewHeld))
	return iv, err
}

// HeldRequest records that an interview was held.
type HeldRequest struct {
	Ref
	Note string `json:"note"`
}

// HoldInterview is the county bureau recording the interview as held, with a note.
func (a *Actions) HoldInterview(ctx context.Context, u User, req HeldRequest) (workflows.Interview, error) {
	_, cur, err := a.interviewFor(ctx, u, req.ID)
	if err != nil {
		return workflows.Interview{}, err
	}
	f := errs.Fields{}
	checkText(f, "note", req.Note, true)
	if err := f.Err(); err != nil {
		return workflows.Interview{}, err
	}
	var iv workflows.Interview
	err = a.send(ctx, cur.WorkflowID, workflows.InterviewHold,
		workflows.ActorArgs{Actor: actorOf(u), Comment: req.Note}, &iv, closed(errs.MsgInterviewHeld))
	return iv, err
}

// UnitRecord is a unit's interviews: how many, held, open, overdue, and each.
type UnitRecord struct {
	UnitID   string                `json:"unit_id"`
	UnitName string                `json:"unit_name"`
	Total    int                   `json:"total"`
	Held     int                   `json:"held"`
	Open     int                   `json:"open"`
	Overdue  int                   `json:"overdue"`
	Items    []workflows.Interview `json:"items"`
}

// UnitInterviews is the unit's record of interviews, within the caller's
// scope (a county office sees its county's).
func (a *Actions) UnitInterviews(ctx context.Context, u User, unitID string) (UnitRecord, error) {
	unit, err := a.store.Unit(ctx, unitID)
	if errors.Is(err, store.ErrNotFound) {
		return UnitRecord{}, errs.New(errs.NotFound, errs.MsgAcctUnknownUnit)
	}
	if err != nil {
		return UnitRecord{}, err
	}
	if !isOffice(u) && !(u.Role == policy.RoleUnitHead && u.UnitID == unitID) {
		return UnitRecord{}, errs.New(errs.Forbidden, errs.MsgInterviewScope)
	}
	rec := UnitRecord{UnitID: unit.ID, UnitName: unit.Name, Items: []workflows.Interview{}}
	f := store.ProcessFilter{Kind: workflows.KindInterview, UnitID: unitID, WithDetail: true, Limit: 200}
	for {
		rows, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
		if err != nil {
			return rec, err
		}
		for _, p := range rows {
			var iv workflows.Interview
			if err := json.Unmarshal(p.Detail, &iv); err != nil {
				return rec, err
			}
			rec.Items = append(rec.Items, iv)
			rec.Total++
			switch {
			case iv.Status == workflows.InterviewHeld:
				rec.Held++
			case p.Overdue:
				rec.Overdue++
				rec.Open++
			default:
				rec.Open++
			}
		}
		if next == "" {
			return rec, nil
		}
		f.Cursor = next
	}
}
