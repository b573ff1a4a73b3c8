package e2e

// The yearly duties (articles 11, 19, 23) and team make-up (article 8), as
// the county bureau and the unit heads enter them. Members used here and
// by no other test of these: m16, m17, m18 (training), m24 (assessment);
// the matrix starts m23's assessment. Unit support: shangcai-health on
// huangbu-liuying-team. Team flags: m19 leads shaodian-houhu-team.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"zhucun/activities"
	"zhucun/obligations"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// startAssessment starts a member's assessment as the daily job does, and
// waits for it in the read model; it answers the process id.
func startAssessment(t *testing.T, member string, year int) string {
	t.Helper()
	st := store.New(H.Pool)
	mc, err := st.MemberContext(context.Background(), member, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pol, err := st.CurrentPolicy(context.Background(), mc.CountyID)
	if err != nil {
		t.Fatal(err)
	}
	s := store.Serving{MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID, UnitName: mc.UnitName,
		TeamID: mc.TeamID, TeamName: mc.TeamName, TownshipID: mc.TownshipID, CountyID: mc.CountyID, BureauID: mc.CountyBureauID}
	in := obligations.AssessmentInput(s, year, pol)
	ctx, err := H.App.Keys.SignStart(context.Background(), workflows.AssessmentWorkflowID(member, year), in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := H.Temporal.ExecuteWorkflow(ctx, startOpts(workflows.AssessmentWorkflowID(member, year)), workflows.AssessmentWorkflow, in); err != nil {
		t.Fatal(err)
	}
	absWait(t, "the assessment in the read model", func() bool {
		code, _ := H.Login(t, "shangcai-bureau").Do(t, "GET", "/api/v1/assessments/"+in.ProcessID, nil)
		return code == 200
	})
	return in.ProcessID
}

// obligationStatus is a duty's status in the read model ("" while absent).
func obligationStatus(t *testing.T, wid string) (string, map[string]any) {
	t.Helper()
	var status string
	var detail []byte
	err := H.Pool.QueryRow(context.Background(), `SELECT status, detail::text FROM processes WHERE workflow_id = $1`, wid).Scan(&status, &detail)
	if err != nil {
		return "", nil
	}
	return status, jsonMap(t, detail)
}

func waitStatus(t *testing.T, wid, want string) map[string]any {
	t.Helper()
	var got string
	var detail map[string]any
	pollUntil(t, 20*time.Second, wid+" "+want, func() (bool, string) {
		got, detail = obligationStatus(t, wid)
		return got == want, fmt.Sprintf("status %q %v", got, detail)
	})
	return detail
}

// Article 11: one training entered for several members at once meets the
// duty of those it qualifies for; a township training of any length does not.
func TestTrainingRecordMeetsTheDuty(t *testing.T) {
	bur := H.Login(t, "shangcai-bureau")
	year := strconv.Itoa(time.Now().In(policy.China).Year())
	from, to := day(-3), day(-1)
	bad := bur.JSON(t, "POST", "/api/v1/trainings", map[string]any{"title": "乡村振兴专题培训", "level": "county",
		"from": from, "to": to, "days": 4, "member_ids": []string{"m16", "m01"}}, 400)
	if f := bad["error"].(map[string]any)["fields"].(map[string]any); f["days"] == nil {
		t.Errorf("4 days in a 3-day span not refused by field: %v", bad)
	}
	bad = bur.JSON(t, "POST", "/api/v1/trainings", map[string]any{"title": "乡村振兴专题培训", "level": "county",
		"from": from, "to": to, "days": 3, "member_ids": []string{"m16", "m01"}}, 400)
	if f := bad["error"].(map[string]any)["fields"].(map[string]any); f["member_ids"] == nil {
		t.Errorf("a member of another county not refused: %v", bad)
	}
	H.Login(t, "xiping-edu-head").JSON(t, "POST", "/api/v1/trainings", map[string]any{}, 403)

	tr := bur.JSON(t, "POST", "/api/v1/trainings", map[string]any{"title": "乡村振兴专题培训", "level": "county",
		"from": from, "to": to, "days": 3, "member_ids": []string{"m16", "m17"}}, 201)
	if tr["days"] != float64(3) || len(tr["member_ids"].([]any)) != 2 {
		t.Fatalf("training answer %v", tr)
	}
	bur.JSON(t, "POST", "/api/v1/trainings", map[string]any{"title": "乡镇业务培训", "level": "township",
		"from": from, "to": to, "days": 3, "member_ids": []string{"m18"}}, 201)
	for _, m := range []string{"m16", "m17"} {
		d := waitStatus(t, workflows.ObligationWorkflowID(workflows.ObligationTraining, m, year), workflows.ObligationSatisfied)
		if d["late"] != false || d["count"].(map[string]any)["records"] != float64(1) {
			t.Errorf("%s: %v", m, d)
		}
	}
	d := waitStatus(t, workflows.ObligationWorkflowID(workflows.ObligationTraining, "m18", year), workflows.ObligationOpen)
	if d["count"].(map[string]any)["records"] != float64(0) || d["checks"] != float64(1) {
		t.Errorf("m18 after a township training: %v", d)
	}
	// m18 still owes it: it waits on the member and the bureau.
	if !inboxHas(t, "m18", d["id"].(string), workflows.StepTraining) || !inboxHas(t, "shangcai-bureau", d["id"].(string), workflows.StepTraining) {
		t.Error("m18's open training duty is not in the member's and the bureau's inboxes")
	}
}

// Article 19: the unit head records the result once, then the county
// bureau acknowledges it once; nobody else may do either.
func TestAssessmentResultThenAcknowledged(t *testing.T) {
	id := startAssessment(t, "m24", 2026)
	head, bur := H.Login(t, "shangcai-health-head"), H.Login(t, "shangcai-bureau")
	bur.JSON(t, "POST", "/api/v1/assessments/"+id+"/acknowledge", nil, 409)
	H.Login(t, "xiping-edu-head").JSON(t, "POST", "/api/v1/assessments/"+id+"/result", map[string]any{"result": "称职"}, 403)
	bur.JSON(t, "POST", "/api/v1/assessments/"+id+"/result", map[string]any{"result": "称职"}, 403)
	head.JSON(t, "POST", "/api/v1/assessments/"+id+"/result", map[string]any{"result": "很好"}, 400)
	as := head.JSON(t, "POST", "/api/v1/assessments/"+id+"/result", map[string]any{"result": "称职", "note": "工作扎实"}, 200)
	if as["status"] != workflows.AssessmentAwaitingAck || as["result"] != "称职" || as["ack_due"] == nil {
		t.Fatalf("after the result: %v", as)
	}
	head.JSON(t, "POST", "/api/v1/assessments/"+id+"/result", map[string]any{"result": "优秀"}, 409)
	H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/assessments/"+id+"/acknowledge", nil, 403)
	as = bur.JSON(t, "POST", "/api/v1/assessments/"+id+"/acknowledge", map[string]any{"comment": "已收到"}, 200)
	if as["status"] != workflows.AssessmentAcknowledged || as["acknowledged_at"] == nil || as["result"] != "称职" {
		t.Fatalf("after the acknowledgement: %v", as)
	}
	bur.JSON(t, "POST", "/api/v1/assessments/"+id+"/acknowledge", nil, 409)
}

// Article 23: a hearing meets the half year's duty; the principal's visit
// and four visits of other leaders meet the year's, three do not.
func TestUnitSupportRecordsMeetTheDuties(t *testing.T) {
	head := H.Login(t, "shangcai-health-head")
	const team = "huangbu-liuying-team"
	on := day(-1)
	d, _ := policy.ParseDate(on)
	half := 1
	if d.Month() > time.June {
		half = 2
	}
	key := "shangcai-health/" + team
	head.JSON(t, "POST", "/api/v1/unit-support/hearings", map[string]any{"team_id": "zhuantan-zhaolou-team", "on": on}, 400)
	head.JSON(t, "POST", "/api/v1/unit-support/hearings", map[string]any{"team_id": team, "on": day(1)}, 400)
	head.JSON(t, "POST", "/api/v1/unit-support/hearings", map[string]any{"team_id": team, "on": on, "note": "党委会听取工作队汇报"}, 201)
	waitStatus(t, workflows.ObligationWorkflowID(workflows.ObligationHearing, key, fmt.Sprintf("%d-H%d", d.Year(), half)), workflows.ObligationSatisfied)

	vwid := workflows.ObligationWorkflowID(workflows.ObligationVisits, key, strconv.Itoa(d.Year()))
	head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": team, "on": on, "who": "boss", "name": "孙立新"}, 400)
	head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": team, "on": on, "who": "principal", "name": "孙立新"}, 201)
	for i := 1; i <= 3; i++ {
		head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": team, "on": on, "who": "leader", "name": "副主任" + strconv.Itoa(i)}, 201)
	}
	pollUntil(t, 20*time.Second, "three leaders' visits counted", func() (bool, string) {
		st, det := obligationStatus(t, vwid)
		c, _ := det["count"].(map[string]any)
		return st == workflows.ObligationOpen && c["leaders"] == float64(3) && c["principal"] == float64(1), fmt.Sprint(st, det)
	})
	head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": team, "on": on, "who": "leader", "name": "副主任4"}, 201)
	waitStatus(t, vwid, workflows.ObligationSatisfied)
	list := head.JSON(t, "GET", "/api/v1/unit-support?year="+strconv.Itoa(d.Year()), nil, 200)
	if n := len(items(t, list)); n < 6 {
		t.Errorf("%d records listed, want at least 6", n)
	}
}

// Article 8: a leader who is no first secretary is flagged for the county
// bureau; recorded as a 科级 cadre of a county unit, the next check clears it.
func TestTeamFlagAppearsAndClears(t *testing.T) {
	ctx := context.Background()
	bur := H.Login(t, "shangcai-bureau")
	// What an import of the unit's records would say: m19 is no first
	// secretary. (No API edits a member's rank; the organisation import does.)
	if _, err := H.Pool.Exec(ctx, `UPDATE members SET first_secretary = false WHERE id = 'm19'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		H.Pool.Exec(ctx, `UPDATE members SET first_secretary = true, cadre_level = '' WHERE id = 'm19'`)
	})
	flagOf := func() map[string]any {
		for _, f := range items(t, bur.JSON(t, "GET", "/api/v1/team-flags", nil, 200)) {
			if f["flag"] == store.FlagLeaderNotSecretary && f["member_id"] == "m19" {
				return f
			}
		}
		return nil
	}
	bur.JSON(t, "POST", "/api/v1/team-flags/check", nil, 200)
	f := flagOf()
	if f == nil || f["resolved_at"] != nil || f["team_id"] != "shaodian-houhu-team" {
		t.Fatalf("flag after the check: %v", f)
	}
	bur.JSON(t, "POST", "/api/v1/team-flags/check", nil, 200) // again: still one open flag, same one
	if g := flagOf(); g == nil || g["id"] != f["id"] || g["resolved_at"] != nil {
		t.Fatalf("flag after a second check: %v (first %v)", g, f)
	}
	if _, err := H.Pool.Exec(ctx, `UPDATE members SET cadre_level = 'ke' WHERE id = 'm19'`); err != nil {
		t.Fatal(err)
	}
	// The next morning's job (its team check; without a Temporal client it
	// starts no yearly processes) resolves it.
	if err := (&activities.Activities{Pool: H.Pool}).ObligationsJob(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if g := flagOf(); g == nil || g["resolved_at"] == nil {
		t.Fatalf("flag after the fix: %v", g)
	}
	H.Login(t, "xiping-bureau").JSON(t, "GET", "/api/v1/team-flags?county=shangcai", nil, 403)
}

func startOpts(wid string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue}
}

func jsonMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func init() {
	pageAccess["GET /trainings/new"] = "POST /trainings"
	pageAccess["POST /trainings"] = "POST /trainings"
	pageAccess["GET /support"] = "GET /unit-support"
	pageAccess["POST /support/hearings"] = "POST /unit-support/hearings"
	pageAccess["POST /support/visits"] = "POST /unit-support/visits"
	pageAccess["GET /assessments/{id}"] = "GET /assessments/{id}"
	pageAccess["POST /assessments/{id}/result"] = "POST /assessments/{id}/result"
	pageAccess["POST /assessments/{id}/acknowledge"] = "POST /assessments/{id}/acknowledge"
	pageAccess["GET /team-flags"] = "GET /team-flags"
	pageAccess["POST /team-flags/check"] = "POST /team-flags/check"
}

// The pages: the bureau enters a training with the form (a bad day count
// is said beside the field, what was typed kept), and lists the team
// flags; the unit head records a visit and sees it listed.
func TestObligationPages(t *testing.T) {
	bur := pageClient(t, "shangcai-bureau")
	form := url.Values{"title": {"党建专题培训"}, "level": {"city"}, "from": {day(-2)}, "to": {day(-1)}, "days": {"3"}, "member_ids": {"m18、m17"}}
	resp, err := bur.PostForm(H.URL+"/trainings", form)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="days-error"`) || !strings.Contains(body, "党建专题培训") {
		t.Fatalf("a 3-day training in 2 days: %d %.400s", resp.StatusCode, body)
	}
	form.Set("from", day(-3))
	resp, err = bur.PostForm(H.URL+"/trainings", form)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.Request.URL.Path != "/trainings/new" || !strings.Contains(body, "已登记培训") {
		t.Fatalf("after the training: at %s: %.300s", resp.Request.URL.Path, body)
	}
	year := strconv.Itoa(time.Now().In(policy.China).Year())
	waitStatus(t, workflows.ObligationWorkflowID(workflows.ObligationTraining, "m18", year), workflows.ObligationSatisfied)

	resp, err = bur.Get(H.URL + "/team-flags")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(body, "队伍构成提示") {
		t.Fatalf("team flags page: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := pageClient(t, "m16").Get(H.URL + "/team-flags"); resp.StatusCode != 404 { // a page out of scope reads as none
		t.Errorf("a member reads the team flags page: %d", resp.StatusCode)
	}

	head := pageClient(t, "shangcai-health-head")
	resp, err = head.PostForm(H.URL+"/support/visits", url.Values{"team_id": {"huangbu-zhangzhuang-team"}, "who": {"leader"},
		"name": {"页面测试副主任"}, "on": {day(-1)}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.Request.URL.Path != "/support" || !strings.Contains(body, "页面测试副主任") {
		t.Fatalf("after the visit: at %s: %.300s", resp.Request.URL.Path, body)
	}
}

// On the real server, a duty rechecked often continues as new past its
// history limit, carrying its state, and is met by records entered after
// that. city-agri on huangbu-zhangzhuang-team (m25); its visits are
// entered here only.
func TestObligationContinuesAsNewOnTheServer(t *testing.T) {
	ctx := context.Background()
	st := store.New(H.Pool)
	pol, err := st.CurrentPolicy(ctx, "shangcai")
	if err != nil {
		t.Fatal(err)
	}
	year := time.Now().In(policy.China).Year()
	s := store.Serving{UnitID: "city-agri", UnitName: "驻马店市农业农村局", TeamID: "huangbu-zhangzhuang-team",
		TeamName: "张庄村驻村工作队", TownshipID: "huangbu", CountyID: "shangcai", BureauID: "shangcai-bureau"}
	in := obligations.VisitsInput(s, year, pol)
	in.MaxEvents = 40
	wid := workflows.ObligationWorkflowID(in.Type, s.UnitID+"/"+s.TeamID, in.Period)
	sctx, err := H.App.Keys.SignStart(ctx, wid, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := H.Temporal.ExecuteWorkflow(sctx, startOpts(wid), workflows.ObligationWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, wid, workflows.ObligationOpen)
	for i := 0; i < 12; i++ {
		if err := H.Temporal.SignalWorkflow(ctx, wid, "", workflows.ObligationRecheck, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var before float64 // checks counted by the earlier runs
	pollUntil(t, 30*time.Second, "continued as new", func() (bool, string) {
		_, d := obligationStatus(t, wid)
		before, _ = d["checks"].(float64)
		return d["runs"].(float64) >= 2 && before >= 2, fmt.Sprint(d)
	})
	head := H.Login(t, "city-agri-head")
	head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": s.TeamID, "on": day(-1), "who": "principal", "name": "王志刚"}, 201)
	for i := 1; i <= 4; i++ {
		head.JSON(t, "POST", "/api/v1/unit-support/visits", map[string]any{"team_id": s.TeamID, "on": day(-1), "who": "leader", "name": "班子成员" + strconv.Itoa(i)}, 201)
	}
	d := waitStatus(t, wid, workflows.ObligationSatisfied)
	// Rechecks that arrive together are counted once; the count goes on
	// from the earlier runs' rather than starting again.
	if d["checks"].(float64) <= before || d["runs"].(float64) < 2 {
		t.Errorf("state not carried across runs: %v", d)
	}
	// The timeline is one sequence across the runs.
	var n, maxSeq int
	if err := H.Pool.QueryRow(ctx, `SELECT count(*), max(seq) FROM process_events WHERE process_id = $1`, in.ProcessID).Scan(&n, &maxSeq); err != nil || n != maxSeq || n < 2 {
		t.Errorf("timeline: %d events, last seq %d (%v)", n, maxSeq, err)
	}
}
