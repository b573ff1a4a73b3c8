package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/policy"
)

func (s *Server) policyRoutes(r chi.Router) {
	r.Get("/policies/{county}", s.getPolicy)
	r.Get("/policies/{county}/versions", s.policyVersions)
	r.Put("/policies/{county}", s.putPolicy)
}

// policyScope checks the county exists (or is "city") and that the caller
// is an office.
func (s *Server) policyScope(w http.ResponseWriter, r *http.Request) (string, bool) {
	scope := chi.URLParam(r, "county")
	if !isOffice(userOf(r)) && userOf(r).Role != policy.RoleUnitHead {
		s.fail(w, r, errf(CodeForbidden, "policies are for offices"))
		return "", false
	}
	if scope != policy.CityScope {
		if _, _, err := s.store.County(r.Context(), scope); err != nil {
			s.fail(w, r, err)
			return "", false
		}
	}
	return scope, true
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.policyScope(w, r)
	if !ok {
		return
	}
	p, err := s.store.CurrentPolicy(r.Context(), scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) policyVersions(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.policyScope(w, r)
	if !ok {
		return
	}
	ps, err := s.store.PolicyVersions(r.Context(), scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ps, "next": ""})
}

// putPolicy stores a new version; running processes keep the version they
// started with.
func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) {
	scope, ok := s.policyScope(w, r)
	if !ok {
		return
	}
	u := userOf(r)
	if !isCityOffice(u) {
		s.fail(w, r, errf(CodeForbidden, "only city offices change policies"))
		return
	}
	var body struct {
		Rules policy.Rules `json:"rules"`
	}
	if err := decode(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkRules(body.Rules); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.PutPolicy(r.Context(), scope, body.Rules, u.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
