package e2e

// The browser harness: headless Chromium (Debian's chromium, found on
// PATH) driving the pages as people do, one window per person, with
// screenshots for the README.

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

var (
	chromeOnce sync.Once
	chromeCtx  context.Context
	chromeErr  error
)

// chrome starts one Chromium for the package (it ends with the test
// binary); each browser is a separate browser context in it, with its own
// cookies.
func chrome(t testing.TB) context.Context {
	chromeOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
			chromedp.Flag("lang", "zh-CN"), chromedp.Flag("disable-dev-shm-usage", true))
		alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		chromeCtx, _ = chromedp.NewContext(alloc)
		chromeErr = chromedp.Do(chromeCtx) // starts the browser
	})
	if chromeErr != nil {
		t.Fatalf("chromium does not start (apt-get install chromium): %v", chromeErr)
	}
	return chromeCtx
}

// browser is one person's window.
type browser struct {
	t   testing.TB
	ctx context.Context
}

// newBrowser opens a window at phone width (360×740) unless told
// otherwise; it closes with the test.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(chrome(t), chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	b := &browser{t: t, ctx: ctx}
	b.do(chromedp.EmulateViewport(360, 740))
	return b
}

// do runs steps, failing the test on an error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// noScript turns JavaScript off in this window: the pages must work
// without it.
func (b *browser) noScript() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		b.t.Fatalf("disable script: %v", err)
	}
}

// open goes to a page of the site and returns its HTTP status.
func (b *browser) open(path string) int {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(H.URL+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return int(resp.Status)
}

// submit clicks a form's button and waits for the page that answers.
func (b *browser) submit(button string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		b.t.Fatalf("submit %s: %v", button, err)
	}
	return int(resp.Status)
}

// fill types into a field, replacing what it held.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.do(chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// text is an element's visible text ("" when there is none).
func (b *browser) text(sel string) string {
	b.t.Helper()
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		b.t.Fatalf("find %s: %v", sel, err)
	}
	if len(nodes) == 0 {
		return ""
	}
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// path is the address the window shows, without the host.
func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, H.URL)
}

// login signs in through the login page as a demo user.
func (b *browser) login(username string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#username", username)
	b.fill("#password", "zhucun-demo")
	if st := b.submit("form button[type=submit]"); st != http.StatusOK {
		b.t.Fatalf("login as %s: status %d", username, st)
	}
	if b.path() == "/login" {
		b.t.Fatalf("login as %s stayed on the login page: %s", username, b.text("main"))
	}
}

// screenshotDir is where the README's pictures are kept.
const screenshotDir = "../docs/screenshots"

// shot saves the page as docs/screenshots/NAME-360.png and NAME-1280.png,
// whole pages at a phone's and a desktop's width, and checks that neither
// scrolls sideways.
func (b *browser) shot(name string) {
	b.t.Helper()
	for _, w := range []int64{360, 1280} {
		b.do(chromedp.EmulateViewport(w, 800))
		wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil {
			b.t.Fatal(err)
		}
		if wide {
			b.t.Errorf("%s at %d px scrolls sideways", name, w)
		}
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatal(err)
		}
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		file := filepath.Join(screenshotDir, name+"-"+map[int64]string{360: "360", 1280: "1280"}[w]+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do(chromedp.EmulateViewport(360, 740))
}

// jsString quotes s for a script the test evaluates in the page.
func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
