package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhucun/demo"
	"zhucun/store"
)

// Two more accounts of 黄埠镇党委, so a step can be handed over within the
// office and one of them can name the other as deputy.
var delegOnce sync.Once

func delegOffice(t *testing.T) {
	t.Helper()
	var err error
	delegOnce.Do(func() {
		st := store.New(H.Pool)
		for _, u := range []store.User{
			{Username: "huangbu-committee-li", DisplayName: "李委员"},
			{Username: "huangbu-committee-zhang", DisplayName: "张干事"},
		} {
			u.Role, u.OfficeID, u.TownshipID, u.CountyID = "township_committee", "huangbu-committee", "huangbu", "shangcai"
			if err == nil {
				err = st.UpsertUser(context.Background(), u, demo.Password)
			}
		}
	})
	if err != nil {
		t.Fatalf("delegation fixture: %v", err)
	}
}

// timelineActions lists a process's events as "action|actor|comment".
func timelineLines(t *testing.T, c *Client, id string) []string {
	var out []string
	for _, e := range items(t, c.JSON(t, "GET", "/api/v1/processes/"+id+"/timeline", nil, 200)) {
		out = append(out, fmt.Sprint(e["action"], "|", e["actor"], "|", e["comment"]))
	}
	return out
}

func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// 转交, 委托, 催办 and 抄送, end to end on two leaves of m24 (黄埠镇, 上蔡县,
// whose rules copy a decided leave to the team leader, m22):
//   - the member urges the approval once; a second within 24 hours is a 409
//     saying in Chinese and in next_at when the next one is possible;
//   - the committee hands leave A over to 李委员: the account that handed
//     it over gets 403, 李委员 sees it in 待办;
//   - 李委员's delegation to 张干事 starting tomorrow lets 张干事 decide
//     nothing today (403); ended, and one from today: 张干事 sees leave A
//     and approves it, recorded as 张干事（代李委员）;
//   - self-delegation (400 naming deputy) and a loop (409) are refused;
//   - the team leader finds leave A in 抄送我的 and gets 403 deciding it;
//   - leave B handed to 李委员 is approved by 李委员 itself.
func TestDelegationHandOverUrgeCopy(t *testing.T) {
	delegOffice(t)
	withPolicy(t, "shangcai", func(r map[string]any) { r["leave"].(map[string]any)["copy_to"] = []string{"team_leader"} })
	member, committee := H.Login(t, "m24"), H.Login(t, "huangbu-committee")
	li, zhang, leader := H.Login(t, "huangbu-committee-li"), H.Login(t, "huangbu-committee-zhang"), H.Login(t, "m22")

	a := member.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 40, 41, "委托测试甲"), 201)["id"].(string)
	b := member.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 50, 51, "委托测试乙"), 201)["id"].(string)
	t.Cleanup(func() {
		for _, id := range []string{a, b} {
			member.Do(t, "POST", "/api/v1/leaves/"+id+"/cancel", map[string]any{"reason": "测试结束"})
		}
	})

	// 催办 by the member: once, then 409 with when the next is possible.
	remind := "/api/v1/processes/" + a + "/remind"
	member.JSON(t, "POST", remind, map[string]any{"comment": "家中急事，请尽快审批"}, 200)
	again := member.JSON(t, "POST", remind, nil, 409)
	if msg := errMessage(t, again); !strings.Contains(msg, "之后可再次催办") {
		t.Errorf("second 催办: %v", again)
	}
	if next := fieldMessage(again, "next_at"); len(next) < 20 || !strings.HasSuffix(next, "+08:00") {
		t.Errorf("second 催办 names next_at %q, want an RFC 3339 China instant", next)
	}
	H.Login(t, "m23").JSON(t, "POST", remind, nil, 403) // not their leave
	if !hasLine(timelineLines(t, committee, a), "urged|") {
		t.Errorf("no 催办 in the timeline: %v", timelineLines(t, committee, a))
	}

	// 转交 to 李委员.
	hand := "/api/v1/processes/" + a + "/handover"
	committee.JSON(t, "POST", hand, map[string]any{"to": "huangbu-committee", "comment": "x"}, 400)
	committee.JSON(t, "POST", hand, map[string]any{"to": "shaodian-committee", "comment": "x"}, 400)
	committee.JSON(t, "POST", hand, map[string]any{"to": "huangbu-committee-li"}, 400)
	committee.JSON(t, "POST", hand, map[string]any{"to": "huangbu-committee-li", "comment": "本周下乡，请李委员审批"}, 200)
	committee.JSON(t, "POST", "/api/v1/leaves/"+a+"/decision", map[string]any{"decision": "approve"}, 403)
	if !inboxHas(t, "huangbu-committee-li", a, "approval") || inboxHas(t, "huangbu-committee-zhang", a, "") {
		t.Errorf("after 转交: 李委员 should have leave A in 待办, 张干事 not")
	}

	// A delegation not yet in force gives the deputy nothing.
	later := li.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "huangbu-committee-zhang",
		"start_date": day(1), "end_date": day(3), "reason": "外出培训"}, 201)
	zhang.JSON(t, "POST", "/api/v1/leaves/"+a+"/decision", map[string]any{"decision": "approve"}, 403)
	li.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "huangbu-committee-zhang",
		"start_date": day(2), "end_date": day(2)}, 409) // overlaps the first
	zhang.JSON(t, "POST", "/api/v1/delegations/"+later["id"].(string)+"/end", nil, 403)
	li.JSON(t, "POST", "/api/v1/delegations/"+later["id"].(string)+"/end", nil, 200)
	li.JSON(t, "POST", "/api/v1/delegations/"+later["id"].(string)+"/end", nil, 409)

	self := li.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "huangbu-committee-li",
		"start_date": day(0), "end_date": day(2)}, 400)
	if fieldMessage(self, "deputy") == "" {
		t.Errorf("self-delegation does not name deputy: %v", self)
	}
	member.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "m23", "start_date": day(0), "end_date": day(2)}, 403)
	now := li.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "huangbu-committee-zhang",
		"start_date": day(0), "end_date": day(2), "reason": "外出培训"}, 201)
	t.Cleanup(func() { li.Do(t, "POST", "/api/v1/delegations/"+now["id"].(string)+"/end", nil) })
	zhang.JSON(t, "POST", "/api/v1/delegations", map[string]any{"deputy": "huangbu-committee-li",
		"start_date": day(1), "end_date": day(1)}, 409) // a loop
	if ds := items(t, zhang.JSON(t, "GET", "/api/v1/delegations", nil, 200)); len(ds) < 2 {
		t.Errorf("the deputy lists %d delegations, want both naming it", len(ds))
	}
	if !inboxHas(t, "huangbu-committee-zhang", a, "approval") {
		t.Errorf("the deputy does not see leave A in 待办")
	}
	zhang.JSON(t, "POST", "/api/v1/leaves/"+a+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
	if tl := timelineLines(t, committee, a); !hasLine(tl, "approved|张干事（代李委员）|") || !hasLine(tl, "handed_over|") {
		t.Errorf("timeline %v, want the hand-over and the approval by 张干事（代李委员）", tl)
	}
	li.JSON(t, "POST", "/api/v1/leaves/"+a+"/decision", map[string]any{"decision": "refuse", "comment": "x"}, 409)

	// 抄送: the team leader reads it and decides nothing.
	pollUntil(t, 5*time.Second, "leave A in 抄送我的", func() (bool, string) {
		for _, it := range items(t, leader.JSON(t, "GET", "/api/v1/copies", nil, 200)) {
			if it["id"] == a {
				return true, ""
			}
		}
		return false, "not listed"
	})
	leader.JSON(t, "POST", "/api/v1/leaves/"+b+"/decision", map[string]any{"decision": "approve"}, 403)
	leader.JSON(t, "POST", "/api/v1/leaves/"+a+"/decision", map[string]any{"decision": "refuse", "comment": "x"}, 403)
	for _, it := range items(t, member.JSON(t, "GET", "/api/v1/copies", nil, 200)) {
		if it["id"] == a {
			t.Errorf("the member's own leave is in their 抄送我的")
		}
	}

	// Leave B: handed over, decided by the new account itself.
	committee.JSON(t, "POST", "/api/v1/processes/"+b+"/handover", map[string]any{"to": "huangbu-committee-li", "comment": "请处理"}, 200)
	committee.JSON(t, "POST", "/api/v1/leaves/"+b+"/decision", map[string]any{"decision": "approve"}, 403)
	li.JSON(t, "POST", "/api/v1/leaves/"+b+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
	if tl := timelineLines(t, committee, b); !hasLine(tl, "approved|李委员|") {
		t.Errorf("leave B timeline %v", tl)
	}
}

// fieldMessage is an error answer's fields[name].
func fieldMessage(body map[string]any, name string) string {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[name].(string)
	return s
}
