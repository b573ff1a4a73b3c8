package e2e

// Issue 17's rules over HTTP, each test named after the rule it shows.
// They use members of their own: a team added beside the demo one (规则村,
// in 专探乡 of 西平县) with r01..r06 on it since 2025-03-01, and r07, r08
// on no team; and a second head of 西平县教育局 who is not its principal.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zhucun/demo"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

const (
	rulesTeam  = "zhuantan-guize-team"
	rulesVill  = "zhuantan-guize"
	committeeZ = "zhuantan-committee"
)

var rulesOnce sync.Once

// rulesOrg seeds the rules' own members and accounts, once.
func rulesOrg(t *testing.T) {
	t.Helper()
	var err error
	rulesOnce.Do(func() {
		ctx := context.Background()
		st := store.New(H.Pool)
		members := []store.SeedMember{
			{ID: "r01", Name: "规则一", UnitID: "city-agri", FirstSecretary: true},
			{ID: "r02", Name: "规则二", UnitID: "city-finance"},
			{ID: "r03", Name: "规则三", UnitID: "xiping-edu"},
			{ID: "r04", Name: "规则四", UnitID: "xiping-edu"},
			{ID: "r05", Name: "规则五", UnitID: "city-agri"},
			{ID: "r06", Name: "规则六", UnitID: "xiping-edu"},
			{ID: "r07", Name: "规则七", UnitID: "city-agri"},
			{ID: "r08", Name: "规则八", UnitID: "city-agri"},
		}
		err = st.SeedOrg(ctx, store.OrgSeed{
			City:      store.SeedPlace{ID: demo.Org.City.ID, Name: demo.Org.City.Name},
			Counties:  []store.SeedPlace{{ID: "xiping", Name: "西平县"}},
			Townships: []store.SeedTownship{{ID: "zhuantan", CountyID: "xiping", Name: "专探乡"}},
			Villages:  []store.SeedVillage{{ID: rulesVill, TownshipID: "zhuantan", Name: "规则村"}},
			Members:   members,
			Teams: []store.SeedTeam{{ID: rulesTeam, VillageID: rulesVill, Name: "规则村驻村工作队",
				Leader: "r01", Others: []string{"r02", "r03", "r04", "r05", "r06"}}},
			MembershipsFrom: demo.MembershipsFrom,
		})
		for i, m := range members {
			if err != nil {
				return
			}
			u := store.User{Username: m.ID, DisplayName: m.Name, Role: "member", MemberID: m.ID, UnitID: m.UnitID,
				TownshipID: "zhuantan", CountyID: "xiping"}
			if i < 6 {
				u.TeamID = rulesTeam
			}
			err = st.UpsertUser(ctx, u, demo.Password)
		}
		if err == nil {
			err = st.UpsertUser(ctx, store.User{Username: "xiping-edu-deputy", DisplayName: "副局长（西平县教育局）",
				Role: "unit_head", UnitID: "xiping-edu", CountyID: "xiping"}, demo.Password)
		}
	})
	if err != nil {
		t.Fatalf("rules fixture: %v", err)
	}
}

// errMessage is a 4xx answer's Chinese message.
func errMessage(t *testing.T, body map[string]any) string {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("not an error: %v", body)
	}
	return e["message"].(string)
}

func errField(body map[string]any, field string) string {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[field].(string)
	return s
}

func leaveBody(kind string, start, end int, reason string) map[string]any {
	return map[string]any{"kind": kind, "start_date": day(start), "end_date": day(end), "reason": reason}
}

// stepsNamed are a resource's steps of that name.
func stepsNamed(res map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, s := range res["steps"].([]any) {
		if st := s.(map[string]any); st["name"] == name {
			out = append(out, st)
		}
	}
	return out
}

func waitingKeys(step map[string]any) []string {
	var out []string
	for _, w := range step["waiting_on"].([]any) {
		p := w.(map[string]any)
		out = append(out, workflows.Party{Role: p["role"].(string), OfficeID: str(p["office_id"]), UnitID: str(p["unit_id"]), MemberID: str(p["member_id"])}.Key())
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func approveLeave(t *testing.T, id string) map[string]any {
	t.Helper()
	return H.Login(t, committeeZ).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
}

func outboxHas(t *testing.T, recipient, text string) bool {
	t.Helper()
	var n int
	err := H.Pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE recipient = $1 AND text LIKE '%' || $2 || '%'`,
		recipient, text).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// Rule 1: cancel (撤销) an approved leave before it starts; its dates are
// free again; after the start, reporting back on the first day records it
// as not taken.
func TestCancelApprovedLeave(t *testing.T) {
	rulesOrg(t)
	r01 := H.Login(t, "r01")
	l := r01.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 10, 12, "家中有事"), 201)
	id := l["id"].(string)
	path := "/api/v1/leaves/" + id + "/cancel"
	r01.JSON(t, "POST", path, map[string]any{"reason": "不用了"}, 409) // pending: withdraw it instead
	approveLeave(t, id)
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", nil, 200)
	H.Login(t, "r02").JSON(t, "POST", path, map[string]any{"reason": "代撤"}, 403)
	H.Login(t, committeeZ).JSON(t, "POST", path, map[string]any{"reason": "代撤"}, 403)
	if f := errField(r01.JSON(t, "POST", path, map[string]any{"reason": " "}, 400), "reason"); f == "" {
		t.Errorf("a cancellation without a reason does not name reason")
	}
	c := r01.JSON(t, "POST", path, map[string]any{"reason": "家中事情已解决"}, 200)
	if c["status"] != "cancelled" || c["cancel_reason"] != "家中事情已解决" || c["cancelled_at"] == nil {
		t.Fatalf("cancelled leave: %v", c)
	}
	r01.JSON(t, "POST", path, map[string]any{"reason": "again"}, 409)
	for _, st := range c["steps"].([]any) {
		if st.(map[string]any)["done_at"] == nil {
			t.Errorf("step still open after cancelling: %v", st)
		}
	}
	expectInbox(t, id, "", map[string]bool{"xiping-bureau": false, "r01": false})
	if acts := timelineActions(t, r01, id); acts[len(acts)-1] != "cancelled" {
		t.Errorf("timeline %v", acts)
	}
	absWait(t, "the offices told of the cancellation", func() bool {
		return outboxHas(t, "township_committee:"+committeeZ, "已撤销") && outboxHas(t, "county_org_dept:xiping-org", "已撤销") &&
			outboxHas(t, "county_bureau:xiping-bureau", "已撤销")
	})
	// Its dates are free again.
	again := r01.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 10, 12, "改期后仍需请假"), 201)
	r01.JSON(t, "POST", "/api/v1/leaves/"+again["id"].(string)+"/withdraw", nil, 200)

	// Started today: it cannot be cancelled; back on the first day, it
	// was not taken.
	s := r01.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", 0, 2, "发烧"), 201)
	sid := s["id"].(string)
	approveLeave(t, sid)
	r01.JSON(t, "POST", "/api/v1/leaves/"+sid+"/cancel", map[string]any{"reason": "好了"}, 409)
	back := r01.JSON(t, "POST", "/api/v1/leaves/"+sid+"/return", map[string]any{"returned_on": day(0)}, 200)
	if back["status"] != "returned" || back["not_taken"] != true || back["actual_days"] != 0.0 || back["actual_end_date"] != nil {
		t.Errorf("back on the first day: %v", back)
	}
	if row := processRow(t, r01, sid); row["closed_at"] == nil || len(row["waiting_on"].([]any)) != 0 {
		t.Errorf("not taken, yet it goes on (filing unacknowledged): %v", row)
	}
	rec := r01.JSON(t, "GET", "/api/v1/members/r01/record", nil, 200)
	for _, lv := range rec["leaves"].([]any) {
		if m := lv.(map[string]any); m["id"] == sid && m["days"] != 0.0 {
			t.Errorf("the leave not taken counts %v days", m["days"])
		}
	}
}

// Rule 2: sick leave may start up to 3 days back, personal leave not at
// all; a back-dated leave is not overdue when submitted.
func TestBackdatedSickLeave(t *testing.T) {
	rulesOrg(t)
	r02 := H.Login(t, "r02")
	if f := errField(r02.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", -1, 1, "家中有事"), 400), "start_date"); !strings.Contains(f, "事假") {
		t.Errorf("personal leave in the past: %q", f)
	}
	if f := errField(r02.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -4, 0, "生病"), 400), "start_date"); !strings.Contains(f, day(-3)) {
		t.Errorf("sick leave 4 days back: %q, want it to name %s", f, day(-3))
	}
	l := r02.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -3, -1, "急性肠胃炎住院"), 201)
	submitted, _ := time.Parse(time.RFC3339, l["submitted_at"].(string))
	due, _ := time.Parse(time.RFC3339, stepsNamed(l, "approval")[0]["due_at"].(string))
	if l["overdue"] != false || !due.Equal(submitted.Add(72*time.Hour)) {
		t.Errorf("back-dated leave: overdue %v, approval due %v (submitted %v)", l["overdue"], due, submitted)
	}
	if row := processRow(t, H.Login(t, "xiping-bureau"), l["id"].(string)); row["overdue"] != false {
		t.Errorf("read model: %v", row)
	}
	if !inboxHas(t, committeeZ, l["id"].(string), "approval") {
		t.Errorf("the committee does not see it")
	}
}

// Rule 3: a leave within a day of another is routed on the combined total
// and says which it joined; 7 + 7 never reaches the township alone.
func TestConsecutiveLeavesCountTogether(t *testing.T) {
	rulesOrg(t)
	r03 := H.Login(t, "r03")
	first := r03.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 20, 26, "探亲"), 201)
	if first["route"] != "township" {
		t.Fatalf("first 7 days: %v", first["route"])
	}
	second := r03.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 28, 34, "探亲续"), 201)
	if second["route"] != "joint" || second["days"] != 7.0 || second["combined_days"] != 14.0 ||
		!strings.Contains(second["route_reason"].(string), day(20)+"至"+day(26)) ||
		fmt.Sprint(second["joined_with"]) != fmt.Sprint([]any{first["id"]}) {
		t.Errorf("the second 7 days, one day between: %v / %v / %v", second["route"], second["route_reason"], second["joined_with"])
	}
	// Only its approvers see it: the three offices, not the committee.
	expectInbox(t, second["id"].(string), "approval", map[string]bool{"xiping-org": true, "xiping-edu-head": true, committeeZ: false})
	apart := r03.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 37, 38, "另一事"), 201)
	if apart["route"] != "township" || apart["joined_with"] != nil {
		t.Errorf("two days apart: %v %v", apart["route"], apart["joined_with"])
	}
}

// Rule 4: while an extension waits its days are held; withdrawn, they are
// free again.
func TestExtensionHoldsItsDays(t *testing.T) {
	rulesOrg(t)
	r04 := H.Login(t, "r04")
	l := r04.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 5, 7, "家中有事"), 201)
	id := l["id"].(string)
	approveLeave(t, id)
	ext := r04.JSON(t, "POST", "/api/v1/leaves/"+id+"/extension", map[string]any{"end_date": day(10), "reason": "事情未办完"}, 200)
	if e := ext["extensions"].([]any); len(e) != 1 || e[0].(map[string]any)["status"] != "pending" || ext["end_date"] != day(7) {
		t.Fatalf("extension: %v", ext)
	}
	msg := errMessage(t, r04.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 9, 9, "另一事"), 409))
	if !strings.Contains(msg, "重叠") {
		t.Errorf("a leave on held days: %q", msg)
	}
	w := r04.JSON(t, "POST", "/api/v1/leaves/"+id+"/withdraw", map[string]any{"comment": "不续了"}, 200)
	if w["status"] != "approved" || w["extensions"].([]any)[0].(map[string]any)["status"] != "withdrawn" {
		t.Fatalf("withdrawn extension: %v", w)
	}
	r04.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 9, 9, "另一事"), 201)
}

// Rule 5: the escalation map is the policy's, never to the silent office
// itself; only an escalated office may remind. (The 72 h themselves are
// the workflow test's: an e2e run cannot wait them.)
func TestEscalationGoesUp(t *testing.T) {
	rulesOrg(t)
	city := H.Login(t, "zhumadian-org")
	pol := city.JSON(t, "GET", "/api/v1/policies/xiping", nil, 200)
	esc := pol["rules"].(map[string]any)["leave"].(map[string]any)["escalation"].(map[string]any)
	want := map[string]string{"township_committee": "county_bureau", "county_bureau": "city_bureau",
		"county_org_dept": "city_org_dept", "unit_head": "county_org_dept"}
	for from, to := range want {
		if esc[from] != to {
			t.Errorf("escalation %s → %v, want %s", from, esc[from], to)
		}
	}
	rules := pol["rules"].(map[string]any)
	rules["leave"].(map[string]any)["escalation"].(map[string]any)["county_bureau"] = "county_bureau"
	bad := city.JSON(t, "PUT", "/api/v1/policies/xiping", map[string]any{"rules": rules}, 400)
	if errField(bad, "rules.leave.escalation.county_bureau") == "" {
		t.Errorf("escalating to itself: %v", bad)
	}
	l := H.Login(t, "r05").JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 45, 46, "家中有事"), 201)
	path := "/api/v1/leaves/" + l["id"].(string) + "/remind"
	for _, who := range []string{"xiping-bureau", "zhumadian-bureau"} {
		msg := errMessage(t, H.Login(t, who).JSON(t, "POST", path, map[string]any{"comment": "请尽快"}, 403))
		if !strings.Contains(msg, "督办") {
			t.Errorf("%s reminding before any escalation: %q", who, msg)
		}
	}
}

// Rule 6: no team, no leave (409 saying why); nothing starts before the
// member joined; no absence for someone not on a team when found.
func TestNoTeamNoLeave(t *testing.T) {
	rulesOrg(t)
	r07 := H.Login(t, "r07")
	if msg := errMessage(t, r07.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 3, 4, "家中有事"), 409)); !strings.Contains(msg, "不在任何驻村工作队") {
		t.Errorf("no team: %q", msg)
	}
	bureau := H.Login(t, "xiping-bureau")
	if msg := errMessage(t, bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r08", time.Now().Add(-time.Hour)), 409)); !strings.Contains(msg, "不在任何驻村工作队") {
		t.Errorf("absence of a member on no team: %q", msg)
	}
	rc := bureau.JSON(t, "POST", "/api/v1/roster-changes", map[string]any{"team_id": rulesTeam, "change": "join",
		"member_id": "r07", "effective_on": day(-1), "reason": "新选派"}, 201)
	if msg := errMessage(t, r07.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 3, 4, "家中有事"), 409)); !strings.Contains(msg, "备案") {
		t.Errorf("joined, not yet filed: %q", msg)
	}
	rcPath := "/api/v1/roster-changes/" + rc["id"].(string) + "/filing"
	H.Login(t, "xiping-org").JSON(t, "POST", rcPath, nil, 200)
	bureau.JSON(t, "POST", rcPath, nil, 200)
	if f := errField(r07.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -3, 0, "生病"), 400), "start_date"); !strings.Contains(f, day(-1)) {
		t.Errorf("before joining: %q, want it to name %s", f, day(-1))
	}
	r07.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -1, 0, "生病"), 201)
	// Found before joining: not absent from a team.
	if msg := errMessage(t, bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r07", time.Now().Add(-50*time.Hour)), 409)); !strings.Contains(msg, "不在任何驻村工作队") {
		t.Errorf("found before joining: %q", msg)
	}
}

// Rule 7: an extension approved while the first filing is open gets its
// own filing; each office acknowledges either, in any order.
func TestEveryFilingStepIsItsOwn(t *testing.T) {
	rulesOrg(t)
	r05 := H.Login(t, "r05")
	l := r05.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 30, 31, "家中有事"), 201)
	id := l["id"].(string)
	approveLeave(t, id)
	r05.JSON(t, "POST", "/api/v1/leaves/"+id+"/extension", map[string]any{"end_date": day(33), "reason": "延期"}, 200)
	got := approveLeave(t, id)
	filings := stepsNamed(got, "filing")
	if len(filings) != 2 || filings[0]["id"] == filings[1]["id"] || filings[0]["due_at"] == filings[1]["due_at"] {
		t.Fatalf("filings %v", filings)
	}
	first, second := filings[0]["id"].(string), filings[1]["id"].(string)
	path := "/api/v1/leaves/" + id + "/filing"
	bureau, org := H.Login(t, "xiping-bureau"), H.Login(t, "xiping-org")
	after := bureau.JSON(t, "POST", path, map[string]any{"step": second, "comment": "续假备案"}, 200)
	for _, s := range stepsNamed(after, "filing") {
		want := []string{"county_org_dept:xiping-org", "county_bureau:xiping-bureau"}
		if s["id"] == second {
			want = want[:1]
		}
		if got := waitingKeys(s); !slices.Equal(got, want) {
			t.Errorf("filing %s waits on %v, want %v", s["id"], got, want)
		}
	}
	if msg := errMessage(t, org.JSON(t, "POST", path, map[string]any{"step": "filing-99"}, 409)); !strings.Contains(msg, "filing-99") {
		t.Errorf("an unknown filing: %q", msg)
	}
	org.JSON(t, "POST", path, nil, 200) // the earliest: the first
	org.JSON(t, "POST", path, map[string]any{"step": second}, 200)
	done := bureau.JSON(t, "POST", path, map[string]any{"step": first}, 200)
	for _, s := range stepsNamed(done, "filing") {
		if s["done_at"] == nil || len(s["decisions"].([]any)) != 2 {
			t.Errorf("filing %s: %v", s["id"], s)
		}
	}
	bureau.JSON(t, "POST", path, nil, 409)
}

// Rule 8: reporting back after the report-back day records the overstay
// days, marks the leave late, and counts in the yearly record.
func TestOverstayIsRecorded(t *testing.T) {
	rulesOrg(t)
	r06 := H.Login(t, "r06")
	l := r06.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -3, -3, "看病"), 201)
	id := l["id"].(string)
	approveLeave(t, id)
	back := r06.JSON(t, "POST", "/api/v1/leaves/"+id+"/return", map[string]any{"returned_on": day(0)}, 200)
	// Due back the day after its last day, a rest day moving it on.
	reportDay := policy.Periods{SkipRestDays: true}.LastDay(policy.AddDays(policy.DayOf(time.Now()), -3), 1)
	late := reportDay.Before(policy.DayOf(time.Now()))
	want := 0
	if late {
		want = 2 // away day(-2) and day(-1), calendar days
	}
	if back["returned_late"] != late || back["overstay_days"] != float64(want) || back["actual_days"] != 1.0 {
		t.Fatalf("back on %s after a leave on %s (report-back day %s): %v", day(0), day(-3), policy.FormatDate(reportDay), back)
	}
	if !late {
		t.Logf("the report-back day ran to today over rest days: not late, as the rule says")
		return
	}
	tally := r06.JSON(t, "GET", "/api/v1/members/r06/record", nil, 200)["tally"].(map[string]any)
	if tally["overstay_days"] != 2.0 || tally["leaves_late"] != 1.0 {
		t.Errorf("tally %v", tally)
	}
}

// withPolicy puts rules for a county for the test and the default back
// after it.
func withPolicy(t *testing.T, county string, edit func(rules map[string]any)) {
	t.Helper()
	city := H.Login(t, "zhumadian-org")
	pol := city.JSON(t, "GET", "/api/v1/policies/"+county, nil, 200)
	rules := pol["rules"].(map[string]any)
	edit(rules)
	city.JSON(t, "PUT", "/api/v1/policies/"+county, map[string]any{"rules": rules}, 200)
	t.Cleanup(func() {
		city.JSON(t, "PUT", "/api/v1/policies/"+county, map[string]any{"rules": policy.Default()}, 200)
	})
}

// Rule 9: working days in a year whose holidays nobody loaded are refused,
// naming the year; a city office loads them (versioned, with who).
func TestHolidaysMustBeKnown(t *testing.T) {
	rulesOrg(t)
	withPolicy(t, "xiping", func(r map[string]any) { r["leave"].(map[string]any)["day_counting"] = "working" })
	r06 := H.Login(t, "r06")
	body := map[string]any{"kind": "sick", "start_date": "2028-03-01", "end_date": "2028-03-03", "reason": "手术"}
	refused := r06.JSON(t, "POST", "/api/v1/leaves", body, 400)
	if f := errField(refused, "start_date"); !strings.Contains(f, "2028年") {
		t.Errorf("a leave in 2028 counted in working days: %v", refused)
	}
	schedule := map[string]any{"holidays": []string{"2028-01-01", "2028-03-02"}, "workdays": []string{"2028-01-08"},
		"notice": "国务院办公厅关于2028年部分节假日安排的通知（测试）"}
	H.Login(t, "xiping-bureau").JSON(t, "PUT", "/api/v1/holidays/2028", schedule, 403)
	city := H.Login(t, "zhumadian-bureau")
	bad := city.JSON(t, "PUT", "/api/v1/holidays/2028", map[string]any{"holidays": []string{"2027-12-31"}}, 400)
	if errField(bad, "holidays[0]") == "" {
		t.Errorf("a date of another year: %v", bad)
	}
	city.JSON(t, "PUT", "/api/v1/holidays/20x8", schedule, 400)
	loaded := city.JSON(t, "PUT", "/api/v1/holidays/2028", schedule, 200)
	if loaded["version"] != 1.0 || loaded["created_by"] != "zhumadian-bureau" || loaded["year"] != 2028.0 {
		t.Errorf("loaded: %v", loaded)
	}
	vs := items(t, H.Login(t, "xiping-org").JSON(t, "GET", "/api/v1/holidays/2028", nil, 200))
	if len(vs) != 1 || vs[0]["notice"] != schedule["notice"] {
		t.Errorf("versions: %v", vs)
	}
	l := r06.JSON(t, "POST", "/api/v1/leaves", body, 201)
	// Wednesday 03-01 to Friday 03-03, the 2nd a holiday: 2 working days.
	if l["days"] != 2.0 || !strings.Contains(l["route_reason"].(string), "2个工作日") {
		t.Errorf("counted with the loaded year: %v, %v", l["days"], l["route_reason"])
	}
	r06.JSON(t, "POST", "/api/v1/leaves/"+l["id"].(string)+"/withdraw", nil, 200)
}

// Rule 10: the longest leave is per kind: personal 30 days, sick none.
func TestLongestLeavePerKind(t *testing.T) {
	rulesOrg(t)
	r06 := H.Login(t, "r06")
	if f := errField(r06.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 60, 90, "出国"), 400), "end_date"); !strings.Contains(f, "事假最长30天") {
		t.Errorf("31 days personal: %q", f)
	}
	l := r06.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", 60, 150, "术后康复"), 201)
	if l["days"] != 91.0 || l["route"] != "joint" {
		t.Errorf("91 days sick: %v %v", l["days"], l["route"])
	}
	r06.JSON(t, "POST", "/api/v1/leaves/"+l["id"].(string)+"/withdraw", nil, 200)
}

// Rule 11: the county bureau submits a month's report once its cycle has
// closed; earlier is 409 with the date it opens.
func TestReportSubmittedAfterCycleCloses(t *testing.T) {
	rulesOrg(t)
	bureau := H.Login(t, "xiping-bureau")
	rules := policy.Default().Absence
	y, m := policy.CycleMonth(rules, time.Now())
	cycle := policy.CycleKey(y, m)
	opens := policy.FormatDate(policy.ReportOpens(rules, y, m))
	if msg := errMessage(t, bureau.JSON(t, "POST", "/api/v1/reports/absences/xiping/"+cycle+"/submit", nil, 409)); !strings.Contains(msg, opens) {
		t.Errorf("the open cycle %s: %q, want the date it opens %s", cycle, msg, opens)
	}
	prev := policy.CycleKey(time.Date(y, m-1, 1, 0, 0, 0, 0, policy.China).Year(), time.Date(y, m-1, 1, 0, 0, 0, 0, policy.China).Month())
	sent := bureau.JSON(t, "POST", "/api/v1/reports/absences/xiping/"+prev+"/submit", map[string]any{"comment": "上月汇总"}, 200)
	if sent["status"] != "submitted" || sent["submitted_at"] == nil || sent["opens_at"] == nil {
		t.Errorf("the closed cycle %s: %v", prev, sent)
	}
	bureau.JSON(t, "POST", "/api/v1/reports/absences/xiping/"+prev+"/submit", nil, 409)
}

// Rule 12: an absence recorded after its cycle's deadline is due 3 days
// after it is recorded (a rest day moving it), in the report of the month
// it is then due in, and not late if signed by then.
func TestLateRecordingFairDeadline(t *testing.T) {
	rulesOrg(t)
	found := time.Now().Add(-40 * 24 * time.Hour)
	ab := H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("r01", found), 201)
	rules := policy.Default()
	wantDue, y, m, late := policy.AbsenceDue(rules.Absence, policy.PeriodsOf(rules, nil), found, time.Now())
	due, _ := time.Parse(time.RFC3339, ab["due_at"].(string))
	fy, fm := policy.CycleMonth(rules.Absence, found)
	if !late || !due.Equal(wantDue) || ab["cycle_month"] != policy.CycleKey(y, m) || ab["late_recorded"] != true ||
		ab["found_cycle"] != policy.CycleKey(fy, fm) || ab["overdue"] != false {
		t.Fatalf("recorded late: due %v (want %v) cycle %v late %v: %v", due, wantDue, ab["cycle_month"], late, ab)
	}
	if time.Until(due) < 3*24*time.Hour-time.Minute {
		t.Errorf("due in %v, fewer than 3 days", time.Until(due))
	}
	id := ab["id"].(string)
	H.Login(t, "r01").JSON(t, "POST", "/api/v1/absences/"+id+"/explanation", map[string]any{"text": "当日在县里培训"}, 200)
	signed := H.Login(t, "city-agri-head").JSON(t, "POST", "/api/v1/absences/"+id+"/signature", map[string]any{"decision": "sign"}, 200)
	if signed["late"] != false {
		t.Errorf("signed by its own due, after its found cycle's: late %v", signed["late"])
	}
	absWait(t, "the absence in the report of the month it is due", func() bool {
		rep := H.Login(t, "xiping-org").JSON(t, "GET", "/api/v1/reports/absences?county=xiping&month="+policy.CycleKey(y, m), nil, 200)
		it := reportItem(t, rep, id)
		return it != nil && it["status"] == workflows.ItemOnTime
	})
}

// Rule 13: a county office voids an absence recorded wrongly: it leaves
// the report and the tally; one closed unresolved still counts.
func TestVoidedIsNotMissing(t *testing.T) {
	rulesOrg(t)
	bureau, org := H.Login(t, "xiping-bureau"), H.Login(t, "xiping-org")
	found := time.Now().Add(-2 * time.Hour)
	y, m := policy.CycleMonth(policy.Default().Absence, found)
	reportPath := "/api/v1/reports/absences?county=xiping&month=" + policy.CycleKey(y, m)
	wrong := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r02", found), 201)
	closed := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r02", found.Add(-time.Hour)), 201)
	absWait(t, "both in the report", func() bool {
		rep := org.JSON(t, "GET", reportPath, nil, 200)
		return reportItem(t, rep, wrong["id"].(string)) != nil && reportItem(t, rep, closed["id"].(string)) != nil
	})
	path := "/api/v1/absences/" + wrong["id"].(string) + "/void"
	H.Login(t, "r02").JSON(t, "POST", path, map[string]any{"reason": "不是我"}, 403)
	H.Login(t, "shangcai-org").JSON(t, "POST", path, map[string]any{"reason": "x"}, 403)
	H.Login(t, "city-finance-head").JSON(t, "POST", path, map[string]any{"reason": "x"}, 403)
	if errField(org.JSON(t, "POST", path, map[string]any{"reason": ""}, 400), "reason") == "" {
		t.Errorf("a void without a reason does not name reason")
	}
	v := org.JSON(t, "POST", path, map[string]any{"reason": "误报：当日在乡里开会，有会议记录"}, 200)
	if v["status"] != "voided" || v["void_reason"] == "" {
		t.Fatalf("voided: %v", v)
	}
	org.JSON(t, "POST", path, map[string]any{"reason": "again"}, 409)
	bureau.JSON(t, "POST", "/api/v1/absences/"+closed["id"].(string)+"/close", map[string]any{"reason": "本人未作说明"}, 200)
	absWait(t, "the voided absence out of the report", func() bool {
		rep := org.JSON(t, "GET", reportPath, nil, 200)
		it := reportItem(t, rep, closed["id"].(string))
		return reportItem(t, rep, wrong["id"].(string)) == nil && it != nil && it["status"] == workflows.ItemMissing
	})
	tally := H.Login(t, "r02").JSON(t, "GET", "/api/v1/members/r02/record", nil, 200)["tally"].(map[string]any)
	if tally["absences"] != 1.0 || tally["absences_voided"] != 1.0 || tally["explanations_missing"] != 1.0 {
		t.Errorf("tally %v: the voided one must not count, the closed one must", tally)
	}
}

// Rule 14: only the unit's principal (一把手) signs; the signature says who.
func TestTheHeadNotAnyHead(t *testing.T) {
	rulesOrg(t)
	ab := H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("r03", time.Now().Add(-3*time.Hour)), 201)
	path := "/api/v1/absences/" + ab["id"].(string)
	H.Login(t, "r03").JSON(t, "POST", path+"/explanation", map[string]any{"text": "去县教育局交材料"}, 200)
	deputy, head := H.Login(t, "xiping-edu-deputy"), H.Login(t, "xiping-edu-head")
	if deputy.User["principal"] == true || head.User["principal"] != true {
		t.Errorf("/me: deputy principal %v, head principal %v", deputy.User["principal"], head.User["principal"])
	}
	if msg := errMessage(t, deputy.JSON(t, "POST", path+"/signature", map[string]any{"decision": "sign"}, 403)); !strings.Contains(msg, "一把手") {
		t.Errorf("the deputy signing: %q", msg)
	}
	s := head.JSON(t, "POST", path+"/signature", map[string]any{"decision": "sign", "comment": "情况属实"}, 200)
	if s["signed_by"] != head.User["display_name"] || s["signed_by_id"] != head.User["id"] || s["signed_for"] != nil {
		t.Errorf("signed by %v (%v) for %v", s["signed_by"], s["signed_by_id"], s["signed_for"])
	}
}

// Rule 15: a pending leave covering the moment found is mentioned, not a
// 409; an approved leave covers the day it was reported back.
func TestLeaveCrossCheckPendingAndReturnDay(t *testing.T) {
	rulesOrg(t)
	bureau := H.Login(t, "xiping-bureau")
	// r05: a back-dated sick leave still waiting for approval.
	p := H.Login(t, "r05").JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -2, -1, "发烧"), 201)
	ab := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r05", time.Now().Add(-30*time.Hour)), 201)
	if pl, _ := ab["pending_leave"].(map[string]any); pl == nil || pl["leave_id"] != p["id"] || ab["leave_conflict"] != nil {
		t.Errorf("pending leave %v, conflict %v", ab["pending_leave"], ab["leave_conflict"])
	}
	// r04: back early, on day(-1), from a leave to day(+1): that day is
	// still covered, today is not.
	r04 := H.Login(t, "r04")
	l := r04.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", -3, 1, "腰伤"), 201)
	approveLeave(t, l["id"].(string))
	r04.JSON(t, "POST", "/api/v1/leaves/"+l["id"].(string)+"/return", map[string]any{"returned_on": day(-1)}, 200)
	noon := func(offset int) time.Time {
		return policy.AddDays(policy.DayOf(time.Now()), offset).Add(12 * time.Hour)
	}
	msg := errMessage(t, bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r04", noon(-1)), 409))
	if !strings.Contains(msg, "已批准的请假") {
		t.Errorf("found on the return day: %q", msg)
	}
	today := time.Now().Add(-time.Minute)
	if start := policy.DayOf(time.Now()); today.Before(start.Add(time.Second)) {
		// Just past China's midnight a minute ago was still the return
		// day: found a second into today instead, once that has passed.
		time.Sleep(time.Until(start.Add(2 * time.Second)))
		today = start.Add(time.Second)
	}
	if ab := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("r04", today), 201); ab["leave_conflict"] != nil {
		t.Errorf("found the day after the return: %v", ab["leave_conflict"])
	}
}

// Rule 16: filed on time is judged by when the unit recorded the change;
// the offices' acknowledgement is their own step with its own due.
func TestFiledOnTimeMeansUnitFiled(t *testing.T) {
	rulesOrg(t)
	bureau := H.Login(t, "xiping-bureau")
	late := bureau.JSON(t, "POST", "/api/v1/roster-changes", map[string]any{"team_id": rulesTeam, "change": "leader",
		"member_id": "r02", "effective_on": day(-10), "reason": "队长调整（补登）"}, 201)
	flags := rosterFlagsOf(late)
	p := policy.Periods{SkipRestDays: true}
	ack := p.End(policy.DayOf(time.Now()), 3)
	ackDue, _ := time.Parse(time.RFC3339, str(late["acknowledge_due_at"]))
	if late["filed_late"] != true || !slices.Contains(flags, workflows.FlagFiledLate) || late["overdue"] != false || !ackDue.Equal(ack) {
		t.Errorf("recorded 10 days after: filed late %v flags %v overdue %v ack due %v (want %v)", late["filed_late"], flags, late["overdue"], ackDue, ack)
	}
	rosterFileAs(t, late["id"].(string))
	onTime := bureau.JSON(t, "POST", "/api/v1/roster-changes", map[string]any{"team_id": rulesTeam, "change": "leave",
		"member_id": "r06", "effective_on": day(0), "reason": "调回原单位"}, 201)
	if onTime["filed_late"] != false || slices.Contains(rosterFlagsOf(onTime), workflows.FlagFiledLate) {
		t.Errorf("recorded the day it takes effect: %v", onTime)
	}
	done := rosterFileAs(t, onTime["id"].(string))
	if done["acknowledged_late"] != false || done["status"] != "filed" {
		t.Errorf("acknowledged at once: %v", done)
	}
}

func rosterFileAs(t *testing.T, id string) map[string]any {
	t.Helper()
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", nil, 200)
	return H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", nil, 200)
}

// Rule 17: a period counted in days whose last day is a rest day ends at
// the end of the next working day: the report back of a leave ending on a
// Friday is due on Monday; the explanation's 25th does not move.
func TestPeriodsEndOnWorkingDay(t *testing.T) {
	rulesOrg(t)
	off := 60
	for policy.AddDays(policy.DayOf(time.Now()), off).Weekday() != time.Friday {
		off++
	}
	l := H.Login(t, "r03").JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", off-2, off, "家中有事"), 201)
	approved := approveLeave(t, l["id"].(string))
	ret := stepsNamed(approved, "return")
	cal := policy.NewCalendar(nil)
	want := policy.Periods{Cal: cal, SkipRestDays: true}.End(policy.AddDays(policy.DayOf(time.Now()), off), 1)
	due, _ := time.Parse(time.RFC3339, str(ret[0]["due_at"]))
	saturday := policy.AddDays(policy.DayOf(time.Now()), off+1)
	if len(ret) != 1 || !due.Equal(want) || (!cal.IsWorkday(saturday) && !due.After(policy.EndOfDay(saturday))) {
		t.Errorf("a leave ending Friday %s: report back due %v, want %v (past the weekend)", day(off), due, want)
	}
	// The fixed date: before the 25th, whatever day the 24th is.
	ab := H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("r03", time.Now().Add(-time.Minute)), 201)
	y, m := policy.CycleMonth(policy.Default().Absence, time.Now())
	if d, _ := time.Parse(time.RFC3339, ab["due_at"].(string)); !d.Equal(policy.ExplanationDue(policy.Default().Absence, y, m)) {
		t.Errorf("explanation due %v moved from the 25th", d)
	}
}

// Rule 18: a change effective more than 30 days back needs a city office,
// and is flagged; the county's is refused saying so.
func TestNoRewritingDistantPast(t *testing.T) {
	rulesOrg(t)
	body := map[string]any{"team_id": rulesTeam, "change": "join", "member_id": "r08", "effective_on": day(-31), "reason": "补登一年前的选派"}
	if msg := errMessage(t, H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/roster-changes", body, 403)); !strings.Contains(msg, "市级部门") {
		t.Errorf("the county recording 31 days back: %q", msg)
	}
	recent := map[string]any{"team_id": rulesTeam, "change": "join", "member_id": "r08", "effective_on": day(-2), "reason": "x"}
	H.Login(t, "zhumadian-bureau").JSON(t, "POST", "/api/v1/roster-changes", recent, 403)
	rc := H.Login(t, "zhumadian-bureau").JSON(t, "POST", "/api/v1/roster-changes", body, 201)
	if flags := rosterFlagsOf(rc); !slices.Contains(flags, workflows.FlagBackdated) || rc["flag_notes"].(map[string]any)[workflows.FlagBackdated] == "" {
		t.Errorf("flags %v, notes %v", flags, rc["flag_notes"])
	}
}
