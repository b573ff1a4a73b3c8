package web

// 月报 (article 18): a county's monthly absence report, its spreadsheet,
// its submission to the city offices (once, after a confirmation), and
// the city's page of which counties have submitted.

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
)

// reportsData is the page of a month's reports across counties.
type reportsData struct {
	Month, Prev, Next string
	Rows              []actions.ReportSummary
}

// cycleNow is the report cycle an absence found now belongs to, under
// the city's default cut-off: the month a page opens on.
func cycleNow(now time.Time) string {
	return policy.CycleKey(policy.CycleMonth(policy.Default().Absence, now))
}

// monthStep is the month n months from "YYYY-MM".
func monthStep(month string, n int) string {
	y, m, err := policy.ParseCycle(month)
	if err != nil {
		return ""
	}
	t := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, policy.China)
	return policy.CycleKey(t.Year(), t.Month())
}

func (p *Pages) reportsPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	month := r.URL.Query().Get("month")
	if month == "" {
		month = cycleNow(p.now())
	}
	rows, err := p.act.ReportsOverview(r.Context(), u, month)
	if err != nil {
		return err
	}
	if len(rows) == 1 && r.URL.Query().Get("month") == "" && u.CountyID != "" {
		return redirect(w, r, "/reports/"+url.PathEscape(rows[0].CountyID)+"/"+month, "")
	}
	pg := page{Title: "离岗情况月报", Nav: "reports",
		Data: reportsData{Month: month, Prev: monthStep(month, -1), Next: monthStep(month, 1), Rows: rows}}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_reports", pg)
	return nil
}

// reportData is a county's report page.
type reportData struct {
	actions.ReportPage
	Prev, Next string
	City       bool
}

func (p *Pages) loadReportPage(r *http.Request) (reportData, error) {
	county, month := chi.URLParam(r, "county"), chi.URLParam(r, "month")
	rp, err := p.act.AbsenceReportPage(r.Context(), mustUser(r), county, month)
	u := mustUser(r)
	return reportData{ReportPage: rp, Prev: monthStep(month, -1), Next: monthStep(month, 1),
		City: u.Role == policy.RoleCityBureau || u.Role == policy.RoleCityOrgDept || u.Role == policy.RoleAdmin}, err
}

func (p *Pages) reportPage(w http.ResponseWriter, r *http.Request) error {
	d, err := p.loadReportPage(r)
	if err != nil {
		return err
	}
	pg := page{Title: d.CountyName + d.Month + "离岗情况月报", Nav: "reports", Data: d}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_report", pg)
	return nil
}

func (p *Pages) reportXLSX(w http.ResponseWriter, r *http.Request) error {
	v, err := p.act.AbsenceReport(r.Context(), mustUser(r), actions.Query{
		"county": {chi.URLParam(r, "county")}, "month": {chi.URLParam(r, "month")}, "format": {"xlsx"}})
	if err != nil {
		return err
	}
	return p.writeSheet(w, r, actions.ReportSheet(v))
}

// writeSheet sends a spreadsheet to download, named in Chinese.
func (p *Pages) writeSheet(w http.ResponseWriter, r *http.Request, sh actions.Sheet) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="download.xlsx"; filename*=UTF-8''`+url.PathEscape(sh.Name))
	w.WriteHeader(http.StatusOK)
	if err := sh.Write(w); err != nil {
		p.log.Error("write xlsx "+sh.Name, zapErr(err))
	}
	return nil
}

// reportConfirm is the step before submitting: what will be sent, and a
// box to tick.
func (p *Pages) reportConfirm(w http.ResponseWriter, r *http.Request) error {
	d, err := p.loadReportPage(r)
	if err != nil {
		return err
	}
	if !d.CanSubmit {
		return redirect(w, r, "/reports/"+url.PathEscape(d.CountyID)+"/"+d.Month, "")
	}
	pg := page{Title: "上报" + d.CountyName + d.Month + "月报", Nav: "reports", Data: d}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_report_confirm", pg)
	return nil
}

func (p *Pages) submitReport(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	county, month := chi.URLParam(r, "county"), chi.URLParam(r, "month")
	back := "/reports/" + url.PathEscape(county) + "/" + url.PathEscape(month)
	var err error
	if r.PostForm.Get("confirm") != "yes" {
		err = errs.Field("confirm", errs.MsgReportConfirm)
	} else {
		var v actions.ReportView
		v, err = p.act.SubmitAbsenceReport(r.Context(), mustUser(r), actions.SubmitReportRequest{
			County: county, Month: month, Comment: r.PostForm.Get("comment")})
		if err == nil {
			return redirect(w, r, back, errs.Text(errs.MsgReportSentFlash, v.CountyName, v.Month))
		}
	}
	d, lerr := p.loadReportPage(r)
	if lerr != nil {
		return lerr
	}
	pg := page{Title: "上报" + d.CountyName + d.Month + "月报", Nav: "reports", Data: d}
	if !formError(err, &pg, r) {
		return err
	}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_report_confirm", pg)
	return nil
}
