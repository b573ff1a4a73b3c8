package e2e

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/activities"
	"zhucun/policy"
	"zhucun/workflows"
)

// accountabilityJob runs the scheduled circulation job, as its tick would,
// for the report month: its nominal time is the 26th, 09:00 China time.
func accountabilityJob(t *testing.T, month string) {
	t.Helper()
	y, m, err := policy.ParseCycle(month)
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Pool: H.Pool, Temporal: H.Temporal, Keys: H.App.Keys}
	at := time.Date(y, m, 26, 9, 0, 0, 0, policy.China)
	// Twice: a job may run twice for one tick, and must open nothing twice.
	for range 2 {
		if err := acts.CirculationJob(context.Background(), at); err != nil {
			t.Fatalf("circulation job: %v", err)
		}
	}
}

func circulationItemsOf(t *testing.T, c map[string]any, member string) []string {
	var out []string
	for _, it := range c["items"].([]any) {
		if it := it.(map[string]any); it["member_id"] == member {
			out = append(out, it["explanation"].(string))
		}
	}
	slices.Sort(out)
	return out
}

// A month in which 曹颖 (m28) was found absent twice, one explanation
// signed and one missing: the job drafts the circulation naming both and
// opens the interview of her unit's principal (two absences a year, the
// default threshold); the city bureau alone issues it; every county office
// downloads it; the county bureau schedules and records the interview.
func TestAccountabilityCirculationAndInterview(t *testing.T) {
	bureau, head, member := H.Login(t, "shangcai-bureau"), H.Login(t, "shangcai-health-head"), H.Login(t, "m28")
	body := func(ago time.Duration) map[string]any {
		b := absenceBody("m28", time.Now().Add(-ago))
		b["confirm"] = true
		return b
	}
	first := bureau.JSON(t, "POST", "/api/v1/absences", body(3*time.Hour), 201)
	second := bureau.JSON(t, "POST", "/api/v1/absences", body(2*time.Hour), 201)
	month := first["cycle_month"].(string)
	path := "/api/v1/absences/" + first["id"].(string)
	member.JSON(t, "POST", path+"/explanation", map[string]any{"text": "赴乡里开会，未及时报备"}, 200)
	head.JSON(t, "POST", path+"/signature", map[string]any{"decision": "sign", "comment": "情况属实"}, 200)

	accountabilityJob(t, month)

	circ := "/api/v1/circulations/" + month
	member.JSON(t, "GET", circ, nil, 403)
	c := H.Login(t, "shangcai-org").JSON(t, "GET", circ, nil, 200)
	if c["status"] != workflows.CirculationDrafted {
		t.Fatalf("circulation: %v", c)
	}
	if got := circulationItemsOf(t, c, "m28"); !slices.Equal(got, []string{workflows.ItemMissing, workflows.ItemOnTime}) {
		t.Errorf("m28 in the draft: %v, want one missing and one on time", got)
	}
	_ = second
	// A county office may read it, not issue it; the city bureau issues once.
	bureau.JSON(t, "POST", circ+"/issue", map[string]any{"foreword": "县里来印发"}, 403)
	H.Login(t, "zhumadian-org").JSON(t, "POST", circ+"/issue", nil, 403)
	city := H.Login(t, "zhumadian-bureau")
	issued := city.JSON(t, "POST", circ+"/issue", map[string]any{"foreword": "请各县（区）对照整改"}, 200)
	if issued["status"] != workflows.CirculationIssued || issued["foreword"] != "请各县（区）对照整改" || issued["issued_at"] == nil {
		t.Fatalf("issued: %v", issued)
	}
	city.JSON(t, "POST", circ+"/issue", nil, 409)

	status, raw := H.Login(t, "xiping-org").Do(t, "GET", circ+"?format=xlsx", nil)
	if status != 200 {
		t.Fatalf("xlsx: %d %s", status, raw)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	rows, err := f.GetRows("通报")
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, r := range rows {
		if slices.Contains(r, "曹颖") {
			named++
		}
	}
	if named != 2 || rows[2][0] != "请各县（区）对照整改" {
		t.Errorf("workbook names 曹颖 in %d rows (want 2); foreword %q", named, rows[2])
	}

	// Told on issue: every county office, the member and her unit's head.
	pid := workflows.CirculationProcessID("zhumadian", month)
	for _, to := range []string{"member:m28", "unit_head:shangcai-health", "county_bureau:xiping-bureau", "county_org_dept:shangcai-org"} {
		var n int
		if err := H.Pool.QueryRow(context.Background(),
			`SELECT count(*) FROM outbox WHERE process_id = $1 AND recipient = $2`, pid, to).Scan(&n); err != nil || n != 1 {
			t.Errorf("notices to %s: %d %v, want 1", to, n, err)
		}
	}

	// The interview the threshold opened, once though the job ran twice.
	list := items(t, bureau.JSON(t, "GET", "/api/v1/interviews?unit=shangcai-health", nil, 200))
	var iv map[string]any
	for _, it := range list {
		if it["member_id"] == "m28" {
			if iv != nil {
				t.Errorf("two interviews for m28: %v", list)
			}
			iv = it
		}
	}
	if iv == nil || iv["trigger"] != workflows.TriggerAbsences || iv["status"] != workflows.InterviewAwaiting || iv["principal"] != "孙立新" {
		t.Fatalf("threshold interview: %v", iv)
	}
	ip := "/api/v1/interviews/" + iv["id"].(string)
	bureau.JSON(t, "POST", ip+"/held", map[string]any{"note": "还没约"}, 409)
	head.JSON(t, "POST", ip+"/schedule", map[string]any{"date": "2027-01-05", "place": "自己定"}, 403)
	bureau.JSON(t, "POST", ip+"/schedule", map[string]any{"date": "2027-1-5", "place": "县局"}, 400)
	s := bureau.JSON(t, "POST", ip+"/schedule", map[string]any{"date": "2027-01-05", "place": "县乡村振兴局三楼会议室"}, 200)
	if s["status"] != workflows.InterviewScheduled {
		t.Errorf("scheduled: %v", s)
	}
	held := bureau.JSON(t, "POST", ip+"/held", map[string]any{"note": "已约谈孙立新同志，单位承诺加强管理"}, 200)
	if held["status"] != workflows.InterviewHeld || held["held_at"] == nil || held["held_late"] != false {
		t.Errorf("held: %v", held)
	}
	bureau.JSON(t, "POST", ip+"/held", map[string]any{"note": "again"}, 409)
	rec := head.JSON(t, "GET", "/api/v1/units/shangcai-health/interviews", nil, 200)
	if n, _ := rec["held"].(float64); n < 1 {
		t.Errorf("unit record: %v", rec)
	}
	H.Login(t, "xiping-edu-head").JSON(t, "GET", "/api/v1/units/shangcai-health/interviews", nil, 403)
}

// An office decides an interview: a county office in its county, keyed by
// the Idempotency-Key, so a repeat opens nothing new.
func TestAccountabilityDecidedInterview(t *testing.T) {
	org := H.Login(t, "xiping-org")
	body := map[string]any{"unit_id": "xiping-edu", "reason": "队员工作不实，县委组织部决定约谈"}
	key := fmt.Sprintf("decided-%d", time.Now().UnixNano())
	first := doWithHeader(t, org, "POST", "/api/v1/interviews", body, "Idempotency-Key", key)
	again := doWithHeader(t, org, "POST", "/api/v1/interviews", body, "Idempotency-Key", key)
	if first["id"] == nil || first["id"] != again["id"] || first["trigger"] != workflows.TriggerDecided || first["county_id"] != "xiping" {
		t.Fatalf("decided interview: %v / %v", first, again)
	}
	H.Login(t, "m03").JSON(t, "POST", "/api/v1/interviews", body, 403)
	e := org.JSON(t, "POST", "/api/v1/interviews", body, 400)["error"].(map[string]any)
	if _, ok := e["fields"].(map[string]any)["Idempotency-Key"]; !ok {
		t.Errorf("no key: %v", e)
	}
}

// The unit head recalls 曹颖 (m28): the roster change that takes her off
// the team is opened, and the team is flagged short until someone joins.
func TestAccountabilityRecall(t *testing.T) {
	head := H.Login(t, "shangcai-health-head")
	body := map[string]any{"member_id": "m28", "reason": "长期不在岗，不适合继续驻村"}
	for _, who := range []string{"xiping-edu-head", "m28", "shangcai-org"} {
		e := doWithHeader(t, H.Login(t, who), "POST", "/api/v1/recalls", body, "Idempotency-Key", "recall-by-"+who)
		if e["error"] == nil || e["error"].(map[string]any)["code"] != "forbidden" {
			t.Errorf("recall by %s: %v, want forbidden", who, e)
		}
	}
	rc := doWithHeader(t, head, "POST", "/api/v1/recalls", body, "Idempotency-Key", "recall-m28")
	if rc["status"] != workflows.RecallShort || rc["team_short"] != true || rc["team_id"] != "huangbu-liuying-team" || rc["roster_change_id"] == nil {
		t.Fatalf("recall: %v", rc)
	}
	change := head.JSON(t, "GET", "/api/v1/roster-changes/"+rc["roster_change_id"].(string), nil, 200)
	if change["change"] != workflows.ChangeLeave || change["member_id"] != "m28" {
		t.Errorf("roster change: %v", change)
	}
	due, _ := time.Parse(time.RFC3339, rc["due_at"].(string))
	if want := policy.AccountabilityDue(time.Now(), 30); !due.Equal(want) {
		t.Errorf("replacement due %v, want %v", due, want)
	}
	short := items(t, H.Login(t, "shangcai-bureau").JSON(t, "GET", "/api/v1/recalls?status=short", nil, 200))
	if !slices.ContainsFunc(short, func(m map[string]any) bool { return m["id"] == rc["id"] }) {
		t.Errorf("the team is not listed short: %v", short)
	}
	if !inboxHas(t, "shangcai-health-head", rc["id"].(string), workflows.StepReplacement) {
		t.Errorf("the replacement is not in the unit head's inbox")
	}
}
