package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func init() {
	pageAccess["GET /robots"] = "GET /robots"
	pageAccess["GET /robots/{scope}/{id}"] = "GET /robots"
	pageAccess["POST /robots/{scope}/{id}"] = "PUT /robots/{scope}/{id}"
	pageAccess["POST /robots/{scope}/{id}/delete"] = "PUT /robots/{scope}/{id}" // DeleteRobot: the same rule
}

// e2eRobot is a group robot on loopback that keeps what it is sent.
type e2eRobot struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []robotHit
}

type robotHit struct {
	query url.Values
	body  map[string]any
	raw   string
}

func newE2ERobot(t *testing.T) *e2eRobot {
	r := &e2eRobot{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		r.mu.Lock()
		r.calls = append(r.calls, robotHit{query: req.URL.Query(), body: body, raw: string(b)})
		r.mu.Unlock()
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// waitFor is the first call whose body holds s, within 60 s.
func (r *e2eRobot) waitFor(t *testing.T, s string) robotHit {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, c := range r.calls {
			if strings.Contains(c.raw, s) {
				r.mu.Unlock()
				return c
			}
		}
		r.mu.Unlock()
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no robot call holding %q in 60 s", s)
	return robotHit{}
}

func (r *e2eRobot) count(s string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if strings.Contains(c.raw, s) {
			n++
		}
	}
	return n
}

// TestRobotsLeaveNoticeReachesGroup: the county bureau gives 后湖村's team
// a signed DingTalk robot and 邵店镇党委 a WeCom one; m20's leave reaches
// the committee's robot with the leave's link, its approval reaches the
// team's robot @-mentioning m20 by phone, signed. The URL's key and the
// secret are in no API answer and no log line.
func TestRobotsLeaveNoticeReachesGroup(t *testing.T) {
	ctx := context.Background()
	const team, office, secret, token = "shaodian-houhu-team", "shaodian-committee", "SECe2eRobotSecret", "e2eRobotToken"
	bureau, other, city := H.Login(t, "shangcai-bureau"), H.Login(t, "xiping-bureau"), H.Login(t, "zhumadian-org")
	teamRobot, officeRobot := newE2ERobot(t), newE2ERobot(t)

	// Quiet hours off for the county while the test runs, whatever the
	// hour in China; the rules before are put back after.
	pol := city.JSON(t, "GET", "/api/v1/policies/shangcai", nil, 200)
	rules := pol["rules"].(map[string]any)
	before, _ := json.Marshal(rules)
	rules["notices"] = map[string]any{"quiet_from": "00:00", "quiet_until": "00:00"}
	city.JSON(t, "PUT", "/api/v1/policies/shangcai", map[string]any{"rules": rules}, 200)
	t.Cleanup(func() {
		var back map[string]any
		_ = json.Unmarshal(before, &back)
		city.JSON(t, "PUT", "/api/v1/policies/shangcai", map[string]any{"rules": back}, 200)
	})
	if _, err := H.Pool.Exec(ctx, `UPDATE members SET phone = '13800000020' WHERE id = 'm20'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = H.Pool.Exec(ctx, `UPDATE members SET phone = '' WHERE id = 'm20'`) })

	var answers []string
	put := bureau.JSON(t, "PUT", "/api/v1/robots/team/"+team, map[string]any{
		"kind": "dingtalk", "url": teamRobot.srv.URL + "/robot/send?access_token=" + token, "secret": secret}, 200)
	answers = append(answers, mustMarshal(t, put))
	if r := put["robot"].(map[string]any); r["kind"] != "dingtalk" || r["secret_set"] != true || r["host"] != strings.TrimPrefix(teamRobot.srv.URL, "http://") {
		t.Errorf("PUT team robot answered %v", put)
	}
	answers = append(answers, mustMarshal(t, bureau.JSON(t, "PUT", "/api/v1/robots/office/"+office, map[string]any{
		"kind": "wecom", "url": officeRobot.srv.URL + "/cgi-bin/webhook/send?key=" + token}, 200)))
	t.Cleanup(func() {
		bureau.JSON(t, "DELETE", "/api/v1/robots/team/"+team, nil, 200)
		bureau.JSON(t, "DELETE", "/api/v1/robots/office/"+office, nil, 200)
	})
	list := bureau.JSON(t, "GET", "/api/v1/robots", nil, 200)
	answers = append(answers, mustMarshal(t, list))
	seen := 0
	for _, g := range items(t, list) {
		if (g["id"] == team || g["id"] == office) && g["robot"] != nil {
			seen++
		}
	}
	if seen != 2 {
		t.Errorf("GET /robots shows %d of the 2 robots set", seen)
	}
	// Refusals: a secret on a WeCom robot, another county's bureau.
	bad := bureau.JSON(t, "PUT", "/api/v1/robots/office/"+office, map[string]any{"kind": "wecom", "url": "ftp://x", "secret": "s"}, 400)
	if f := bad["error"].(map[string]any)["fields"].(map[string]any); f["url"] == nil || f["secret"] == nil {
		t.Errorf("bad robot: fields %v, want url and secret named", f)
	}
	other.JSON(t, "PUT", "/api/v1/robots/team/"+team, map[string]any{"kind": "wecom", "url": "https://x.example/"}, 403)
	for _, a := range answers {
		if strings.Contains(a, secret) || strings.Contains(a, token) {
			t.Errorf("an API answer holds the robot's secret or key: %.300s", a)
		}
	}

	id := leaveFor(t, "m20", "personal", day(170), day(171), "群机器人测试")
	link := H.Config.PublicURL + "/leaves/" + id
	c := officeRobot.waitFor(t, link)
	if c.body["msgtype"] != "markdown" || !strings.Contains(c.raw, "邵店镇党委") || c.query.Get("key") != token {
		t.Errorf("committee's robot got %s ?%s", c.raw, c.query.Encode())
	}
	decide(t, "shaodian-committee", id, "approve", "")
	c = teamRobot.waitFor(t, link)
	at, _ := c.body["at"].(map[string]any)
	if c.body["msgtype"] != "markdown" || mustMarshal(t, at["atMobiles"]) != `["13800000020"]` || !strings.Contains(c.raw, "@13800000020") {
		t.Errorf("team's robot got %s", c.raw)
	}
	ts := c.query.Get("timestamp")
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	if c.query.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || c.query.Get("access_token") != token {
		t.Errorf("team's robot: query %v does not carry a valid DingTalk signature", c.query)
	}
	// Once each: a few more passes of the sender add nothing.
	time.Sleep(5 * time.Second)
	if n := teamRobot.count(link); n != 1 {
		t.Errorf("team's robot got the approval %d times", n)
	}
	for _, e := range Logs.All() {
		line := e.Message + " " + mustMarshal(t, e.ContextMap())
		if strings.Contains(line, secret) || strings.Contains(line, token) {
			t.Errorf("log line holds the robot's secret or key: %.300s", line)
		}
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRobotsPage: the county bureau sets, sees and removes a unit's robot
// on the 群机器人 page, without JavaScript; the page never shows the URL's
// key or the secret, and another county's bureau is refused.
func TestRobotsPage(t *testing.T) {
	const unit, token, secret = "shangcai-health", "PAGEtoken123", "SECpage456"
	c := pageClient(t, "shangcai-bureau")
	noLeak := func(what, body string) {
		t.Helper()
		if strings.Contains(body, token) || strings.Contains(body, secret) {
			t.Errorf("%s shows the robot's key or secret", what)
		}
	}
	post := func(c *http.Client, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		resp, err := c.PostForm(H.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readAll(t, resp)
	}
	// A bad URL: the form again, the field named, the secret not echoed.
	resp, body := post(c, "/robots/unit/"+unit, url.Values{"kind": {"dingtalk"}, "url": {"ftp://x"}, "secret": {secret}})
	if resp.StatusCode != 200 || !strings.Contains(body, `id="url-error"`) {
		t.Errorf("bad URL: %d %.300s", resp.StatusCode, body)
	}
	noLeak("the refused form", body)

	resp, body = post(c, "/robots/unit/"+unit, url.Values{"kind": {"dingtalk"},
		"url": {"http://127.0.0.1:9/robot/send?access_token=" + token}, "secret": {secret}})
	if resp.Request.URL.Path != "/robots" || !strings.Contains(body, "群机器人已保存") {
		t.Fatalf("save ended at %s: %.300s", resp.Request.URL.Path, body)
	}
	if !strings.Contains(body, "钉钉（127.0.0.1:9），已设加签密钥") {
		t.Errorf("list does not show the unit's signed DingTalk robot: %.500s", body)
	}
	noLeak("the list", body)
	form, err := c.Get(H.URL + "/robots/unit/" + unit)
	if err != nil {
		t.Fatal(err)
	}
	body = readAll(t, form)
	if !strings.Contains(body, `id="clear_secret"`) {
		t.Errorf("the form offers no way to clear the secret: %.300s", body)
	}
	noLeak("the form", body)

	other := pageClient(t, "xiping-bureau")
	if resp, _ := post(other, "/robots/unit/"+unit+"/delete", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another county's bureau removing it: %d, want 403", resp.StatusCode)
	}
	resp, body = post(c, "/robots/unit/"+unit+"/delete", nil)
	if resp.Request.URL.Path != "/robots" || !strings.Contains(body, "群机器人已删除") {
		t.Errorf("delete ended at %s: %.300s", resp.Request.URL.Path, body)
	}
	if g := H.Login(t, "shangcai-bureau").JSON(t, "GET", "/api/v1/robots", nil, 200); strings.Contains(mustMarshal(t, g), "127.0.0.1:9") {
		t.Errorf("the robot is still listed after delete")
	}
}
