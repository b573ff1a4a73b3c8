package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func init() {
	pageAccess["GET /delegations"] = "GET /delegations"
	pageAccess["POST /delegations"] = "POST /delegations"
	pageAccess["POST /delegations/{id}/end"] = "POST /delegations/{id}/end"
	pageAccess["GET /copies"] = "GET /copies"
	pageAccess["POST /leaves/{id}/handover"] = "POST /processes/{id}/handover"
	pageAccess["POST /leaves/{id}/urge"] = "POST /processes/{id}/remind"
}

// pageGet is a page's status and body.
func pageGet(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(H.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}

// pagePost posts a form and follows the redirect: the final status and body.
func pagePost(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(H.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}

// The pages of issue 20 without script: the member's 催办 button (once,
// then refused with when the next is possible), the committee's 转交
// form, 李委员's 委托 page (self refused beside the field, then 张干事
// named), 张干事 deciding the handed-over leave on its page, and the team
// leader's 抄送我的.
func TestPagesDelegationHandOverUrgeCopy(t *testing.T) {
	delegOffice(t)
	withPolicy(t, "shangcai", func(r map[string]any) { r["leave"].(map[string]any)["copy_to"] = []string{"team_leader"} })
	api := H.Login(t, "m24")
	id := api.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 74, 75, "页面委托测试"), 201)["id"].(string)
	t.Cleanup(func() { api.Do(t, "POST", "/api/v1/leaves/"+id+"/cancel", map[string]any{"reason": "测试结束"}) })
	li := H.Login(t, "huangbu-committee-li")
	t.Cleanup(func() {
		for _, d := range items(t, li.JSON(t, "GET", "/api/v1/delegations", nil, 200)) {
			if d["ended_at"] == nil && d["delegator_name"] == "李委员" {
				li.JSON(t, "POST", "/api/v1/delegations/"+d["id"].(string)+"/end", nil, 200)
			}
		}
	})

	member := pageClient(t, "m24")
	if _, body := pageGet(t, member, "/leaves/"+id); !strings.Contains(body, `action="/leaves/`+id+`/urge"`) {
		t.Errorf("the member's leave page has no 催办 form")
	}
	if st, body := pagePost(t, member, "/leaves/"+id+"/urge", url.Values{"comment": {"请尽快审批"}}); st != 200 || !strings.Contains(body, "已催办") {
		t.Errorf("催办: %d %.300s", st, body)
	}
	if st, body := pagePost(t, member, "/leaves/"+id+"/urge", nil); st != 409 || !strings.Contains(body, "之后可再次催办") {
		t.Errorf("second 催办: %d, want 409 saying when", st)
	}

	committee := pageClient(t, "huangbu-committee")
	if _, body := pageGet(t, committee, "/leaves/"+id); !strings.Contains(body, `action="/leaves/`+id+`/handover"`) {
		t.Errorf("the committee's leave page has no 转交 form")
	}
	if st, body := pagePost(t, committee, "/leaves/"+id+"/handover", url.Values{"to": {"huangbu-committee-li"}}); st != 400 || !strings.Contains(body, "必填") && !strings.Contains(body, "请") {
		t.Errorf("转交 without a comment: %d", st)
	}
	if st, body := pagePost(t, committee, "/leaves/"+id+"/handover", url.Values{"to": {"huangbu-committee-li"}, "comment": {"请李委员审批"}}); st != 200 || !strings.Contains(body, "已转交") {
		t.Errorf("转交: %d %.300s", st, body)
	}
	if _, body := pageGet(t, committee, "/leaves/"+id); strings.Contains(body, `action="/leaves/`+id+`/decision"`) {
		t.Errorf("the account that handed the leave over is still offered the decision")
	}

	liPage := pageClient(t, "huangbu-committee-li")
	if _, body := pageGet(t, liPage, "/inbox"); !strings.Contains(body, id) {
		t.Errorf("李委员's 待办 page does not list the leave handed over")
	}
	if _, body := pageGet(t, liPage, "/leaves/"+id); !strings.Contains(body, `action="/leaves/`+id+`/decision"`) {
		t.Errorf("李委员 is not offered the decision of the leave handed over")
	}
	if st, body := pagePost(t, liPage, "/delegations", url.Values{"deputy": {"huangbu-committee-li"}, "start_date": {day(0)}, "end_date": {day(0)}}); st != 400 || !strings.Contains(body, "不能委托给自己") {
		t.Errorf("self-delegation on the page: %d", st)
	}
	if st, body := pagePost(t, liPage, "/delegations", url.Values{"deputy": {"huangbu-committee-zhang"}, "start_date": {day(0)}, "end_date": {day(1)}, "reason": {"下乡"}}); st != 200 || !strings.Contains(body, "提前结束") || !strings.Contains(body, "张干事") {
		t.Errorf("委托 on the page: %d %.500s", st, body)
	}

	zhang := pageClient(t, "huangbu-committee-zhang")
	if _, body := pageGet(t, zhang, "/inbox"); !strings.Contains(body, id) {
		t.Errorf("the deputy's 待办 page does not list the leave handed to 李委员")
	}
	if st, body := pagePost(t, zhang, "/leaves/"+id+"/decision", url.Values{"decision": {"approve"}, "comment": {"同意"}}); st != 200 || !strings.Contains(body, "张干事（代李委员）") {
		t.Errorf("the deputy's decision on the page: %d", st)
	}
	if _, body := pageGet(t, pageClient(t, "m22"), "/copies"); !strings.Contains(body, "宋杰") || !strings.Contains(body, day(74)) {
		t.Errorf("the team leader's 抄送我的 does not list the leave")
	}
}
