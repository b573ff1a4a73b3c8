package web

// A member's leave (请销假): the form, which shows before it is sent what
// the server computes for its dates (days, route, approvers); a leave's
// page, for the member and for everyone who may see it (approvers open it
// from their 待办); and the steps taken from that page, each a small form
// that posts, calls its action and comes back with a notice.

import (
	"cmp"
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// leaveFormView is the 请假 page's data.
type leaveFormView struct {
	words
	// Preview is the route for the dates typed; nil until there are dates.
	Preview *actions.LeavePreview
	Today   string
}

func leaveRequest(v url.Values) actions.LeaveRequest {
	return actions.LeaveRequest{Kind: v.Get("kind"), StartDate: v.Get("start_date"), EndDate: v.Get("end_date"),
		Reason: v.Get("reason"), IdempotencyKey: v.Get("key")}
}

// leaveNew is GET /leaves/new: the form, and with ?start_date=...&
// end_date=... (its 预览 button, a GET of the same form) the route those
// dates take, above it.
func (p *Pages) leaveNew(w http.ResponseWriter, r *http.Request) error {
	if u := mustUser(r); u.Role != policy.RoleMember {
		p.render(w, r, http.StatusForbidden, "error", page{Title: "请假", Data: errs.New(errs.Forbidden, errs.MsgLeaveMembersOnly)})
		return nil
	}
	return p.leaveForm(w, r, r.URL.Query(), http.StatusOK, nil)
}

// submitLeave is POST /leaves: the leave is submitted and the browser sent
// to its page; a refused one shows the form again as typed.
func (p *Pages) submitLeave(w http.ResponseWriter, r *http.Request) error {
	files, err := parseForm(r) // with a sick note or other files (附件)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err == nil {
		err = checkFiles(files)
	}
	if err != nil {
		if e, _ := actions.Explain(err); e.Code == errs.Invalid {
			return p.leaveForm(w, r, r.PostForm, errs.Status(e.Code), e)
		}
		return err
	}
	c, err := p.act.SubmitLeave(r.Context(), mustUser(r), leaveRequest(r.PostForm))
	if err != nil {
		if e, _ := actions.Explain(err); e.Code == errs.Invalid || e.Code == errs.Conflict {
			return p.leaveForm(w, r, r.PostForm, errs.Status(e.Code), e)
		}
		return err
	}
	flash := errs.Text(errs.MsgFlashLeaveRepeated)
	if l, ok := c.Resource.(workflows.Leave); ok && !c.Repeated {
		flash = errs.Text(errs.MsgFlashLeaveSubmitted, l.RouteReason)
	}
	if !c.Repeated {
		flash = p.attachFiles(r, c.ID, files, flash)
	}
	return redirect(w, r, "/leaves/"+c.ID, flash)
}

// leaveForm renders the form with vals typed, the preview of their dates
// when there are any (or 预览 was pressed), and failed's messages beside
// the fields. The form carries a key of its own (the Idempotency-Key), so
// a double tap on 提交 submits one leave.
func (p *Pages) leaveForm(w http.ResponseWriter, r *http.Request, vals url.Values, status int, failed *errs.Error) error {
	form := url.Values{}
	for k, v := range vals {
		form[k] = v
	}
	if form.Get("key") == "" {
		form.Set("key", uuid.NewString())
	}
	if form.Get("kind") == "" {
		form.Set("kind", "personal")
	}
	pg := page{Title: "请假", Nav: "leave-new", Form: form, Errors: map[string]string{}}
	if failed != nil {
		for k, v := range failed.Fields {
			pg.Errors[k] = v
		}
		pg.Error = failed.Message
		if failed.Code == errs.Invalid && len(failed.Fields) > 0 {
			pg.Error = errs.Text(errs.MsgCheckFields)
		}
		if failed.Key == errs.MsgLeaveOverlap {
			pg.Errors["start_date"] = failed.Message
		}
	}
	v := leaveFormView{Today: today(p.now())}
	if form.Get("start_date") != "" || form.Get("end_date") != "" || form.Has("preview") {
		pv, err := p.act.PreviewLeave(r.Context(), mustUser(r), leaveRequest(form))
		if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
			for k, m := range e.Fields {
				if pg.Errors[k] == "" {
					pg.Errors[k] = m
				}
			}
		} else if err != nil {
			return err
		} else {
			v.Preview = &pv
		}
	}
	pg.Data = v
	p.render(w, r, status, "member_leave_new", pg)
	return nil
}

// leaveView is a leave's page's data: the leave as the action reads it
// for this viewer, and what the page adds.
type leaveView struct {
	actions.LeavePage
	words
	// Notice says why the step just tried was not taken.
	Notice string
	Own    bool
	Today  string
	// ExtendFrom is the first day an extension may end on; ReturnFrom the
	// first day one may report back on (the day after the start).
	ExtendFrom, ReturnFrom string
	// Attachments are the leave's files (附件).
	Attachments []store.Attachment
}

// PendingExtension is the extension waiting for approval, if any.
func (v leaveView) PendingExtension() *workflows.Extension {
	if n := len(v.Leave.Extensions); n > 0 && v.Leave.Extensions[n-1].Status == workflows.LeavePending {
		return &v.Leave.Extensions[n-1]
	}
	return nil
}

// EarlierSummary counts the member's approved leaves this year.
func (v leaveView) EarlierSummary() string {
	return errs.Text(errs.MsgEarlierLeavesSummary, v.Year, v.Tally.Leaves, v.Tally.Days)
}

// leavePage is GET /leaves/{id}.
func (p *Pages) leavePage(w http.ResponseWriter, r *http.Request) error {
	lp, err := p.act.LeavePage(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	p.renderLeave(w, r, http.StatusOK, lp, stepRefusal{})
	return nil
}

func (p *Pages) renderLeave(w http.ResponseWriter, r *http.Request, status int, lp actions.LeavePage, s stepRefusal) {
	l := lp.Leave
	v := leaveView{LeavePage: lp, Notice: s.notice, Today: today(p.now()),
		Own:         lp.Viewer.Role == policy.RoleMember && lp.Viewer.MemberID == l.MemberID,
		Attachments: p.attachmentsOf(r, l.ID)}
	if end, err := policy.ParseDate(l.EndDate); err == nil {
		v.ExtendFrom = policy.FormatDate(policy.AddDays(end, 1))
	}
	if start, err := policy.ParseDate(l.StartDate); err == nil {
		v.ReturnFrom = policy.FormatDate(policy.AddDays(start, 1))
	}
	title := l.MemberName + "的请假"
	if v.Own {
		title = "我的请假"
	}
	p.render(w, r, status, "member_leave", page{Title: title, Data: v, Form: s.form, Errors: s.fields})
}

// stepTaker takes one step on process id with what the form holds, and
// says what was done.
type stepTaker func(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error)

// leaveStep is POST /leaves/{id}/<form>: a leave the user may not see is
// not found; a step the workflow refuses shows the leave as it now stands
// with the reason (who decided first, for a 409), the form kept as typed;
// a step taken goes back to the leave's page with a notice.
func (p *Pages) leaveStep(form string, take stepTaker) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		u, id := mustUser(r), chi.URLParam(r, "id")
		if _, err := p.act.GetLeave(r.Context(), u, id); err != nil {
			return unseen(err)
		}
		done, err := take(r.Context(), p.act, u, id, r.PostForm)
		if err == nil {
			return redirect(w, r, "/leaves/"+id, errs.Text(done))
		}
		s, e, ok := refusalOf(err, r, form)
		if !ok {
			return err
		}
		lp, lerr := p.act.LeavePage(r.Context(), u, id)
		if lerr != nil {
			return unseen(lerr)
		}
		if e.Code == errs.Conflict {
			s.notice = leaveConflict(lp, form, e)
		}
		p.renderLeave(w, r, s.status, lp, s)
		return nil
	}
}

// leaveConflict is a 409's notice on a decision or a filing: who took it
// first and what (or, when nobody did, why not: the member withdrew), and
// how the leave stands now. Other steps' refusals say it themselves.
func leaveConflict(lp actions.LeavePage, form string, e *errs.Error) string {
	steps := []string{workflows.StepApproval, workflows.StepExtensionApproval}
	switch form {
	case "decision":
	case "filing":
		steps = []string{workflows.StepFiling}
	default:
		return e.Message
	}
	what := cmp.Or(decidedNotice(lp.Leave.Steps, lp.Viewer, lp.By, steps...), e.Message)
	return errs.Text(errs.MsgDecidedByNowStatus, what, "请假", errs.StatusName(lp.Leave.Status))
}

func withdrawLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.WithdrawLeave(ctx, u, actions.CommentRequest{Ref: actions.Ref{ID: id}, Comment: f.Get("comment")})
	return errs.MsgFlashLeaveWithdrawn, err
}

func extendLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.ExtendLeave(ctx, u, actions.ExtensionRequest{Ref: actions.Ref{ID: id}, EndDate: f.Get("end_date"), Reason: f.Get("reason")})
	return errs.MsgFlashExtension, err
}

func returnLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.ReturnLeave(ctx, u, actions.ReturnRequest{Ref: actions.Ref{ID: id}, ReturnedOn: f.Get("returned_on")})
	return errs.MsgFlashLeaveReturned, err
}

func decideLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	d := f.Get("decision")
	_, err := a.DecideLeave(ctx, u, actions.DecisionRequest{Ref: actions.Ref{ID: id}, Decision: d, Comment: f.Get("comment")})
	if d == "refuse" {
		return errs.MsgFlashLeaveRefused, err
	}
	return errs.MsgFlashLeaveApproved, err
}

func fileLeave(ctx context.Context, a *actions.Actions, u actions.User, id string, f url.Values) (errs.Msg, error) {
	_, err := a.FileLeave(ctx, u, actions.CommentRequest{Ref: actions.Ref{ID: id}, Comment: f.Get("comment")})
	return errs.MsgFlashLeaveFiled, err
}
