package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"

	"zhucun/actions"
	"zhucun/errs"
)

// handler is a page handler: it renders or redirects, or returns an error
// for fail to show.
type handler func(w http.ResponseWriter, r *http.Request) error

func (p *Pages) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			p.fail(w, r, err)
		}
	}
}

func zapErr(err error) zap.Field { return zap.Error(err) }

// fail shows an error as a page: not logged in goes to the login page; a
// process the user may not see is a 404 like one that does not exist (the
// page must not tell them apart); the rest show their Chinese message.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, known := actions.Explain(err)
	if !known {
		p.log.Error("page failed", zap.String("request_id", middleware.GetReqID(r.Context())),
			zap.String("path", r.URL.Path), zap.Error(err))
	}
	if e.Code == errs.Unauthenticated && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if e.Code == errs.Forbidden && r.Method == http.MethodGet {
		e = errs.Generic(errs.NotFound)
	}
	p.render(w, r, errs.Status(e.Code), "error", page{Title: "出错了", Data: e})
}

func errCrossSite() error { return errs.New(errs.Forbidden, errs.MsgCrossSite) }

// formError is a failed form's answer: the form again, with what was
// typed and each message beside its field. It reports false for an error
// that is not about the form's fields; the caller returns that one.
func formError(err error, pg *page, r *http.Request) bool {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		return false
	}
	pg.Form = r.PostForm
	pg.Errors = e.Fields
	if len(e.Fields) == 0 {
		pg.Error = e.Message
	}
	return true
}

// refusedForm puts a refused form's problem on pg, with the form kept as
// typed: bad fields beside themselves (formError), a refusal of one of
// codes above the form. Any other error is returned, for the error page.
func refusedForm(err error, pg *page, r *http.Request, codes ...errs.Code) error {
	if formError(err, pg, r) {
		return nil
	}
	e, known := actions.Explain(err)
	if !known || !slices.Contains(codes, e.Code) {
		return err
	}
	pg.Form, pg.Error = r.PostForm, e.Message
	return nil
}

type userKey struct{}

func userOf(r *http.Request) (actions.User, bool) {
	u, ok := r.Context().Value(userKey{}).(actions.User)
	return u, ok
}

// mustUser is the user of a page behind requireUser.
func mustUser(r *http.Request) actions.User {
	u, _ := userOf(r)
	return u
}

const sessionCookie = "zhucun_session"

// session puts the user of a live session cookie in the context; pages
// that need one ask requireUser.
func (p *Pages) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" {
			u, err := p.act.ResumeSession(r.Context(), c.Value)
			if err == nil {
				r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
			} else if e, ok := errs.As(err); !ok || e.Code != errs.Unauthenticated {
				p.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser sends a visitor without a session to the login page.
func (p *Pages) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := userOf(r); !ok {
			next := "/"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if u, _ := userOf(r); u.MustChangePassword && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			_ = redirect(w, r, "/password", errs.Text(errs.MsgMustChangeOnPage)) // a one-time password goes first
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setSession stores the session cookie: HttpOnly, SameSite=Lax, Secure
// when the page came over TLS.
func setSession(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: maxAge})
}

const flashCookie = "zhucun_flash"

// redirect ends a successful POST: the browser gets the page again, with
// a one-time notice saying what was done.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(flash)),
			Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// takeFlash reads the notice a redirect left, once.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	return string(b)
}

// localPath keeps a ?next= target on this site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// NotFound is the site's 404 for an address no page or route has.
func (p *Pages) NotFound(w http.ResponseWriter, r *http.Request) {
	p.session(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p.render(w, r, http.StatusNotFound, "error", page{Title: "找不到页面", Data: errs.New(errs.NotFound, errs.MsgNoRoute)})
		})).ServeHTTP(w, r)
	})).ServeHTTP(w, r)
}
