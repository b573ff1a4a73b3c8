package server

// The handlers whose request is more than an id and a decision: each
// decodes its body (and the ids in its path), calls its action, encodes.

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"go.uber.org/zap"

	"zhucun/actions"
	"zhucun/internal/reqlog"
)

func (s *Server) submitLeave(w http.ResponseWriter, r *http.Request) error {
	var req actions.LeaveRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	c, err := s.act.SubmitLeave(r.Context(), userOf(r), req)
	return created(w, c, err)
}

func (s *Server) recordAbsence(w http.ResponseWriter, r *http.Request) error {
	var req actions.AbsenceRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	c, err := s.act.RecordAbsence(r.Context(), userOf(r), req)
	return created(w, c, err)
}

func (s *Server) absenceReport(w http.ResponseWriter, r *http.Request) error {
	v, err := s.act.AbsenceReport(r.Context(), userOf(r), r.URL.Query())
	if err != nil {
		return err
	}
	if v.Format == "xlsx" {
		return s.writeSheet(w, r, actions.ReportSheet(v))
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) submitAbsenceReport(w http.ResponseWriter, r *http.Request) error {
	c, err := optionalComment(r)
	if err != nil {
		return err
	}
	req := actions.SubmitReportRequest{County: chi.URLParam(r, "county"), Month: chi.URLParam(r, "month"), Comment: c}
	return answer[any](w)(s.act.SubmitAbsenceReport(r.Context(), userOf(r), req))
}

func (s *Server) recordRosterChange(w http.ResponseWriter, r *http.Request) error {
	var req actions.RosterRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	c, err := s.act.RecordRosterChange(r.Context(), userOf(r), req)
	return created(w, c, err)
}

func (s *Server) teamRoster(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.TeamRoster(r.Context(), userOf(r), chi.URLParam(r, "id"), r.URL.Query()))
}

func (s *Server) ledger(w http.ResponseWriter, r *http.Request) error {
	v, err := s.act.Ledger(r.Context(), userOf(r), r.URL.Query())
	if err != nil {
		return err
	}
	if v.Format == "xlsx" {
		return s.writeSheet(w, r, actions.LedgerSheet(v))
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) memberRecord(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.MemberRecord(r.Context(), userOf(r), chi.URLParam(r, "id"), r.URL.Query()))
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.Policy(r.Context(), userOf(r), chi.URLParam(r, "county")))
}

func (s *Server) policyVersions(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.PolicyVersions(r.Context(), userOf(r), chi.URLParam(r, "county")))
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) error {
	var req actions.PolicyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Scope = chi.URLParam(r, "county")
	return answer[any](w)(s.act.PutPolicy(r.Context(), userOf(r), req))
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	return answer[any](w)(s.act.WhoAmI(r.Context(), userOf(r)))
}

// writeSheet answers with a spreadsheet download. Once the body has begun
// an error can only cut the file, so it is logged.
func (s *Server) writeSheet(w http.ResponseWriter, r *http.Request, sh actions.Sheet) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="download.xlsx"; filename*=UTF-8''`+url.PathEscape(sh.Name))
	w.WriteHeader(http.StatusOK)
	if err := sh.Write(w); err != nil {
		reqlog.From(r.Context(), s.log).Error("write xlsx", zap.String("file", sh.Name), zap.Error(err))
	}
	return nil
}
