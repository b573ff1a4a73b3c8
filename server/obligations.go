package server

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/store"
)

// The yearly duties (articles 11, 19, 23) and team make-up (article 8).
func (s *Server) obligationRoutes(r chi.Router) {
	r.Post("/trainings", s.handle(s.recordTraining))
	r.Post("/unit-support/hearings", s.handle(s.supportRecord(s.act.RecordHearing)))
	r.Post("/unit-support/visits", s.handle(s.supportRecord(s.act.RecordVisit)))
	r.Get("/unit-support", s.handle(s.supportRecords))
	r.Get("/assessments/{id}", s.handle(get(s.act.Assessment)))
	r.Post("/assessments/{id}/result", s.handle(step(s.act.RecordAssessment)))
	r.Post("/assessments/{id}/acknowledge", s.handle(comment(s.act.AckAssessment)))
	r.Get("/team-flags", s.handle(s.teamFlags))
	r.Post("/team-flags/check", s.handle(s.checkTeams))
}

func (s *Server) recordTraining(w http.ResponseWriter, r *http.Request) error {
	var req actions.TrainingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := s.act.RecordTraining(r.Context(), userOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (s *Server) supportRecord(act func(ctx context.Context, u actions.User, req actions.SupportRequest) (store.SupportRecord, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req actions.SupportRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		v, err := act(r.Context(), userOf(r), req)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, v)
	}
}

func (s *Server) supportRecords(w http.ResponseWriter, r *http.Request) error {
	return answer[actions.SupportList](w)(s.act.SupportRecords(r.Context(), userOf(r), r.URL.Query().Get("year")))
}

func (s *Server) teamFlags(w http.ResponseWriter, r *http.Request) error {
	list, err := s.act.TeamFlags(r.Context(), userOf(r), r.URL.Query().Get("county"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

func (s *Server) checkTeams(w http.ResponseWriter, r *http.Request) error {
	n, err := s.act.CheckTeamsNow(r.Context(), userOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"open": n})
}
