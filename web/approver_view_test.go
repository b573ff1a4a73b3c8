package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhucun/actions"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func at(s string) *time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, policy.China)
	if err != nil {
		panic(err)
	}
	return &t
}

// TestInboxRowsMarkOverdueAndEscalated renders 待办 from items no e2e run
// can make quickly (an escalation takes 72 hours): the escalated one is
// marked 督办, the overdue one says how late, every item links to its
// page, and a member's name is text, not markup.
func TestInboxRowsMarkOverdueAndEscalated(t *testing.T) {
	p, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := *at("2026-03-10 12:00")
	p.now = func() time.Time { return now }
	items := []store.WorkItem{{
		Process:  store.Process{ID: "11111111-1111-4111-8111-111111111111", Kind: workflows.KindLeave},
		WaitStep: workflows.StepApproval, WaitDueAt: at("2026-03-08 09:00"), Escalated: true,
		Facts: store.ItemFacts{MemberName: "王建国", LeaveKind: "sick", StartDate: "2026-03-08", EndDate: "2026-03-10", Days: "3"},
	}, {
		Process:  store.Process{ID: "22222222-2222-4222-8222-222222222222", Kind: workflows.KindAbsence},
		WaitStep: workflows.StepSignature, WaitDueAt: at("2026-03-25 00:00"),
		Facts: store.ItemFacts{MemberName: "<b>李秀英</b>", FoundAt: at("2026-03-02 09:30"), Method: "onsite"},
	}}
	me := actions.MeOf(actions.User{Role: policy.RoleCountyBureau, DisplayName: "西平县乡村振兴局"})
	pg := page{Title: "待办", User: &me, Waiting: 2, Data: listData{Rows: workRows(items, now), Total: 2, Overdue: 1}}
	w := httptest.NewRecorder()
	p.render(w, httptest.NewRequest("GET", "/inbox", nil), 200, "approver_inbox", pg)
	html := w.Body.String()
	for _, want := range []string{
		`<tr class="overdue">`, `督办`, `逾期 2 天 3 小时`, `href="/leaves/11111111-1111-4111-8111-111111111111"`,
		"2026-03-08 至 2026-03-10，3\u00a0天，病假", `href="/absences/22222222-2222-4222-8222-222222222222"`,
		`发现于 2026-03-02 09:30，现场查岗`, `&lt;b&gt;李秀英&lt;/b&gt;`, `单位负责人签字`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Count(html, ">督办<") != 1 || strings.Contains(html, "<b>李秀英") {
		t.Errorf("one escalation, no markup from data:\n%s", html)
	}
}

func TestWhatAndDid(t *testing.T) {
	cases := []struct{ kind, step, want string }{
		{workflows.KindLeave, workflows.StepApproval, "2026-03-08，1\u00a0天，事假"},
		{workflows.KindLeave, workflows.StepExtensionApproval, "2026-03-08，1\u00a0天，事假；续假至 2026-03-12"},
		{workflows.KindRosterChange, workflows.StepFiling, "小王庄村驻村工作队：替换 张伟，2026-04-01 生效"},
		{workflows.KindAbsenceReport, workflows.StepSubmission, "2026-03 月度汇总"},
	}
	f := store.ItemFacts{MemberName: "刘洋", LeaveKind: "personal", StartDate: "2026-03-08", EndDate: "2026-03-08", Days: "1",
		ExtendTo: "2026-03-12", Change: workflows.ChangeReplace, Replaces: "张伟", TeamName: "小王庄村驻村工作队",
		EffectiveOn: "2026-04-01", Month: "2026-03", CountyName: "西平县"}
	for _, c := range cases {
		if got := what(c.kind, c.step, f); got != c.want {
			t.Errorf("what(%s, %s) = %q, want %q", c.kind, c.step, got, c.want)
		}
	}
	if who(workflows.KindAbsenceReport, f) != "西平县" || who(workflows.KindLeave, f) != "刘洋" {
		t.Error("who")
	}
	for _, c := range [][3]string{
		{"approved", "approval", "同意"}, {"refused", "extension_approval", "不同意续假"}, {"filed", "filing", "确认备案"},
		{"signed", "signature", "签字"}, {"returned", "signature", "退回重写"}, {"submitted", "submission", "报送月度汇总"},
		{"recorded", "explanation", "登记离岗"}, {"recorded", "filing", "登记人员变动"}, {"reported", "report", "上报台账"},
	} {
		if got := didName(c[0], c[1]); got != c[2] {
			t.Errorf("didName(%s, %s) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestParseLocalAndCover(t *testing.T) {
	got, ok := parseLocal("2026-03-08T09:30")
	if !ok || !got.Equal(*at("2026-03-08 09:30")) {
		t.Errorf("parseLocal = %v, %v", got, ok)
	}
	for _, bad := range []string{"", "2026-03-08", "昨天", "2026-13-01T09:30"} {
		if _, ok := parseLocal(bad); ok {
			t.Errorf("parseLocal(%q) took it", bad)
		}
	}
	msg := "该时间在已批准的请假（2026-03-01 至 2026-03-03，已批准）之内，队员并非无故离岗；如仍要登记，请确认（\"confirm\": true）"
	if c := coverText(msg); strings.Contains(c, "confirm") || !strings.HasPrefix(c, "该时间在已批准的请假（2026-03-01 至 2026-03-03，已批准）之内，队员并非无故离岗。") {
		t.Errorf("coverText = %q", c)
	}
}
