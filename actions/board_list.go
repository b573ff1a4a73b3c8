package actions

// The lists behind the board's numbers, their xlsx, an item with its
// timeline, and 催办 from the board.

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// boardListParams are the board's own filters, over those of GET
// /processes: a township, a team, a step, open ones, escalated ones, due
// within BoardSoon (and not yet overdue).
var boardListParams = []string{"township", "team", "step", "open", "escalated", "due_soon"}

// BoardListQuery reads a list's filter, naming any bad parameter; the
// place is checked against the caller's (boardPlace).
func (a *Actions) BoardListQuery(ctx context.Context, u User, q Query) (store.ProcessFilter, error) {
	if err := checkParams(q, append(boardListParams, processParams...)...); err != nil {
		return store.ProcessFilter{}, err
	}
	rest := url.Values{}
	for k, v := range q {
		if !oneOf(k, boardListParams) {
			rest[k] = v
		}
	}
	f, err := ProcessFilter(rest)
	bad := errs.Fields{}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		for k, m := range e.Fields {
			bad[k] = m
		}
	} else if err != nil {
		return f, err
	}
	f.TeamID, f.Step = q.Get("team"), q.Get("step")
	for _, b := range []struct {
		name string
		to   *bool
	}{{"open", &f.Open}, {"escalated", &f.Escalated}, {"due_soon", new(bool)}} {
		if v := q.Get(b.name); v != "" {
			on, perr := strconv.ParseBool(v)
			bad.Check(perr == nil, b.name, errs.MsgBool)
			*b.to = on
			if b.name == "due_soon" && on {
				now, no := a.now(), false
				soon := now.Add(BoardSoon)
				f.DueAfter, f.DueBefore, f.Overdue, f.Open = &now, &soon, &no, true
			}
		}
	}
	if err := bad.Err(); err != nil {
		return f, err
	}
	f.CountyID, f.TownshipID, err = a.boardPlace(ctx, u, f.CountyID, q.Get("township"))
	return f, err
}

// BoardList is one page of a list behind the board.
func (a *Actions) BoardList(ctx context.Context, u User, q Query) (List[store.Process], error) {
	f, err := a.BoardListQuery(ctx, u, q)
	if err != nil {
		return List[store.Process]{}, err
	}
	items, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
	return List[store.Process]{Items: items, Next: next}, err
}

// boardSheetMax caps a download: a list longer than this is narrowed first.
const boardSheetMax = 20000

// BoardSheet is the whole list (every page) as a workbook.
func (a *Actions) BoardSheet(ctx context.Context, u User, q Query) (Sheet, error) {
	q2 := url.Values{}
	for k, v := range q {
		if k != "cursor" && k != "limit" && k != "format" {
			q2[k] = v
		}
	}
	f, err := a.BoardListQuery(ctx, u, q2)
	if err != nil {
		return Sheet{}, err
	}
	f.Limit = 200
	var rows []store.Process
	for {
		items, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
		if err != nil {
			return Sheet{}, err
		}
		rows = append(rows, items...)
		if len(rows) > boardSheetMax {
			return Sheet{}, errs.New(errs.Invalid, errs.MsgBoardTooManyRows, boardSheetMax)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	names, err := a.store.OrgNames(ctx, rows)
	if err != nil {
		return Sheet{}, err
	}
	name := "督查清单-" + a.now().In(policy.China).Format("2006-01-02") + ".xlsx"
	return Sheet{Name: name, Write: func(w io.Writer) error { return boardXLSX(w, rows, names, a.now()) }}, nil
}

// BoardHeaders are the list's columns, in Chinese.
var BoardHeaders = []string{"事项", "内容", "县", "乡镇", "派出单位", "状态", "当前环节", "等待", "期限", "逾期", "发起时间", "办结时间"}

func boardXLSX(out io.Writer, rows []store.Process, n store.OrgNameMaps, now time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "督查清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err == nil {
		err = sw.SetColWidth(1, 12, 16)
	}
	if err == nil {
		err = sw.SetRow("A1", reportCells(BoardHeaders))
	}
	for i, p := range rows {
		if err != nil {
			return err
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		err = sw.SetRow(cell, BoardRow(p, n, now))
	}
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		return err
	}
	return f.Write(out)
}

// BoardRow is a process as the list's columns show it.
func BoardRow(p store.Process, n store.OrgNameMaps, now time.Time) []any {
	overdue := ""
	if p.Overdue {
		overdue = "是"
	}
	step := ""
	if p.ClosedAt == nil && p.Step != "" {
		step = workflows.StepTitle(p.Step)
	}
	return []any{kindName(p.Kind), p.Subject, n.Name("county", p.CountyID), n.Name("township", p.TownshipID),
		n.Name("unit", p.UnitID), errs.StatusName(p.Status), step, WaitingNames(p.WaitingOn),
		reportTime(p.DueAt), overdue, reportTime(&p.OpenedAt), reportTime(p.ClosedAt)}
}

// WaitingNames names whom a process waits on, by role.
func WaitingNames(raw json.RawMessage) string {
	var ps []workflows.Party
	if json.Unmarshal(raw, &ps) != nil {
		return ""
	}
	var out []string
	for _, p := range ps {
		name := errs.RoleName(p.Role)
		if p.Role == policy.RoleMember {
			name = "队员本人"
		} else if p.Role == policy.RoleUnitHead {
			name = "派出单位负责人"
		}
		if !oneOf(name, out) {
			out = append(out, name)
		}
	}
	return strings.Join(out, "、")
}

// BoardItem is a process the caller may see, with its timeline.
type BoardItem struct {
	Process  store.Process         `json:"process"`
	Timeline []store.TimelineEvent `json:"timeline"`
	// CanRemind: overdue, open, and of a kind the board can remind on.
	CanRemind bool `json:"can_remind"`
}

// GetBoardItem loads an item of the board with its timeline.
func (a *Actions) GetBoardItem(ctx context.Context, u User, id string) (BoardItem, error) {
	if !canBoard(u) {
		return BoardItem{}, errs.New(errs.Forbidden, errs.MsgBoardOffices)
	}
	p, err := a.processOf(ctx, u, id, "", errs.MsgProcessOutOfView)
	if err != nil {
		return BoardItem{}, err
	}
	events, err := a.store.Timeline(ctx, p.ID)
	return BoardItem{Process: p, Timeline: events, CanRemind: Remindable(p)}, err
}

// RemindFromBoard is 催办 of an overdue item from the board's button: the
// same 催办 of any kind as RemindProcess.
func (a *Actions) RemindFromBoard(ctx context.Context, u User, req CommentRequest) (store.Process, error) {
	return a.RemindProcess(ctx, u, req)
}

// BoardListTitle says what a list holds, for the page's heading.
func BoardListTitle(q Query) string {
	parts := []string{}
	if k := q.Get("kind"); k != "" {
		parts = append(parts, kindName(k))
	}
	if s := q.Get("step"); s != "" {
		parts = append(parts, workflows.StepTitle(s))
	}
	for _, f := range []struct{ key, text string }{{"overdue", "已逾期"}, {"due_soon", "3天内到期"},
		{"escalated", "已督办"}, {"open", "办理中"}} {
		if q.Get(f.key) == "true" {
			parts = append(parts, f.text)
		}
	}
	if len(parts) == 0 {
		return "全部事项"
	}
	return strings.Join(parts, " · ")
}
