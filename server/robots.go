package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

// robotRoutes: the county bureau's group robots per office, unit and team.
func (s *Server) robotRoutes(r chi.Router) {
	r.Get("/robots", s.handle(s.robots))
	r.Put("/robots/{scope}/{id}", s.handle(s.putRobot))
	r.Delete("/robots/{scope}/{id}", s.handle(s.deleteRobot))
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.Robots(r.Context(), userOf(r)))
}

func (s *Server) putRobot(w http.ResponseWriter, r *http.Request) error {
	var req actions.RobotRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Scope, req.ID = chi.URLParam(r, "scope"), chi.URLParam(r, "id")
	return answer[any](w)(s.act.PutRobot(r.Context(), userOf(r), req))
}

func (s *Server) deleteRobot(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.DeleteRobot(r.Context(), userOf(r), chi.URLParam(r, "scope"), chi.URLParam(r, "id")))
}
