package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/httprate"

	"zhucun/actions"
	"zhucun/errs"
)

type ctxKey struct{}

// userOf is the authenticated caller; authenticate guarantees one.
func userOf(r *http.Request) actions.User { return r.Context().Value(ctxKey{}).(actions.User) }

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.act.Authenticate(r.Context(), bearer(r))
		if e, ok := errs.As(err); ok && e.Code == errs.Unauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		if err == nil && !passwordFirstAllowed[r.URL.Path] {
			err = actions.PasswordChangeFirst(u) // a one-time password is changed before anything else
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	})
}

// DefaultLoginPerUserPerMinute is the per-username login limit when
// Config.LoginPerUserPerMinute is zero.
const DefaultLoginPerUserPerMinute = 10

// loginAddrKey keys the per-address login limit on the TCP peer (never on a
// client-supplied header, which an attacker could rotate or pin on a victim);
// an IPv6 client is one /64.
func loginAddrKey(r *http.Request) (string, error) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return "addr:" + httprate.CanonicalizeIP(ip), nil
}

// tooManyLogins is the answer of both login limits, in the API's error shape.
func (s *Server) tooManyLogins(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errs.New(errs.RateLimited, errs.MsgTooManyLogins))
}

// loginLimitByAddress limits every login attempt from one client address to
// Config.LoginPerMinute a minute.
func (s *Server) loginLimitByAddress() func(http.Handler) http.Handler {
	return httprate.LimitBy(s.cfg.LoginPerMinute, time.Minute, loginAddrKey,
		httprate.WithLimitHandler(s.tooManyLogins),
		httprate.WithResponseHeaders(httprate.ResponseHeaders{RetryAfter: "Retry-After"}))
}

// loginCounter is httprate's in-memory counter that also takes back the
// attempt of a login that succeeded, and never a past window's (which the
// in-memory counter would take for a new window and so forget the rest).
type loginCounter struct {
	httprate.LimitCounter
	mu     sync.Mutex
	latest time.Time
}

func (c *loginCounter) Increment(key string, window time.Time) error {
	return c.IncrementBy(key, window, 1)
}

func (c *loginCounter) IncrementBy(key string, window time.Time, n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if window.Before(c.latest) {
		return nil
	}
	c.latest = window
	return c.LimitCounter.IncrementBy(key, window, n)
}

// loginHandler is POST /login with its per-username limit: every attempt
// on a username counts against Config.LoginPerUserPerMinute before the
// password is checked (so parallel guesses are counted too), and a
// successful login gives its attempt back, so the limit stops guessing
// without locking out someone who logs in often. An unknown username is
// limited exactly as a known one: the answers never tell them apart.
func (s *Server) loginHandler() http.HandlerFunc {
	perUser := s.cfg.LoginPerUserPerMinute
	if perUser <= 0 {
		perUser = DefaultLoginPerUserPerMinute
	}
	counter := &loginCounter{LimitCounter: httprate.NewLocalLimitCounter(time.Minute)}
	// A counter of our own keeps windows on the wall clock's minutes, so
	// the window an attempt was counted in is known to give it back.
	limiter := httprate.NewRateLimiter(perUser, time.Minute, httprate.WithLimitCounter(counter),
		httprate.WithResponseHeaders(httprate.ResponseHeaders{RetryAfter: "Retry-After"}),
		httprate.WithErrorHandler(func(http.ResponseWriter, *http.Request, error) {})) // counted as limited
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		var req actions.LoginRequest
		if err := decodeValid(r, &req); err != nil {
			return err
		}
		key, window := "user:"+req.Username, time.Now().UTC().Truncate(time.Minute)
		if limiter.OnLimit(w, r, key) {
			return errs.New(errs.RateLimited, errs.MsgTooManyLogins)
		}
		session, err := s.act.Login(r.Context(), req)
		if err != nil {
			return err
		}
		_ = counter.IncrementBy(key, window, -1) // a success gives its attempt back
		return writeJSON(w, http.StatusOK, session)
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.act.Logout(r.Context(), bearer(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
