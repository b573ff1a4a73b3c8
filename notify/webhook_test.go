package notify

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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// robotCall is one request a fake robot received.
type robotCall struct {
	query url.Values
	body  map[string]any
}

// fakeRobot is an httptest group robot that records what it is sent and
// answers with status and answer (errcode 0 by default).
type fakeRobot struct {
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []robotCall
	status int
	answer string
	// failEvery: when > 0, every failEvery-th call answers errcode 45009
	// (over the robot's rate limit) instead.
	failEvery int
	n         int
	okTexts   []string
}

func newRobot(t *testing.T) *fakeRobot {
	r := &fakeRobot{status: http.StatusOK, answer: `{"errcode":0,"errmsg":"ok"}`}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Errorf("robot got a body that is not JSON: %s", b)
		}
		if ct := req.Header.Get("Content-Type"); req.Method != http.MethodPost || !strings.HasPrefix(ct, "application/json") {
			t.Errorf("robot got %s with Content-Type %q", req.Method, ct)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.n++
		r.calls = append(r.calls, robotCall{query: req.URL.Query(), body: body})
		if r.failEvery > 0 && r.n%r.failEvery == 0 {
			io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
			return
		}
		w.WriteHeader(r.status)
		io.WriteString(w, r.answer)
		if r.status/100 == 2 {
			r.okTexts = append(r.okTexts, bodyText(body))
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *fakeRobot) set(status int, answer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.answer = status, answer
}

func (r *fakeRobot) last(t *testing.T) robotCall {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		t.Fatal("robot was not called")
	}
	return r.calls[len(r.calls)-1]
}

func (r *fakeRobot) delivered() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.okTexts...)
}

func (r *fakeRobot) callCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// bodyText is the message's text, whichever format it came in.
func bodyText(body map[string]any) string {
	for _, k := range []string{"markdown", "text"} {
		if m, ok := body[k].(map[string]any); ok {
			for _, f := range []string{"content", "text"} {
				if s, ok := m[f].(string); ok {
					return s
				}
			}
		}
	}
	return ""
}

func TestWebhookWeComMarkdown(t *testing.T) {
	robot := newRobot(t)
	d := WebhookDeliverer{URL: robot.srv.URL + "/cgi-bin/webhook/send?key=k1", Kind: KindWeCom}
	m := Message{Recipient: "township_committee:zhuantan", Name: "专探乡党委", Text: "张三的请假待审批",
		Link: "https://zc.example.cn/leaves/abc"}
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := robot.last(t).body
	want := map[string]any{"msgtype": "markdown", "markdown": map[string]any{
		"content": "**专探乡党委**：张三的请假待审批\n\n[查看详情](https://zc.example.cn/leaves/abc)"}}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("body = %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if robot.last(t).query.Get("key") != "k1" {
		t.Errorf("the robot's key was not kept in the query")
	}
}

func TestWebhookWeComMention(t *testing.T) {
	robot := newRobot(t)
	d := WebhookDeliverer{URL: robot.srv.URL, Kind: ""} // "" is WeCom
	m := Message{Name: "张三", Text: "您的请假已批准", Link: "https://zc.example.cn/leaves/x", Mobiles: []string{"13800000001"}}
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := robot.last(t).body
	want := map[string]any{"msgtype": "text", "text": map[string]any{
		"content":               "张三：您的请假已批准\n查看详情：https://zc.example.cn/leaves/x",
		"mentioned_mobile_list": []any{"13800000001"}}}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("body = %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
}

func TestWebhookDingTalkSigned(t *testing.T) {
	robot := newRobot(t)
	at := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	const secret = "SEC0123456789abcdef"
	d := WebhookDeliverer{URL: robot.srv.URL + "/robot/send?access_token=tok", Kind: KindDingTalk, Secret: secret,
		Now: func() time.Time { return at }}
	m := Message{Name: "张三", Text: "您的请假已批准\n第二行", Link: "https://zc.example.cn/leaves/x", Mobiles: []string{"13800000001"}}
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	call := robot.last(t)
	want := map[string]any{
		"msgtype": "markdown",
		"markdown": map[string]any{"title": "您的请假已批准",
			"text": "**张三**：您的请假已批准\n第二行\n\n[查看详情](https://zc.example.cn/leaves/x) @13800000001"},
		"at": map[string]any{"atMobiles": []any{"13800000001"}, "isAtAll": false},
	}
	if mustJSON(t, call.body) != mustJSON(t, want) {
		t.Errorf("body = %s\nwant %s", mustJSON(t, call.body), mustJSON(t, want))
	}
	// The robot checks the signature as DingTalk documents it, computed
	// here independently of Sign.
	ts := call.query.Get("timestamp")
	if ts != strconv.FormatInt(at.UnixMilli(), 10) || call.query.Get("access_token") != "tok" {
		t.Errorf("query = %v: want the access token kept and timestamp %d", call.query, at.UnixMilli())
	}
	if got, want := call.query.Get("sign"), hmacBase64(secret, ts+"\n"+secret); got != want {
		t.Errorf("sign = %q, want %q", got, want)
	}

	// Unsigned: no timestamp, no sign; nobody to mention: an empty list.
	d.Secret = ""
	if err := d.Deliver(context.Background(), Message{Text: "t"}); err != nil {
		t.Fatal(err)
	}
	call = robot.last(t)
	if call.query.Has("sign") || call.query.Has("timestamp") {
		t.Errorf("unsigned robot got %v", call.query)
	}
	if at := call.body["at"].(map[string]any); len(at["atMobiles"].([]any)) != 0 {
		t.Errorf("at = %v, want nobody", at)
	}
}

func TestWebhookErrors(t *testing.T) {
	robot := newRobot(t)
	ctx := context.Background()
	d := WebhookDeliverer{URL: robot.srv.URL, Kind: KindWeCom}
	m := Message{Text: "t"}

	robot.set(http.StatusOK, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
	if err := d.Deliver(ctx, m); err == nil || !strings.Contains(err.Error(), "93000") || !strings.Contains(err.Error(), "invalid webhook url") {
		t.Errorf("errcode 93000: err = %v, want an error naming it", err)
	}
	robot.set(http.StatusOK, `ok`)
	if err := d.Deliver(ctx, m); err != nil {
		t.Errorf("2xx non-JSON answer: %v", err)
	}
	robot.set(http.StatusInternalServerError, `boom`)
	if err := d.Deliver(ctx, m); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("HTTP 500: err = %v, want an error", err)
	}
	robot.set(http.StatusNoContent, ``)
	if err := d.Deliver(ctx, m); err != nil {
		t.Errorf("HTTP 204: %v", err)
	}
	if err := (WebhookDeliverer{URL: robot.srv.URL, Kind: "slack"}).Deliver(ctx, m); err == nil {
		t.Errorf("unknown kind: no error")
	}

	// A connection error names neither the robot's key nor, signed, the
	// secret or the signature.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/send?access_token=topsecret"
	dead.Close()
	at := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	err := WebhookDeliverer{URL: deadURL, Kind: KindDingTalk, Secret: "SECshh", Now: func() time.Time { return at }}.Deliver(ctx, m)
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	if err == nil || strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "SECshh") ||
		strings.Contains(err.Error(), url.QueryEscape(Sign(ts, "SECshh"))) {
		t.Errorf("unreachable robot: err = %v, want an error without key, secret or signature", err)
	}
}

func hmacBase64(key, msg string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
