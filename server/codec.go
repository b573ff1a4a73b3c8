package server

// The Temporal Web UI's codec endpoint (Temporal's remote codec protocol):
// inputs and results sit encrypted in Temporal's store (seal), and the UI,
// running in a person's browser, posts them here to read them. Only a
// logged-in office account of a county or the city, whose work is to
// oversee processes, gets them decoded; members, unit heads, townships and
// anyone without a session get nothing. Decode only: nothing encrypts
// through here.

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/sdk/converter"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
)

// codecRoles may read decoded payloads.
var codecRoles = []string{policy.RoleCountyOrgDept, policy.RoleCountyBureau, policy.RoleCityOrgDept, policy.RoleCityBureau}

func (s *Server) codecRoutes(r chi.Router) {
	if s.cfg.Keys == nil {
		return
	}
	h := converter.NewPayloadCodecHTTPHandler(s.cfg.Keys.Codec())
	r.With(securityHeaders, s.codecCORS).Options("/codec/decode", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	r.With(securityHeaders, s.codecCORS).Post("/codec/decode", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.codecUser(r)
		if err != nil {
			return err
		}
		if !slices.Contains(codecRoles, u.Role) {
			return errs.New(errs.Forbidden, errs.MsgForbidden)
		}
		if err := actions.PasswordChangeFirst(u); err != nil {
			return err
		}
		h.ServeHTTP(w, r)
		return nil
	}))
}

// codecUser is the caller: a bearer token, or the pages' session cookie
// (which the UI's fetch carries, with credentials included).
func (s *Server) codecUser(r *http.Request) (actions.User, error) {
	if t := bearer(r); t != "" {
		return s.act.Authenticate(r.Context(), t)
	}
	if c, err := r.Cookie("zhucun_session"); err == nil && c.Value != "" {
		return s.act.ResumeSession(r.Context(), c.Value)
	}
	return actions.User{}, errs.New(errs.Unauthenticated, errs.MsgNoToken)
}

// codecCORS lets the UI's origins call the endpoint with credentials.
func (s *Server) codecCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && slices.Contains(s.cfg.UIOrigins, o) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
			h.Add("Vary", "Origin")
		}
		next.ServeHTTP(w, r)
	})
}
