package web

// An absence's explanation (情况说明): its page for the member, the unit's
// head and the offices who may see it; the member writes (and after a
// send-back rewrites) the explanation, the head signs or sends it back.

import (
	"cmp"
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// absenceView is an absence's page's data.
type absenceView struct {
	actions.AbsencePage
	words
	Notice string
	Own    bool
	// Draft is what the explanation form starts with: the last explanation,
	// for a rewrite after a send-back.
	Draft string
	// Attachments are the explanation's files (附件).
	Attachments []store.Attachment
}

// absencePage is GET /absences/{id}.
func (p *Pages) absencePage(w http.ResponseWriter, r *http.Request) error {
	ap, err := p.act.AbsencePage(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	p.renderAbsence(w, r, http.StatusOK, ap, stepRefusal{})
	return nil
}

func (p *Pages) renderAbsence(w http.ResponseWriter, r *http.Request, status int, ap actions.AbsencePage, s stepRefusal) {
	a := ap.Absence
	v := absenceView{AbsencePage: ap, Notice: s.notice,
		Own:         ap.Viewer.Role == policy.RoleMember && ap.Viewer.MemberID == a.MemberID,
		Attachments: p.attachmentsOf(r, a.ID)}
	if n := len(ap.Rounds); n > 0 {
		v.Draft = ap.Rounds[n-1].Text
	}
	title := a.MemberName + "的情况说明"
	if v.Own {
		title = "我的情况说明"
	}
	p.render(w, r, status, "member_absence", page{Title: title, Data: v, Form: s.form, Errors: s.fields})
}

// absenceStep is POST /absences/{id}/<form>, as leaveStep is for leaves.
func (p *Pages) absenceStep(form string, take stepTaker) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		files, err := parseForm(r) // the explanation may carry files (附件)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if e, ok := errs.As(err); err != nil && (!ok || e.Code != errs.Invalid) {
			return err
		}
		u, id := mustUser(r), chi.URLParam(r, "id")
		if _, err := p.act.GetAbsence(r.Context(), u, id); err != nil {
			return unseen(err)
		}
		if err == nil {
			err = checkFiles(files)
		}
		var done errs.Msg
		if err == nil {
			done, err = take(r.Context(), p.act, u, id, r.PostForm)
		}
		if err == nil {
			return redirect(w, r, "/absences/"+id, p.attachFiles(r, id, files, errs.Text(done)))
		}
		s, e, ok := refusalOf(err, r, form)
		if !ok {
			return err
		}
		ap, aerr := p.act.AbsencePage(r.Context(), u, id)
		if aerr != nil {
			return unseen(aerr)
		}
		if e.Code == errs.Conflict {
			step := workflows.StepSignature
			if form == "explanation" {
				step = workflows.StepExplanation
			}
			what := cmp.Or(decidedNotice(ap.Absence.Steps, ap.Viewer, ap.By, step), e.Message)
			s.notice = errs.Text(errs.MsgDecidedByNowStatus, what, "情况说明", errs.StatusName(ap.Absence.Status))
		}
		p.renderAbsence(w, r, s.status, ap, s)
		return nil
	}
}

func explainAbsence(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.ExplainAbsence(ctx, u, actions.ExplanationRequest{Ref: actions.Ref{ID: id}, Text: f.Get("text")})
	return errs.MsgFlashExplained, err
}

func signAbsence(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	d := f.Get("decision")
	_, err := a.SignAbsence(ctx, u, actions.DecisionRequest{Ref: actions.Ref{ID: id}, Decision: d, Comment: f.Get("comment")})
	if d == "return" {
		return errs.MsgFlashSentBack, err
	}
	return errs.MsgFlashSigned, err
}
