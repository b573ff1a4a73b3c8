package web

// 待办, 已办 and 备案: the approvers' lists, and acknowledging many
// filings with one click.

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"zhucun/actions"
	"zhucun/errs"
)

// listData is a page of 待办 or 备案.
type listData struct {
	Rows    []workRow
	Total   int
	Overdue int
	Next    string // the next page's cursor
	Paged   bool   // this is not the first page
	Filed   *filedNotice
}

func listDataOf(l actions.WorkList, r *http.Request, p *Pages) listData {
	return listData{Rows: workRows(l.Items, p.now()), Total: l.Total, Overdue: l.Overdue, Next: l.Next,
		Paged: r.URL.Query().Get("cursor") != ""}
}

func (p *Pages) inboxPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	l, err := p.act.WorkQueue(r.Context(), u, r.URL.Query())
	if err != nil {
		return err
	}
	pg := page{Title: "待办", Nav: "inbox", Data: listDataOf(l, r, p)}
	withBadge(r, &pg, l.Total)
	p.render(w, r, http.StatusOK, "approver_inbox", pg)
	return nil
}

// doneData is a page of 已办.
type doneData struct {
	Rows  []doneRow
	Next  string
	Paged bool
}

func (p *Pages) donePage(w http.ResponseWriter, r *http.Request) error {
	l, err := p.act.Decided(r.Context(), mustUser(r), r.URL.Query())
	if err != nil {
		return err
	}
	pg := page{Title: "已办", Nav: "done", Data: doneData{Rows: doneRows(l.Items), Next: l.Next,
		Paged: r.URL.Query().Get("cursor") != ""}}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "approver_done", pg)
	return nil
}

func (p *Pages) filingsPage(w http.ResponseWriter, r *http.Request) error {
	l, err := p.act.Filings(r.Context(), mustUser(r), r.URL.Query())
	if err != nil {
		return err
	}
	d := listDataOf(l, r, p)
	d.Filed = takeFiled(w, r)
	pg := page{Title: "备案", Nav: "filings", Data: d}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "approver_filings", pg)
	return nil
}

// fileMany acknowledges the ticked filings ("do=all": every one the page
// showed) and goes back to the list, which says how many were done and
// why any were not.
func (p *Pages) fileMany(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	ids := r.PostForm["id"]
	if r.PostForm.Get("do") == "all" {
		ids = r.PostForm["shown"]
	}
	u := mustUser(r)
	results, err := p.act.FileMany(r.Context(), u, ids)
	if err != nil {
		pg := page{Title: "备案", Nav: "filings"}
		if !formError(err, &pg, r) {
			return err
		}
		l, lerr := p.act.Filings(r.Context(), u, nil)
		if lerr != nil {
			return lerr
		}
		pg.Data = listDataOf(l, r, p)
		withBadge(r, &pg, l.Total)
		p.render(w, r, http.StatusOK, "approver_filings", pg)
		return nil
	}
	n, fn := 0, &filedNotice{}
	for _, res := range results {
		if res.Error == nil {
			n++
			continue
		}
		fn.add(res, p)
	}
	flash := ""
	if n > 0 {
		flash = errs.Text(errs.MsgFilingsDone, n)
	}
	if len(fn.Failed)+fn.More > 0 {
		setFiled(w, r, fn)
	}
	return redirect(w, r, "/filings", flash)
}

// filedNotice is what a batch could not acknowledge, carried to the list
// in a one-time cookie (as the flash is): each item's line and reason, as
// many as fit, and how many more.
type filedNotice struct {
	Failed []filedFailure `json:"f"`
	More   int            `json:"m"`
}

type filedFailure struct {
	Item   string `json:"i"`
	Reason string `json:"r"`
}

// filedBudget keeps the cookie well under browsers' 4 KB.
const filedBudget = 2800

func (fn *filedNotice) add(res actions.FileResult, p *Pages) {
	item := "编号 " + res.ID
	if it := res.Item; it != nil {
		row := workRowOf(*it, p.now())
		item = row.Kind + " · " + row.Who + " · " + row.What
	}
	next := append(fn.Failed, filedFailure{Item: item, Reason: res.Error.Message})
	if b, _ := json.Marshal(filedNotice{Failed: next}); base64.RawURLEncoding.EncodedLen(len(b)) > filedBudget {
		fn.More++
		return
	}
	fn.Failed = next
}

const filedCookie = "zhucun_filed"

func setFiled(w http.ResponseWriter, r *http.Request, fn *filedNotice) {
	b, _ := json.Marshal(fn)
	http.SetCookie(w, &http.Cookie{Name: filedCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/filings",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 60})
}

// takeFiled reads a batch's failures, once.
func takeFiled(w http.ResponseWriter, r *http.Request) *filedNotice {
	c, err := r.Cookie(filedCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: filedCookie, Path: "/filings", MaxAge: -1, HttpOnly: true})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var fn filedNotice
	if err != nil || json.Unmarshal(b, &fn) != nil {
		return nil
	}
	return &fn
}

// Count is how many could not be acknowledged.
func (fn *filedNotice) Count() int { return len(fn.Failed) + fn.More }

// MoreText says how many more failed than the notice lists.
func (fn *filedNotice) MoreText() string {
	if fn.More == 0 {
		return ""
	}
	return errs.Text(errs.MsgFilingsMore, fn.More)
}

// FailedText heads the list of failures.
func (fn *filedNotice) FailedText() string { return errs.Text(errs.MsgFilingsFailed, fn.Count()) }
