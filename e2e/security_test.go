package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"zhucun/demo"
	"zhucun/server"
)

// Login limits, token lifetime, secrets in logs and security headers. The
// login tests build servers of their own over the harness's PostgreSQL and
// Temporal, so their limits can be small; they log in as m26..m28, whom no
// other test uses.

// testServer runs a server.New with cfg over the harness's backends.
func testServer(t *testing.T, cfg server.Config) string {
	t.Helper()
	if cfg.Pool == nil {
		cfg.Pool = H.Pool
	}
	cfg.Temporal = H.Temporal
	ts := httptest.NewServer(server.New(cfg).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// call sends one request to base and returns the status, headers and body.
func call(t *testing.T, base, method, path, token string, body any) (int, http.Header, []byte) {
	t.Helper()
	status, header, out, err := request(http.DefaultClient, base, method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status, header, out
}

func loginBody(user, password string) map[string]string {
	return map[string]string{"username": user, "password": password}
}

func errorCode(out []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(out, &e)
	return e.Error.Code
}

// awayFromMinuteEdge waits out the last seconds of a wall-clock minute: the
// per-user limit counts in minute windows, and a test that straddles two
// sees its count decay.
func awayFromMinuteEdge(t *testing.T, need time.Duration) {
	t.Helper()
	now := time.Now()
	if left := now.Truncate(time.Minute).Add(time.Minute).Sub(now); left < need {
		t.Logf("waiting %v for a fresh minute", left)
		time.Sleep(left + 100*time.Millisecond)
	}
}

// TestLoginRateLimitPerUser: hammering one username answers 429 after the
// limit, the right password included, while another username still logs
// in; an unknown username gets the very answers a known one gets; logins
// that succeed do not use up the limit.
func TestLoginRateLimitPerUser(t *testing.T) {
	const limit = 3
	base := testServer(t, server.Config{LoginPerMinute: 10000, LoginPerUserPerMinute: limit})
	awayFromMinuteEdge(t, 20*time.Second)
	login := func(user, password string) (int, http.Header, []byte) {
		return call(t, base, "POST", "/api/v1/login", "", loginBody(user, password))
	}

	var wrongKnown, wrongUnknown, limitedKnown, limitedUnknown []byte
	for i := 0; i < limit; i++ {
		code, _, out := login("m27", "not-the-password")
		if code != 401 {
			t.Fatalf("attempt %d on m27: %d %s", i+1, code, out)
		}
		wrongKnown = out
		if code, _, out = login("no-such-user", "not-the-password"); code != 401 {
			t.Fatalf("attempt %d on an unknown user: %d %s", i+1, code, out)
		}
		wrongUnknown = out
	}
	code, hdr, out := login("m27", "not-the-password")
	if code != 429 || errorCode(out) != "rate_limited" || hdr.Get("Retry-After") == "" {
		t.Fatalf("attempt %d on m27: %d %s (Retry-After %q), want 429 rate_limited", limit+1, code, out, hdr.Get("Retry-After"))
	}
	limitedKnown = out
	if code, _, out := login("m27", demo.Password); code != 429 {
		t.Errorf("the right password once m27 is limited: %d %s, want 429", code, out)
	}
	_, _, limitedUnknown = login("no-such-user", "not-the-password")
	if !bytes.Equal(wrongKnown, wrongUnknown) || !bytes.Equal(limitedKnown, limitedUnknown) {
		t.Errorf("a known and an unknown username answer differently:\n%s\n%s\n%s\n%s", wrongKnown, wrongUnknown, limitedKnown, limitedUnknown)
	}

	// Another username is not affected; its successful logins, more than
	// the limit, do not count; its failures do.
	for i := 0; i < limit+2; i++ {
		if code, _, out := login("m28", demo.Password); code != 200 {
			t.Fatalf("m28 login %d while m27 is limited: %d %s", i+1, code, out)
		}
	}
	for i := 0; i < limit; i++ {
		if code, _, out := login("m28", "not-the-password"); code != 401 {
			t.Fatalf("m28 wrong password %d: %d %s", i+1, code, out)
		}
	}
	if code, _, out := login("m28", "not-the-password"); code != 429 {
		t.Errorf("m28 after %d failures: %d %s, want 429", limit, code, out)
	}
}

// TestLoginRateLimitPerAddress: one address gets LoginPerMinute attempts a
// minute, whichever usernames it tries.
func TestLoginRateLimitPerAddress(t *testing.T) {
	base := testServer(t, server.Config{LoginPerMinute: 3, LoginPerUserPerMinute: 100})
	for i, user := range []string{"m26", "m27", "m28"} {
		if code, _, out := call(t, base, "POST", "/api/v1/login", "", loginBody(user, demo.Password)); code != 200 {
			t.Fatalf("login %d: %d %s", i+1, code, out)
		}
	}
	code, hdr, out := call(t, base, "POST", "/api/v1/login", "", loginBody("m26", demo.Password))
	if code != 429 || errorCode(out) != "rate_limited" || hdr.Get("Retry-After") == "" {
		t.Errorf("4th login from one address: %d %s, want 429 rate_limited with Retry-After", code, out)
	}
}

// TestLoginTokensExpireAndRevoke: a token stops working when it expires and
// when its holder logs out.
func TestLoginTokensExpireAndRevoke(t *testing.T) {
	base := testServer(t, server.Config{LoginPerMinute: 10000, TokenTTL: 2 * time.Second})
	login := func() string {
		code, _, out := call(t, base, "POST", "/api/v1/login", "", loginBody("m26", demo.Password))
		var body struct {
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
		}
		if code != 200 || json.Unmarshal(out, &body) != nil || body.Token == "" || body.ExpiresAt == "" {
			t.Fatalf("login: %d %s", code, out)
		}
		return body.Token
	}
	tok := login()
	if code, _, _ := call(t, base, "GET", "/api/v1/me", tok, nil); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	time.Sleep(2500 * time.Millisecond)
	if code, hdr, out := call(t, base, "GET", "/api/v1/me", tok, nil); code != 401 || hdr.Get("WWW-Authenticate") == "" {
		t.Errorf("expired token: %d %s", code, out)
	}
	tok = login()
	if code, _, out := call(t, base, "POST", "/api/v1/logout", tok, nil); code != 204 {
		t.Fatalf("logout: %d %s", code, out)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/inbox"} {
		if code, _, _ := call(t, base, "GET", path, tok, nil); code != 401 {
			t.Errorf("GET %s after logout: %d, want 401", path, code)
		}
	}
	if code, _, _ := call(t, base, "POST", "/api/v1/logout", tok, nil); code != 401 {
		t.Errorf("logout again with the revoked token: %d, want 401", code)
	}
}

// TestSecurityNoSecretsInLogs: whatever happens (logins right and wrong,
// limited, bad bodies, bad and revoked tokens, a token in a query string,
// a database that does not answer), no log line holds a password or a
// token.
func TestSecurityNoSecretsInLogs(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	log := zap.New(core)
	base := testServer(t, server.Config{Log: log, LoginPerMinute: 10000, LoginPerUserPerMinute: 2})
	const wrong = "Wr0ng-S3cret-矩阵-pw"

	call(t, base, "POST", "/api/v1/login", "", loginBody("m26", wrong))
	code, _, out := call(t, base, "POST", "/api/v1/login", "", loginBody("m26", demo.Password))
	var login struct {
		Token string `json:"token"`
	}
	if code != 200 || json.Unmarshal(out, &login) != nil || login.Token == "" {
		t.Fatalf("login: %d %s", code, out)
	}
	tok := login.Token
	requests := []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/api/v1/me", tok, nil, 200},
		{"GET", "/api/v1/inbox", tok, nil, 200},
		{"GET", "/api/v1/leaves?member_id=m26", tok, nil, 200},
		{"GET", "/api/v1/ledger?county=xiping", tok, nil, 403},
		{"GET", "/api/v1/leaves/00000000-0000-4000-8000-000000000000", tok, nil, 404},
		{"GET", "/api/v1/nope?access_token=" + tok + "&password=" + demo.Password, tok, nil, 404},
		{"POST", "/api/v1/leaves", tok, []byte(`{"reason":"` + tok + `", "password":"` + wrong + `"`), 400},
		{"POST", "/api/v1/leaves", tok, map[string]any{"kind": "sick", "reason": wrong}, 400},
		{"GET", "/api/v1/me", tok + "x", nil, 401},
		{"GET", "/api/v1/me", "", nil, 401},
		{"POST", "/api/v1/login", "", []byte(`{"username":"m26","password":"` + wrong + `"`), 400},
		{"POST", "/api/v1/login", "", loginBody("m26", wrong), 401},
		{"POST", "/api/v1/login", "", loginBody("m26", wrong), 429},
		{"POST", "/api/v1/login", "", loginBody("nobody-"+wrong, wrong), 401},
		{"POST", "/api/v1/logout", tok, nil, 204},
		{"GET", "/api/v1/me", tok, nil, 401},
	}
	for _, r := range requests {
		if code, _, out := call(t, base, r.method, r.path, r.token, r.body); code != r.want {
			t.Errorf("%s %s: %d %s, want %d", r.method, r.path, code, out, r.want)
		}
	}

	// A database that does not answer: the failures are logged, with their
	// errors, and still without secrets.
	pool, err := pgxpool.New(context.Background(), "postgres://zhucun@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	down := testServer(t, server.Config{Pool: pool, Log: log, LoginPerMinute: 10000})
	if code, _, out := call(t, down, "POST", "/api/v1/login", "", loginBody("m26", demo.Password)); code != 503 {
		t.Errorf("login with the database down: %d %s, want 503", code, out)
	}
	if code, _, out := call(t, down, "GET", "/api/v1/me", tok, nil); code != 503 {
		t.Errorf("a call with the database down: %d %s, want 503", code, out)
	}

	var all strings.Builder
	failures := 0
	for _, e := range logs.All() {
		if e.Message == "request failed" {
			failures++
		}
		fmt.Fprintf(&all, "%s %s %s %v\n", e.LoggerName, e.Message, e.Stack, e.ContextMap())
	}
	text := all.String()
	if logs.FilterMessage("http").Len() < len(requests) || failures < 2 {
		t.Fatalf("the logs hold %d request lines and %d failures; the test logged too little:\n%s", logs.FilterMessage("http").Len(), failures, text)
	}
	for what, secret := range map[string]string{"the demo password": demo.Password, "a wrong password": wrong,
		"the token": tok, "the token's first 12 characters": tok[:12]} {
		if strings.Contains(text, secret) {
			t.Errorf("%s is in the logs:\n%s", what, text)
		}
	}
	t.Logf("%d log lines, %d request failures, no secret in them", logs.Len(), failures)
}

// TestSecurityHeaders: every answer carries the security headers, success
// and error alike, JSON and xlsx, the API's server and the limiter's 429.
func TestSecurityHeaders(t *testing.T) {
	member, org := H.Login(t, "m26"), H.Login(t, "shangcai-org")
	limited := testServer(t, server.Config{LoginPerMinute: 1})
	call(t, limited, "POST", "/api/v1/login", "", loginBody("m26", "not-the-password"))
	cases := []struct {
		base, method, path, token string
		body                      any
		want                      int
	}{
		{H.URL, "GET", "/healthz", "", nil, 200},
		{H.URL, "GET", "/readyz", "", nil, 200},
		{H.URL, "GET", "/api/v1/me", member.Token, nil, 200},
		{H.URL, "GET", "/api/v1/ledger?county=shangcai&format=xlsx", org.Token, nil, 200},
		{H.URL, "POST", "/api/v1/login", "", loginBody("m26", "not-the-password"), 401},
		{H.URL, "GET", "/api/v1/me", "", nil, 401},
		{H.URL, "GET", "/api/v1/me", "not-a-token", nil, 401},
		{H.URL, "GET", "/api/v1/ledger", member.Token, nil, 403},
		{H.URL, "GET", "/api/v1/no-such-route", member.Token, nil, 404},
		{H.URL, "DELETE", "/api/v1/me", member.Token, nil, 405},
		{H.URL, "POST", "/api/v1/leaves", member.Token, []byte("{not json"), 400},
		{H.URL, "POST", "/api/v1/leaves", member.Token, bytes.Repeat([]byte("x"), 70<<10), 413},
		{limited, "POST", "/api/v1/login", "", loginBody("m26", demo.Password), 429},
	}
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	for _, c := range cases {
		code, hdr, out := call(t, c.base, c.method, c.path, c.token, c.body)
		if code != c.want {
			t.Errorf("%s %s: %d, want %d: %.200s", c.method, c.path, code, c.want, out)
		}
		for k, v := range want {
			if got := hdr.Get(k); got != v {
				t.Errorf("%s %s (%d): %s = %q, want %q", c.method, c.path, code, k, got, v)
			}
		}
	}
	// The pages have their own policy: their stylesheet and nothing else,
	// no script, no frame, no form posting elsewhere.
	for _, path := range []string{"/no-such-page", "/login"} {
		code, hdr, out := call(t, H.URL, "GET", path, "", nil)
		csp := hdr.Get("Content-Security-Policy")
		if (path == "/login") != (code == 200) || !strings.Contains(csp, "default-src 'none'") ||
			!strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "script-src") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self'") ||
			hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: %d, CSP %q, headers %v: %.200s", path, code, csp, hdr, out)
		}
	}
}
