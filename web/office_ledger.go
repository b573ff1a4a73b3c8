package web

// 台账 (article 17): a team's roster on a day, the history of a team and
// of a member, the county's roster changes with their filing state, the
// spreadsheet; and the county bureau's form to record a change.

import (
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"zhucun/actions"
	"zhucun/errs"
)

func ledgerQuery(r *http.Request) actions.LedgerQuery {
	q := r.URL.Query()
	return actions.LedgerQuery{County: q.Get("county"), Team: q.Get("team"), Member: q.Get("member"), On: q.Get("on")}
}

func (p *Pages) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	q := ledgerQuery(r)
	d, err := p.act.LedgerView(r.Context(), mustUser(r), q)
	pg := page{Title: "驻村工作队台账", Nav: "ledger", Form: r.URL.Query()}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid && d.County.ID != "" {
		// A bad team, member or date: the page again with the message
		// beside the field, the rest of the county shown as it is.
		pg.Errors = e.Fields
		d, err = p.act.LedgerView(r.Context(), mustUser(r), actions.LedgerQuery{County: d.County.ID})
	}
	if err != nil {
		return err
	}
	if pg.Form.Get("on") == "" {
		pg.Form.Set("on", d.On)
	}
	pg.Data = d
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_ledger", pg)
	return nil
}

func (p *Pages) ledgerXLSX(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	l, err := p.act.Ledger(r.Context(), mustUser(r), actions.Query{"county": {q.Get("county")}, "on": {q.Get("on")},
		"history": {q.Get("history")}, "format": {"xlsx"}})
	if err != nil {
		return err
	}
	return p.writeSheet(w, r, actions.LedgerSheet(l))
}

// rosterForm is the county bureau's form for a change to a team: the
// team's roster today to pick from, and the change's fields.
func (p *Pages) rosterForm(w http.ResponseWriter, r *http.Request) error {
	q := ledgerQuery(r)
	q.On = ""
	d, err := p.act.LedgerView(r.Context(), mustUser(r), q)
	if err != nil {
		return err
	}
	pg := page{Title: "登记人员变动", Nav: "ledger", Form: url.Values{}, Data: d}
	pg.Form.Set("team_id", q.Team)
	pg.Form.Set("effective_on", d.On)
	pg.Form.Set("key", uuid.NewString())
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_roster_new", pg)
	return nil
}

func (p *Pages) recordRoster(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	req := actions.RosterRequest{TeamID: f.Get("team_id"), Change: f.Get("change"), MemberID: f.Get("member_id"),
		ReplacesMemberID: f.Get("replaces_member_id"), EffectiveOn: f.Get("effective_on"), Reason: f.Get("reason"),
		IdempotencyKey: f.Get("key")}
	_, err := p.act.RecordRosterChange(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/ledger?team="+url.QueryEscape(req.TeamID), errs.Text(errs.MsgRosterSavedFlash))
	}
	d, lerr := p.act.LedgerView(r.Context(), mustUser(r), actions.LedgerQuery{Team: req.TeamID})
	if lerr != nil {
		d, lerr = p.act.LedgerView(r.Context(), mustUser(r), actions.LedgerQuery{})
	}
	if lerr != nil {
		return lerr
	}
	pg := page{Title: "登记人员变动", Nav: "ledger", Data: d}
	// A conflict with the ledger (already on a team...) is said above
	// the form, with what was typed kept.
	if err := refusedForm(err, &pg, r, errs.Conflict, errs.Forbidden); err != nil {
		return err
	}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_roster_new", pg)
	return nil
}
