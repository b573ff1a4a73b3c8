// Package e2e drives zhucun as its users do: over HTTP, against the real
// embedded Temporal server and a real PostgreSQL database, logged in as the
// demo accounts. One server is started for the whole package (linking and
// starting Temporal is the slow part); tests use disjoint demo members.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"zhucun/app"
	"zhucun/demo"
	"zhucun/internal/pgtest"
)

// Harness is the running system under test.
type Harness struct {
	URL      string
	App      *app.App
	Pool     *pgxpool.Pool
	Temporal client.Client
	Config   app.Config
	DataDir  string
}

// figure logs a measured line and prints it, so that a plain `go test`
// run (CI's) shows the figures too.
func figure(t *testing.T, msg string) {
	t.Helper()
	t.Log(msg)
	fmt.Println(msg)
}

// serveConfig is `serve --demo` in process, on free loopback ports, with the
// embedded Temporal on SQLite in dataDir and no login limit worth hitting.
func serveConfig(dbURL, dataDir string) app.Config {
	return app.Config{DatabaseURL: dbURL, Namespace: "default", Addr: "127.0.0.1:0", DataDir: dataDir,
		EmbeddedAddr: "127.0.0.1:0", Demo: true, TokenTTL: time.Hour, LoginPerMinute: 100000,
		PublicURL: "https://zhucun.example.cn", PauseSchedules: true}
}

// H is started by TestMain.
var H *Harness

// Logs is H's log at info level and above, kept for tests to read.
var Logs *observer.ObservedLogs

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dbURL, drop, err := pgtest.Create("e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer drop()
	dir, err := os.MkdirTemp("", "zhucun-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cfg := serveConfig(dbURL, dir)
	core, logs := observer.New(zap.InfoLevel)
	Logs = logs
	a, err := app.Start(context.Background(), cfg, app.ModeServe, zap.New(core))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		return 1
	}
	H = &Harness{URL: a.URL, App: a, Pool: a.Pool, Temporal: a.Temporal, Config: cfg, DataDir: dir}
	code := m.Run()
	H.App.Stop()
	fmt.Println(contractSummary())
	return code
}

// Client is a logged-in demo user.
type Client struct {
	Username string
	Token    string
	User     map[string]any
}

var tokens sync.Map // username → *Client, so tests share logins

// Login logs in as a demo account (cached per username).
func (h *Harness) Login(t testing.TB, username string) *Client {
	t.Helper()
	if c, ok := tokens.Load(username); ok {
		return c.(*Client)
	}
	anon := &Client{}
	body := anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": demo.Password}, 200)
	c := &Client{Username: username, Token: body["token"].(string), User: body["user"].(map[string]any)}
	tokens.Store(username, c)
	return c
}

// Anonymous is a client without a token.
func (h *Harness) Anonymous() *Client { return &Client{} }

// Do sends a request; body is JSON-encoded unless it is nil or []byte.
func (c *Client) Do(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	status, hdr, out, err := request(http.DefaultClient, H.URL, method, path, c.Token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	checkAnswerShape(t, method+" "+path, hdr, out)
	return status, out
}

// instant is an RFC 3339 instant as JSON carries it.
var instant = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// checkAnswerShape holds every JSON answer of every test to one format:
// it ends with a newline, every instant in it is China time (+08:00),
// whichever resource and field it is, and a finished step waits on no one,
// whichever kind of process it belongs to.
func checkAnswerShape(t testing.TB, what string, hdr http.Header, out []byte) {
	t.Helper()
	if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || len(out) == 0 {
		return
	}
	if out[len(out)-1] != '\n' {
		t.Errorf("%s: the answer does not end with a newline", what)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Errorf("%s: not JSON: %v", what, err)
		return
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if done, ok := x["done_at"]; ok && done != nil {
				if w, _ := x["waiting_on"].([]any); len(w) > 0 {
					t.Errorf("%s: step %s is done but still waits on %v", what, path, w)
				}
			}
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case string:
			if instant.MatchString(x) && !strings.HasSuffix(x, "+08:00") {
				t.Errorf("%s: %s = %q is not China time (+08:00)", what, path, x)
			}
		}
	}
	walk("", v)
}

// request is every e2e test's one HTTP call: to base+path, with the token
// (if any) as a bearer, body JSON-encoded unless it is nil or []byte, and
// headers in key, value pairs (an empty value removes the header, e.g. the
// default Content-Type). Request and answer are checked against the
// OpenAPI document (checkContract). It returns errors instead of failing
// the test, so goroutines may call it.
func request(hc *http.Client, base, method, path, token string, body any, headers ...string) (int, http.Header, []byte, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return 0, nil, nil, err
		}
		raw = buf
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err == nil {
		err = checkContract(req, raw, resp.StatusCode, resp.Header, out)
	}
	return resp.StatusCode, resp.Header, out, err
}

// JSON sends a request, fails the test unless the status is want, and
// decodes the JSON object answered.
func (c *Client) JSON(t testing.TB, method, path string, body any, want int) map[string]any {
	t.Helper()
	status, out := c.Do(t, method, path, body)
	if status != want {
		t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, c.Username, status, want, out)
	}
	m := map[string]any{}
	if len(out) > 0 {
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s %s: not a JSON object: %s", method, path, out)
		}
	}
	return m
}

// items returns a list response's items.
func items(t testing.TB, m map[string]any) []map[string]any {
	t.Helper()
	raw, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("no items in %v", m)
	}
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// doWithHeader sends a JSON request with one extra header and decodes the
// answer, whatever its status.
func doWithHeader(t testing.TB, c *Client, method, path string, body any, key, value string) map[string]any {
	t.Helper()
	_, _, raw, err := request(http.DefaultClient, H.URL, method, path, c.Token, body, key, value)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}
