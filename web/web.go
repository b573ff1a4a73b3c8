// Package web is the pages for people: members, approvers, unit heads and
// county clerks, in Chinese, on a phone inside WeChat or on an office
// desktop. Pages are rendered on the server (html/template) and work
// without JavaScript: a form posts, the server redirects, the browser gets
// the page again (POST-redirect-GET). Every page calls the same actions as
// the JSON API; nothing here decides who may do what. Sessions are
// server-side cookies; cross-site posts are refused; the pages' content
// security policy allows only the binary's own styles, and no script.
package web

import (
	"embed"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"zhucun/actions"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Pages serves the pages over the actions.
type Pages struct {
	act    *actions.Actions
	log    *zap.Logger
	views  *views
	assets *assets
	now    func() time.Time
}

// New parses the templates and fingerprints the assets; an error here is
// a bug in the binary, found at start.
func New(act *actions.Actions, log *zap.Logger) (*Pages, error) {
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	vs, err := parseViews(as)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Pages{act: act, log: log, views: vs, assets: as, now: time.Now}, nil
}

// Routes mounts every page on r (the root of the site).
func (p *Pages) Routes(r chi.Router) {
	r.Get("/static/{name}", p.assets.serve)
	r.Group(func(r chi.Router) {
		r.Use(pageHeaders, p.crossOrigin, p.session)
		r.Get("/login", p.handle(p.loginPage))
		r.Post("/login", p.handle(p.login))
		r.Group(func(r chi.Router) {
			r.Use(p.requireUser)
			r.Post("/logout", p.handle(p.logout))
			r.Get("/", p.handle(p.home))
			r.Get("/password", p.handle(p.passwordPage))
			r.Post("/password", p.handle(p.changePassword))
			p.memberRoutes(r)
			p.attachmentRoutes(r)
			p.approverRoutes(r)
			p.officeRoutes(r)
			p.adminRoutes(r)
			p.boardRoutes(r)
			p.robotRoutes(r)
			p.presenceRoutes(r)
			p.delegRoutes(r)
			p.obligationRoutes(r)
			p.accountabilityRoutes(r)
		})
	})
}

// pageHeaders: the pages may use their own styles and nothing else; no
// script runs, no frame holds them, no form posts elsewhere.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses a state-changing request another site's page sent
// (Go's CrossOriginProtection reads Sec-Fetch-Site and Origin), with the
// pages' own error page.
func (p *Pages) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fail(w, r, errCrossSite())
	}))
	return cop.Handler(next)
}
