package web

// The 督查 board's pages: the counts with their charts, the lists behind
// every number (and their xlsx), an item with its timeline and 催办.

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/store"
)

// boardView is the board page's data.
type boardView struct {
	actions.Board
	PlaceTitle  string // 县, 乡镇, 工作队
	UpLink      string // the board one level up, "" at the top of the caller's view
	OverdueBars template.HTML
	MonthLines  template.HTML
	LeaveLines  template.HTML
	Months      []monthRow
	base        url.Values
}

type monthRow struct {
	Label string
	store.BoardMonth
}

var placeTitles = map[string]string{"county": "县", "township": "乡镇", "team": "工作队"}

// overdueBarsMax keeps the bar chart legible: the places with the most
// overdue; the table below lists every place.
const overdueBarsMax = 15

func (p *Pages) boardPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	b, err := p.act.Board(r.Context(), u, r.URL.Query())
	if err != nil {
		return err
	}
	v := boardView{Board: b, PlaceTitle: placeTitles[b.Level], base: url.Values{}}
	v.UpLink = v.Up(u.CountyID == "")
	if b.CountyID != "" {
		v.base.Set("county", b.CountyID)
	}
	if b.TownshipID != "" {
		v.base.Set("township", b.TownshipID)
	}
	v.OverdueBars = BarChart("逾期事项（按"+v.PlaceTitle+"）", v.overdueBars())
	var xs []string
	abs, late, days := make([]int, len(b.Months)), make([]int, len(b.Months)), make([]int, len(b.Months))
	for i, m := range b.Months {
		lbl := monthLabel(m.Month)
		xs = append(xs, lbl)
		abs[i], late[i], days[i] = m.Absences, m.Late, m.LeaveDays
		v.Months = append(v.Months, monthRow{Label: m.Month, BoardMonth: m})
	}
	v.MonthLines = LineChart("近12个月离岗与逾期说明", xs, []Series{
		{Name: "离岗", Class: "s1", Values: abs}, {Name: "逾期说明", Class: "s2", Values: late}})
	v.LeaveLines = LineChart("近12个月请假天数", xs, []Series{{Name: "请假天数", Class: "s3", Values: days}})
	title := "督查看板"
	if b.TownshipName != "" {
		title += " · " + b.TownshipName
	} else if b.CountyName != "" {
		title += " · " + b.CountyName
	}
	pg := page{Title: title, Nav: "board", Data: v}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "board", pg)
	return nil
}

// overdueBars are the places with the most overdue, each a link to its
// overdue list.
func (v boardView) overdueBars() []Bar {
	ls := append([]store.BoardLine(nil), v.Places...)
	sortByOverdue(ls)
	var bars []Bar
	for _, l := range ls {
		if len(bars) == overdueBarsMax || (l.Overdue == 0 && len(bars) > 0) {
			break
		}
		bars = append(bars, Bar{Label: l.Name, Value: l.Overdue, Href: v.PlaceLink(l.Key, "overdue")})
	}
	return bars
}

func sortByOverdue(ls []store.BoardLine) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].Overdue > ls[j-1].Overdue; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return strconv.Itoa(int(t.Month())) + "月"
}

// figureParams are the list filters behind each figure of a line.
var figureParams = map[string]url.Values{
	"open":      {"open": {"true"}},
	"overdue":   {"open": {"true"}, "overdue": {"true"}},
	"due_soon":  {"due_soon": {"true"}},
	"escalated": {"open": {"true"}, "escalated": {"true"}},
}

// link is the list of figure within the board's place, narrowed by kv.
func (v boardView) link(figure string, kv ...string) string {
	q := url.Values{}
	for k, vs := range v.base {
		q[k] = vs
	}
	for k, vs := range figureParams[figure] {
		q[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/board/list?" + q.Encode()
}

// TotalLink is the list behind a total.
func (v boardView) TotalLink(figure string) string { return v.link(figure) }

// KindLink is the list behind a kind's figure.
func (v boardView) KindLink(kind, figure string) string { return v.link(figure, "kind", kind) }

// StepLink is the list behind a step's figure.
func (v boardView) StepLink(kind, step, figure string) string {
	return v.link(figure, "kind", kind, "step", step)
}

// UnitLink is the list behind a unit's figure.
func (v boardView) UnitLink(unit, figure string) string { return v.link(figure, "unit", unit) }

// PlaceLink is the list behind a place's figure.
func (v boardView) PlaceLink(place, figure string) string {
	return v.link(figure, v.Level, place)
}

// PlaceBoard is the board of a place one level down ("" for a team).
func (v boardView) PlaceBoard(place string) string {
	if place == "" {
		return ""
	}
	switch v.Level {
	case "county":
		return "/board?county=" + url.QueryEscape(place)
	case "township":
		return "/board?township=" + url.QueryEscape(place)
	}
	return ""
}

// SortLink orders the place (or, for units, the unit) table by a column.
func (v boardView) SortLink(param, by string) string {
	q := url.Values{}
	for k, vs := range v.base {
		q[k] = vs
	}
	if v.Sort != "" {
		q.Set("sort", v.Sort)
	}
	if v.UnitSort != "" {
		q.Set("usort", v.UnitSort)
	}
	q.Set(param, by)
	return "/board?" + q.Encode()
}

// Up is the board one level up, "" at the top of the caller's view.
func (v boardView) Up(city bool) string {
	switch {
	case v.TownshipID != "":
		return "/board?county=" + url.QueryEscape(v.CountyID)
	case v.CountyID != "" && city:
		return "/board"
	}
	return ""
}

// boardListView is a page of a list behind the board.
type boardListView struct {
	Title    string
	Rows     []boardRow
	Next     string
	Paged    bool
	Query    string // the filter, for paging and the download
	Download string
	Path     string
}

type boardRow struct {
	store.Process
	KindName, Step, Waiting, Due, Late, URL, ItemURL string
	CanRemind                                        bool
}

func (p *Pages) boardListPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	q := r.URL.Query()
	if q.Get("format") == "xlsx" {
		q.Del("format")
		sh, err := p.act.BoardSheet(r.Context(), u, q)
		if err != nil {
			return err
		}
		writeSheet(w, r, sh, p)
		return nil
	}
	l, err := p.act.BoardList(r.Context(), u, q)
	if err != nil {
		return err
	}
	filter := url.Values{}
	for k, vs := range q {
		if k != "cursor" {
			filter[k] = vs
		}
	}
	v := boardListView{Title: actions.BoardListTitle(q), Next: l.Next, Paged: q.Get("cursor") != "",
		Query: filter.Encode()}
	dl := url.Values{}
	for k, vs := range filter {
		dl[k] = vs
	}
	dl.Set("format", "xlsx")
	v.Download = "/board/list?" + dl.Encode()
	v.Path = "/board/list?" + v.Query
	now := p.now()
	for _, it := range l.Items {
		v.Rows = append(v.Rows, boardRow{Process: it, KindName: kindTitle(it.Kind), Step: stepOf(it),
			Waiting: actions.WaitingNames(it.WaitingOn), Due: when(it.DueAt), Late: lateIfOpen(it, now),
			URL: processURL(it.Kind, it.ID), ItemURL: "/board/items/" + it.ID, CanRemind: actions.Remindable(it)})
	}
	pg := page{Title: v.Title, Nav: "board", Data: v}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "board_list", pg)
	return nil
}

func stepOf(it store.Process) string {
	if it.ClosedAt != nil || it.Step == "" {
		return ""
	}
	return titles.step(it.Step)
}

func lateIfOpen(it store.Process, now time.Time) string {
	if it.ClosedAt != nil || !it.Overdue {
		return ""
	}
	return late(it.DueAt, now)
}

// writeSheet answers with a spreadsheet download.
func writeSheet(w http.ResponseWriter, r *http.Request, sh actions.Sheet, p *Pages) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="download.xlsx"; filename*=UTF-8''`+url.PathEscape(sh.Name))
	w.WriteHeader(http.StatusOK)
	if err := sh.Write(w); err != nil {
		p.log.Error("write xlsx "+sh.Name, zapErr(err))
	}
}

// boardItemView is an item with its timeline, in the member pages' words.
type boardItemView struct {
	words
	actions.BoardItem
	KindName, Step, Waiting, Late, URL string
}

func (p *Pages) boardItemPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderBoardItem(w, r, "")
}

func (p *Pages) renderBoardItem(w http.ResponseWriter, r *http.Request, problem string) error {
	it, err := p.act.GetBoardItem(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	pr := it.Process
	v := boardItemView{BoardItem: it, KindName: kindTitle(pr.Kind), Step: stepOf(pr),
		Waiting: actions.WaitingNames(pr.WaitingOn), Late: lateIfOpen(pr, p.now()), URL: processURL(pr.Kind, pr.ID)}
	pg := page{Title: v.KindName + " · " + pr.Subject, Nav: "board", Data: v, Error: problem}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "board_item", pg)
	return nil
}

// boardRemind is 催办 from the board; a refusal the office can read (not
// escalated to it, not overdue) shows on the item's page.
func (p *Pages) boardRemind(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	_, err := p.act.RemindFromBoard(r.Context(), mustUser(r), actions.CommentRequest{Ref: actions.Ref{ID: id},
		Comment: r.PostForm.Get("comment")})
	if err != nil {
		e, _ := actions.Explain(err)
		if e.Code == errs.Conflict || e.Code == errs.Invalid || (e.Code == errs.Forbidden && e.Key != errs.MsgProcessOutOfView) {
			return p.renderBoardItem(w, r, e.Message)
		}
		return err
	}
	return redirect(w, r, "/board/items/"+id, errs.Text(errs.MsgBoardReminded))
}
