package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"zhucun/actions"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// TestHomeLinksTheInboxsNextPage: when more waits than the home page
// shows, it links 待办's next page by the inbox's cursor; when all fits,
// no link.
func TestHomeLinksTheInboxsNextPage(t *testing.T) {
	p, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	me := actions.MeOf(actions.User{Role: policy.RoleTownshipCommittee, DisplayName: "专探乡党委"})
	items := []store.InboxItem{{Process: store.Process{ID: "11111111-1111-4111-8111-111111111111",
		Kind: workflows.KindLeave, Subject: "请假", Step: workflows.StepApproval}}}
	for next, want := range map[string]bool{"Y3Vyc29y": true, "": false} {
		w := httptest.NewRecorder()
		p.render(w, httptest.NewRequest("GET", "/", nil), 200, "home",
			page{Title: "首页", User: &me, Data: homeData{Waiting: items, WaitingNext: next}})
		html := w.Body.String()
		if got := strings.Contains(html, `href="/inbox?cursor=Y3Vyc29y"`) && strings.Contains(html, "下一页"); got != want {
			t.Errorf("next %q: link to the next page shown = %v, want %v", next, got, want)
		}
	}
}
