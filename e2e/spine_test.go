package e2e

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/internal/pgtest"
	"zhucun/store"
	"zhucun/workflows"
)

func TestHealthAndReady(t *testing.T) {
	anon := H.Anonymous()
	anon.JSON(t, "GET", "/healthz", nil, 200)
	if got := anon.JSON(t, "GET", "/readyz", nil, 200); got["status"] != "ready" {
		t.Fatalf("readyz: %v", got)
	}
}

func TestMeShowsRoleAndScope(t *testing.T) {
	cases := []struct {
		user, role string
		scope      map[string]string
	}{
		{"m05", "member", map[string]string{"member_id": "m05", "county_id": "xiping"}},
		{"xiping-edu-head", "unit_head", map[string]string{"unit_id": "xiping-edu"}},
		{"zhuantan-committee", "township_committee", map[string]string{"office_id": "zhuantan-committee", "township_id": "zhuantan", "county_id": "xiping"}},
		{"shangcai-bureau", "county_bureau", map[string]string{"county_id": "shangcai"}},
		{"zhumadian-org", "city_org_dept", map[string]string{"office_id": "zhumadian-org"}},
	}
	for _, c := range cases {
		me := H.Login(t, c.user).JSON(t, "GET", "/api/v1/me", nil, 200)
		u := me // the user resource itself, as the contract shapes it
		if u["role"] != c.role || u["username"] != c.user || u["id"] == "" || u["display_name"] == "" {
			t.Errorf("%s: me = %v", c.user, u)
		}
		for k := range u {
			if k != strings.ToLower(k) {
				t.Errorf("%s: /me key %q is not snake_case", c.user, k)
			}
		}
		for k, v := range c.scope {
			if u[k] != v {
				t.Errorf("%s: %s = %v, want %s", c.user, k, u[k], v)
			}
		}
	}
}

func TestAuthentication(t *testing.T) {
	anon := H.Anonymous()
	for _, path := range []string{"/api/v1/me", "/api/v1/inbox", "/api/v1/processes", "/api/v1/leaves"} {
		if st, _ := anon.Do(t, "GET", path, nil); st != 401 {
			t.Errorf("GET %s without token: %d, want 401", path, st)
		}
	}
	bad := &Client{Token: "not-a-token"}
	if st, _ := bad.Do(t, "GET", "/api/v1/me", nil); st != 401 {
		t.Errorf("unknown token: %d", st)
	}
	body := anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": "m05", "password": "wrong-password"}, 401)
	if body["error"].(map[string]any)["code"] != "unauthenticated" {
		t.Errorf("wrong password: %v", body)
	}

	// An expired token is refused like an unknown one.
	st := store.New(H.Pool)
	u, err := st.UserByUsername(context.Background(), "m05")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := st.IssueToken(context.Background(), u.ID, -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := (&Client{Token: tok}).Do(t, "GET", "/api/v1/me", nil); code != 401 {
		t.Errorf("expired token: %d %s", code, out)
	}

	// Logout revokes the token.
	fresh := &Client{Username: "m06"}
	login := anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": "m06", "password": "zhucun-demo"}, 200)
	fresh.Token = login["token"].(string)
	fresh.JSON(t, "GET", "/api/v1/me", nil, 200)
	if code, _ := fresh.Do(t, "POST", "/api/v1/logout", nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := fresh.Do(t, "GET", "/api/v1/me", nil); code != 401 {
		t.Errorf("revoked token still works: %d", code)
	}
}

func TestErrorShapeAndBadInput(t *testing.T) {
	m := H.Login(t, "m07")
	cases := []struct {
		body  any
		field string
	}{
		{map[string]any{"kind": "holiday", "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": "x"}, "kind"},
		{map[string]any{"kind": "sick", "start_date": "2027-3-1", "end_date": "2027-03-02", "reason": "x"}, "start_date"},
		{map[string]any{"kind": "sick", "start_date": "2027-03-05", "end_date": "2027-03-02", "reason": "x"}, "end_date"},
		{map[string]any{"kind": "personal", "start_date": "2027-03-01", "end_date": "2027-04-15", "reason": "x"}, "end_date"}, // personal: 30 days at most
		{map[string]any{"kind": "sick", "start_date": "2027-03-01", "end_date": "2028-03-05", "reason": "x"}, "end_date"},     // any leave: 366
		{map[string]any{"kind": "sick", "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": ""}, "reason"},
		{map[string]any{"kind": "sick", "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": "x", "extra": 1}, "extra"},
		{map[string]any{"kind": 5, "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": "x"}, "kind"},
	}
	for _, c := range cases {
		body := m.JSON(t, "POST", "/api/v1/leaves", c.body, 400)
		e := body["error"].(map[string]any)
		if e["code"] != "invalid_argument" {
			t.Errorf("%v: code %v", c.body, e["code"])
		}
		if f, _ := e["fields"].(map[string]any); f == nil || f[c.field] == nil {
			t.Errorf("%v: fields %v do not name %s", c.body, e["fields"], c.field)
		}
	}
	if code, _ := m.Do(t, "POST", "/api/v1/leaves", []byte("{not json")); code != 400 {
		t.Errorf("broken JSON: %d", code)
	}
	if code, _ := m.Do(t, "GET", "/api/v1/processes?overdue=maybe", nil); code != 400 {
		t.Errorf("bad filter: %d", code)
	}
	if code, _ := m.Do(t, "GET", "/api/v1/leaves/not-a-uuid", nil); code != 404 {
		t.Errorf("unknown leave: %d", code)
	}
	big := strings.Repeat("长", 40000)
	if code, _ := m.Do(t, "POST", "/api/v1/leaves", map[string]any{"kind": "sick", "start_date": "2027-03-01", "end_date": "2027-03-01", "reason": big}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", code)
	}
}

// TestProcessScope: every list is filtered to the caller's scope, and a
// process out of scope answers 403.
func TestProcessScope(t *testing.T) {
	m := H.Login(t, "m09") // xiping, 出山镇
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": "2027-05-10", "end_date": "2027-05-11", "reason": "scope test"}, 201)
	id := leave["id"].(string)
	township := leave["township_id"].(string)
	unit := leave["unit_id"].(string)

	sees := map[string]bool{
		"m09": true, township + "-committee": true, unit + "-head": true,
		"xiping-org": true, "xiping-bureau": true, "zhumadian-org": true, "zhumadian-bureau": true,
		"m10": false, "shangcai-bureau": false, "shangcai-org": false,
	}
	for _, other := range []string{"zhuantan-committee", "chushan-committee"} {
		if other != township+"-committee" {
			sees[other] = false
		}
	}
	for user, want := range sees {
		c := H.Login(t, user)
		list := items(t, c.JSON(t, "GET", "/api/v1/processes?kind=leave&limit=200", nil, 200))
		found := false
		for _, p := range list {
			if p["id"] == id {
				found = true
			}
			if !want && p["member_id"] == "m09" {
				t.Errorf("%s sees m09's process %v", user, p["id"])
			}
		}
		if found != want {
			t.Errorf("%s: in list = %v, want %v", user, found, want)
		}
		code, _ := c.Do(t, "GET", "/api/v1/leaves/"+id, nil)
		if (code == 200) != want || (!want && code != 403) {
			t.Errorf("%s: GET leave = %d, want visible=%v (403 when not)", user, code, want)
		}
		code, _ = c.Do(t, "GET", "/api/v1/processes/"+id+"/timeline", nil)
		if (code == 200) != want {
			t.Errorf("%s: timeline = %d", user, code)
		}
	}
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/withdraw", nil, 200)
}

// TestRestartKeepsTemporalState: a serve process stopped and started again
// on the same data folder still has the leave it started, and the leave
// goes on: the approver's decision after the restart is taken.
func TestRestartKeepsTemporalState(t *testing.T) {
	dbURL := pgtest.URL(t, "restart")
	dir := t.TempDir()
	cfg := serveConfig(dbURL, dir)
	ctx := context.Background()
	first, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	member := loginAt(t, first.URL, "m01")
	leave := member.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": "2027-06-01", "end_date": "2027-06-03", "reason": "restart"}, 201)
	id := leave["id"].(string)
	first.Stop()
	if _, err := os.Stat(dir + "/temporal.db"); err != nil {
		t.Fatalf("no temporal.db in the data folder: %v", err)
	}

	second, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	desc, err := second.Temporal.DescribeWorkflowExecution(ctx, workflows.LeaveWorkflowID(id), "")
	if err != nil {
		t.Fatalf("workflow lost across restart: %v", err)
	}
	if st := desc.WorkflowExecutionInfo.Status.String(); st != "Running" {
		t.Fatalf("after restart the leave's workflow is %s", st)
	}
	committee := loginAt(t, second.URL, "zhuantan-committee")
	got := committee.JSON(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}, 200)
	if got["status"] != "approved" {
		t.Fatalf("decision after restart: %v", got["status"])
	}
}

// loginAt logs in against another server than the harness's.
func loginAt(t *testing.T, url, username string) *Client {
	t.Helper()
	saved := H.URL
	H.URL = url
	t.Cleanup(func() { H.URL = saved })
	c := &Client{Username: username}
	body := c.JSON(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": "zhucun-demo"}, 200)
	c.Token = body["token"].(string)
	return c
}

// TestPostgresTemporalStore: the embedded Temporal server persisting to
// PostgreSQL (--temporal-store postgres) creates its databases and schema,
// and a leave goes from submission to decision on it.
func TestPostgresTemporalStore(t *testing.T) {
	dbURL := pgtest.URL(t, "pgstore")
	t.Cleanup(func() { dropSiblings(t, dbURL, "_temporal", "_temporal_visibility") })
	cfg := serveConfig(dbURL, t.TempDir())
	cfg.TemporalStore, cfg.HistoryShards = "postgres", 2
	a, err := app.Start(context.Background(), cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	member := loginAt(t, a.URL, "m01")
	leave := member.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": "2027-07-01", "end_date": "2027-07-02", "reason": "pg store"}, 201)
	got := loginAt(t, a.URL, "zhuantan-committee").JSON(t, "POST", "/api/v1/leaves/"+leave["id"].(string)+"/decision",
		map[string]any{"decision": "approve"}, 200)
	if got["status"] != "approved" {
		t.Fatalf("status %v", got["status"])
	}
}

// dropSiblings drops the databases named after url's database plus each suffix.
func dropSiblings(t *testing.T, url string, suffixes ...string) {
	if err := store.DropDatabases(context.Background(), url, suffixes...); err != nil {
		t.Logf("drop %v: %v", suffixes, err)
	}
}
