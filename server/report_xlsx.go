package server

// The county's monthly absence report: read (JSON or xlsx) and submit.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// reportItemView is a report item joined with its absence: where the
// member serves, what they wrote, who signed and when.
type reportItemView struct {
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

// reportView is the report resource the API answers.
type reportView struct {
	workflows.AbsenceReport
	Items []reportItemView `json:"items"`
}

// reportKey reads and checks a report's county and month.
func (s *Server) reportKey(ctx context.Context, county, month string) (store.CountyOffices, error) {
	f := fields{}
	f.check(county != "", "county", "required")
	_, _, err := policy.ParseCycle(month)
	f.check(err == nil, "month", "must be a month YYYY-MM")
	if err := f.err(); err != nil {
		return store.CountyOffices{}, err
	}
	return s.store.CountyOffices(ctx, county)
}

func (s *Server) getAbsenceReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	county, month, format := q.Get("county"), q.Get("month"), q.Get("format")
	if format != "" && format != "json" && format != "xlsx" {
		s.fail(w, r, fieldErr(map[string]string{"format": "must be json or xlsx"}))
		return
	}
	if county != "" && !canSeeCounty(userOf(r), county) {
		s.fail(w, r, errf(CodeForbidden, "the reports of county %s are for its county offices and the city offices", county))
		return
	}
	offices, err := s.reportKey(r.Context(), county, month)
	if errors.Is(err, store.ErrNotFound) {
		err = fieldErr(map[string]string{"county": "unknown county"})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.loadReport(r.Context(), offices, month)
	var view reportView
	if err == nil {
		view, err = s.reportView(r.Context(), rep)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format == "xlsx" {
		s.writeReportXLSX(w, r, view)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// loadReport reads the report from the read model; a month with no
// absence yet has no workflow, and reads as an empty open report.
func (s *Server) loadReport(ctx context.Context, o store.CountyOffices, month string) (workflows.AbsenceReport, error) {
	var rep workflows.AbsenceReport
	p, err := s.store.GetProcess(ctx, workflows.ReportProcessID(o.CountyID, month))
	if err == nil {
		return rep, json.Unmarshal(p.Detail, &rep)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return rep, err
	}
	in, _, err := s.reportInput(ctx, o, month)
	if err != nil {
		return rep, err
	}
	return workflows.AbsenceReport{
		ID: in.ProcessID, CountyID: in.CountyID, CountyName: in.CountyName, Month: month,
		Status: workflows.ReportOpen, DueAt: in.DueAt, Overdue: !s.now().Before(in.DueAt),
		PolicyVersion: in.PolicyVersion, Items: []workflows.ReportItem{}, Steps: []workflows.Step{},
	}, nil
}

// reportInput is the report's input under the county's policy in force.
func (s *Server) reportInput(ctx context.Context, o store.CountyOffices, month string) (workflows.ReportInput, policy.Policy, error) {
	pol, err := s.store.CurrentPolicy(ctx, o.CountyID)
	if err != nil {
		return workflows.ReportInput{}, pol, err
	}
	in, err := workflows.NewReportInput(workflows.ReportOffices(o), month, pol)
	return in, pol, err
}

// reportView joins each item with its absence's read-model detail.
func (s *Server) reportView(ctx context.Context, rep workflows.AbsenceReport) (reportView, error) {
	ids := make([]string, len(rep.Items))
	for i, it := range rep.Items {
		ids[i] = it.AbsenceID
	}
	details, err := s.store.AbsenceDetails(ctx, ids)
	if err != nil {
		return reportView{}, err
	}
	view := reportView{AbsenceReport: rep, Items: make([]reportItemView, len(rep.Items))}
	for i, it := range rep.Items {
		v := reportItemView{ReportItem: it, SignedAt: it.SignedAt}
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

// submitAbsenceReport sends the report to the city offices. A month with
// no absence is submitted too ("nothing to report"): the update starts
// the report's workflow if need be.
func (s *Server) submitAbsenceReport(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	county, month := chi.URLParam(r, "county"), chi.URLParam(r, "month")
	if u.Role != policy.RoleCountyBureau || u.CountyID != county {
		s.fail(w, r, errf(CodeForbidden, "only the county bureau of %s submits its monthly report", county))
		return
	}
	comment, err := optionalComment(r)
	var offices store.CountyOffices
	if err == nil {
		offices, err = s.reportKey(r.Context(), county, month)
	}
	var in workflows.ReportInput
	var pol policy.Policy
	if err == nil {
		in, pol, err = s.reportInput(r.Context(), offices, month)
	}
	if y, m := policy.CycleMonth(pol.Rules.Absence, s.now()); err == nil && month > policy.CycleKey(y, m) {
		err = fieldErr(map[string]string{"month": "that month's cycle has not begun"})
	}
	var rep workflows.AbsenceReport
	if err == nil {
		rep, err = s.startSubmit(r.Context(), in, workflows.ActorArgs{Actor: actorOf(u), Comment: comment})
	}
	var view reportView
	if err == nil {
		view, err = s.reportView(r.Context(), rep)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// startSubmit sends the submit update, starting the report if it is not
// running; a report that has ended was submitted long ago.
func (s *Server) startSubmit(ctx context.Context, in workflows.ReportInput, args workflows.ActorArgs) (workflows.AbsenceReport, error) {
	var rep workflows.AbsenceReport
	err := s.startWith(ctx, client.StartWorkflowOptions{
		ID:                    workflows.ReportWorkflowID(in.CountyID, in.Month),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ReportWorkflow, in, workflows.ReportSubmit, []any{args}, &rep)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		err = errf(CodeConflict, "the %s report of %s was submitted already", in.Month, in.CountyID)
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

func (s *Server) writeReportXLSX(w http.ResponseWriter, r *http.Request, v reportView) {
	name := fmt.Sprintf("absences-%s-%s.xlsx", v.CountyID, v.Month)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := reportXLSX(w, v); err != nil {
		s.fail(w, r, err)
	}
}

// reportXLSX writes the report as a workbook with one sheet.
func reportXLSX(out io.Writer, v reportView) error {
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

func reportRow(it reportItemView) []any {
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
