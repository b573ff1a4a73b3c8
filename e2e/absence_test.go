package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/policy"
	"zhucun/workflows"
)

// absWait polls cond until it holds or ten seconds pass: the monthly
// report hears of an absence by a signal, a moment after the update.
func absWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// reportItem finds an absence in a report answer.
func reportItem(t *testing.T, rep map[string]any, absenceID string) map[string]any {
	t.Helper()
	for _, it := range items(t, rep) {
		if it["absence_id"] == absenceID {
			return it
		}
	}
	return nil
}

func absenceBody(member string, found time.Time) map[string]any {
	return map[string]any{"member_id": member, "found_at": found.Format(time.RFC3339), "method": "onsite", "note": "查岗时本人不在村"}
}

// The whole chain as the demo users: xiping-bureau records, the member
// explains, the unit head sends it back once and signs, the county bureau
// submits the month's report, the city reads it and downloads the xlsx.
func TestAbsenceExplainSignAndMonthlyReport(t *testing.T) {
	bureau := H.Login(t, "xiping-bureau")
	member := H.Login(t, "m08")
	unit := member.JSON(t, "GET", "/api/v1/me", nil, 200)["unit_id"].(string)
	head := H.Login(t, unit+"-head")
	otherHead := H.Login(t, "xiping-edu-head")
	if unit == "xiping-edu" {
		otherHead = H.Login(t, "city-agri-head")
	}
	found := time.Now().Add(-time.Hour)
	y, m := policy.CycleMonth(policy.Default().Absence, found)
	cycle := policy.CycleKey(y, m)
	due := policy.ExplanationDue(policy.Default().Absence, y, m)

	// Bad input and wrong recorders.
	bad := func(body map[string]any, field string) {
		t.Helper()
		e := bureau.JSON(t, "POST", "/api/v1/absences", body, 400)["error"].(map[string]any)
		if f, _ := e["fields"].(map[string]any); f[field] == nil {
			t.Errorf("400 %v names no field %q", e, field)
		}
	}
	bad(absenceBody("m99", found), "member_id")
	bad(absenceBody("m08", time.Now().Add(time.Hour)), "found_at")
	bad(map[string]any{"member_id": "m08", "found_at": "yesterday", "method": "onsite"}, "found_at")
	bad(map[string]any{"member_id": "m08", "found_at": found.Format(time.RFC3339), "method": "phone"}, "method")
	H.Login(t, "shangcai-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("m08", found), 403)
	member.JSON(t, "POST", "/api/v1/absences", absenceBody("m08", found), 403)
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/absences", absenceBody("m08", found), 403)

	ab := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("m08", found), 201)
	id := ab["id"].(string)
	if ab["status"] != workflows.AbsenceAwaitingExplanation || ab["cycle_month"] != cycle || ab["leave_conflict"] != nil {
		t.Fatalf("recorded absence: %v", ab)
	}
	if got, _ := time.Parse(time.RFC3339, ab["due_at"].(string)); !got.Equal(due) {
		t.Errorf("due_at %v, want %v (end of the 24th of %s)", ab["due_at"], due, cycle)
	}
	member.JSON(t, "GET", "/api/v1/absences/"+id, nil, 200)
	if !inboxHas(t, "m08", id, workflows.StepExplanation) {
		t.Errorf("the absence is not in the member's inbox")
	}

	path := "/api/v1/absences/" + id
	sign := map[string]any{"decision": "sign", "comment": "情况属实"}
	head.JSON(t, "POST", path+"/signature", sign, 409) // nothing to sign yet
	H.Login(t, "m12").JSON(t, "POST", path+"/explanation", map[string]any{"text": "代写"}, 403)
	member.JSON(t, "POST", path+"/explanation", map[string]any{"text": "  "}, 400)
	member.JSON(t, "POST", path+"/explanation", map[string]any{"text": "外出办事"}, 200)
	otherHead.JSON(t, "POST", path+"/signature", sign, 403)
	head.JSON(t, "POST", path+"/signature", map[string]any{"decision": "return"}, 400) // a send-back needs a comment
	back := head.JSON(t, "POST", path+"/signature", map[string]any{"decision": "return", "comment": "请写明去向和时间"}, 200)
	if back["status"] != workflows.AbsenceAwaitingExplanation {
		t.Errorf("after send-back: %v", back["status"])
	}
	text := "当日上午赴县人民医院陪护住院的父亲，未及时请假，今后严格遵守请销假制度。"
	member.JSON(t, "POST", path+"/explanation", map[string]any{"text": text}, 200)
	signed := head.JSON(t, "POST", path+"/signature", sign, 200)
	if signed["status"] != workflows.AbsenceSigned || signed["signed_by"] != head.User["display_name"] || signed["late"] != false {
		t.Fatalf("signed absence: %v", signed)
	}
	if ex := signed["explanations"].([]any); len(ex) != 2 || ex[0].(map[string]any)["returned_comment"] != "请写明去向和时间" {
		t.Errorf("explanations %v", ex)
	}
	head.JSON(t, "POST", path+"/signature", sign, 409) // twice

	// The report compiles itself; the county bureau submits it once.
	reportPath := "/api/v1/reports/absences?county=xiping&month=" + cycle
	absWait(t, "the signed absence in the report", func() bool {
		it := reportItem(t, bureau.JSON(t, "GET", reportPath, nil, 200), id)
		return it != nil && it["absence_status"] == workflows.AbsenceSigned
	})
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/reports/absences/xiping/"+cycle+"/submit", nil, 403)
	H.Login(t, "shangcai-bureau").JSON(t, "POST", "/api/v1/reports/absences/xiping/"+cycle+"/submit", nil, 403)
	// Submitted once its cycle has closed, not before (TestReportSubmittedAfterCycleCloses).
	early := bureau.JSON(t, "POST", "/api/v1/reports/absences/xiping/"+cycle+"/submit", map[string]any{"comment": "本月汇总"}, 409)
	opens := policy.FormatDate(policy.ReportOpens(policy.Default().Absence, y, m))
	if msg := early["error"].(map[string]any)["message"].(string); !strings.Contains(msg, opens) {
		t.Errorf("early submission: %q names no opening date %s", msg, opens)
	}

	// The city reads it as it stands, with the explanation, its signer and times.
	city := H.Login(t, "zhumadian-bureau")
	rep := city.JSON(t, "GET", reportPath, nil, 200)
	it := reportItem(t, rep, id)
	if rep["status"] != workflows.ReportOpen || rep["opens_at"] == nil || it == nil {
		t.Fatalf("report as the city reads it: %v", rep)
	}
	if it["status"] != workflows.ItemOnTime || it["explanation"] != text || it["signed_by"] != head.User["display_name"] || it["signed_at"] == nil {
		t.Errorf("report item: %v", it)
	}
	H.Login(t, "shangcai-bureau").JSON(t, "GET", reportPath, nil, 403)
	member.JSON(t, "GET", reportPath, nil, 403)

	checkReportXLSX(t, city, reportPath+"&format=xlsx", signed, text, head.User["display_name"].(string))
}

// checkReportXLSX downloads the report's spreadsheet and checks its header
// row and the absence's row.
func checkReportXLSX(t *testing.T, c *Client, path string, ab map[string]any, text, signer string) {
	t.Helper()
	status, body := c.Do(t, "GET", path, nil)
	if status != http.StatusOK {
		t.Fatalf("xlsx: status %d: %s", status, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) < 2 {
		t.Fatalf("xlsx rows %v: %v", rows, err)
	}
	want := []string{"队员", "工作队", "村", "乡镇", "派出单位", "发现时间", "情况说明", "签字人", "签字时间", "状态"}
	if fmt.Sprint(rows[0]) != fmt.Sprint(want) {
		t.Errorf("header row %v, want %v", rows[0], want)
	}
	found, _ := time.Parse(time.RFC3339, ab["found_at"].(string))
	signedAt, _ := time.Parse(time.RFC3339, ab["signed_at"].(string))
	row := []string{ab["member_name"].(string), ab["team_name"].(string), ab["village_name"].(string),
		ab["township_name"].(string), ab["unit_name"].(string), found.In(policy.China).Format("2006-01-02 15:04"),
		text, signer, signedAt.In(policy.China).Format("2006-01-02 15:04"), "按时签字"}
	for _, r := range rows[1:] {
		if fmt.Sprint(r) == fmt.Sprint(row) {
			t.Logf("xlsx %s holds %d rows; header %v; the absence: %v", f.GetSheetList()[0], len(rows)-1, rows[0], r)
			return
		}
	}
	t.Errorf("no row %v in %v", row, rows[1:])
}

// An approved leave covering the instant: 409 unless confirmed; a county
// office closes an absence with a reason.
func TestAbsenceLeaveConflictAndClose(t *testing.T) {
	bureau := H.Login(t, "xiping-bureau")
	m := H.Login(t, "m13")
	committee := m.User["township_id"].(string) + "-committee"
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": day(-1), "end_date": day(1), "reason": "发烧就医",
	}, 201)
	H.Login(t, committee).JSON(t, "POST", "/api/v1/leaves/"+leave["id"].(string)+"/decision",
		map[string]any{"decision": "approve", "comment": "同意"}, 200)

	body := absenceBody("m13", time.Now().Add(-time.Hour))
	bureau.JSON(t, "POST", "/api/v1/absences", body, 409)
	body["confirm"] = true
	ab := bureau.JSON(t, "POST", "/api/v1/absences", body, 201)
	if lc, _ := ab["leave_conflict"].(map[string]any); lc == nil || lc["leave_id"] != leave["id"] {
		t.Errorf("leave_conflict %v, want leave %v", ab["leave_conflict"], leave["id"])
	}

	H.Login(t, "zhumadian-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("m13", time.Now().Add(-2*time.Hour)), 409)
	delete(body, "confirm")
	body["found_at"] = time.Now().Add(-72 * time.Hour).Format(time.RFC3339) // before the leave
	other := doWithHeader(t, bureau, "POST", "/api/v1/absences", body, "Idempotency-Key", "abs-close-1")
	again := doWithHeader(t, bureau, "POST", "/api/v1/absences", body, "Idempotency-Key", "abs-close-1")
	if other["id"] == nil || other["id"] != again["id"] || other["leave_conflict"] != nil {
		t.Fatalf("the same Idempotency-Key gave %v then %v", other, again)
	}
	path := "/api/v1/absences/" + other["id"].(string) + "/close"
	org := H.Login(t, "xiping-org")
	org.JSON(t, "POST", path, map[string]any{"reason": ""}, 400)
	m.JSON(t, "POST", path, map[string]any{"reason": "不用写了"}, 403)
	H.Login(t, "shangcai-org").JSON(t, "POST", path, map[string]any{"reason": "x"}, 403)
	closed := org.JSON(t, "POST", path, map[string]any{"reason": "经核实为组织安排外出，不计缺岗"}, 200)
	if closed["status"] != workflows.AbsenceClosed || closed["closed_reason"] == "" {
		t.Errorf("closed absence: %v", closed)
	}
	org.JSON(t, "POST", path, map[string]any{"reason": "again"}, 409)
	var status string
	if err := H.Pool.QueryRow(context.Background(), `SELECT status FROM absences WHERE process_id = $1`, other["id"]).Scan(&status); err != nil || status != workflows.AbsenceClosed {
		t.Errorf("absences side table: status %q, %v", status, err)
	}
	list := items(t, m.JSON(t, "GET", "/api/v1/absences", nil, 200))
	if len(list) != 2 {
		t.Errorf("the member lists %d absences, want 2", len(list))
	}
}

// A report that has ended is never restarted: an absence that changes
// afterwards lands in the next month's report, marked as carried.
func TestAbsenceEndedReportCarriesOn(t *testing.T) {
	bureau := H.Login(t, "shangcai-bureau")
	found := time.Now().Add(-time.Hour)
	y, m := policy.CycleMonth(policy.Default().Absence, found)
	cycle := policy.CycleKey(y, m)
	next, _ := workflows.NextCycle(cycle)
	ab := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("m16", found), 201)
	id := ab["id"].(string)
	absWait(t, "the absence in its report", func() bool {
		return reportItem(t, bureau.JSON(t, "GET", "/api/v1/reports/absences?county=shangcai&month="+cycle, nil, 200), id) != nil
	})
	// Ended by hand here; in life it ends once submitted and settled.
	if err := H.Temporal.TerminateWorkflow(context.Background(), workflows.ReportWorkflowID("shangcai", cycle), "", "test: the report has ended"); err != nil {
		t.Fatal(err)
	}
	H.Login(t, "shangcai-org").JSON(t, "POST", "/api/v1/absences/"+id+"/close", map[string]any{"reason": "系统测试"}, 200)
	absWait(t, "the absence carried to "+next, func() bool {
		return bureau.JSON(t, "GET", "/api/v1/absences/"+id, nil, 200)["report_month"] == next
	})
	// The absence knows where it went as soon as the signal is sent; the
	// next report records it a moment later.
	var it map[string]any
	absWait(t, "the carried absence in "+next+"'s report", func() bool {
		it = reportItem(t, bureau.JSON(t, "GET", "/api/v1/reports/absences?county=shangcai&month="+next, nil, 200), id)
		return it != nil
	})
	if it["carried_from"] != cycle || it["absence_status"] != workflows.AbsenceClosed {
		t.Errorf("carried item %v", it)
	}
}
