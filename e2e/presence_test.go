package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// lastMonth is the China month before now, its first and last days.
func lastMonth() (string, time.Time, time.Time) {
	now := time.Now().In(policy.China)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, policy.China).AddDate(0, -1, 0)
	return first.Format("2006-01"), first, first.AddDate(0, 1, -1)
}

// workingIn counts the working days among days between from and to.
func workingIn(days []string, from, to time.Time) int {
	n := 0
	for _, d := range days {
		if d >= policy.FormatDate(from) && d <= policy.FormatDate(to) {
			n++
		}
	}
	return n
}

// TestPresenceMonth is the month, last month in 上蔡县's 张庄村
// team: 王 (m22) had 10 days of approved leave (no shortfall with the
// default leave_excused), m24 reported a 3-day trip the township approved
// (counted in post), m25 was found absent on 3 spot checks (one shortfall
// item, which the county bureau turns into an explanation). m23, with no
// record at all, is in post every working day.
func TestPresenceMonth(t *testing.T) {
	ctx := context.Background()
	month, first, last := lastMonth()
	st := store.New(H.Pool)
	cal, err := st.HolidayCalendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	days, err := store.WorkingDays(cal, month)
	if err != nil {
		t.Fatal(err)
	}
	bureau := H.Login(t, "shangcai-bureau")
	committee := H.Login(t, "huangbu-committee")
	m24 := H.Login(t, "m24")

	// m22's 10 days of leave, approved before the month it is counted in.
	leaveFrom := first.AddDate(0, 0, 9)
	leaveTo := leaveFrom.AddDate(0, 0, 9)
	if _, err := st.SeedApprovedLeave(ctx, "m22", policy.FormatDate(leaveFrom), policy.FormatDate(leaveTo)); err != nil {
		t.Fatal(err)
	}

	// m24's trip: the month's last 3 days, reported afterwards; 3 > 2
	// days, so the township committee approves it.
	tripFrom := last.AddDate(0, 0, -2)
	trip := m24.JSON(t, "POST", "/api/v1/trips", map[string]any{"start_date": policy.FormatDate(tripFrom),
		"end_date": policy.FormatDate(last), "destination": "县农业农村局", "purpose": "项目资金申报"}, 201)
	if trip["status"] != "pending" || trip["needs_approval"] != true || trip["days"] != float64(3) {
		t.Fatalf("trip %v: want pending approval, 3 days", trip)
	}
	tripID := trip["id"].(string)
	m24.JSON(t, "POST", "/api/v1/trips", map[string]any{"start_date": policy.FormatDate(last),
		"end_date": policy.FormatDate(last), "destination": "乡政府", "purpose": "开会"}, 409)
	H.Login(t, "shaodian-committee").JSON(t, "POST", "/api/v1/trips/"+tripID+"/decision", map[string]any{"decision": "approve"}, 403)
	got := committee.JSON(t, "POST", "/api/v1/trips/"+tripID+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
	if got["status"] != "approved" {
		t.Fatalf("decided trip %v", got)
	}
	seen := func(c *Client) bool {
		for _, it := range items(t, c.JSON(t, "GET", "/api/v1/trips?from="+policy.FormatDate(first), nil, 200)) {
			if it["id"] == tripID {
				return true
			}
		}
		return false
	}
	if !seen(committee) || !seen(m24) || seen(H.Login(t, "shaodian-committee")) || seen(H.Login(t, "m23")) {
		t.Error("the trip should be seen by its member and its township committee only")
	}

	// Spot checks: the whole team on the month's first working day (m25
	// absent, m22 present), then m25 alone twice more; m22 excused by the
	// leave on a day within it.
	at := func(day string) string { return day + "T10:00:00+08:00" }
	res := bureau.JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"team_id": "huangbu-zhangzhuang-team",
		"checked_at": at(days[0]), "channel": "video", "result": "present",
		"results": []map[string]any{{"member_id": "m25", "result": "absent", "note": "视频未接通，村干部称已两天未见"}}}, 201)
	if n := len(res["checks"].([]any)); n != 4 || len(res["absences"].([]any)) != 1 {
		t.Fatalf("team check recorded %d rows, absences %v", n, res["absences"])
	}
	for _, day := range days[1:3] {
		r := bureau.JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"member_id": "m25",
			"checked_at": at(day), "channel": "on_site", "result": "absent"}, 201)
		if len(r["absences"].([]any)) != 1 {
			t.Fatalf("absent check opened no absence: %v", r)
		}
	}
	leaveDay := ""
	for _, d := range days {
		if d >= policy.FormatDate(leaveFrom) && d <= policy.FormatDate(leaveTo) {
			leaveDay = d
			break
		}
	}
	bureau.JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"member_id": "m22", "checked_at": at(leaveDay),
		"channel": "phone", "result": "excused", "cover_kind": "leave"}, 201)
	bureau.JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"member_id": "m23", "checked_at": at(leaveDay),
		"channel": "phone", "result": "excused", "cover_kind": "trip"}, 400)
	H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"member_id": "m25",
		"checked_at": at(days[0]), "channel": "phone", "result": "present"}, 403)
	m24.JSON(t, "POST", "/api/v1/spot-checks", map[string]any{"member_id": "m25",
		"checked_at": at(days[0]), "channel": "phone", "result": "present"}, 403)

	sum := items(t, bureau.JSON(t, "GET", "/api/v1/spot-checks/summary?month="+month, nil, 200))
	counts := map[string]float64{}
	for _, c := range sum {
		counts[c["result"].(string)] += c["members"].(float64)
	}
	if counts["absent"] != 3 || counts["present"] != 3 || counts["excused"] != 1 {
		t.Errorf("summary by result %v, want 3 absent, 3 present, 1 excused", counts)
	}

	// The statement, as the Schedule would start it on the 1st.
	stmt := bureau.JSON(t, "POST", "/api/v1/presence-statements", map[string]any{"county_id": "shangcai", "month": month}, 200)
	again := bureau.JSON(t, "POST", "/api/v1/presence-statements", map[string]any{"county_id": "shangcai", "month": month}, 200)
	if stmt["id"] != again["id"] {
		t.Errorf("a second start gave another statement: %v, %v", stmt["id"], again["id"])
	}
	id := stmt["id"].(string)
	var short []string
	for _, it := range stmt["shortfalls"].([]any) {
		short = append(short, it.(map[string]any)["member_id"].(string))
	}
	team := []string{"m22", "m23", "m24", "m25"}
	var teamShort []string
	for _, m := range short {
		if slices.Contains(team, m) {
			teamShort = append(teamShort, m)
		}
	}
	if fmt.Sprint(teamShort) != "[m25]" || stmt["status"] != "reviewing" {
		t.Fatalf("shortfalls in the team %v (all %v), status %v: want only m25", teamShort, short, stmt["status"])
	}
	figures := map[string]map[string]any{}
	for _, f := range items(t, bureau.JSON(t, "GET", "/api/v1/presence-statements/"+id+"/members", nil, 200)) {
		figures[f["member_id"].(string)] = f
	}
	want := func(member, field string, n int) {
		t.Helper()
		if got := figures[member][field]; got != float64(n) {
			t.Errorf("%s %s = %v, want %d", member, field, got, n)
		}
	}
	all := len(days)
	leaveDays, tripDays := workingIn(days, leaveFrom, leaveTo), workingIn(days, tripFrom, last)
	want("m22", "working_days", all)
	want("m22", "leave_days", leaveDays)
	want("m22", "in_post_days", all-leaveDays)
	want("m22", "counted_days", all)
	want("m23", "in_post_days", all)
	want("m24", "trip_days", tripDays)
	want("m24", "in_post_days", all)
	want("m25", "absent_days", 3)
	want("m25", "in_post_days", all-3)

	// Only the county bureau decides; the member is asked to explain.
	H.Login(t, "shangcai-org").JSON(t, "POST", "/api/v1/presence-statements/"+id+"/decision",
		map[string]any{"member_id": "m25", "decision": "excuse", "reason": "x"}, 403)
	bureau.JSON(t, "POST", "/api/v1/presence-statements/"+id+"/decision",
		map[string]any{"member_id": "m25", "decision": "excuse"}, 400)
	bureau.JSON(t, "POST", "/api/v1/presence-statements/"+id+"/decision",
		map[string]any{"member_id": "m23", "decision": "excuse", "reason": "x"}, 400)
	var done map[string]any
	for _, m := range short {
		body := map[string]any{"member_id": m, "decision": "excuse", "reason": "其他测试的记录"}
		if m == "m25" {
			body = map[string]any{"member_id": m, "decision": "explain", "reason": "本月三次查岗不在岗"}
		}
		done = bureau.JSON(t, "POST", "/api/v1/presence-statements/"+id+"/decision", body, 200)
	}
	bureau.JSON(t, "POST", "/api/v1/presence-statements/"+id+"/decision",
		map[string]any{"member_id": "m25", "decision": "excuse", "reason": "改主意"}, 409)
	if done["status"] != "done" {
		t.Errorf("statement after every decision: %v", done["status"])
	}
	var absence string
	for _, it := range done["shortfalls"].([]any) {
		if f := it.(map[string]any); f["member_id"] == "m25" {
			absence, _ = f["absence_id"].(string)
			if f["status"] != "explanation" {
				t.Errorf("m25's item %v", f)
			}
		}
	}
	ab := H.Login(t, "m25").JSON(t, "GET", "/api/v1/absences/"+absence, nil, 200)
	if ab["status"] != "awaiting_explanation" {
		t.Errorf("the explanation asked for: %v", ab["status"])
	}
	page := pageGetWant(t, pageClient(t, "shangcai-bureau"), "/presence-statements/"+id, 200)
	if !strings.Contains(page, "已要求写情况说明") || !strings.Contains(page, "/absences/"+absence) {
		t.Errorf("the statement's page does not show m25's item asked for an explanation: %.300s", page)
	}
	scheduledStatement(t, month, id)
}

func pageGetWant(t *testing.T, c *http.Client, path string, want int) string {
	t.Helper()
	resp, err := c.Get(H.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != want {
		t.Errorf("GET %s: %d, want %d: %.300s", path, resp.StatusCode, want, body)
	}
	return body
}

// TestPresencePages: a member reports a trip by the form (a bad one comes
// back with the message beside its field), the committee sees it, a
// bureau records a check by the form and reads the month's summary.
func TestPresencePages(t *testing.T) {
	m22 := pageClient(t, "m22")
	today := policy.FormatDate(time.Now().In(policy.China))
	post := func(c *http.Client, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		resp, err := c.PostForm(H.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readAll(t, resp)
	}
	trip := url.Values{"start_date": {today}, "end_date": {today}, "destination": {""}, "purpose": {"乡里开会"}, "key": {"page-trip-1"}}
	resp, body := post(m22, "/trips", trip)
	if resp.StatusCode != 400 || !strings.Contains(body, "destination-error") {
		t.Errorf("a trip without destination: %d %.300s", resp.StatusCode, body)
	}
	trip.Set("destination", "黄埠镇政府")
	resp, body = post(m22, "/trips", trip)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Request.URL.Path, "/trips/") || !strings.Contains(body, "已报备外出") {
		t.Fatalf("reported trip: %d at %s %.300s", resp.StatusCode, resp.Request.URL, body)
	}
	if list := pageGetWant(t, pageClient(t, "huangbu-committee"), "/trips", 200); !strings.Contains(list, "黄埠镇政府") {
		t.Error("the township committee's trips page does not list the trip")
	}
	bureau := pageClient(t, "shangcai-bureau")
	at := time.Now().In(policy.China).Add(-time.Minute).Format("2006-01-02T15:04")
	resp, body = post(bureau, "/spot-checks", url.Values{"member_id": {"m22"}, "checked_at": {at}, "channel": {"phone"}, "result": {"excused"}, "cover_kind": {"trip"}})
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/spot-checks" || !strings.Contains(body, "已登记查岗") {
		t.Errorf("spot check by the form: %d at %s %.300s", resp.StatusCode, resp.Request.URL, body)
	}
	if !strings.Contains(body, "excused") {
		t.Error("the month's summary does not count the check")
	}
	pageGetWant(t, bureau, "/presence-statements", 200)
	pageGetWant(t, m22, "/spot-checks", 404) // a member reads no supervisors' counts
}

// scheduledStatement triggers the worker's monthly-statement Schedule: its
// tick's job (for last month, as on the 1st) starts 西平's statement and
// finds 上蔡's, started already, untouched.
func scheduledStatement(t *testing.T, month, shangcai string) {
	ctx := context.Background()
	if err := H.Temporal.ScheduleClient().GetHandle(ctx, workflows.JobMonthlyStatement).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	city := H.Login(t, "zhumadian-bureau")
	ids := func(county string) []string {
		var out []string
		for _, it := range items(t, city.JSON(t, "GET", "/api/v1/presence-statements?county="+county+"&limit=200", nil, 200)) {
			if it["month"] == month {
				out = append(out, it["id"].(string))
			}
		}
		return out
	}
	absWait(t, "the Schedule's statement for 西平", func() bool { return len(ids("xiping")) == 1 })
	if got := ids("shangcai"); fmt.Sprint(got) != "["+shangcai+"]" {
		t.Errorf("上蔡's statements for %s after the Schedule: %v, want only %s", month, got, shangcai)
	}
}

// TestPresenceBadInputAndCheckIn: each bad field named; the check-in is
// off by default and says so.
func TestPresenceBadInputAndCheckIn(t *testing.T) {
	m23 := H.Login(t, "m23")
	bad := func(c *Client, path string, body map[string]any, field string) {
		t.Helper()
		e := c.JSON(t, "POST", path, body, 400)["error"].(map[string]any)
		if f, _ := e["fields"].(map[string]any); f[field] == nil {
			t.Errorf("400 %v names no field %q", e, field)
		}
	}
	today := policy.FormatDate(time.Now().In(policy.China))
	bad(m23, "/api/v1/trips", map[string]any{"start_date": "tomorrow", "end_date": today, "destination": "县城", "purpose": "开会"}, "start_date")
	bad(m23, "/api/v1/trips", map[string]any{"start_date": today, "end_date": today, "destination": "", "purpose": "开会"}, "destination")
	bad(m23, "/api/v1/trips", map[string]any{"start_date": "2020-01-01", "end_date": "2020-01-02", "destination": "县城", "purpose": "开会"}, "start_date")
	bureau := H.Login(t, "shangcai-bureau")
	now := time.Now().Format(time.RFC3339)
	bad(bureau, "/api/v1/spot-checks", map[string]any{"checked_at": now, "channel": "video", "result": "present"}, "member_id")
	bad(bureau, "/api/v1/spot-checks", map[string]any{"member_id": "m23", "checked_at": now, "channel": "fax", "result": "present"}, "channel")
	bad(bureau, "/api/v1/spot-checks", map[string]any{"member_id": "m23", "checked_at": now, "channel": "video", "result": "excused"}, "cover_kind")
	bad(bureau, "/api/v1/presence-statements", map[string]any{"county_id": "shangcai", "month": time.Now().In(policy.China).Format("2006-01")}, "month")
	m23.JSON(t, "POST", "/api/v1/check-ins", map[string]any{"lat": 33.2, "lng": 114.3}, 409)
	bad(m23, "/api/v1/check-ins", map[string]any{"lat": 33.2}, "lat")
	bureau.JSON(t, "POST", "/api/v1/check-ins", nil, 403)
	m23.JSON(t, "POST", "/api/v1/trips/"+"00000000-0000-0000-0000-000000000000"+"/decision", map[string]any{"decision": "approve"}, 404)
}

func init() {
	pageAccess["GET /trips"] = "GET /trips"
	pageAccess["POST /trips"] = "POST /trips"
	pageAccess["GET /trips/{id}"] = "GET /trips/{id}"
	pageAccess["POST /trips/{id}/decision"] = "POST /trips/{id}/decision"
	pageAccess["GET /spot-checks"] = "GET /spot-checks/summary"
	pageAccess["POST /spot-checks"] = "POST /spot-checks"
	pageAccess["GET /presence-statements"] = "GET /presence-statements"
	pageAccess["GET /presence-statements/{id}"] = "GET /presence-statements/{id}"
	pageAccess["POST /presence-statements/{id}/decision"] = "POST /presence-statements/{id}/decision"
}
