package web

// 登记离岗: a county or city bureau records an absence a spot check (查岗)
// found. Without script: search a member by name (GET), pick one of the
// results, fill in the rest, post.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// absenceData is the form's page: the search and its results, and for the
// record form its once-only key and whether an approved leave's cover
// must be confirmed.
type absenceData struct {
	Query       string
	Searched    bool
	Matches     []store.MemberMatch
	Limited     bool // the search found as many as it shows: there may be more
	NeedConfirm bool
	Cover       string // what the leave covering the instant is, when it must be confirmed
}

func (p *Pages) absenceForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	pg := page{Title: "登记离岗", Nav: "absence-new", Form: url.Values{}}
	d, err := p.absenceSearch(r, q)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		pg.Errors, err = e.Fields, nil
	}
	if err != nil {
		return err
	}
	pg.Form.Set("q", q)
	pg.Form.Set("found_at", localValue(p.now()))
	pg.Form.Set("key", uuid.NewString())
	if len(d.Matches) == 1 {
		pg.Form.Set("member_id", d.Matches[0].ID)
	}
	pg.Data = d
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "approver_absence", pg)
	return nil
}

// absenceSearch runs the search (SearchMembers also says whether the
// viewer may record absences at all).
func (p *Pages) absenceSearch(r *http.Request, q string) (absenceData, error) {
	ms, err := p.act.SearchMembers(r.Context(), mustUser(r), q)
	return absenceData{Query: q, Searched: strings.TrimSpace(q) != "", Matches: ms, Limited: len(ms) >= actions.SearchLimit}, err
}

func (p *Pages) recordAbsence(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	req := actions.AbsenceRequest{MemberID: f.Get("member_id"), Method: f.Get("method"), Note: f.Get("note"),
		Confirm: f.Get("confirm") == "yes", IdempotencyKey: f.Get("key")}
	found, typed := parseLocal(f.Get("found_at"))
	if typed {
		req.FoundAt = found.Format(time.RFC3339)
	}
	c, err := p.act.RecordAbsence(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/absences/"+c.ID, errs.Text(errs.MsgAbsenceRecorded, recordedName(c)))
	}
	pg := page{Title: "登记离岗", Nav: "absence-new"}
	d, serr := p.absenceSearch(r, f.Get("q"))
	if serr != nil {
		return serr
	}
	switch e, _ := errs.As(err); {
	case formError(err, &pg, r):
		if _, bad := pg.Errors["found_at"]; bad && !typed {
			pg.Errors["found_at"] = errs.Text(errs.MsgFoundAtFormat)
		}
		if _, bad := pg.Errors["member_id"]; bad && req.MemberID == "" {
			pg.Errors["member_id"] = errs.Text(errs.MsgPickMember)
		}
	case e != nil && e.Key == errs.MsgAbsenceLeaveCovers:
		pg.Form = f
		d.NeedConfirm, d.Cover = true, coverText(e.Message)
	default:
		return err
	}
	pg.Data = d
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "approver_absence", pg)
	return nil
}

// recordedName is the member an absence was recorded for: the new
// absence, or the read model's copy of an earlier one with the same key.
func recordedName(c actions.Created) string {
	switch res := c.Resource.(type) {
	case workflows.Absence:
		return res.MemberName
	case json.RawMessage:
		var ab workflows.Absence
		if json.Unmarshal(res, &ab) == nil {
			return ab.MemberName
		}
	}
	return "该队员"
}

// parseLocal reads a datetime-local field in China time; typed is false
// for a field empty or not a date and time.
func parseLocal(v string) (t time.Time, typed bool) {
	for _, layout := range []string{chinaLocal, chinaLocal + ":05"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), policy.China); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// coverText is the leave-covers refusal as a page says it: its finding
// (which leave covers the instant), then how to go on with a form.
func coverText(msg string) string {
	if i := strings.Index(msg, "；"); i > 0 {
		msg = msg[:i] + "。"
	}
	return msg + errs.Text(errs.MsgAbsenceCoversNotice)
}
