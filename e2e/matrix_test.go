package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/demo"
	"zhucun/server"
	"zhucun/workflows"
)

// The authorisation matrix: every /api/v1 route but login, called by every
// kind of caller, each cell's expected status written in one table. Denied
// unless allowed: a cell not listed as allowed must answer 401 (anonymous)
// or 403. The targets are processes of m23 (谢婷, 上蔡县卫生健康委员会, on
// 黄埠镇张庄村's team), made for this test: m23..m28 are used by no other
// test.

// matrixCaller is one kind of caller and the demo account that plays it.
type matrixCaller struct{ key, username, what string }

var matrixCallers = []matrixCaller{
	{"anon", "", "anonymous"},
	{"own", "m23", "the member, on their own process"},
	{"peer", "m24", "another member (same team, same unit)"},
	{"head", "shangcai-health-head", "head of the member's unit"},
	{"head2", "xiping-edu-head", "head of another unit"},
	{"twp", "huangbu-committee", "committee of the member's township"},
	{"twp2", "shaodian-committee", "committee of another township"},
	{"org", "shangcai-org", "org dept of the member's county"},
	{"org2", "xiping-org", "org dept of the other county"},
	{"bur", "shangcai-bureau", "bureau of the member's county"},
	{"bur2", "xiping-bureau", "bureau of the other county"},
	{"corg", "zhumadian-org", "city org dept"},
	{"cbur", "zhumadian-bureau", "city bureau"},
	{"admin", "admin", "administrator"},
}

// Caller groups the table names.
var matrixGroups = map[string]string{
	"ALL":     "own peer head head2 twp twp2 org org2 bur bur2 corg cbur admin",
	"SCOPE":   "own head twp org bur corg cbur admin", // canSee: the member's process
	"COUNTY":  "org bur corg cbur admin",              // county-wide: its county and the city
	"OFFICES": "head head2 twp twp2 org org2 bur bur2 corg cbur admin",
	"CITY":    "corg cbur admin",
}

// matrixRow is one route called with one request. allow names the callers
// (keys or groups) that may; they answer one of ok. listed names targets a
// list answer must hold exactly when the caller may see them.
type matrixRow struct {
	method, path string
	body         any
	allow        string
	ok           []int
	listed       []string
	last         bool // run after every other row (logout revokes the token)
	// hidden: a denied cell may answer 404 as well as 403, where the route
	// does not tell a caller who may not see the object that it exists.
	hidden bool
}

// matrixTargets are the processes and names the table's paths use.
type matrixTargets struct {
	leave, absence, roster, report string
	leaveStart, leaveEnd, cycle    string
	team                           string
	assessment                     string
}

// The one table. Bodies that would change state are valid only where the
// workflow itself decides who may (a decision, a filing, a signature...):
// those rows run their denied cells first, so every 403 is checked while
// the process still waits; elsewhere bodies are refused after the
// authorisation check (400 or 409), so the cell shows it passed.
func matrixTable(tg matrixTargets) []matrixRow {
	id := func(format string) string {
		return strings.NewReplacer("{L}", tg.leave, "{A}", tg.absence, "{R}", tg.roster, "{P}", tg.report, "{S}", tg.assessment).Replace(format)
	}
	return []matrixRow{
		{method: "GET", path: "/me", allow: "ALL", ok: []int{200}},
		{method: "GET", path: "/inbox", allow: "ALL", ok: []int{200}},
		{method: "GET", path: "/processes?member_id=m23&limit=200", allow: "ALL", ok: []int{200}, listed: []string{"leave", "absence", "roster"}},
		{method: "GET", path: "/processes?kind=absence_report&county=shangcai&limit=200", allow: "ALL", ok: []int{200}, listed: []string{"report"}},
		{method: "GET", path: id("/processes/{L}/timeline"), allow: "SCOPE", ok: []int{200}},
		{method: "GET", path: id("/processes/{A}/timeline"), allow: "SCOPE", ok: []int{200}},
		{method: "GET", path: id("/processes/{R}/timeline"), allow: "SCOPE", ok: []int{200}},
		{method: "GET", path: id("/processes/{P}/timeline"), allow: "COUNTY", ok: []int{200}},

		// Leave (请销假): m23's, 3 days, township route, starting in 60 days.
		{method: "POST", path: "/leaves", body: map[string]any{"kind": "matrix", "start_date": tg.leaveStart, "end_date": tg.leaveEnd, "reason": "矩阵"}, allow: "own peer", ok: []int{400}},
		{method: "GET", path: "/leaves?member_id=m23&limit=200", allow: "ALL", ok: []int{200}, listed: []string{"leave"}},
		{method: "GET", path: id("/leaves/{L}"), allow: "SCOPE", ok: []int{200}},
		{method: "POST", path: id("/leaves/{L}/decision"), body: map[string]any{"decision": "approve", "comment": "矩阵测试同意"}, allow: "twp", ok: []int{200}},
		{method: "POST", path: id("/leaves/{L}/filing"), allow: "org bur", ok: []int{200}},
		{method: "POST", path: id("/leaves/{L}/withdraw"), allow: "own", ok: []int{409}}, // approved by now
		{method: "POST", path: id("/leaves/{L}/extension"), body: map[string]any{"end_date": tg.leaveEnd, "reason": "矩阵"}, allow: "own", ok: []int{400}},
		{method: "POST", path: id("/leaves/{L}/return"), body: map[string]any{"returned_on": day(0)}, allow: "own", ok: []int{409}}, // not started
		{method: "POST", path: id("/leaves/{L}/cancel"), body: map[string]any{"reason": ""}, allow: "own", ok: []int{400}},
		// Only an office a silent step was escalated to may remind (催办); none was.
		{method: "POST", path: id("/leaves/{L}/remind"), allow: "", ok: nil},

		// Absence (情况说明): m23's, recorded by shangcai-bureau.
		{method: "POST", path: "/absences", body: absenceBody("m23", time.Now().Add(-30*time.Minute)), allow: "bur cbur", ok: []int{201}},
		{method: "GET", path: "/absences?member_id=m23&limit=200", allow: "ALL", ok: []int{200}, listed: []string{"absence"}},
		{method: "GET", path: id("/absences/{A}"), allow: "SCOPE", ok: []int{200}},
		{method: "POST", path: id("/absences/{A}/explanation"), body: map[string]any{"text": "矩阵测试：当天在乡里开会"}, allow: "own", ok: []int{200}},
		{method: "POST", path: id("/absences/{A}/signature"), body: map[string]any{"decision": "return", "comment": "请写明会议名称"}, allow: "head", ok: []int{200}},
		{method: "POST", path: id("/absences/{A}/close"), body: map[string]any{"reason": "矩阵测试"}, allow: "org bur", ok: []int{200, 409}},
		{method: "POST", path: id("/absences/{A}/void"), body: map[string]any{"reason": "矩阵测试"}, allow: "org bur", ok: []int{409}}, // closed by now
		{method: "GET", path: "/reports/absences?county=shangcai&month=" + tg.cycle, allow: "COUNTY", ok: []int{200}},
		{method: "GET", path: "/reports/absences?county=shangcai&month=" + tg.cycle + "&format=xlsx", allow: "COUNTY", ok: []int{200}},
		{method: "POST", path: "/reports/absences/shangcai/2099-01/submit", allow: "bur", ok: []int{409}}, // that cycle has not closed

		// Roster change (动态备案): m23 to lead the team in 200 days.
		{method: "POST", path: "/roster-changes", body: map[string]any{"team_id": tg.team, "change": "join", "member_id": "m23", "effective_on": day(1), "reason": "矩阵"}, allow: "head bur", ok: []int{409}}, // on the team already
		{method: "GET", path: "/roster-changes?member_id=m23&limit=200", allow: "ALL", ok: []int{200}, listed: []string{"roster"}},
		{method: "GET", path: id("/roster-changes/{R}"), allow: "SCOPE", ok: []int{200}},
		{method: "POST", path: id("/roster-changes/{R}/filing"), allow: "org bur", ok: []int{200}},
		{method: "POST", path: id("/roster-changes/{R}/report"), allow: "bur", ok: []int{200}},
		{method: "GET", path: "/teams/" + tg.team + "/roster", allow: "own peer head twp COUNTY", ok: []int{200}},
		{method: "GET", path: "/ledger?county=shangcai", allow: "COUNTY", ok: []int{200}},
		{method: "GET", path: "/ledger?county=shangcai&format=xlsx", allow: "COUNTY", ok: []int{200}},

		{method: "GET", path: "/members/m23/record", allow: "own head COUNTY", ok: []int{200}},
		{method: "GET", path: "/board?county=shangcai", allow: "COUNTY", ok: []int{200}},
		// Attachments and the printable form: the member's process, for
		// those who may see it (out of sight is 404); only the member adds
		// files to a leave. The bodies are not multipart: refused after
		// the check.
		{method: "GET", path: "/attachments/00000000-0000-4000-8000-000000000000", allow: "ALL", ok: []int{404}},
		{method: "GET", path: id("/processes/{L}/attachments"), allow: "SCOPE", ok: []int{200}, hidden: true},
		{method: "POST", path: id("/processes/{L}/attachments"), body: map[string]any{}, allow: "own", ok: []int{415}, hidden: true},
		{method: "GET", path: id("/leaves/{L}/form.pdf"), allow: "SCOPE", ok: []int{200}},
		// Accountability (articles 18, 20): the city-wide circulation is
		// every county's and the city's to read, the city bureau's to
		// issue; interviews are opened by county and city offices; a
		// unit head or a county bureau recalls. Unknown ids: 404 to all.
		{method: "GET", path: "/circulations/" + tg.cycle, allow: "org org2 bur bur2 corg cbur admin", ok: []int{404}},
		{method: "POST", path: "/circulations/2099-01/issue", body: map[string]any{}, allow: "cbur", ok: []int{404}},
		{method: "POST", path: "/interviews", body: map[string]any{}, allow: "org org2 bur bur2 corg cbur", ok: []int{400}},
		{method: "GET", path: "/interviews?county=shangcai", allow: "ALL", ok: []int{200}},
		{method: "GET", path: "/interviews/00000000-0000-4000-8000-000000000000", allow: "ALL", ok: []int{404}},
		{method: "POST", path: "/interviews/00000000-0000-4000-8000-000000000000/schedule", body: map[string]any{}, allow: "ALL", ok: []int{404}},
		{method: "POST", path: "/interviews/00000000-0000-4000-8000-000000000000/held", body: map[string]any{}, allow: "ALL", ok: []int{404}},
		{method: "GET", path: "/units/shangcai-health/interviews", allow: "head twp twp2 org org2 bur bur2 corg cbur admin", ok: []int{200}},
		{method: "POST", path: "/recalls", body: map[string]any{}, allow: "head head2 bur bur2", ok: []int{400}},
		{method: "GET", path: "/recalls?county=shangcai", allow: "ALL", ok: []int{200}},
		{method: "GET", path: "/recalls/00000000-0000-4000-8000-000000000000", allow: "ALL", ok: []int{404}},
		// Group robots: the county bureau, for its own county's groups.
		{method: "GET", path: "/robots", allow: "bur bur2", ok: []int{200}},
		{method: "PUT", path: "/robots/team/" + tg.team, body: map[string]any{"kind": "slack", "url": "x"}, allow: "bur", ok: []int{400}},
		{method: "DELETE", path: "/robots/team/" + tg.team, allow: "bur", ok: []int{200}},
		// Presence (article 13): refused bodies after the authorisation
		// check; the absence's id names no trip and no statement (404 to
		// all). e2e/presence_test.go runs the real month.
		{method: "POST", path: "/trips", body: map[string]any{"start_date": "x", "end_date": "x", "destination": "县城", "purpose": "矩阵"}, allow: "own peer", ok: []int{400}},
		{method: "GET", path: "/trips?from=" + day(0), allow: "ALL", ok: []int{200}},
		{method: "GET", path: id("/trips/{A}"), allow: "ALL", ok: []int{404}},
		{method: "POST", path: id("/trips/{A}/decision"), body: map[string]any{"decision": "approve"}, allow: "ALL", ok: []int{404}},
		{method: "POST", path: "/spot-checks", body: map[string]any{"member_id": "m23", "checked_at": "x", "channel": "video", "result": "present"}, allow: "bur bur2 cbur", ok: []int{400}},
		{method: "GET", path: "/spot-checks?county=shangcai", allow: "COUNTY", ok: []int{200}},
		{method: "GET", path: "/spot-checks/summary?county=shangcai", allow: "COUNTY", ok: []int{200}},
		{method: "POST", path: "/presence-statements", body: map[string]any{"county_id": "shangcai", "month": "2099-01"}, allow: "org bur corg cbur", ok: []int{400}},
		{method: "GET", path: "/presence-statements?county=shangcai", allow: "COUNTY", ok: []int{200}},
		{method: "GET", path: id("/presence-statements/{A}"), allow: "ALL", ok: []int{404}},
		{method: "GET", path: id("/presence-statements/{A}/members"), allow: "ALL", ok: []int{404}},
		{method: "POST", path: id("/presence-statements/{A}/decision"), body: map[string]any{"member_id": "m23", "decision": "excuse", "reason": "矩阵"}, allow: "ALL", ok: []int{404}},
		{method: "POST", path: "/check-ins", allow: "own peer", ok: []int{409}}, // off unless the county turns it on
		// 催办 of any kind: a county office in scope or a city office; nothing is overdue here.
		// The member may urge their own process too since issue 20; nothing waits on anyone else.
		{method: "POST", path: id("/processes/{A}/remind"), allow: "own org bur corg cbur", ok: []int{409}},
		// Issue 20: 转交, 委托 and 抄送我的 (an unknown account: 400 for those who may).
		{method: "POST", path: id("/processes/{L}/handover"), body: map[string]any{"to": "matrix-nobody", "comment": "矩阵"}, allow: "head twp org bur corg cbur", ok: []int{400, 409}},
		{method: "GET", path: "/delegations", allow: "ALL", ok: []int{200}},
		{method: "POST", path: "/delegations", body: map[string]any{"deputy": "matrix-nobody", "start_date": day(0), "end_date": day(0)}, allow: "head head2 twp twp2 org org2 bur bur2 corg cbur", ok: []int{400}},
		{method: "POST", path: "/delegations/00000000-0000-4000-8000-000000000000/end", allow: "ALL", ok: []int{404}},
		{method: "GET", path: "/copies", allow: "ALL", ok: []int{200}},
		{method: "GET", path: "/policies/shangcai", allow: "OFFICES", ok: []int{200}},
		{method: "GET", path: "/policies/shangcai/versions", allow: "OFFICES", ok: []int{200}},
		{method: "PUT", path: "/policies/shangcai", body: map[string]any{"rules": map[string]any{}}, allow: "CITY", ok: []int{400}},
		{method: "GET", path: "/holidays/2027", allow: "OFFICES", ok: []int{200}},
		{method: "PUT", path: "/holidays/2099", body: map[string]any{"holidays": []string{}}, allow: "CITY", ok: []int{400}},

		// Accounts: a password change that its own checks refuse (so no demo
		// password changes); a reset and a disable of an account that does
		// not exist, which only the account managers get as far as finding.
		{method: "POST", path: "/password", body: map[string]any{"current_password": "", "new_password": "x", "repeat_password": "y"}, allow: "ALL", ok: []int{400}},
		{method: "POST", path: "/accounts/matrix-nobody/password-reset", allow: "cbur admin", ok: []int{404}},
		{method: "POST", path: "/accounts/matrix-nobody/disable", allow: "cbur admin", ok: []int{404}},

		// The yearly duties (articles 11, 19, 23) and team make-up (article 8).
		{method: "POST", path: "/trainings", body: map[string]any{}, allow: "bur bur2", ok: []int{400}},
		{method: "POST", path: "/unit-support/hearings", body: map[string]any{}, allow: "head head2", ok: []int{400}},
		{method: "POST", path: "/unit-support/visits", body: map[string]any{}, allow: "head head2", ok: []int{400}},
		{method: "GET", path: "/unit-support", allow: "head head2", ok: []int{200}},
		{method: "GET", path: id("/assessments/{S}"), allow: "SCOPE", ok: []int{200}},
		{method: "POST", path: id("/assessments/{S}/result"), body: map[string]any{"result": "matrix"}, allow: "head", ok: []int{400}},
		{method: "POST", path: id("/assessments/{S}/acknowledge"), allow: "bur", ok: []int{409}}, // no result yet
		{method: "GET", path: "/team-flags?county=shangcai", allow: "COUNTY", ok: []int{200}},
		{method: "POST", path: "/team-flags/check", allow: "bur bur2", ok: []int{200}},

		{method: "POST", path: "/logout", allow: "ALL", ok: []int{204}, last: true},
	}
}

// expand turns an allow string into caller keys.
func expand(allow string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(allow) {
		if g, ok := matrixGroups[w]; ok {
			for k := range expand(g) {
				out[k] = true
			}
			continue
		}
		out[w] = true
	}
	return out
}

// freshLogin logs in with a token of its own (the matrix logs out at the
// end, so it must not use the harness's shared logins).
func freshLogin(t *testing.T, username string) *Client {
	t.Helper()
	if username == "" {
		return H.Anonymous()
	}
	body := H.Anonymous().JSON(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": demo.Password}, 200)
	return &Client{Username: username, Token: body["token"].(string), User: body["user"].(map[string]any)}
}

// listIDs reads the ids of a list answer's items.
func listIDs(out []byte) (map[string]bool, error) {
	var body struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &body); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, it := range body.Items {
		ids[it.ID] = true
	}
	return ids, nil
}

// matrixSetup makes the target processes, as their users would.
func matrixSetup(t *testing.T, as map[string]*Client) matrixTargets {
	t.Helper()
	tg := matrixTargets{leaveStart: day(60), leaveEnd: day(62), team: "huangbu-zhangzhuang-team"}
	leave := as["own"].JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": tg.leaveStart, "end_date": tg.leaveEnd, "reason": "矩阵测试：家中有事"}, 201)
	if leave["route"] != "township" {
		t.Fatalf("matrix leave: %v", leave)
	}
	tg.leave = leave["id"].(string)
	ab := as["bur"].JSON(t, "POST", "/api/v1/absences", absenceBody("m23", time.Now().Add(-2*time.Hour)), 201)
	tg.absence = ab["id"].(string)
	rc := as["bur"].JSON(t, "POST", "/api/v1/roster-changes", map[string]any{"team_id": tg.team, "change": "leader",
		"member_id": "m23", "effective_on": day(200), "reason": "矩阵测试：队长变更"}, 201)
	tg.roster = rc["id"].(string)
	tg.assessment = startAssessment(t, "m23", 2026)
	// The absence lands in its county's monthly report (that month's or,
	// if it has ended, a later one's): a process of its own.
	absWait(t, "the absence's monthly report in the read model", func() bool {
		a := as["corg"].JSON(t, "GET", "/api/v1/absences/"+tg.absence, nil, 200)
		tg.cycle, _ = a["report_month"].(string)
		tg.report = workflows.ReportProcessID("shangcai", tg.cycle)
		code, _ := as["corg"].Do(t, "GET", "/api/v1/processes/"+tg.report+"/timeline", nil)
		return code == 200
	})
	return tg
}

func TestAccessMatrix(t *testing.T) {
	as := map[string]*Client{}
	for _, c := range matrixCallers {
		as[c.key] = freshLogin(t, c.username)
	}
	tg := matrixSetup(t, as)
	targets := map[string]string{"leave": tg.leave, "absence": tg.absence, "roster": tg.roster, "report": tg.report}
	// Who may see each target: canSee for the member's processes, the
	// county and city offices for the county's report.
	seers := map[string]map[string]bool{"leave": expand("SCOPE"), "absence": expand("SCOPE"), "roster": expand("SCOPE"), "report": expand("COUNTY")}

	rows := matrixTable(tg)
	slices.SortStableFunc(rows, func(a, b matrixRow) int {
		switch {
		case a.last == b.last:
			return 0
		case a.last:
			return 1
		}
		return -1
	})
	cells, listings := 0, 0
	routes := map[string]bool{}
	for _, row := range rows {
		allowed := expand(row.allow)
		for k := range allowed {
			if !slices.ContainsFunc(matrixCallers, func(c matrixCaller) bool { return c.key == k }) {
				t.Fatalf("%s %s: unknown caller %q", row.method, row.path, k)
			}
		}
		u, _ := url.Parse(row.path)
		routes[row.method+" "+routePattern(u.Path, tg)] = true
		// Denied cells first: a state-changing call that is allowed must
		// not change the state the denied ones are checked against.
		order := slices.Clone(matrixCallers)
		slices.SortStableFunc(order, func(a, b matrixCaller) int {
			switch {
			case allowed[a.key] == allowed[b.key]:
				return 0
			case allowed[a.key]:
				return 1
			}
			return -1
		})
		for _, c := range order {
			code, out := as[c.key].Do(t, row.method, "/api/v1"+row.path, row.body)
			cells++
			want := []int{403}
			switch {
			case c.key == "anon":
				want = []int{401}
			case allowed[c.key]:
				want = row.ok
			case row.hidden:
				want = []int{403, 404}
			}
			if !slices.Contains(want, code) {
				t.Errorf("%s %s as %s (%s): %d, want %v: %.300s", row.method, row.path, c.username, c.what, code, want, out)
				continue
			}
			if code >= 400 && !strings.Contains(string(out), `"error":{`) {
				t.Errorf("%s %s as %s: %d without the error shape: %.200s", row.method, row.path, c.username, code, out)
			}
			if code != 200 || len(row.listed) == 0 {
				continue
			}
			ids, err := listIDs(out)
			if err != nil {
				t.Errorf("%s %s as %s: %v", row.method, row.path, c.username, err)
				continue
			}
			for _, target := range row.listed {
				listings++
				if ids[targets[target]] != seers[target][c.key] {
					t.Errorf("%s %s as %s (%s): lists the %s %v, want %v", row.method, row.path, c.username, c.what,
						target, ids[targets[target]], seers[target][c.key])
				}
			}
		}
	}
	// Logged out: every token is revoked.
	for _, c := range matrixCallers[1:] {
		if code, _ := as[c.key].Do(t, "GET", "/api/v1/me", nil); code != 401 {
			t.Errorf("%s's token works after logout: %d", c.username, code)
		}
	}
	objects := accessObjectLevel(t, tg)
	// Every route of the API the router holds is in the table, or public
	// (the pages' routes: TestPageRoutesHaveAccessRules).
	for _, r := range registeredRoutes(t) {
		method, path, _ := strings.Cut(r, " ")
		rest, api := strings.CutPrefix(path, "/api/v1")
		if api && !publicRoutes[r] && !routes[method+" "+rest] {
			t.Errorf("route %s has no row in the access matrix", r)
		}
	}
	t.Logf("matrix: %d routes x %d callers (%d requests): %d cells, %d list checks; %d object-level checks",
		len(routes), len(matrixCallers), len(rows), cells, listings, objects)
	fmt.Printf("matrix cells checked: %d (%d routes, %d requests x %d callers; %d list-visibility checks; %d object-level checks)\n",
		cells, len(routes), len(rows), len(matrixCallers), listings, objects)
}

// accessObjectLevel checks that no id in a path or a body reaches a
// process, member, team or report outside the caller's scope, the other
// way round from the matrix (上蔡 callers, 西平 objects) and across kinds,
// and that list filters never widen a caller's scope. It answers the
// number of checks.
func accessObjectLevel(t *testing.T, tg matrixTargets) int {
	t.Helper()
	found := time.Now().Add(-time.Hour).Format(time.RFC3339)
	none := "00000000-0000-4000-8000-000000000000"
	cases := []struct {
		who, method, path string
		body              any
		want              int
	}{
		// Members' records.
		{"shangcai-org", "GET", "/members/m01/record", nil, 403},
		{"shangcai-health-head", "GET", "/members/m01/record", nil, 403},
		{"m23", "GET", "/members/m24/record", nil, 403},
		{"huangbu-committee", "GET", "/members/m23/record", nil, 403},
		{"zhumadian-org", "GET", "/members/nobody/record", nil, 404},
		// Teams' rosters.
		{"shangcai-bureau", "GET", "/teams/zhuantan-xiaowangzhuang-team/roster", nil, 403},
		{"shangcai-health-head", "GET", "/teams/zhuantan-xiaowangzhuang-team/roster", nil, 403},
		{"huangbu-committee", "GET", "/teams/shaodian-lizhuang-team/roster", nil, 403},
		{"m23", "GET", "/teams/huangbu-liuying-team/roster", nil, 403},
		{"zhumadian-org", "GET", "/teams/nobody/roster", nil, 404},
		// Reports and ledgers of the other county.
		{"shangcai-bureau", "GET", "/reports/absences?county=xiping&month=" + tg.cycle, nil, 403},
		{"shangcai-org", "GET", "/reports/absences?county=xiping&month=" + tg.cycle + "&format=xlsx", nil, 403},
		{"shangcai-bureau", "POST", "/reports/absences/xiping/" + tg.cycle + "/submit", nil, 403},
		{"shangcai-org", "POST", "/reports/absences/shangcai/" + tg.cycle + "/submit", nil, 403},
		{"zhumadian-bureau", "POST", "/reports/absences/shangcai/" + tg.cycle + "/submit", nil, 403},
		{"shangcai-org", "GET", "/ledger?county=xiping", nil, 403},
		{"shangcai-org", "GET", "/ledger?county=xiping&format=xlsx", nil, 403},
		{"huangbu-committee", "GET", "/ledger", nil, 403},
		{"shangcai-health-head", "GET", "/ledger?county=shangcai", nil, 403},
		// Ids in bodies.
		{"shangcai-bureau", "POST", "/absences", map[string]any{"member_id": "m01", "found_at": found, "method": "online"}, 403},
		{"shangcai-bureau", "POST", "/roster-changes", map[string]any{"team_id": "zhuantan-xiaowangzhuang-team", "change": "leave", "member_id": "m04", "reason": "x", "effective_on": day(1)}, 403},
		{"shangcai-health-head", "POST", "/roster-changes", map[string]any{"team_id": tg.team, "change": "leave", "member_id": "m25", "reason": "x", "effective_on": day(1)}, 403},
		{"shangcai-health-head", "POST", "/roster-changes", map[string]any{"team_id": tg.team, "change": "replace", "member_id": "m01", "replaces_member_id": "m25", "reason": "x", "effective_on": day(1)}, 403},
		{"zhumadian-bureau", "POST", "/roster-changes", map[string]any{"team_id": tg.team, "change": "leave", "member_id": "m25", "reason": "x", "effective_on": day(1)}, 403},
		// Policies.
		{"m23", "GET", "/policies/city", nil, 403},
		{"shangcai-org", "PUT", "/policies/xiping", map[string]any{"rules": map[string]any{}}, 403},
		{"shangcai-bureau", "PUT", "/policies/city", map[string]any{"rules": map[string]any{}}, 403},
		// A process id of another kind, or of none, is unknown, even to
		// the city.
		{"zhumadian-org", "GET", "/leaves/" + tg.absence, nil, 404},
		{"zhumadian-org", "GET", "/absences/" + tg.leave, nil, 404},
		{"zhumadian-org", "GET", "/roster-changes/" + tg.leave, nil, 404},
		{"zhumadian-org", "GET", "/leaves/" + tg.report, nil, 404},
		{"huangbu-committee", "POST", "/leaves/" + tg.roster + "/decision", map[string]any{"decision": "approve"}, 404},
		{"m23", "POST", "/absences/" + tg.leave + "/explanation", map[string]any{"text": "x"}, 404},
		{"shangcai-org", "POST", "/roster-changes/" + tg.absence + "/filing", nil, 404},
		{"zhumadian-org", "GET", "/leaves/" + none, nil, 404},
		{"zhumadian-org", "GET", "/processes/" + none + "/timeline", nil, 404},
		{"zhumadian-org", "GET", "/processes/not-an-id/timeline", nil, 404},
	}
	n := 0
	for _, c := range cases {
		code, out := H.Login(t, c.who).Do(t, c.method, "/api/v1"+c.path, c.body)
		n++
		if code != c.want {
			t.Errorf("%s %s as %s: %d, want %d: %.300s", c.method, c.path, c.who, code, c.want, out)
		}
	}

	// An Idempotency-Key is the caller's own: another user's same key
	// never answers the first user's process.
	body := map[string]any{"kind": "personal", "start_date": day(70), "end_date": day(70), "reason": "矩阵测试：幂等键"}
	first := doWithHeader(t, H.Login(t, "m25"), "POST", "/api/v1/leaves", body, "Idempotency-Key", "matrix-shared-key")
	second := doWithHeader(t, H.Login(t, "m24"), "POST", "/api/v1/leaves", body, "Idempotency-Key", "matrix-shared-key")
	n++
	if first["id"] == nil || second["id"] == first["id"] || second["member_id"] != "m24" {
		t.Errorf("the same Idempotency-Key from m25 then m24: %v, then %v", first["id"], second)
	}

	// Lists stay in scope whatever the filters ask for.
	lists := []string{"/inbox", "/processes?limit=200", "/processes?county=xiping&limit=200", "/processes?county=shangcai&limit=200",
		"/processes?member_id=m01&limit=200", "/processes?unit=city-agri&limit=200", "/processes?kind=absence_report&limit=200",
		"/leaves?limit=200", "/absences?limit=200", "/roster-changes?limit=200", "/leaves?member_id=m23&limit=200"}
	for _, c := range matrixCallers[1:] {
		as := H.Login(t, c.username)
		for _, path := range lists {
			for _, it := range items(t, as.JSON(t, "GET", "/api/v1"+path, nil, 200)) {
				n++
				if !inScope(as.User, it) {
					t.Errorf("GET %s as %s lists %v %v (county %v, township %v, unit %v, member %v): outside their scope",
						path, c.username, it["kind"], it["id"], it["county_id"], it["township_id"], it["unit_id"], it["member_id"])
				}
			}
		}
	}
	return n
}

// inScope is the authorisation rule (server.canSee) as the test states it:
// city offices see all, a county office its county, a committee its
// township, a unit head the unit's members, a member their own.
func inScope(user, it map[string]any) bool {
	has := func(k string) bool { v, _ := user[k].(string); return v != "" && v == it[k] }
	switch user["role"] {
	case "admin", "city_org_dept", "city_bureau":
		return true
	case "county_org_dept", "county_bureau":
		return has("county_id")
	case "township_committee":
		return has("township_id")
	case "unit_head":
		return has("unit_id")
	case "member":
		return has("member_id")
	}
	return false
}

// publicRoutes answer anyone: no token, so no row of the matrix. Every
// other route the router holds must have one (TestAccessMatrix), so a
// route added without an access rule fails by construction.
var publicRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true, "POST /api/v1/login": true,
	// The OpenAPI document, and Prometheus's metrics (which ask for
	// ZHUCUN_METRICS_TOKEN when one is set; see server's TestMetricsToken).
	"GET /api/v1/openapi.json": true, "GET /metrics": true}

// registeredRoutes walks the server's own router: every method and
// pattern it answers, as "GET /api/v1/leaves/{id}".
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	routes, ok := server.New(server.Config{}).Handler().(chi.Routes)
	if !ok {
		t.Fatal("the server's handler is not a chi router; the matrix cannot walk it")
	}
	var out []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if len(route) > 1 {
			route = strings.TrimSuffix(route, "/")
		}
		out = append(out, method+" "+route)
		return nil
	})
	if err != nil || len(out) < 30 {
		t.Fatalf("walked %d routes: %v", len(out), err)
	}
	return out
}

// routePattern maps a table path back to its route.
func routePattern(path string, tg matrixTargets) string {
	r := strings.NewReplacer(tg.assessment, "{id}", tg.leave, "{id}", tg.absence, "{id}", tg.roster, "{id}", tg.report, "{id}",
		"/teams/"+tg.team, "/teams/{id}", "/members/m23", "/members/{id}",
		"/policies/shangcai", "/policies/{county}", "/reports/absences/shangcai/2099-01", "/reports/absences/{county}/{month}",
		"/holidays/2027", "/holidays/{year}", "/holidays/2099", "/holidays/{year}",
		"/accounts/matrix-nobody/", "/accounts/{username}/",
		"/robots/team/"+tg.team, "/robots/{scope}/{id}",
		"/delegations/00000000-0000-4000-8000-000000000000/", "/delegations/{id}/",
		"/attachments/00000000-0000-4000-8000-000000000000", "/attachments/{id}",
		"/interviews/00000000-0000-4000-8000-000000000000", "/interviews/{id}",
		"/recalls/00000000-0000-4000-8000-000000000000", "/recalls/{id}",
		"/circulations/"+tg.cycle, "/circulations/{month}", "/circulations/2099-01", "/circulations/{month}",
		"/units/shangcai-health/", "/units/{id}/")
	return r.Replace(path)
}
