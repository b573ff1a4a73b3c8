package server

import "github.com/go-chi/chi/v5"

// absenceRoutes: absence explanations and monthly reports (article 18).
func (s *Server) absenceRoutes(r chi.Router) {}
