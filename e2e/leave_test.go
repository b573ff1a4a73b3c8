package e2e

import (
	"fmt"
	"testing"
	"time"

	"zhucun/policy"
)

func day(offset int) string {
	return policy.FormatDate(policy.AddDays(policy.DayOf(time.Now()), offset))
}

// inboxHas reports whether the user's inbox lists the process at that step.
func inboxHas(t *testing.T, user, id, step string) bool {
	t.Helper()
	for cursor := ""; ; {
		page := H.Login(t, user).JSON(t, "GET", "/api/v1/inbox?limit=200&cursor="+cursor, nil, 200)
		for _, it := range items(t, page) {
			if it["id"] == id && (step == "" || it["step"] == step) {
				return true
			}
		}
		if cursor, _ = page["next"].(string); cursor == "" {
			break
		}
	}
	return false
}

func expectInbox(t *testing.T, id, step string, want map[string]bool) {
	t.Helper()
	for user, in := range want {
		if got := inboxHas(t, user, id, step); got != in {
			t.Errorf("inbox of %s holds %s at %q = %v, want %v", user, id, step, got, in)
		}
	}
}

func timelineActions(t *testing.T, as *Client, id string) []string {
	t.Helper()
	var out []string
	for _, e := range items(t, as.JSON(t, "GET", "/api/v1/processes/"+id+"/timeline", nil, 200)) {
		out = append(out, fmt.Sprint(e["action"]))
	}
	return out
}

func processRow(t *testing.T, as *Client, id string) map[string]any {
	t.Helper()
	for _, p := range items(t, as.JSON(t, "GET", "/api/v1/processes?kind=leave&limit=200", nil, 200)) {
		if p["id"] == id {
			return p
		}
	}
	t.Fatalf("process %s not in the read model", id)
	return nil
}

func TestLeaveTownshipRouteToReturn(t *testing.T) {
	m := H.Login(t, "m01")
	township := m.User["township_id"].(string)
	committee := township + "-committee"
	// Started two days ago, so it can be reported back today.
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": day(-2), "end_date": day(3), "reason": "住院治疗"}, 201)
	id := leave["id"].(string)
	if leave["route"] != "township" || leave["days"] != 6.0 || leave["status"] != "pending" || leave["policy_version"] != "city@1" {
		t.Fatalf("submitted leave: %v", leave)
	}
	expectInbox(t, id, "approval", map[string]bool{committee: true, "xiping-org": false, "xiping-bureau": false})
	// Back-dated (补假): its start has passed, yet it is not overdue at
	// once; its approval is due 72 h after submission.
	if row := processRow(t, H.Login(t, "xiping-bureau"), id); row["overdue"] != false || row["step"] != "approval" {
		t.Errorf("read model before decision: %v", row)
	}
	submitted, _ := time.Parse(time.RFC3339, leave["submitted_at"].(string))
	if due, _ := time.Parse(time.RFC3339, leave["steps"].([]any)[0].(map[string]any)["due_at"].(string)); !due.Equal(submitted.Add(72 * time.Hour)) {
		t.Errorf("approval due %v, want 72 h after submission %v", due, submitted)
	}

	// The wrong people cannot decide; the committee can, once.
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 403)
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 403)
	got := H.Login(t, committee).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
	if got["status"] != "approved" {
		t.Fatalf("after approval: %v", got["status"])
	}
	H.Login(t, committee).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 409)
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/withdraw", nil, 409)

	// Filed with both county offices; the member now owes the report back.
	expectInbox(t, id, "filing", map[string]bool{"xiping-org": true, "xiping-bureau": true, committee: false})
	expectInbox(t, id, "return", map[string]bool{"m01": true})
	H.Login(t, "shangcai-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", nil, 403)
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", nil, 200)
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", nil, 409)
	expectInbox(t, id, "filing", map[string]bool{"xiping-org": false, "xiping-bureau": true})
	H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", map[string]any{"comment": "已备案"}, 200)

	// 销假 today: an early return shortens the leave to yesterday.
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/return", map[string]any{"returned_on": day(1)}, 400)
	back := m.JSON(t, "POST", "/api/v1/leaves/"+id+"/return", map[string]any{"returned_on": day(0)}, 200)
	if back["status"] != "returned" || back["returned_on"] != day(0) || back["actual_end_date"] != day(-1) || back["actual_days"] != 2.0 {
		t.Fatalf("after return: %v", back)
	}
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/return", map[string]any{"returned_on": day(0)}, 409)
	expectInbox(t, id, "", map[string]bool{"m01": false, committee: false, "xiping-org": false, "xiping-bureau": false})

	row := processRow(t, H.Login(t, "zhumadian-bureau"), id)
	if row["status"] != "returned" || row["closed_at"] == nil || row["overdue"] != false {
		t.Errorf("read model at the end: %v", row)
	}
	want := []string{"submitted", "approved", "filed", "filed", "returned"}
	if got := timelineActions(t, m, id); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	one := m.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 200)
	steps := one["steps"].([]any)
	if len(steps) != 3 {
		t.Fatalf("steps: %v", steps)
	}
	approval := steps[0].(map[string]any)
	d := approval["decisions"].([]any)[0].(map[string]any)
	if d["decision"] != "approve" || d["comment"] != "同意" || d["role"] != "township_committee" {
		t.Errorf("approval decision: %v", d)
	}
}

func TestLeaveJointRouteCountersigned(t *testing.T) {
	m := H.Login(t, "m02")
	unit := m.User["unit_id"].(string)
	head := unit + "-head"
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": day(-1), "end_date": day(7), "reason": "住院手术"}, 201)
	id := leave["id"].(string)
	if leave["route"] != "joint" || leave["days"] != 9.0 {
		t.Fatalf("route %v days %v", leave["route"], leave["days"])
	}
	township := m.User["township_id"].(string) + "-committee"
	all := map[string]bool{"xiping-org": true, "xiping-bureau": true, head: true, township: false}
	expectInbox(t, id, "approval", all)
	H.Login(t, township).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 403)

	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 200)
	all["xiping-org"] = false
	expectInbox(t, id, "approval", all)
	mid := H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 200)
	if mid["status"] != "pending" {
		t.Fatalf("two of three approved, status %v", mid["status"])
	}
	all["xiping-bureau"] = false
	expectInbox(t, id, "approval", all)
	done := H.Login(t, head).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
	if done["status"] != "approved" {
		t.Fatalf("all three approved, status %v", done["status"])
	}
	// A joint-route leave is approved by the county offices: no filing.
	expectInbox(t, id, "filing", map[string]bool{"xiping-org": false, "xiping-bureau": false})

	// An extension routes on the new total and keeps the old end until approved.
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/extension", map[string]any{"end_date": day(5), "reason": "x"}, 400)
	ext := m.JSON(t, "POST", "/api/v1/leaves/"+id+"/extension", map[string]any{"end_date": day(9), "reason": "病情未愈"}, 200)
	if ext["end_date"] != day(7) {
		t.Fatalf("end date moved before approval: %v", ext["end_date"])
	}
	expectInbox(t, id, "extension_approval", map[string]bool{"xiping-org": true, "xiping-bureau": true, head: true})
	for _, u := range []string{"xiping-org", "xiping-bureau", head} {
		H.Login(t, u).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 200)
	}
	final := m.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 200)
	if final["end_date"] != day(9) || final["days"] != 11.0 {
		t.Fatalf("after extension: end %v days %v", final["end_date"], final["days"])
	}
	back := m.JSON(t, "POST", "/api/v1/leaves/"+id+"/return", map[string]any{"returned_on": day(0)}, 200)
	if back["status"] != "returned" {
		t.Fatalf("return: %v", back["status"])
	}
	got := timelineActions(t, m, id)
	want := []string{"submitted", "approved", "approved", "approved", "extension_requested", "approved", "approved", "approved", "returned"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
}

func TestLeaveRefusedWithdrawnAndOverlapping(t *testing.T) {
	m := H.Login(t, "m03")
	head := m.User["unit_id"].(string) + "-head"
	joint := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(30), "end_date": day(40), "reason": "探亲"}, 201)
	id := joint["id"].(string)
	// Overlapping the pending leave: refused.
	m.JSON(t, "POST", "/api/v1/leaves", map[string]any{"kind": "sick", "start_date": day(40), "end_date": day(41), "reason": "x"}, 409)
	// A refusal needs a reason, and refuses for all three.
	H.Login(t, head).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "refuse"}, 400)
	refused := H.Login(t, head).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "refuse", "comment": "工作任务重"}, 200)
	if refused["status"] != "refused" {
		t.Fatalf("refused: %v", refused["status"])
	}
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 409)
	expectInbox(t, id, "", map[string]bool{"xiping-org": false, "xiping-bureau": false, head: false})

	// Once refused, the period is free again; a new leave there can be withdrawn.
	again := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{"kind": "sick", "start_date": day(40), "end_date": day(41), "reason": "复查"}, 201)
	H.Login(t, "m04").JSON(t, "POST", "/api/v1/leaves/"+again["id"].(string)+"/withdraw", nil, 403)
	w := m.JSON(t, "POST", "/api/v1/leaves/"+again["id"].(string)+"/withdraw", map[string]any{"comment": "不需要了"}, 200)
	if w["status"] != "withdrawn" {
		t.Fatalf("withdraw: %v", w["status"])
	}
	// Reporting back before the start is the wrong state.
	future := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{"kind": "sick", "start_date": day(50), "end_date": day(51), "reason": "x"}, 201)
	H.Login(t, m.User["township_id"].(string)+"-committee").JSON(t, "POST", "/api/v1/leaves/"+future["id"].(string)+"/decision", map[string]any{"decision": "approve"}, 200)
	m.JSON(t, "POST", "/api/v1/leaves/"+future["id"].(string)+"/return", map[string]any{"returned_on": day(0)}, 409)
}

func TestLeaveIdempotencyKey(t *testing.T) {
	m := H.Login(t, "m04")
	body := map[string]any{"kind": "sick", "start_date": day(60), "end_date": day(61), "reason": "idempotent"}
	first := doWithHeader(t, m, "POST", "/api/v1/leaves", body, "Idempotency-Key", "k-1")
	second := doWithHeader(t, m, "POST", "/api/v1/leaves", body, "Idempotency-Key", "k-1")
	if first["id"] == nil || first["id"] != second["id"] {
		t.Fatalf("same key gave two leaves: %v / %v", first["id"], second["id"])
	}
}
