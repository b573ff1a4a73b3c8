package server

// The JSON handlers: each decodes, calls one action, encodes. The rules
// are the actions'; nothing here decides who may do what.

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

func (s *Server) leaveRoutes(r chi.Router) {
	r.Post("/leaves", s.handle(s.submitLeave))
	r.Get("/leaves", s.handle(list(s.act.ListLeaves)))
	r.Get("/leaves/{id}", s.handle(get(s.act.GetLeave)))
	r.Post("/leaves/{id}/decision", s.handle(step(s.act.DecideLeave)))
	r.Post("/leaves/{id}/filing", s.handle(optional(s.act.FileLeaveStep)))
	r.Post("/leaves/{id}/withdraw", s.handle(comment(s.act.WithdrawLeave)))
	r.Post("/leaves/{id}/extension", s.handle(step(s.act.ExtendLeave)))
	r.Post("/leaves/{id}/return", s.handle(step(s.act.ReturnLeave)))
	r.Post("/leaves/{id}/cancel", s.handle(step(s.act.CancelLeave)))
	r.Post("/leaves/{id}/remind", s.handle(comment(s.act.RemindLeave)))
}

func (s *Server) absenceRoutes(r chi.Router) {
	r.Post("/absences", s.handle(s.recordAbsence))
	r.Get("/absences", s.handle(list(s.act.ListAbsences)))
	r.Get("/absences/{id}", s.handle(get(s.act.GetAbsence)))
	r.Post("/absences/{id}/explanation", s.handle(step(s.act.ExplainAbsence)))
	r.Post("/absences/{id}/signature", s.handle(step(s.act.SignAbsence)))
	r.Post("/absences/{id}/close", s.handle(step(s.act.CloseAbsence)))
	r.Post("/absences/{id}/void", s.handle(step(s.act.VoidAbsence)))
	r.Get("/reports/absences", s.handle(s.absenceReport))
	r.Post("/reports/absences/{county}/{month}/submit", s.handle(s.submitAbsenceReport))
}

func (s *Server) rosterRoutes(r chi.Router) {
	r.Post("/roster-changes", s.handle(s.recordRosterChange))
	r.Get("/roster-changes", s.handle(list(s.act.ListRosterChanges)))
	r.Get("/roster-changes/{id}", s.handle(get(s.act.GetRosterChange)))
	r.Post("/roster-changes/{id}/filing", s.handle(comment(s.act.FileRosterChange)))
	r.Post("/roster-changes/{id}/report", s.handle(comment(s.act.ReportRosterChange)))
	r.Get("/teams/{id}/roster", s.handle(s.teamRoster))
	r.Get("/ledger", s.handle(s.ledger))
}

func (s *Server) policyRoutes(r chi.Router) {
	r.Get("/policies/{county}", s.handle(s.getPolicy))
	r.Get("/policies/{county}/versions", s.handle(s.policyVersions))
	r.Put("/policies/{county}", s.handle(s.putPolicy))
	r.Put("/holidays/{year}", s.handle(s.putHolidays))
	r.Get("/holidays/{year}", s.handle(s.holidayYears))
}

func (s *Server) readRoutes(r chi.Router) {
	r.Get("/me", s.handle(s.me))
	r.Get("/inbox", s.handle(list(s.act.Inbox)))
	r.Get("/processes", s.handle(list(s.act.ListProcesses)))
	r.Get("/processes/{id}/timeline", s.handle(get(s.act.Timeline)))
	r.Post("/processes/{id}/remind", s.handle(comment(s.act.RemindProcess)))
	r.Get("/members/{id}/record", s.handle(s.memberRecord))
	r.Get("/board", s.handle(list(s.act.Board)))
}

// get is a read of one resource by its {id}.
func get[T any](act func(ctx context.Context, u actions.User, id string) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := act(r.Context(), userOf(r), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// list is a read filtered by the URL's query.
func list[T any](act func(ctx context.Context, u actions.User, q actions.Query) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := act(r.Context(), userOf(r), r.URL.Query())
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// identified is a request that names its process by the path's {id}.
type identified[R any] interface {
	*R
	SetID(id string)
}

// step is a person's step on a process: the JSON body decoded into R, the
// process named by the path's {id}.
func step[R any, P identified[R], T any](act func(ctx context.Context, u actions.User, req R) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req R
		if err := decode(r, &req); err != nil {
			return err
		}
		P(&req).SetID(chi.URLParam(r, "id"))
		return answer[T](w)(act(r.Context(), userOf(r), req))
	}
}

// comment is a step whose body, if any, is {"comment"}.
func comment[T any](act func(ctx context.Context, u actions.User, req actions.CommentRequest) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := optionalComment(r)
		if err != nil {
			return err
		}
		req := actions.CommentRequest{Comment: c}
		req.SetID(chi.URLParam(r, "id"))
		return answer[T](w)(act(r.Context(), userOf(r), req))
	}
}

// answer encodes an action's result with 200, or returns its error.
func answer[T any](w http.ResponseWriter) func(T, error) error {
	return func(v T, err error) error {
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// created answers a creating action: 201 with the new process, or 200 with
// the one a repeated Idempotency-Key created first.
func created(w http.ResponseWriter, c actions.Created, err error) error {
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if c.Repeated {
		status = http.StatusOK
	}
	if raw, ok := c.Resource.(json.RawMessage); ok {
		var v any // re-encoded, so a repeat is formatted as a first answer is
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		return writeJSON(w, status, v)
	}
	return writeJSON(w, status, c.Resource)
}

// optionalComment decodes {"comment"} when a body is sent at all.
func optionalComment(r *http.Request) (string, error) {
	if r.ContentLength == 0 {
		return "", nil
	}
	var req actions.CommentRequest
	if err := decode(r, &req); err != nil {
		return "", err
	}
	return req.Comment, req.Check()
}

// optional is a step whose JSON body may be left out (a filing).
func optional[R any, P identified[R], T any](act func(ctx context.Context, u actions.User, req R) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req R
		if r.ContentLength != 0 {
			if err := decode(r, &req); err != nil {
				return err
			}
		}
		P(&req).SetID(chi.URLParam(r, "id"))
		return answer[T](w)(act(r.Context(), userOf(r), req))
	}
}

func (s *Server) putHolidays(w http.ResponseWriter, r *http.Request) error {
	var req actions.HolidayRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Year = chi.URLParam(r, "year")
	return answer[any](w)(s.act.PutHolidays(r.Context(), userOf(r), req))
}

func (s *Server) holidayYears(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.HolidayYears(r.Context(), userOf(r), chi.URLParam(r, "year")))
}
