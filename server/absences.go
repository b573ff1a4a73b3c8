package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// absenceRoutes: absence explanations and monthly reports (article 18).
func (s *Server) absenceRoutes(r chi.Router) {
	r.Post("/absences", s.postAbsence)
	r.Get("/absences", s.listAbsences)
	r.Get("/absences/{id}", s.getAbsence)
	r.Post("/absences/{id}/explanation", s.explainAbsence)
	r.Post("/absences/{id}/signature", s.signAbsence)
	r.Post("/absences/{id}/close", s.closeAbsence)
	r.Get("/reports/absences", s.getAbsenceReport)
	r.Post("/reports/absences/{county}/{month}/submit", s.submitAbsenceReport)
}

type absenceRequest struct {
	MemberID string `json:"member_id"`
	FoundAt  string `json:"found_at"`
	Method   string `json:"method"`
	Note     string `json:"note"`
	// Confirm goes on although an approved leave covers found_at.
	Confirm bool `json:"confirm"`
}

// postAbsence records what a spot check (查岗) found and circulates it.
func (s *Server) postAbsence(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if u.Role != policy.RoleCityBureau && u.Role != policy.RoleCountyBureau {
		s.fail(w, r, errf(CodeForbidden, "only the city bureau or a county bureau records absences found by spot checks"))
		return
	}
	var req absenceRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	found, err := s.checkAbsence(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.absenceInput(r.Context(), u, req, found)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if key != "" {
		existing, err := s.store.ClaimIdempotency(r.Context(), u.ID, key, "absences", in.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if existing != "" {
			s.respondRepeated(w, r, u.ID, key, "absences", existing)
			return
		}
	}
	ab, err := s.startAbsence(r.Context(), in)
	if err != nil {
		if key != "" { // the key may be used again for a new try
			s.releaseIfUnstarted(r.Context(), workflows.AbsenceWorkflowID(in.ID), func(ctx context.Context) error {
				return s.store.ReleaseIdempotency(ctx, u.ID, key, "absences")
			})
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ab)
}

// checkAbsence validates the request's own fields.
func (s *Server) checkAbsence(req absenceRequest) (time.Time, error) {
	f := fields{}
	f.check(req.MemberID != "", "member_id", "required")
	found, err := time.Parse(time.RFC3339, req.FoundAt)
	f.check(err == nil, "found_at", "must be an RFC 3339 instant with an offset")
	if err == nil {
		f.check(!found.After(s.now()), "found_at", "must not be in the future")
		f.check(found.In(policy.China).Year() >= policy.MinYear, "found_at", "must not be before "+itoa(policy.MinYear))
	}
	f.check(req.Method == "online" || req.Method == "onsite", "method", "must be online or onsite")
	checkText(f, "note", req.Note, false)
	return found, f.err()
}

// absenceInput resolves the member, the offices, the leave check and the
// deadlines under the policy in force.
func (s *Server) absenceInput(ctx context.Context, u store.User, req absenceRequest, found time.Time) (workflows.AbsenceInput, error) {
	mc, err := s.store.MemberContext(ctx, req.MemberID, found)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.AbsenceInput{}, fieldErr(map[string]string{"member_id": "unknown member"})
	}
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	if mc.CountyID == "" {
		return workflows.AbsenceInput{}, fieldErr(map[string]string{"member_id": "the member serves on no team"})
	}
	if u.Role == policy.RoleCountyBureau && u.CountyID != mc.CountyID {
		return workflows.AbsenceInput{}, errf(CodeForbidden, "a county bureau records absences of its own county's members only")
	}
	conflict, err := s.leaveConflict(ctx, mc.MemberID, found, req.Confirm)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	pol, err := s.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	rules := pol.Rules.Absence
	y, m := policy.CycleMonth(rules, found)
	due := policy.ExplanationDue(rules, y, m)
	return workflows.AbsenceInput{
		AbsenceFacts: workflows.AbsenceFacts{
			ID: uuid.NewString(), MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID,
			UnitName: mc.UnitName, TeamID: mc.TeamID, TeamName: mc.TeamName, VillageName: mc.VillageName,
			TownshipID: mc.TownshipID, TownshipName: mc.TownshipName, CountyID: mc.CountyID,
			FoundAt: found.In(policy.China), Method: req.Method, Note: req.Note,
		},
		RecordedBy: actorOf(u),
		CycleMonth: policy.CycleKey(y, m), DueAt: due, RemindAt: policy.RemindersBefore(due, rules.RemindBefore),
		PolicyVersion: pol.Ref(), Rules: rules,
		CountyOffices: []workflows.Party{
			resolveParty(policy.RoleCountyOrgDept, mc), resolveParty(policy.RoleCountyBureau, mc),
		},
		UnitHead:      resolveParty(policy.RoleUnitHead, mc),
		LeaveConflict: conflict,
	}, nil
}

// leaveConflict: an approved leave covering found_at means the member was
// not absent "without reason"; the recorder must confirm to go on.
func (s *Server) leaveConflict(ctx context.Context, member string, found time.Time, confirm bool) (*workflows.LeaveConflict, error) {
	c, err := s.store.LeaveCovering(ctx, member, found)
	if err != nil || c == nil {
		return nil, err
	}
	if !confirm {
		return nil, errf(CodeConflict, "an approved leave (%s to %s, %s) covers found_at; the member was not absent without leave. "+
			"Send \"confirm\": true to record the absence anyway", c.StartDate, c.EndDate, c.Status)
	}
	return &workflows.LeaveConflict{LeaveID: c.LeaveID, StartDate: c.StartDate, EndDate: c.EndDate, Status: c.Status}, nil
}

// startAbsence starts the workflow and waits for its first record, so the
// recorder can read the absence at once.
func (s *Server) startAbsence(ctx context.Context, in workflows.AbsenceInput) (workflows.Absence, error) {
	var ab workflows.Absence
	err := s.startWith(ctx, client.StartWorkflowOptions{ID: workflows.AbsenceWorkflowID(in.ID)},
		workflows.AbsenceWorkflow, in, workflows.AbsenceRecorded, nil, &ab)
	return ab, err
}

// absenceFor loads an absence the caller may see, with the report it
// counted in (a later one when it was carried).
func (s *Server) absenceFor(r *http.Request) (workflows.Absence, error) {
	var ab workflows.Absence
	p, err := s.store.GetProcess(r.Context(), chi.URLParam(r, "id"))
	if err == nil && p.Kind != workflows.KindAbsence {
		err = store.ErrNotFound
	}
	if err != nil {
		return ab, err
	}
	if !canSee(userOf(r), processTarget(p)) {
		return ab, errf(CodeForbidden, "this absence is outside your scope")
	}
	if err := json.Unmarshal(p.Detail, &ab); err != nil {
		return ab, err
	}
	list := []workflows.Absence{ab}
	err = s.withReportMonths(r.Context(), list)
	return list[0], err
}

// withReportMonths sets each absence's report_month to the latest report
// listing it: a report that forwards a late explanation to the next month
// does so after the absence itself has ended.
func (s *Server) withReportMonths(ctx context.Context, list []workflows.Absence) error {
	var ids, counties []string
	for _, a := range list {
		ids, counties = append(ids, a.ID), append(counties, a.CountyID)
	}
	months, err := s.store.ReportMonths(ctx, counties, ids)
	for i := range list {
		if m := months[list[i].ID]; m > list[i].ReportMonth {
			list[i].ReportMonth = m
		}
	}
	return err
}

func (s *Server) getAbsence(w http.ResponseWriter, r *http.Request) {
	ab, err := s.absenceFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ab)
}

// listAbsences is GET /processes' filter over absences, within scope.
func (s *Server) listAbsences(w http.ResponseWriter, r *http.Request) {
	f, err := processFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Kind, f.WithDetail = workflows.KindAbsence, true
	rows, next, err := s.store.ListProcesses(r.Context(), scopeOf(userOf(r)), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list := make([]workflows.Absence, len(rows))
	for i, p := range rows {
		if err := json.Unmarshal(p.Detail, &list[i]); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.withReportMonths(r.Context(), list); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "next": next})
}

// updateAbsence sends one update and answers with the absence after it.
func (s *Server) updateAbsence(w http.ResponseWriter, r *http.Request, ab workflows.Absence, name string, args any) {
	var out workflows.Absence
	s.send(w, r, workflows.AbsenceWorkflowID(ab.ID), name, args, &out,
		closed("this absence is "+ab.Status+" already; nothing more can be done"))
}

type explanationRequest struct {
	Text string `json:"text"`
}

func (s *Server) explainAbsence(w http.ResponseWriter, r *http.Request) {
	ab, err := s.absenceFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req explanationRequest
	if err := decodeValid(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	s.updateAbsence(w, r, ab, workflows.AbsenceExplain, workflows.ExplainArgs{Actor: actorOf(userOf(r)), Text: req.Text})
}

func (s *Server) signAbsence(w http.ResponseWriter, r *http.Request) {
	ab, err := s.absenceFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req decisionRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := req.check("sign", "return"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.updateAbsence(w, r, ab, workflows.AbsenceSign, workflows.SignArgs{Actor: actorOf(userOf(r)), Decision: req.Decision, Comment: req.Comment})
}

type closeRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) closeAbsence(w http.ResponseWriter, r *http.Request) {
	ab, err := s.absenceFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req closeRequest
	if err := decodeValid(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	s.updateAbsence(w, r, ab, workflows.AbsenceClose, workflows.CloseArgs{Actor: actorOf(userOf(r)), Reason: req.Reason})
}
