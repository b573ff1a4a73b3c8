package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/internal/throttle"
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

// DefaultLoginPerUserPerMinute is the limit of failed logins on one
// username from one address when Config.LoginPerUserPerMinute is zero.
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

// loginHandler is POST /login. The login guard (actions.LoginLimits)
// throttles failures per address and per (username, address), and slows a
// username under attack from many addresses; the handler tells it the
// client's address: the TCP peer, never a header a client could forge.
func (s *Server) loginHandler() http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		var req actions.LoginRequest
		if err := decodeValid(r, &req); err != nil {
			return err
		}
		req.Address = throttle.Address(r.RemoteAddr)
		session, err := s.act.Login(r.Context(), req)
		if err != nil {
			return err
		}
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
