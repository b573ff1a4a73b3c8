package web

// Pages of issue 20: 委托 (an approver's deputy while away), 转交 and 催办
// on a leave's page, and 抄送我的. Plain forms, POST-redirect-GET.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/store"
	"zhucun/workflows"
)

func init() {
	eventWords["handed_over"] = errs.MsgEvHandedOver
	eventWords["copied"] = errs.MsgEvCopied
}

func (p *Pages) delegRoutes(r chi.Router) {
	r.Get("/delegations", p.handle(p.delegationsPage))                                // Delegations
	r.Post("/delegations", p.handle(p.createDelegation))                              // CreateDelegation
	r.Post("/delegations/{id}/end", p.handle(p.endDelegation))                        // EndDelegation
	r.Get("/copies", p.handle(p.copiesPage))                                          // CopiedToMe
	r.Post("/leaves/{id}/handover", p.handle(p.leaveStep("handover", handOverLeave))) // HandOver
	r.Post("/leaves/{id}/urge", p.handle(p.leaveStep("urge", urgeLeave)))             // RemindProcess (催办)
}

// delegationsData is the 委托 page: the delegations given and held, and
// the form for a new one.
type delegationsData struct {
	Items []store.Delegation
	Me    string
}

func (p *Pages) delegationsPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderDelegations(w, r, http.StatusOK, url.Values{}, nil, "")
}

func (p *Pages) renderDelegations(w http.ResponseWriter, r *http.Request, status int, form url.Values, fields map[string]string, problem string) error {
	u := mustUser(r)
	l, err := p.act.Delegations(r.Context(), u)
	if err != nil {
		return err
	}
	pg := page{Title: "委托代办", Nav: "delegations", Form: form, Errors: fields, Error: problem,
		Data: delegationsData{Items: l.Items, Me: u.ID.String()}}
	p.badge(r, &pg)
	p.render(w, r, status, "approver_delegations", pg)
	return nil
}

func (p *Pages) createDelegation(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	d, err := p.act.CreateDelegation(r.Context(), mustUser(r), actions.DelegationRequest{Deputy: f.Get("deputy"),
		StartDate: f.Get("start_date"), EndDate: f.Get("end_date"), Reason: f.Get("reason")})
	if err == nil {
		return redirect(w, r, "/delegations", errs.Text(errs.MsgDelegCreated, d.DeputyName, d.StartDate, d.EndDate))
	}
	return p.refusedDelegation(w, r, err)
}

func (p *Pages) endDelegation(w http.ResponseWriter, r *http.Request) error {
	_, err := p.act.EndDelegation(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err == nil {
		return redirect(w, r, "/delegations", errs.Text(errs.MsgDelegEndedNotice))
	}
	return p.refusedDelegation(w, r, err)
}

// refusedDelegation shows the page again with what was wrong, the form
// kept as typed; other errors go to the common error page.
func (p *Pages) refusedDelegation(w http.ResponseWriter, r *http.Request, err error) error {
	e, known := actions.Explain(err)
	if !known || (e.Code != errs.Invalid && e.Code != errs.Conflict && e.Code != errs.Forbidden) {
		return err
	}
	problem := e.Message
	if e.Code == errs.Invalid && len(e.Fields) > 0 {
		problem = errs.Text(errs.MsgCheckFields)
	}
	return p.renderDelegations(w, r, errs.Status(e.Code), r.PostForm, e.Fields, problem)
}

func (p *Pages) copiesPage(w http.ResponseWriter, r *http.Request) error {
	l, err := p.act.CopiedToMe(r.Context(), mustUser(r), nil)
	if err != nil {
		return err
	}
	rows := make([]copyRow, 0, len(l.Items))
	for _, it := range l.Items {
		var lv workflows.Leave
		if err := json.Unmarshal(it.Detail, &lv); err != nil {
			return err
		}
		rows = append(rows, copyRow{Who: lv.MemberName, What: lv.StartDate + " 至 " + lv.EndDate + "，" + lv.Reason,
			Status: lv.Status, DecidedAt: lv.DecidedAt})
	}
	pg := page{Title: "抄送我的", Nav: "copies", Data: rows}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "copies", pg)
	return nil
}

// copyRow is a leave copied to the viewer as its row shows it.
type copyRow struct {
	Who, What, Status string
	DecidedAt         *time.Time
}

func handOverLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.HandOver(ctx, u, actions.HandOverRequest{Ref: actions.Ref{ID: id}, To: f.Get("to"), Comment: f.Get("comment")})
	return errs.MsgHandOverDone, err
}

func urgeLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.RemindProcess(ctx, u, actions.CommentRequest{Ref: actions.Ref{ID: id}, Comment: f.Get("comment")})
	return errs.MsgUrgeSent, err
}
