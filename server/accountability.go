package server

// The accountability routes (articles 18 and 20): circulation, interview, recall.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

func (s *Server) accountabilityRoutes(r chi.Router) {
	r.Get("/circulations/{month}", s.handle(s.circulation))
	r.Post("/circulations/{month}/issue", s.handle(s.issueCirculation))
	r.Post("/interviews", s.handle(s.openInterview))
	r.Get("/interviews", s.handle(list(s.act.ListInterviews)))
	r.Get("/interviews/{id}", s.handle(get(s.act.GetInterview)))
	r.Post("/interviews/{id}/schedule", s.handle(step(s.act.ScheduleInterview)))
	r.Post("/interviews/{id}/held", s.handle(step(s.act.HoldInterview)))
	r.Get("/units/{id}/interviews", s.handle(get(s.act.UnitInterviews)))
	r.Post("/recalls", s.handle(s.recall))
	r.Get("/recalls", s.handle(list(s.act.ListRecalls)))
	r.Get("/recalls/{id}", s.handle(get(s.act.GetRecall)))
}

func (s *Server) circulation(w http.ResponseWriter, r *http.Request) error {
	v, err := s.act.Circulation(r.Context(), userOf(r), chi.URLParam(r, "month"), r.URL.Query())
	if err != nil {
		return err
	}
	if v.Format == "xlsx" {
		return s.writeSheet(w, r, actions.CirculationSheet(v))
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) issueCirculation(w http.ResponseWriter, r *http.Request) error {
	var req actions.IssueRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	req.Month = chi.URLParam(r, "month")
	return answer[any](w)(s.act.IssueCirculation(r.Context(), userOf(r), req))
}

func (s *Server) openInterview(w http.ResponseWriter, r *http.Request) error {
	var req actions.InterviewRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	iv, err := s.act.OpenInterview(r.Context(), userOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, iv)
}

func (s *Server) recall(w http.ResponseWriter, r *http.Request) error {
	var req actions.RecallRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	c, err := s.act.RecallMember(r.Context(), userOf(r), req)
	return created(w, c, err)
}
