package actions

// The county's monthly absence report: read (JSON or xlsx) and submit.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// ReportItemView is a report item joined with its absence: where the
// member serves, what they wrote, who signed and when.
type ReportItemView struct {
	workflows.ReportItem
	FoundAt      *time.Time `json:"found_at"`
	Method       string     `json:"method"`
	UnitID       string     `json:"unit_id"`
	UnitName     string     `json:"unit_name"`
	TeamName     string     `json:"team_name"`
	VillageName  string     `json:"village_name"`
	TownshipName string     `json:"township_name"`
	Explanation  string     `json:"explanation"`
	ExplainedAt  *time.Time `json:"explained_at"`
	SignedBy     string     `json:"signed_by"`
	SignedAt     *time.Time `json:"signed_at"`
}

// ReportView is the report resource the API answers.
type ReportView struct {
	workflows.AbsenceReport
	Items []ReportItemView `json:"items"`
	// Format is what the caller asked for: "json" or "xlsx" (ReportSheet).
	Format string `json:"-"`
}

// reportKey reads and checks a report's county and month.
func (a *Actions) reportKey(ctx context.Context, county, month string) (store.CountyOffices, error) {
	f := errs.Fields{}
	f.Check(county != "", "county", errs.MsgRequired)
	_, _, err := policy.ParseCycle(month)
	f.Check(err == nil, "month", errs.MsgMonth)
	if err := f.Err(); err != nil {
		return store.CountyOffices{}, err
	}
	return a.store.CountyOffices(ctx, county)
}

// AbsenceReport is a county's monthly report (?county=&month=YYYY-MM,
// &format=xlsx for the spreadsheet), for its county offices and the city
// offices.
func (a *Actions) AbsenceReport(ctx context.Context, u User, q Query) (ReportView, error) {
	if err := checkParams(q, "county", "month", "format"); err != nil {
		return ReportView{}, err
	}
	county, month, format := q.Get("county"), q.Get("month"), q.Get("format")
	if format != "" && format != "json" && format != "xlsx" {
		return ReportView{}, errs.Field("format", errs.MsgOneOf, "json, xlsx")
	}
	if county != "" && !canSeeCounty(u, county) {
		return ReportView{}, errs.New(errs.Forbidden, errs.MsgReportOutOfScope, county)
	}
	offices, err := a.reportKey(ctx, county, month)
	if errors.Is(err, store.ErrNotFound) {
		err = errs.Field("county", errs.MsgUnknownCounty)
	}
	if err != nil {
		return ReportView{}, err
	}
	rep, err := a.loadReport(ctx, offices, month)
	var view ReportView
	if err == nil {
		view, err = a.reportView(ctx, rep)
	}
	view.Format = format
	return view, err
}

// loadReport reads the report from the read model; a month with no
// absence yet has no workflow, and reads as an empty open report.
func (a *Actions) loadReport(ctx context.Context, o store.CountyOffices, month string) (workflows.AbsenceReport, error) {
	var rep workflows.AbsenceReport
	p, err := a.store.GetProcess(ctx, workflows.ReportProcessID(o.CountyID, month))
	if err == nil {
		return rep, json.Unmarshal(p.Detail, &rep)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return rep, err
	}
	in, _, err := a.reportInput(ctx, o, month)
	if err != nil {
		return rep, err
	}
	return workflows.AbsenceReport{
		ID: in.ProcessID, CountyID: in.CountyID, CountyName: in.CountyName, Month: month, OpensAt: &in.OpensAt,
		Status: workflows.ReportOpen, DueAt: in.DueAt, Overdue: !a.now().Before(in.DueAt),
		PolicyVersion: in.PolicyVersion, Items: []workflows.ReportItem{}, Steps: []workflows.Step{},
	}, nil
}

// reportInput is the report's input under the county's policy in force.
func (a *Actions) reportInput(ctx context.Context, o store.CountyOffices, month string) (workflows.ReportInput, policy.Policy, error) {
	pol, err := a.currentPolicy(ctx, o.CountyID)
	if err != nil {
		return workflows.ReportInput{}, pol, err
	}
	in, err := workflows.NewReportInput(workflows.ReportOffices(o), month, pol)
	return in, pol, err
}

// ReportView joins each item with its absence's read-model detail.
func (a *Actions) reportView(ctx context.Context, rep workflows.AbsenceReport) (ReportView, error) {
	ids := make([]string, len(rep.Items))
	for i, it := range rep.Items {
		ids[i] = it.AbsenceID
	}
	details, err := a.store.AbsenceDetails(ctx, ids)
	if err != nil {
		return ReportView{}, err
	}
	view := ReportView{AbsenceReport: rep, Items: make([]ReportItemView, len(rep.Items))}
	for i, it := range rep.Items {
		v := ReportItemView{ReportItem: it, SignedAt: it.SignedAt}
		var ab workflows.Absence
		if d, ok := details[it.AbsenceID]; ok && json.Unmarshal(d, &ab) == nil {
			v.FoundAt, v.Method, v.UnitID, v.UnitName = &ab.FoundAt, ab.Method, ab.UnitID, ab.UnitName
			v.TeamName, v.VillageName, v.TownshipName = ab.TeamName, ab.VillageName, ab.TownshipName
			v.SignedBy, v.SignedAt = ab.SignedBy, ab.SignedAt
			if n := len(ab.Explanations); n > 0 {
				v.Explanation, v.ExplainedAt = ab.Explanations[n-1].Text, &ab.Explanations[n-1].WrittenAt
			}
		}
		view.Items[i] = v
	}
	return view, nil
}

// SubmitReportRequest is the county bureau sending a month's report.
type SubmitReportRequest struct {
	County  string `json:"-"`
	Month   string `json:"-"`
	Comment string `json:"comment"`
}

// SubmitAbsenceReport sends the report to the city offices. A month with
// no absence is submitted too ("nothing to report"): the update starts
// the report's workflow if need be.
func (a *Actions) SubmitAbsenceReport(ctx context.Context, u User, req SubmitReportRequest) (ReportView, error) {
	if u.Role != policy.RoleCountyBureau || u.CountyID != req.County {
		return ReportView{}, errs.New(errs.Forbidden, errs.MsgReportBureauOnly, req.County)
	}
	err := CommentRequest{Comment: req.Comment}.Check()
	var offices store.CountyOffices
	if err == nil {
		offices, err = a.reportKey(ctx, req.County, req.Month)
	}
	var in workflows.ReportInput
	if err == nil {
		in, _, err = a.reportInput(ctx, offices, req.Month)
	}
	// A report is submitted once its cycle has closed; the workflow
	// checks it again, by its own clock.
	if err == nil && a.now().Before(in.OpensAt) {
		err = errs.New(errs.Conflict, errs.MsgReportNotOpen, in.Month, policy.FormatDate(in.OpensAt))
	}
	var rep workflows.AbsenceReport
	if err == nil {
		rep, err = a.startSubmit(ctx, in, workflows.ActorArgs{Actor: actorOf(u), Comment: req.Comment})
	}
	if err != nil {
		return ReportView{}, err
	}
	return a.reportView(ctx, rep)
}

// startSubmit sends the submit update, starting the report if it is not
// running; a report that has ended was submitted long ago.
func (a *Actions) startSubmit(ctx context.Context, in workflows.ReportInput, args workflows.ActorArgs) (workflows.AbsenceReport, error) {
	var rep workflows.AbsenceReport
	err := a.startWith(ctx, client.StartWorkflowOptions{
		ID:                    workflows.ReportWorkflowID(in.CountyID, in.Month),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ReportWorkflow, in, workflows.ReportSubmit, []any{args}, &rep)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		err = errs.New(errs.Conflict, errs.MsgReportSubmittedMonth, in.CountyName, in.Month)
	}
	return rep, err
}

// The spreadsheet: one row per absence, Chinese headers.
var reportHeaders = []string{"队员", "工作队", "村", "乡镇", "派出单位", "发现时间", "情况说明", "签字人", "签字时间", "状态"}

var itemStatusNames = map[string]string{
	workflows.ItemOnTime:  "按时签字",
	workflows.ItemLate:    "逾期签字",
	workflows.ItemMissing: "未签字",
}

// ReportSheet is the report as a workbook with one sheet.
func ReportSheet(v ReportView) Sheet {
	return Sheet{Name: fmt.Sprintf("absences-%s-%s.xlsx", v.CountyID, v.Month),
		Write: func(w io.Writer) error { return reportXLSX(w, v) }}
}

// reportXLSX writes the report as a workbook with one sheet.
func reportXLSX(out io.Writer, v ReportView) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "缺岗情况说明"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	rows := [][]any{reportCells(reportHeaders)}
	for _, it := range v.Items {
		rows = append(rows, reportRow(it))
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err == nil {
		err = f.SetRowStyle(sheet, 1, 1, bold)
	}
	if err == nil {
		err = f.SetColWidth(sheet, "A", "J", 14)
	}
	if err == nil {
		err = f.SetColWidth(sheet, "G", "G", 48)
	}
	if err == nil {
		err = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		return err
	}
	return f.Write(out)
}

func reportRow(it ReportItemView) []any {
	status := itemStatusNames[it.Status]
	if it.CarriedFrom != "" {
		status += "（" + it.CarriedFrom + "转入）"
	}
	return []any{it.MemberName, it.TeamName, it.VillageName, it.TownshipName, it.UnitName,
		reportTime(it.FoundAt), it.Explanation, it.SignedBy, reportTime(it.SignedAt), status}
}

func reportTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(policy.China).Format("2006-01-02 15:04")
}

func reportCells(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
