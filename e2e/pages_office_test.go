package e2e

// The offices' pages in a real browser: the monthly report (download,
// submit once, the city sees it), the ledger (a team's roster, the
// spreadsheet, a change recorded from the form), a member's yearly
// record, and a county's rules edited in a form with a preview. They run
// on a county of their own (遂平县), so a rule changed here changes no
// other test's routes.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhucun/demo"
	"zhucun/policy"
	"zhucun/store"
)

func init() {
	pageAccess["GET /reports"] = "GET /reports/absences"
	pageAccess["GET /reports/{county}/{month}"] = "GET /reports/absences"
	pageAccess["GET /reports/{county}/{month}/xlsx"] = "GET /reports/absences"
	pageAccess["GET /reports/{county}/{month}/submit"] = "GET /reports/absences"
	pageAccess["POST /reports/{county}/{month}/submit"] = "POST /reports/absences/{county}/{month}/submit"
	pageAccess["GET /ledger"] = "GET /ledger"
	pageAccess["GET /ledger/xlsx"] = "GET /ledger"
	pageAccess["GET /ledger/changes/new"] = "GET /ledger"
	pageAccess["POST /ledger/changes"] = "POST /roster-changes"
	pageAccess["GET /members/{id}/record"] = "GET /members/{id}/record"
	pageAccess["GET /rules"] = "GET /policies/{county}"
	pageAccess["GET /rules/{county}"] = "GET /policies/{county}/versions"
	pageAccess["GET /rules/{county}/edit"] = "PUT /policies/{county}"
	pageAccess["POST /rules/{county}"] = "PUT /policies/{county}"
}

const (
	officeCounty = "suiping"
	officeTeam   = "suiping-team"
)

var officeOnce sync.Once

// officeOrg seeds 遂平县: its offices, a township and its committee, a
// county unit and its head, a team of five (o01 leads) and o06 on none.
func officeOrg(t *testing.T) {
	t.Helper()
	var err error
	officeOnce.Do(func() {
		ctx := context.Background()
		st := store.New(H.Pool)
		offices := []store.SeedOffice{
			{ID: "suiping-org", Role: "county_org_dept", Name: "遂平县委组织部", CountyID: officeCounty},
			{ID: "suiping-bureau", Role: "county_bureau", Name: "遂平县乡村振兴局", CountyID: officeCounty},
			{ID: "chayashan-committee", Role: "township_committee", Name: "嵖岈山镇党委", CountyID: officeCounty, TownshipID: "chayashan"},
		}
		members := []store.SeedMember{{ID: "o01", Name: "遂一", UnitID: "suiping-agri", FirstSecretary: true},
			{ID: "o02", Name: "遂二", UnitID: "suiping-agri"}, {ID: "o03", Name: "遂三", UnitID: "suiping-agri"},
			{ID: "o04", Name: "遂四", UnitID: "suiping-agri"}, {ID: "o05", Name: "遂五", UnitID: "suiping-agri"},
			{ID: "o06", Name: "遂六", UnitID: "suiping-agri"}}
		err = st.SeedOrg(ctx, store.OrgSeed{
			City:      store.SeedPlace{ID: demo.Org.City.ID, Name: demo.Org.City.Name},
			Counties:  []store.SeedPlace{{ID: officeCounty, Name: "遂平县"}},
			Townships: []store.SeedTownship{{ID: "chayashan", CountyID: officeCounty, Name: "嵖岈山镇"}},
			Villages:  []store.SeedVillage{{ID: "chayashan-village", TownshipID: "chayashan", Name: "嵖岈山村"}},
			Offices:   offices,
			Units:     []store.SeedUnit{{ID: "suiping-agri", Name: "遂平县农业农村局", Level: "county", CountyID: officeCounty, HeadName: "周局长"}},
			Members:   members,
			Teams: []store.SeedTeam{{ID: officeTeam, VillageID: "chayashan-village", Name: "嵖岈山村驻村工作队",
				Leader: "o01", Others: []string{"o02", "o03", "o04", "o05"}}},
			MembershipsFrom: demo.MembershipsFrom,
		})
		for _, o := range offices {
			if err == nil {
				err = st.UpsertUser(ctx, store.User{Username: o.ID, DisplayName: o.Name, Role: o.Role, OfficeID: o.ID,
					CountyID: o.CountyID, TownshipID: o.TownshipID}, demo.Password)
			}
		}
		if err == nil {
			err = st.UpsertUser(ctx, store.User{Username: "suiping-agri-head", DisplayName: "周局长（遂平县农业农村局）",
				Role: "unit_head", UnitID: "suiping-agri", CountyID: officeCounty, Principal: true}, demo.Password)
		}
		for i, m := range members {
			if err == nil {
				u := store.User{Username: m.ID, DisplayName: m.Name, Role: "member", MemberID: m.ID, UnitID: m.UnitID}
				if i < 5 {
					u.TeamID, u.TownshipID, u.CountyID = officeTeam, "chayashan", officeCounty
				}
				err = st.UpsertUser(ctx, u, demo.Password)
			}
		}
	})
	if err != nil {
		t.Fatalf("office fixture: %v", err)
	}
}

// download fetches a link with the window's session, as the browser's
// download would.
func (b *browser) download(path string) []byte {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.t.Fatal(err)
	}
	cookies := res.Cookies
	req, _ := http.NewRequest(http.MethodGet, H.URL+path, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		b.t.Fatalf("download %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return body
}

// sheetRows opens a workbook and answers its first sheet's rows.
func sheetRows(t *testing.T, body []byte) (string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	name := f.GetSheetName(0)
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return name, rows
}

func has(rows [][]string, col int, v string) bool {
	for _, r := range rows {
		if len(r) > col && r[col] == v {
			return true
		}
	}
	return false
}

// TestPagesOfficeReport: an absence explained and signed shows in the
// county's report with its text and signer; the xlsx holds it; an old
// month is submitted once after a confirmation; the city sees it sent.
func TestPagesOfficeReport(t *testing.T) {
	officeOrg(t)
	bureauAPI := H.Login(t, "suiping-bureau")
	ab := bureauAPI.JSON(t, "POST", "/api/v1/absences", absenceBody("o02", time.Now().Add(-time.Hour)), 201)
	id, cycle := ab["id"].(string), ab["cycle_month"].(string)
	text := "赴镇卫生院陪护老人，未及时报告"
	H.Login(t, "o02").JSON(t, "POST", "/api/v1/absences/"+id+"/explanation", map[string]any{"text": text}, 200)
	H.Login(t, "suiping-agri-head").JSON(t, "POST", "/api/v1/absences/"+id+"/signature", map[string]any{"decision": "sign"}, 200)
	absWait(t, "the signed absence in the report", func() bool {
		it := reportItem(t, bureauAPI.JSON(t, "GET", "/api/v1/reports/absences?county=suiping&month="+cycle, nil, 200), id)
		return it != nil && it["status"] == "on_time"
	})

	b := newBrowser(t)
	b.login("suiping-bureau")
	b.open("/reports")
	if want := "/reports/suiping/" + cycle; b.path() != want {
		t.Fatalf("a county bureau's 月报 opens %s, want %s", b.path(), want)
	}
	row := b.text("tr.item-on_time")
	for _, want := range []string{"遂二", "按时签字", text, "周局长"} {
		if !strings.Contains(row, want) {
			t.Errorf("report row %q lacks %q", row, want)
		}
	}
	if b.text("#report-submit") != "" {
		t.Errorf("the open cycle %s offers to submit", cycle)
	}
	b.shot("report")
	sheet, rows := sheetRows(t, b.download(hrefs(b, "#report-xlsx")[0]))
	if sheet != "缺岗情况说明" || len(rows) < 2 || rows[0][0] != "队员" || !has(rows, 0, "遂二") || !has(rows, 6, text) || !has(rows, 9, "按时签字") {
		t.Errorf("report xlsx %s: %v", sheet, rows)
	}

	// Two months back has closed: submitted once, after ticking the box.
	y, m, _ := policy.ParseCycle(cycle)
	old := time.Date(y, m-2, 1, 0, 0, 0, 0, policy.China)
	month := policy.CycleKey(old.Year(), old.Month())
	b.open("/reports/suiping/" + month)
	b.submit("#report-submit")
	if !strings.HasSuffix(b.path(), "/submit") {
		t.Fatalf("no confirmation step: %s", b.path())
	}
	b.submit("#report-send")
	if msg := b.text("#confirm-error"); !strings.Contains(msg, "已核对无误") {
		t.Errorf("submitted without the box ticked: %q", msg)
	}
	b.do(chromedp.Click(chromedp.CSS("#confirm")))
	b.do(chromedp.SetValue(chromedp.CSS("#comment"), "本月无离岗"))
	b.submit("#report-send")
	if flash := b.text(".flash"); !strings.Contains(flash, "已将遂平县"+month) {
		t.Errorf("flash after submitting: %q", flash)
	}
	if st := b.text("#report-status"); !strings.Contains(st, "已上报") {
		t.Errorf("status after submitting: %q", st)
	}
	if b.text("#report-submit") != "" {
		t.Error("a submitted report offers to submit again")
	}
	// A second post (an old tab) is refused.
	bureauAPI.JSON(t, "POST", "/api/v1/reports/absences/suiping/"+month+"/submit", nil, 409)

	city := newBrowser(t)
	city.login("zhumadian-bureau")
	city.open("/reports?month=" + month)
	if sent := city.text(`tr[data-county="suiping"] .sent`); !strings.Contains(sent, "已上报") || !strings.Contains(sent, "逾期上报") {
		t.Errorf("the city's line for 遂平县 %s: %q", month, sent)
	}
	city.open("/reports?month=" + cycle)
	if sent := city.text(`tr[data-county="suiping"] .sent`); !strings.Contains(sent, "未上报") {
		t.Errorf("the open month's line: %q", sent)
	}
	city.open("/reports/suiping/" + cycle)
	if row := city.text("tr.item-on_time"); !strings.Contains(row, text) {
		t.Errorf("the city reads the county's report: %q", row)
	}
}

// TestPagesOfficeLedger: the roster of a team on a day, its xlsx, a
// change recorded from the form and listed with its filing state, a
// member's history.
func TestPagesOfficeLedger(t *testing.T) {
	officeOrg(t)
	b := newBrowser(t)
	b.login("suiping-bureau")
	b.open("/ledger?team=" + officeTeam)
	roster := rowTexts(b, "table.roster tbody tr")
	if len(roster) != 5 || !strings.Contains(roster[0], "遂一") || !strings.Contains(roster[0], "队长") {
		t.Fatalf("roster of %s: %q", officeTeam, roster)
	}
	b.open("/ledger?team=" + officeTeam + "&on=2000-01-01")
	if got := rowTexts(b, "table.roster tbody tr"); len(got) != 0 {
		t.Errorf("roster before the team existed: %q", got)
	}
	b.open("/ledger?team=" + officeTeam)
	sheet, rows := sheetRows(t, b.download(hrefs(b, "#ledger-xlsx")[0]))
	if sheet != "台账" || rows[0][4] != "队员" || len(rows) != 6 || !has(rows, 4, "遂五") || !has(rows, 0, "遂平县") {
		t.Errorf("ledger xlsx %s: %v", sheet, rows)
	}

	b.submit("#roster-new")
	b.do(chromedp.Click(chromedp.CSS(`input[name=change][value=join]`)))
	b.fill("#member_id", "o06")
	b.do(chromedp.RemoveAttribute(chromedp.CSS("#reason"), "required")) // the server checks it too
	b.submit("#roster-save")
	if e := b.text("#reason-error"); e == "" {
		t.Errorf("no reason: no message beside the field")
	}
	if v := evalStrings(b, `[document.querySelector("#member_id").value]`); v[0] != "o06" {
		t.Errorf("what was typed is lost: %v", v)
	}
	b.do(chromedp.SetValue(chromedp.CSS("#reason"), "新增派驻"))
	b.submit("#roster-save")
	if flash := b.text(".flash"); !strings.Contains(flash, "已登记人员变动") {
		t.Fatalf("after recording: %q %s", flash, b.text("main"))
	}
	if changes := b.text("table.changes"); !strings.Contains(changes, "遂六 加入") || !strings.Contains(changes, "待备案") && !strings.Contains(changes, "备案") {
		t.Errorf("changes list: %q", changes)
	}
	b.shot("ledger")

	b.open("/ledger?team=" + officeTeam + "&member=o01")
	if h := b.text("table.member-history"); !strings.Contains(h, "嵖岈山村驻村工作队") {
		t.Errorf("member history: %q", h)
	}
	// Another county's office may not read it.
	other := newBrowser(t)
	other.login("xiping-bureau")
	if st := other.open("/ledger?county=suiping"); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("xiping-bureau on 遂平县's ledger: %d", st)
	}
}

// TestPagesOfficeRecord: the member's tally counts their absence signed
// in time; the unit head reads the same; another member may not.
func TestPagesOfficeRecord(t *testing.T) {
	officeOrg(t)
	bureauAPI := H.Login(t, "suiping-bureau")
	ab := bureauAPI.JSON(t, "POST", "/api/v1/absences", absenceBody("o05", time.Now().Add(-2*time.Hour)), 201)
	id := ab["id"].(string)
	H.Login(t, "o05").JSON(t, "POST", "/api/v1/absences/"+id+"/explanation", map[string]any{"text": "去县里开会"}, 200)
	H.Login(t, "suiping-agri-head").JSON(t, "POST", "/api/v1/absences/"+id+"/signature", map[string]any{"decision": "sign"}, 200)
	rec := H.Login(t, "o05")
	absWait(t, "the tally", func() bool {
		r := rec.JSON(t, "GET", "/api/v1/members/o05/record", nil, 200)
		return r["tally"].(map[string]any)["explanations_on_time"] == 1.0
	})
	b := newBrowser(t)
	b.login("o05")
	b.open("/")
	b.submit(`a[href="/members/o05/record"]`)
	if a, on := b.text("#tally-absences strong"), b.text("#tally-on-time strong"); a != "1" || on != "1" {
		t.Errorf("tally: absences %q on time %q", a, on)
	}
	b.shot("record")
	head := newBrowser(t)
	head.login("suiping-agri-head")
	head.open("/members/o05/record")
	if a := head.text("#tally-absences strong"); a != "1" {
		t.Errorf("the head's tally: %q", a)
	}
	if st := newOfficeBrowser(t, "o04").open("/members/o05/record"); st != http.StatusNotFound {
		t.Errorf("another member's record: %d", st)
	}
}

func newOfficeBrowser(t *testing.T, user string) *browser {
	b := newBrowser(t)
	b.login(user)
	return b
}

// TestPagesOfficeRules: the city offices lower 遂平县's threshold in the
// form: a typo is said beside its field with the rest kept, the preview
// compares the sample leave's route, the save is a new version; a new
// leave routes by it while one submitted before keeps its version.
func TestPagesOfficeRules(t *testing.T) {
	officeOrg(t)
	before := H.Login(t, "o03").JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 30, 34, "家中有事"), 201)
	if before["route"] != "township" {
		t.Fatalf("5 days under the city's rules: %v", before["route"])
	}
	b := newBrowser(t)
	b.login("zhumadian-org")
	b.open("/rules")
	if s := b.text(`section[data-county="suiping"]`); !strings.Contains(s, "请假超过7天需") || !strings.Contains(s, "共同批准") {
		t.Errorf("rules in words: %q", s)
	}
	b.open("/rules/suiping")
	b.submit("#rules-edit")
	b.fill(`input[name="leave.threshold_days"]`, "三")
	b.fill(`input[name="leave.max_days"]`, "200")
	b.do(chromedp.SetValue(chromedp.CSS("#sample_start"), day(30)), chromedp.SetValue(chromedp.CSS("#sample_end"), day(34)))
	b.submit("#rules-preview")
	if e := b.text(`[id="leave.threshold_days-error"]`); !strings.Contains(e, "乡镇审批的最长天数") || !strings.Contains(e, "整数") {
		t.Errorf("a word for a number: %q", e)
	}
	if v := evalStrings(b, `[document.querySelector('input[name="leave.max_days"]').value]`); v[0] != "200" {
		t.Errorf("the rest typed is lost: %v", v)
	}
	b.fill(`input[name="leave.threshold_days"]`, "3")
	b.submit("#rules-preview")
	cur, draft := b.text("#preview-current"), b.text("#preview-draft")
	if !strings.Contains(cur, "乡镇党委") || !strings.Contains(draft, "共同批准") || !strings.Contains(b.text("#preview"), "审批路径有变化") {
		t.Errorf("preview: current %q draft %q", cur, draft)
	}
	b.shot("rules")
	b.submit("#rules-save")
	if flash := b.text(".flash"); !strings.Contains(flash, "第 1 版") {
		t.Fatalf("after saving: %q %s", flash, b.text("main"))
	}
	if d := b.text(".diff"); d != "" && !strings.Contains(d, "请假超过3天") {
		t.Errorf("diff: %q", d)
	}
	if s := b.text(".card"); !strings.Contains(s, "请假超过3天需") {
		t.Errorf("the rules in force: %q", s)
	}
	after := H.Login(t, "o04").JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 30, 34, "家中有事"), 201)
	if after["route"] != "joint" || after["policy_version"] != "suiping@1" {
		t.Errorf("a new leave: %v under %v", after["route"], after["policy_version"])
	}
	old := H.Login(t, "o03").JSON(t, "GET", "/api/v1/leaves/"+before["id"].(string), nil, 200)
	if old["route"] != "township" || old["policy_version"] != before["policy_version"] {
		t.Errorf("the leave before: %v under %v", old["route"], old["policy_version"])
	}
	// A county office reads the rules but has no form.
	county := newOfficeBrowser(t, "suiping-bureau")
	county.open("/rules/suiping")
	if county.text("#rules-edit") != "" {
		t.Error("a county office is offered the form")
	}
	if st := county.open("/rules/suiping/edit"); st != http.StatusNotFound {
		t.Errorf("a county office opens the form: %d", st)
	}
}
