package e2e

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Roster changes (动态备案) and the ledger (台账), as the demo users do
// them. The members used here are used by no other e2e test: m11 (徐明,
// 出山镇杨庄村 team), m13 (马超) and m14 (朱红) of 出山镇焦庄村's team
// (chushan-jiaozhuang-team). Leave tests use m01..m04, the spine m05..m10.

const (
	yangzhuangTeam  = "chushan-yangzhuang-team" // m08 (leader), m09, m10, m11
	jiaozhuangTeam  = "chushan-jiaozhuang-team" // m12 (leader), m13, m14
	zhaolouTeam     = "zhuantan-zhaolou-team"   // m05 (leader), m06, m07
	ledgerSheetName = "台账"
)

func rosterFlagsOf(rc map[string]any) []string {
	var out []string
	for _, f := range rc["flags"].([]any) {
		out = append(out, f.(string))
	}
	return out
}

// rosterIDs lists who the ledger has on the team that day, "id*" for the
// leader.
func rosterIDs(t *testing.T, as *Client, team, on string) []string {
	t.Helper()
	body := as.JSON(t, "GET", "/api/v1/teams/"+team+"/roster?on="+on, nil, 200)
	if body["on"] != on || body["team_id"] != team {
		t.Errorf("roster answer for %s on %s: %v", team, on, body)
	}
	out := []string{}
	for _, it := range items(t, body) {
		id := it["member_id"].(string)
		if it["is_leader"] == true {
			id += "*"
		}
		out = append(out, id)
	}
	return out
}

// rosterPost records a change with an Idempotency-Key, twice: the second
// answers the same change, never a second process.
func rosterPost(t *testing.T, as *Client, key string, body map[string]any) map[string]any {
	t.Helper()
	rc := doWithHeader(t, as, "POST", "/api/v1/roster-changes", body, "Idempotency-Key", key)
	if rc["id"] == nil || rc["status"] != "awaiting_filing" {
		t.Fatalf("record %v: %v", body, rc)
	}
	if again := doWithHeader(t, as, "POST", "/api/v1/roster-changes", body, "Idempotency-Key", key); again["id"] != rc["id"] {
		t.Errorf("same Idempotency-Key gave %v, want %v", again["id"], rc["id"])
	}
	return rc
}

// rosterFileBoth has both xiping county offices acknowledge a change.
func rosterFileBoth(t *testing.T, id string) map[string]any {
	t.Helper()
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", nil, 200)
	return H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", map[string]any{"comment": "已备案"}, 200)
}

// TestRosterReplacement: m11 leaves team A (effective yesterday), then
// replaces m14 on team B (effective today): record, filing by both county
// offices, ledger, report to the city; the roster read on both days.
func TestRosterReplacement(t *testing.T) {
	bureau, org, city := H.Login(t, "xiping-bureau"), H.Login(t, "xiping-org"), H.Login(t, "zhumadian-bureau")
	yesterday, today := day(-1), day(0)

	leave := rosterPost(t, bureau, "roster-leave-m11", map[string]any{
		"team_id": yangzhuangTeam, "change": "leave", "member_id": "m11", "effective_on": yesterday, "reason": "调回原单位"})
	if !slices.Contains(rosterFlagsOf(leave), "left_before_term") || slices.Contains(rosterFlagsOf(leave), "team_below_3") {
		t.Errorf("leave flags %v: want left_before_term (on the team since 2025-03-01), not team_below_3", rosterFlagsOf(leave))
	}
	filed := rosterFileBoth(t, leave["id"].(string))
	if filed["status"] != "filed" || filed["ledger_updated_at"] == nil {
		t.Fatalf("leave after filing: %v", filed)
	}
	// The leave stays waiting on the bureau's report, an open process.

	rp := rosterPost(t, bureau, "roster-replace-m14", map[string]any{
		"team_id": jiaozhuangTeam, "change": "replace", "member_id": "m11", "replaces_member_id": "m14",
		"effective_on": today, "reason": "朱红调整岗位，徐明接替"})
	id := rp["id"].(string)
	if rp["team_name"] != "焦庄村驻村工作队" || rp["county_id"] != "xiping" || rp["member_name"] != "徐明" || rp["replaces_member_name"] != "朱红" {
		t.Errorf("recorded change: %v", rp)
	}
	if f := rosterFlagsOf(rp); !slices.Contains(f, "left_before_term") || slices.Contains(f, "team_below_3") {
		t.Errorf("replacement flags %v", f)
	}
	expectInbox(t, id, "filing", map[string]bool{"xiping-org": true, "xiping-bureau": true, "shangcai-bureau": false})

	path := "/api/v1/roster-changes/" + id
	bureau.JSON(t, "POST", path+"/report", nil, 409) // not filed yet
	H.Login(t, "shangcai-org").JSON(t, "POST", path+"/filing", nil, 403)
	H.Login(t, "m13").JSON(t, "POST", path+"/filing", nil, 403)
	H.Login(t, "city-agri-head").JSON(t, "POST", path+"/filing", nil, 403) // sees it (m11's unit), files nothing
	org.JSON(t, "POST", path+"/filing", nil, 200)
	org.JSON(t, "POST", path+"/filing", nil, 409)
	if got := rosterIDs(t, bureau, jiaozhuangTeam, today); !slices.Contains(got, "m14") || slices.Contains(got, "m11") {
		t.Errorf("ledger changed before both offices filed: %v", got)
	}
	after := bureau.JSON(t, "POST", path+"/filing", nil, 200)
	if after["status"] != "filed" || after["report_due_at"] == nil || after["overdue"] != false {
		t.Fatalf("after filing: %v", after)
	}
	expectInbox(t, id, "report", map[string]bool{"xiping-bureau": true, "xiping-org": false})
	org.JSON(t, "POST", path+"/report", nil, 403)
	reported := bureau.JSON(t, "POST", path+"/report", map[string]any{"comment": "已报市乡村振兴局"}, 200)
	if reported["status"] != "reported" || reported["reported_at"] == nil {
		t.Fatalf("after report: %v", reported)
	}
	bureau.JSON(t, "POST", path+"/report", nil, 409)
	if got := city.JSON(t, "GET", path, nil, 200); got["status"] != "reported" {
		t.Errorf("city bureau reads %v", got["status"])
	}
	want := []string{"recorded", "filed", "filed", "ledger_updated", "reported"}
	if got := timelineActions(t, city, id); !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	var notices int
	if err := H.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE process_id = $1
		AND recipient = 'city_bureau:zhumadian-bureau'`, id).Scan(&notices); err != nil || notices != 1 {
		t.Errorf("notices to the city bureau: %d, %v", notices, err)
	}

	before, on := rosterIDs(t, bureau, jiaozhuangTeam, yesterday), rosterIDs(t, bureau, jiaozhuangTeam, today)
	t.Logf("roster of %s on %s: %v; on %s: %v", jiaozhuangTeam, yesterday, before, today, on)
	if !slices.Contains(before, "m14") || slices.Contains(before, "m11") {
		t.Errorf("on %s (the day before): %v, want m14 and not m11", yesterday, before)
	}
	if !slices.Contains(on, "m11") || slices.Contains(on, "m14") || len(on) != 3 {
		t.Errorf("on %s (effective): %v, want m11, not m14, 3 members", today, on)
	}
	if a := rosterIDs(t, bureau, yangzhuangTeam, today); slices.Contains(a, "m11") {
		t.Errorf("m11 still on team A: %v", a)
	}
	rosterCheckLedger(t, bureau, today, yesterday)
}

// rosterCheckLedger reads the county ledger as JSON and as xlsx (opened with
// excelize): 徐明 on 焦庄村 from today, 朱红 only in the history.
func rosterCheckLedger(t *testing.T, as *Client, today, yesterday string) {
	t.Helper()
	rows := items(t, as.JSON(t, "GET", "/api/v1/ledger?county=xiping&on="+today, nil, 200))
	var teamBRows []string
	for _, r := range rows {
		if r["team_id"] == jiaozhuangTeam {
			teamBRows = append(teamBRows, fmt.Sprint(r["member_id"], " ", r["from"], " ", r["to"]))
		}
	}
	if want := "m11 " + today + " <nil>"; !slices.Contains(teamBRows, want) || len(teamBRows) != 3 {
		t.Errorf("ledger rows of team B: %v, want %q among 3", teamBRows, want)
	}

	sheetRows := rosterXLSX(t, as, "/api/v1/ledger?county=xiping&on="+today+"&format=xlsx")
	header := []string{"县", "乡镇", "村", "工作队", "队员", "派出单位", "队长", "起始日期", "结束日期"}
	if !slices.Equal(sheetRows[0], header) {
		t.Fatalf("xlsx header %v", sheetRows[0])
	}
	if len(sheetRows)-1 != len(rows) {
		t.Errorf("xlsx has %d memberships, JSON %d", len(sheetRows)-1, len(rows))
	}
	newcomer := []string{"西平县", "出山镇", "焦庄村", "焦庄村驻村工作队", "徐明", "驻马店市农业农村局", "", today}
	found := false
	for _, r := range sheetRows[1:] {
		if slices.Equal(r, newcomer) || slices.Equal(r, append(slices.Clone(newcomer), "")) {
			found = true
		}
		if slices.Contains(r, "朱红") {
			t.Errorf("朱红 in the ledger of %s: %v", today, r)
		}
	}
	if !found {
		t.Errorf("xlsx has no row %v:\n%v", newcomer, sheetRows)
	}
	t.Logf("ledger xlsx of xiping on %s: %d rows; 焦庄村: %v", today, len(sheetRows)-1, rosterRowsOf(sheetRows, "焦庄村驻村工作队"))

	history := rosterXLSX(t, as, "/api/v1/ledger?county=xiping&history=true&format=xlsx")
	left := []string{"西平县", "出山镇", "焦庄村", "焦庄村驻村工作队", "朱红", "西平县教育局", "", "2025-03-01", yesterday}
	if !slices.ContainsFunc(history, func(r []string) bool { return slices.Equal(r, left) }) {
		t.Errorf("history has no row %v", left)
	}
}

func rosterRowsOf(rows [][]string, team string) []string {
	var out []string
	for _, r := range rows {
		if len(r) > 4 && r[3] == team {
			out = append(out, strings.Join(r[4:], "|"))
		}
	}
	return out
}

func rosterXLSX(t *testing.T, as *Client, path string) [][]string {
	t.Helper()
	status, body := as.Do(t, "GET", path, nil)
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not an xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(ledgerSheetName)
	if err != nil || len(rows) == 0 {
		t.Fatalf("sheet %s: %v (%d rows)", ledgerSheetName, err, len(rows))
	}
	return rows
}

// TestRosterRefusals: changes that contradict the ledger are 409 with a
// clear message, bad input 400 naming the field, and only the county
// bureau or the member's unit head may record.
func TestRosterRefusals(t *testing.T) {
	bureau := H.Login(t, "xiping-bureau")
	today := day(0)
	post := func(as *Client, want int, body map[string]any) map[string]any {
		t.Helper()
		if _, ok := body["reason"]; !ok {
			body["reason"] = "测试"
		}
		if _, ok := body["effective_on"]; !ok {
			body["effective_on"] = today
		}
		return as.JSON(t, "POST", "/api/v1/roster-changes", body, want)
	}
	conflict := func(body map[string]any, says string) {
		t.Helper()
		msg := post(bureau, 409, body)["error"].(map[string]any)["message"].(string)
		if !strings.Contains(msg, says) {
			t.Errorf("409 for %v says %q, want it to mention %q", body, msg, says)
		}
	}
	conflict(map[string]any{"team_id": zhaolouTeam, "change": "join", "member_id": "m13"}, "焦庄村驻村工作队")
	conflict(map[string]any{"team_id": yangzhuangTeam, "change": "leave", "member_id": "m13"}, "马超（m13）"+today+"不在杨庄村驻村工作队")
	conflict(map[string]any{"team_id": yangzhuangTeam, "change": "replace", "member_id": "m14", "replaces_member_id": "m13"}, "不在杨庄村驻村工作队")
	conflict(map[string]any{"team_id": zhaolouTeam, "change": "leader", "member_id": "m13"}, "不在赵楼村驻村工作队")

	for field, body := range map[string]map[string]any{
		"team_id":            {"team_id": "no-team", "change": "leave", "member_id": "m13"},
		"member_id":          {"team_id": jiaozhuangTeam, "change": "leave", "member_id": "m99"},
		"change":             {"team_id": jiaozhuangTeam, "change": "swap", "member_id": "m13"},
		"effective_on":       {"team_id": jiaozhuangTeam, "change": "leave", "member_id": "m13", "effective_on": "2026-02-30"},
		"replaces_member_id": {"team_id": jiaozhuangTeam, "change": "replace", "member_id": "m13"},
		"reason":             {"team_id": jiaozhuangTeam, "change": "leave", "member_id": "m13", "reason": ""},
		"extra":              {"team_id": jiaozhuangTeam, "change": "leave", "member_id": "m13", "extra": 1},
	} {
		e := post(bureau, 400, body)["error"].(map[string]any)
		if f, _ := e["fields"].(map[string]any); f[field] == nil {
			t.Errorf("400 for %v does not name %s: %v", body, field, e)
		}
	}

	leaveM13 := map[string]any{"team_id": jiaozhuangTeam, "change": "leave", "member_id": "m13"}
	post(H.Login(t, "shangcai-bureau"), 403, leaveM13)
	post(H.Login(t, "m13"), 403, leaveM13)
	post(H.Login(t, "xiping-org"), 403, leaveM13)
	post(H.Login(t, "xiping-edu-head"), 403, leaveM13) // m13 is city-finance's

	// Reads: the roster in scope, the ledger for offices.
	for user, want := range map[string]int{"m13": 200, "city-finance-head": 200, "chushan-committee": 200,
		"zhumadian-org": 200, "shangcai-bureau": 403, "m01": 403, "zhuantan-committee": 403} {
		if code, body := H.Login(t, user).Do(t, "GET", "/api/v1/teams/"+jiaozhuangTeam+"/roster", nil); code != want {
			t.Errorf("%s reads %s's roster: %d %s, want %d", user, jiaozhuangTeam, code, body, want)
		}
	}
	H.Login(t, "xiping-bureau").JSON(t, "GET", "/api/v1/teams/no-team/roster", nil, 404)
	bureau.JSON(t, "GET", "/api/v1/teams/"+jiaozhuangTeam+"/roster?on=yesterday", nil, 400)
	H.Login(t, "m13").JSON(t, "GET", "/api/v1/ledger", nil, 403)
	H.Login(t, "shangcai-bureau").JSON(t, "GET", "/api/v1/ledger?county=xiping", nil, 403)
	all := items(t, H.Login(t, "zhumadian-org").JSON(t, "GET", "/api/v1/ledger", nil, 200))
	counties := map[string]bool{}
	for _, r := range all {
		counties[r["county_id"].(string)] = true
	}
	if !counties["xiping"] || !counties["shangcai"] {
		t.Errorf("city ledger covers %v", counties)
	}
	own := H.Login(t, "shangcai-org").JSON(t, "GET", "/api/v1/ledger", nil, 200)
	if own["county_id"] != "shangcai" {
		t.Errorf("a county office's ledger defaults to its county: %v", own["county_id"])
	}
	H.Login(t, "zhumadian-org").JSON(t, "GET", "/api/v1/ledger?county=nowhere", nil, 400)
}
