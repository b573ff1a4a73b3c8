package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhucun/actions"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// TestBoardPagesRender renders the board, a list and an item from data no
// e2e run makes quickly (escalated and long-overdue items): every figure
// is a link to its list, the escalated figure's list asks for escalated
// open items, a team-level board names teams, and the overdue leave
// offers 催办 where the report does not.
func TestBoardPagesRender(t *testing.T) {
	p, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := *at("2026-03-10 12:00")
	p.now = func() time.Time { return now }
	me := actions.MeOf(actions.User{Role: policy.RoleCountyBureau, DisplayName: "西平县乡村振兴局", CountyID: "xiping"})
	c := store.BoardCounts{Open: 9, Overdue: 4, DueSoon: 2, Escalated: 1}
	b := actions.Board{CountyID: "xiping", CountyName: "西平县", Level: "township", Total: c,
		Kinds:  []store.BoardLine{{Key: "leave", Name: "请假", BoardCounts: c}},
		Steps:  []store.BoardLine{{Key: "approval", Kind: "leave", Name: "请假 · 审批", BoardCounts: c}},
		Places: []store.BoardLine{{Key: "zhuantan", Name: "专探乡", BoardCounts: c}, {Key: "chushan", Name: "出山镇"}},
		Units:  []store.BoardLine{{Key: "xiping-edu", Name: "西平县教育局", BoardCounts: c}},
		Months: []store.BoardMonth{{Month: "2026-02", Absences: 3, Late: 1, LeaveDays: 12}, {Month: "2026-03", Absences: 5}}}
	v := boardView{Board: b, PlaceTitle: "乡镇", base: url.Values{"county": {"xiping"}}}
	v.OverdueBars = BarChart("逾期", v.overdueBars())
	w := httptest.NewRecorder()
	p.render(w, httptest.NewRequest("GET", "/board", nil), 200, "board", page{Title: "督查看板", User: &me, Data: v})
	html := w.Body.String()
	for _, want := range []string{
		`id="total-escalated"`, `href="/board/list?county=xiping&amp;escalated=true&amp;open=true"`,
		`href="/board/list?county=xiping&amp;open=true&amp;overdue=true&amp;township=zhuantan"`,
		`href="/board/list?county=xiping&amp;kind=leave&amp;open=true&amp;step=approval"`,
		`href="/board/list?county=xiping&amp;due_soon=true&amp;unit=xiping-edu"`,
		`href="/board?township=zhuantan"`, `data-label="专探乡" data-value="4"`, `<a href="/board">督查</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("board: missing %s", want)
		}
	}

	due := now.Add(-50 * time.Hour)
	rows := []boardRow{
		{Process: store.Process{ID: "11111111-1111-4111-8111-111111111111", Kind: workflows.KindLeave, Subject: "王建国", Status: "pending",
			Overdue: true, DueAt: &due, WaitingOn: json.RawMessage(`[{"role":"township_committee","office_id":"zhuantan-committee"}]`)},
			KindName: "请假", Late: late(&due, now), CanRemind: true, ItemURL: "/board/items/11111111-1111-4111-8111-111111111111"},
		{Process: store.Process{ID: "22222222-2222-4222-8222-222222222222", Kind: "absence_report", Subject: "xiping", Status: "open", Overdue: true},
			KindName: "月报", ItemURL: "/board/items/22222222-2222-4222-8222-222222222222"},
	}
	w = httptest.NewRecorder()
	p.render(w, httptest.NewRequest("GET", "/board/list", nil), 200, "board_list", page{Title: "已逾期", User: &me,
		Data: boardListView{Rows: rows, Download: "/board/list?overdue=true&format=xlsx", Next: "abc", Path: "/board/list?overdue=true"}})
	html = w.Body.String()
	if n := strings.Count(html, `action="/board/items/`); n != 1 || !strings.Contains(html, "逾期 2 天 2 小时") {
		t.Errorf("the list offers 催办 %d times (want the leave's only), lateness shown: %v", n, strings.Contains(html, "逾期 2 天"))
	}
	if !strings.Contains(html, `href="/board/list?overdue=true&amp;format=xlsx"`) || !strings.Contains(html, `cursor=abc`) {
		t.Error("no download or next page link")
	}
}
