package web

// Article 13's pages: a member's trip reports (外出报备) and the township's
// approval of a long one; the bureaus' spot-check form and month summary;
// the county bureau's shortfall items. Each calls the action of the API
// route beside it (e2e/presence_test.go maps them for the access check).

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func (p *Pages) presenceRoutes(r chi.Router) {
	r.Get("/trips", p.handle(p.tripsPage))                                    // ListTrips
	r.Post("/trips", p.handle(p.reportTrip))                                  // ReportTrip
	r.Get("/trips/{id}", p.handle(p.tripPage))                                // GetTrip
	r.Post("/trips/{id}/decision", p.handle(p.decideTrip))                    // DecideTrip
	r.Get("/spot-checks", p.handle(p.spotChecksPage))                         // SpotCheckSummary, ListSpotChecks
	r.Post("/spot-checks", p.handle(p.recordSpotCheck))                       // RecordSpotCheck
	r.Get("/presence-statements", p.handle(p.statementsPage))                 // ListStatements
	r.Get("/presence-statements/{id}", p.handle(p.statementPage))             // GetStatement
	r.Post("/presence-statements/{id}/decision", p.handle(p.decideShortfall)) // DecideShortfall
}

type tripsView struct {
	Trips    []workflows.Trip
	IsMember bool
}

func (p *Pages) tripsPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderTrips(w, r, page{Form: url.Values{"key": {uuid.NewString()}}}, http.StatusOK)
}

func (p *Pages) renderTrips(w http.ResponseWriter, r *http.Request, pg page, status int) error {
	u := mustUser(r)
	from := policy.FormatDate(time.Now().In(policy.China).AddDate(0, -2, 0))
	l, err := p.act.ListTrips(r.Context(), u, url.Values{"from": {from}})
	if err != nil {
		return err
	}
	pg.Title, pg.Nav = "外出报备", "trips"
	pg.Data = tripsView{Trips: l.Items, IsMember: u.Role == policy.RoleMember}
	p.badge(r, &pg)
	p.render(w, r, status, "presence_trips", pg)
	return nil
}

func (p *Pages) reportTrip(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	c, err := p.act.ReportTrip(r.Context(), mustUser(r), actions.TripRequest{StartDate: f.Get("start_date"),
		EndDate: f.Get("end_date"), Destination: f.Get("destination"), Purpose: f.Get("purpose"), IdempotencyKey: f.Get("key")})
	if err == nil {
		return redirect(w, r, "/trips/"+c.ID, errs.Text(errs.MsgTripReportedFlash))
	}
	pg := page{}
	if err := refusedForm(err, &pg, r, errs.Conflict); err != nil {
		return err
	}
	return p.renderTrips(w, r, pg, http.StatusBadRequest)
}

type tripView struct {
	Trip      workflows.Trip
	CanDecide bool
}

func (p *Pages) tripPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderTrip(w, r, page{}, http.StatusOK)
}

func (p *Pages) renderTrip(w http.ResponseWriter, r *http.Request, pg page, status int) error {
	u := mustUser(r)
	t, err := p.act.GetTrip(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	pg.Title, pg.Nav = t.MemberName+"的外出报备", "trips"
	pg.Data = tripView{Trip: t, CanDecide: t.Status == workflows.TripPending && u.Role == policy.RoleTownshipCommittee}
	p.badge(r, &pg)
	p.render(w, r, status, "presence_trip", pg)
	return nil
}

func (p *Pages) decideTrip(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	_, err := p.act.DecideTrip(r.Context(), mustUser(r), actions.DecisionRequest{Ref: actions.Ref{ID: id},
		Decision: r.PostForm.Get("decision"), Comment: r.PostForm.Get("comment")})
	if err == nil {
		return redirect(w, r, "/trips/"+id, errs.Text(errs.MsgDecidedFlash))
	}
	pg := page{}
	if err := refusedForm(err, &pg, r, errs.Conflict); err != nil {
		return err
	}
	return p.renderTrip(w, r, pg, http.StatusBadRequest)
}

type spotChecksView struct {
	Month   string
	Summary []store.SpotCheckCount
	Checks  []store.SpotCheck
	CanAdd  bool
}

func (p *Pages) spotChecksPage(w http.ResponseWriter, r *http.Request) error {
	pg := page{Form: url.Values{"checked_at": {time.Now().In(policy.China).Format("2006-01-02T15:04")}}}
	return p.renderSpotChecks(w, r, pg, http.StatusOK)
}

func (p *Pages) renderSpotChecks(w http.ResponseWriter, r *http.Request, pg page, status int) error {
	u := mustUser(r)
	q := r.URL.Query()
	sum, err := p.act.SpotCheckSummary(r.Context(), u, q)
	if err != nil {
		return err
	}
	list, err := p.act.ListSpotChecks(r.Context(), u, q)
	if err != nil {
		return err
	}
	month := q.Get("month")
	if month == "" {
		month = time.Now().In(policy.China).Format("2006-01")
	}
	pg.Title, pg.Nav = "查岗", "spot-checks"
	pg.Data = spotChecksView{Month: month, Summary: sum.Items, Checks: list.Items,
		CanAdd: u.Role == policy.RoleCountyBureau || u.Role == policy.RoleCityBureau}
	p.badge(r, &pg)
	p.render(w, r, status, "presence_checks", pg)
	return nil
}

// recordSpotCheck: the form's time is China wall-clock ("2006-01-02T15:04").
func (p *Pages) recordSpotCheck(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	at := f.Get("checked_at")
	if t, err := time.ParseInLocation("2006-01-02T15:04", at, policy.China); err == nil {
		at = t.Format(time.RFC3339)
	}
	req := actions.SpotCheckRequest{MemberID: f.Get("member_id"), TeamID: f.Get("team_id"), CheckedAt: at,
		Channel: f.Get("channel"), Result: f.Get("result"), CoverKind: f.Get("cover_kind"), Note: f.Get("note")}
	_, err := p.act.RecordSpotCheck(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/spot-checks", errs.Text(errs.MsgSpotCheckSavedFlash))
	}
	pg := page{}
	if err := refusedForm(err, &pg, r, errs.Conflict, errs.Forbidden); err != nil {
		return err
	}
	return p.renderSpotChecks(w, r, pg, http.StatusBadRequest)
}

func (p *Pages) statementsPage(w http.ResponseWriter, r *http.Request) error {
	l, err := p.act.ListStatements(r.Context(), mustUser(r), url.Values{"limit": {"100"}})
	if err != nil {
		return err
	}
	pg := page{Title: "在岗月度统计", Nav: "presence", Data: l.Items}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "presence_statements", pg)
	return nil
}

type statementView struct {
	Statement workflows.Statement
	CanDecide bool
}

func (p *Pages) statementPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderStatement(w, r, page{}, http.StatusOK)
}

func (p *Pages) renderStatement(w http.ResponseWriter, r *http.Request, pg page, status int) error {
	u := mustUser(r)
	st, err := p.act.GetStatement(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	pg.Title, pg.Nav = "在岗月度统计 "+st.Month, "presence"
	pg.Data = statementView{Statement: st, CanDecide: u.Role == policy.RoleCountyBureau && st.Status == workflows.StatementReviewing}
	p.badge(r, &pg)
	p.render(w, r, status, "presence_statement", pg)
	return nil
}

func (p *Pages) decideShortfall(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, f := chi.URLParam(r, "id"), r.PostForm
	_, err := p.act.DecideShortfall(r.Context(), mustUser(r), actions.ShortfallRequest{Ref: actions.Ref{ID: id},
		MemberID: f.Get("member_id"), Decision: f.Get("decision"), Reason: f.Get("reason")})
	if err == nil {
		return redirect(w, r, "/presence-statements/"+id, errs.Text(errs.MsgDecidedFlash))
	}
	pg := page{}
	if err := refusedForm(err, &pg, r, errs.Conflict); err != nil {
		return err
	}
	return p.renderStatement(w, r, pg, http.StatusBadRequest)
}
