package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

// accountRoutes: one's own password, and an administrator's management of
// other accounts.
func (s *Server) accountRoutes(r chi.Router) {
	r.Post("/password", s.handle(s.changePassword))
	r.Post("/accounts/{username}/password-reset", s.handle(s.resetPassword))
	r.Post("/accounts/{username}/disable", s.handle(s.disableAccount))
}

// changePassword sets the caller's own password; every token of theirs
// ends with it, this one too, so the client logs in again.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req actions.PasswordRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.act.ChangePassword(r.Context(), userOf(r), req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	req := actions.AccountRequest{Username: chi.URLParam(r, "username")}
	return answer[actions.ResetResult](w)(s.act.ResetPassword(r.Context(), userOf(r), req))
}

func (s *Server) disableAccount(w http.ResponseWriter, r *http.Request) error {
	req := actions.AccountRequest{Username: chi.URLParam(r, "username")}
	if err := s.act.DisableAccount(r.Context(), userOf(r), req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// passwordFirstAllowed are the routes a user with a one-time password may
// call: the change itself, who am I, and logging out.
var passwordFirstAllowed = map[string]bool{"/api/v1/password": true, "/api/v1/me": true, "/api/v1/logout": true}
