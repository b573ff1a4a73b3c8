package server

// Article 13's routes: trips, spot checks, the monthly statement and the
// optional check-in.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

func (s *Server) presenceRoutes(r chi.Router) {
	r.Post("/trips", s.handle(s.reportTrip))
	r.Get("/trips", s.handle(list(s.act.ListTrips)))
	r.Get("/trips/{id}", s.handle(get(s.act.GetTrip)))
	r.Post("/trips/{id}/decision", s.handle(step(s.act.DecideTrip)))
	r.Post("/spot-checks", s.handle(s.recordSpotCheck))
	r.Get("/spot-checks", s.handle(list(s.act.ListSpotChecks)))
	r.Get("/spot-checks/summary", s.handle(list(s.act.SpotCheckSummary)))
	r.Post("/presence-statements", s.handle(s.startStatement))
	r.Get("/presence-statements", s.handle(list(s.act.ListStatements)))
	r.Get("/presence-statements/{id}", s.handle(get(s.act.GetStatement)))
	r.Get("/presence-statements/{id}/members", s.handle(get(s.act.StatementMembers)))
	r.Post("/presence-statements/{id}/decision", s.handle(step(s.act.DecideShortfall)))
	r.Post("/check-ins", s.handle(s.checkIn))
}

func (s *Server) reportTrip(w http.ResponseWriter, r *http.Request) error {
	var req actions.TripRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	c, err := s.act.ReportTrip(r.Context(), userOf(r), req)
	return created(w, c, err)
}

func (s *Server) recordSpotCheck(w http.ResponseWriter, r *http.Request) error {
	var req actions.SpotCheckRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	res, err := s.act.RecordSpotCheck(r.Context(), userOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

func (s *Server) startStatement(w http.ResponseWriter, r *http.Request) error {
	var req actions.StatementRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	return answer[any](w)(s.act.StartStatement(r.Context(), userOf(r), req))
}

func (s *Server) checkIn(w http.ResponseWriter, r *http.Request) error {
	var req actions.CheckInRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	res, err := s.act.CheckIn(r.Context(), userOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}
