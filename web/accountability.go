package web

// 通报、约谈、召回 (articles 18 and 20): the city bureau's review and issue
// of the month's circulation (every county office reads and downloads
// it), the county bureau's interview list and record form, and the unit
// head's recall form. Each calls the action of the API route beside it.

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/workflows"
)

func (p *Pages) accountabilityRoutes(r chi.Router) {
	r.Get("/circulations/{month}", p.handle(p.circulationPage))         // Circulation
	r.Get("/circulations/{month}/xlsx", p.handle(p.circulationXLSX))    // Circulation format=xlsx
	r.Post("/circulations/{month}/issue", p.handle(p.issueCirculation)) // IssueCirculation
	r.Get("/interviews", p.handle(p.interviewsPage))                    // ListInterviews
	r.Get("/interviews/{id}", p.handle(p.interviewPage))                // GetInterview
	r.Post("/interviews/{id}/schedule", p.handle(p.scheduleInterview))  // ScheduleInterview
	r.Post("/interviews/{id}/held", p.handle(p.holdInterview))          // HoldInterview
	r.Get("/recalls/new", p.handle(p.recallForm))                       // RecallMember (the form)
	r.Post("/recalls", p.handle(p.recordRecall))                        // RecallMember
}

// circulationData is the circulation page.
type circulationData struct {
	actions.CirculationView
	Prev, Next string
	CanIssue   bool
}

func (p *Pages) circulationPage(w http.ResponseWriter, r *http.Request) error {
	return p.showCirculation(w, r, page{})
}

func (p *Pages) showCirculation(w http.ResponseWriter, r *http.Request, pg page) error {
	u, month := mustUser(r), chi.URLParam(r, "month")
	v, err := p.act.Circulation(r.Context(), u, month, actions.Query{})
	if err != nil {
		return err
	}
	pg.Title, pg.Nav = month+" 缺岗情况通报", "reports"
	pg.Data = circulationData{CirculationView: v, Prev: monthStep(month, -1), Next: monthStep(month, 1),
		CanIssue: u.Role == policy.RoleCityBureau && v.Status == workflows.CirculationDrafted}
	p.badge(r, &pg)
	status := http.StatusOK
	if pg.Errors != nil || pg.Error != "" {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "acct_circulation", pg)
	return nil
}

func (p *Pages) circulationXLSX(w http.ResponseWriter, r *http.Request) error {
	v, err := p.act.Circulation(r.Context(), mustUser(r), chi.URLParam(r, "month"), actions.Query{"format": {"xlsx"}})
	if err != nil {
		return err
	}
	return p.writeSheet(w, r, actions.CirculationSheet(v))
}

func (p *Pages) issueCirculation(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	month := chi.URLParam(r, "month")
	_, err := p.act.IssueCirculation(r.Context(), mustUser(r), actions.IssueRequest{Month: month, Foreword: r.PostForm.Get("foreword")})
	if err == nil {
		return redirect(w, r, "/circulations/"+url.PathEscape(month), errs.Text(errs.MsgIssuedFlash, month))
	}
	var pg page
	if !formError(err, &pg, r) {
		return err
	}
	return p.showCirculation(w, r, pg)
}

func (p *Pages) interviewsPage(w http.ResponseWriter, r *http.Request) error {
	q := actions.Query{}
	if s := r.URL.Query().Get("status"); s != "" {
		q.Set("status", s)
	}
	l, err := p.act.ListInterviews(r.Context(), mustUser(r), q)
	if err != nil {
		return err
	}
	ivs := make([]workflows.Interview, 0, len(l.Items))
	for _, raw := range l.Items {
		var iv workflows.Interview
		if err := json.Unmarshal(raw, &iv); err != nil {
			return err
		}
		ivs = append(ivs, iv)
	}
	pg := page{Title: "约谈", Nav: "reports", Data: ivs}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "acct_interviews", pg)
	return nil
}

// interviewData is one interview's page.
type interviewData struct {
	workflows.Interview
	CanRecord bool
}

func (p *Pages) interviewPage(w http.ResponseWriter, r *http.Request) error {
	return p.showInterview(w, r, page{})
}

func (p *Pages) showInterview(w http.ResponseWriter, r *http.Request, pg page) error {
	u := mustUser(r)
	iv, err := p.act.GetInterview(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	pg.Title, pg.Nav = "约谈"+iv.UnitName+"主要负责人", "reports"
	pg.Data = interviewData{Interview: iv,
		CanRecord: u.Role == policy.RoleCountyBureau && u.CountyID == iv.CountyID && iv.Status != workflows.InterviewHeld}
	if pg.Form == nil {
		pg.Form = url.Values{"date": {iv.Date}, "place": {iv.Place}}
	}
	p.badge(r, &pg)
	status := http.StatusOK
	if pg.Errors != nil || pg.Error != "" {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "acct_interview", pg)
	return nil
}

func (p *Pages) scheduleInterview(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.ScheduleRequest{Date: r.PostForm.Get("date"), Place: r.PostForm.Get("place")}
	req.SetID(chi.URLParam(r, "id"))
	_, err := p.act.ScheduleInterview(r.Context(), mustUser(r), req)
	return p.afterInterviewStep(w, r, err)
}

func (p *Pages) holdInterview(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.HeldRequest{Note: r.PostForm.Get("note")}
	req.SetID(chi.URLParam(r, "id"))
	_, err := p.act.HoldInterview(r.Context(), mustUser(r), req)
	return p.afterInterviewStep(w, r, err)
}

func (p *Pages) afterInterviewStep(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		return redirect(w, r, "/interviews/"+url.PathEscape(chi.URLParam(r, "id")), errs.Text(errs.MsgInterviewSavedFlash))
	}
	var pg page
	if err := refusedForm(err, &pg, r, errs.Conflict); err != nil {
		return err
	}
	return p.showInterview(w, r, pg)
}

func (p *Pages) recallForm(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	if u.Role != policy.RoleUnitHead && u.Role != policy.RoleCountyBureau {
		return errs.New(errs.Forbidden, errs.MsgRecallRecorders)
	}
	pg := page{Title: "召回队员", Nav: "reports", Form: url.Values{"key": {uuid.NewString()},
		"member_id": {r.URL.Query().Get("member")}}}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "acct_recall_new", pg)
	return nil
}

func (p *Pages) recordRecall(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	_, err := p.act.RecallMember(r.Context(), mustUser(r), actions.RecallRequest{MemberID: f.Get("member_id"),
		Reason: f.Get("reason"), IdempotencyKey: f.Get("key")})
	if err == nil {
		return redirect(w, r, "/", errs.Text(errs.MsgRecallSavedFlash))
	}
	pg := page{Title: "召回队员", Nav: "reports"}
	if err := refusedForm(err, &pg, r, errs.Conflict, errs.Forbidden); err != nil {
		return err
	}
	p.badge(r, &pg)
	p.render(w, r, http.StatusBadRequest, "acct_recall_new", pg)
	return nil
}
