package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"zhucun/store"
)

type ctxKey struct{}

// userOf is the authenticated caller; authenticate guarantees one.
func userOf(r *http.Request) store.User { return r.Context().Value(ctxKey{}).(store.User) }

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			s.fail(w, r, errf(CodeUnauthenticated, "missing bearer token; log in at POST /api/v1/login"))
			return
		}
		u, err := s.store.UserByToken(r.Context(), tok)
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			s.fail(w, r, errf(CodeUnauthenticated, "token is unknown, expired or revoked; log in again"))
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	f := fields{}
	f.check(req.Username != "", "username", "required")
	f.check(req.Password != "", "password", "required")
	if err := f.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.Authenticate(r.Context(), req.Username, req.Password)
	if errors.Is(err, store.ErrBadCredentials) {
		s.fail(w, r, errf(CodeUnauthenticated, "wrong username or password"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tok, exp, err := s.store.IssueToken(r.Context(), u.ID, s.tokenTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expires_at": exp.Format(time.RFC3339), "user": u})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.store.RevokeToken(r.Context(), bearer(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	writeJSON(w, http.StatusOK, map[string]any{"user": u, "scope": scopeOf(u), "party": partyOf(u)})
}
