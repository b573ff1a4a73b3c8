package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageAccess maps every page route that needs a session to the API route
// whose action (and so whose access rule) it calls; the matrix checks
// those rules cell by cell, and TestPageRoutesHaveAccessRules checks that
// no page route is left out. Pages that call no action of their own
// (login, a password change, static files) are listed as "session" or
// "public".
var pageAccess = map[string]string{
	"GET /login":         "public",
	"POST /login":        "public",
	"GET /static/{name}": "public",
	"POST /logout":       "session",
	"GET /":              "GET /inbox",
	"GET /password":      "session",
	"POST /password":     "session",
}

// TestPageRoutesHaveAccessRules walks the router: every page route has an
// access rule here, and without a session every non-public one sends the
// browser to the login page rather than answering.
func TestPageRoutesHaveAccessRules(t *testing.T) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pages := 0
	for _, r := range registeredRoutes(t) {
		method, path, _ := strings.Cut(r, " ")
		if strings.HasPrefix(path, "/api/v1") || publicRoutes[r] {
			continue
		}
		pages++
		rule, ok := pageAccess[r]
		if !ok {
			t.Errorf("page route %s has no access rule in pageAccess", r)
			continue
		}
		if rule == "public" {
			continue
		}
		if rule != "session" && !strings.HasPrefix(rule, "GET ") && !strings.HasPrefix(rule, "POST ") && !strings.HasPrefix(rule, "PUT ") {
			t.Errorf("page route %s: rule %q is neither public, session nor an API route", r, rule)
		}
		concrete := strings.NewReplacer("{id}", "00000000-0000-0000-0000-000000000000", "{name}", "x").Replace(path)
		req, _ := http.NewRequest(method, H.URL+concrete, strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s without a session: %d to %q, want 303 to /login", r, resp.StatusCode, loc)
		}
	}
	if pages < 5 {
		t.Fatalf("walked only %d page routes", pages)
	}
}

// TestPagesLogin: a wrong password is said in Chinese and the username
// stays typed; the right one leads home, and logout ends the session.
func TestPagesLogin(t *testing.T) {
	b := newBrowser(t)
	b.noScript() // the pages need none
	if st := b.open("/"); st != http.StatusOK || !strings.HasPrefix(b.path(), "/login") {
		t.Fatalf("home without a session: %d at %s, want the login page", st, b.path())
	}
	b.fill("#username", "m05")
	b.fill("#password", "wrong-password")
	b.submit("form button[type=submit]")
	if got := b.text(".error"); got != "用户名或密码错误" {
		t.Errorf("wrong password says %q", got)
	}
	if v, _ := chromedpValue(b, "#username"); v != "m05" {
		t.Errorf("the username typed is lost: %q", v)
	}
	b.shot("login")
	b.fill("#password", "zhucun-demo")
	b.submit("form button[type=submit]")
	if b.path() != "/" || !strings.Contains(b.text(".who"), "驻村队员") {
		t.Fatalf("after login: %s, header %q", b.path(), b.text(".who"))
	}
	b.submit("form[action='/logout'] button")
	if !strings.HasPrefix(b.path(), "/login") || b.text(".flash") != "已退出登录" {
		t.Errorf("after logout: %s, %q", b.path(), b.text(".flash"))
	}
	if b.open("/"); !strings.HasPrefix(b.path(), "/login") {
		t.Errorf("the session outlived logout: %s", b.path())
	}
	b.login("xiping-bureau")
	if who := b.text(".who"); !strings.Contains(who, "县乡村振兴局") {
		t.Errorf("a county bureau's header says %q", who)
	}
}

// pageClient is a logged-in page session without a browser: a cookie
// jar after POST /login.
func pageClient(t *testing.T, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(H.URL+"/login", url.Values{"username": {username}, "password": {"zhucun-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/" {
		t.Fatalf("page login as %s ended at %s", username, resp.Request.URL)
	}
	return c
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// chromedpValue is a form field's current value.
func chromedpValue(b *browser, sel string) (string, error) {
	return chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
}

// TestPageCrossSitePostRefused: a form on another site cannot post into a
// logged-in person's session: the password stays as it was.
func TestPageCrossSitePostRefused(t *testing.T) {
	c := pageClient(t, "m27")
	for _, h := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		form := url.Values{"current_password": {"zhucun-demo"}, "new_password": {"x-stolen-1234"}, "repeat_password": {"x-stolen-1234"}}
		req, _ := http.NewRequest("POST", H.URL+"/password", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(h[0], h[1])
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "拒绝来自其他网站的提交") {
			t.Errorf("cross-site post with %s: %d %.200s", h[0], resp.StatusCode, body)
		}
	}
	pageClient(t, "m27") // the old password still works
}
