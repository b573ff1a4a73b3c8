package server

import "github.com/go-chi/chi/v5"

// rosterRoutes: roster changes and the ledger (article 17).
func (s *Server) rosterRoutes(r chi.Router) {}
