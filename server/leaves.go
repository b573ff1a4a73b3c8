package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func (s *Server) leaveRoutes(r chi.Router) {
	r.Post("/leaves", s.submitLeave)
	r.Get("/leaves", s.listLeaves)
	r.Get("/leaves/{id}", s.getLeave)
	r.Post("/leaves/{id}/decision", s.decideLeave)
	r.Post("/leaves/{id}/filing", s.fileLeave)
	r.Post("/leaves/{id}/withdraw", s.withdrawLeave)
	r.Post("/leaves/{id}/extension", s.extendLeave)
	r.Post("/leaves/{id}/return", s.returnLeave)
}

type leaveRequest struct {
	Kind      string `json:"kind"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Reason    string `json:"reason"`
}

const maxText = 2000

func checkText(f fields, name, v string, required bool) {
	f.check(!required || strings.TrimSpace(v) != "", name, "required")
	f.check(utf8.RuneCountInString(v) <= maxText, name, "at most 2000 characters")
}

// parseDates checks a start/end pair and returns them as China days.
func parseDates(f fields, startS, endS string) (start, end time.Time) {
	var err error
	if start, err = policy.ParseDate(startS); err != nil {
		f.check(false, "start_date", "must be a date YYYY-MM-DD")
	}
	if end, err = policy.ParseDate(endS); err != nil {
		f.check(false, "end_date", "must be a date YYYY-MM-DD")
	}
	if len(f) == 0 {
		f.check(!end.Before(start), "end_date", "must not be before start_date")
	}
	return start, end
}

func (s *Server) submitLeave(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if u.Role != policy.RoleMember {
		s.fail(w, r, errf(CodeForbidden, "only members submit leave"))
		return
	}
	var req leaveRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	start, end, err := req.check()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	idemKey, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if idemKey != "" {
		if id, err := s.store.IdempotentProcess(ctx, u.ID, idemKey, "leaves"); err == nil {
			s.respondRepeated(w, r, u.ID, idemKey, "leaves", id)
			return
		} else if !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
	}
	mc, err := s.store.MemberContext(ctx, u.MemberID, start)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pol, err := s.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route, err := s.route(ctx, pol.Rules.Leave, mc, start, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := uuid.NewString()
	in := workflows.LeaveInput{
		ID: id, MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID, TeamID: mc.TeamID,
		TownshipID: mc.TownshipID, CountyID: mc.CountyID, Kind: req.Kind,
		StartDate: policy.FormatDate(start), EndDate: policy.FormatDate(end), Reason: req.Reason,
		Route: route, PolicyVersion: pol.Ref(), Rules: pol.Rules.Leave,
		EscalateTo: resolveParty(pol.Rules.Leave.EscalateTo, mc),
		StartAt:    start, EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDue(pol.Rules.Leave, end),
		SubmittedBy: actorOf(u), SubmittedAt: s.now().Truncate(time.Millisecond),
	}
	opening, leave, err := workflows.LeaveOpening(in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	existing, err := s.store.ReserveLeave(ctx, store.LeaveReservation{
		ProcessID: id, MemberID: mc.MemberID, Start: start, End: end, UserID: u.ID, IdempotencyKey: idemKey,
	})
	if errors.Is(err, store.ErrOverlap) {
		s.fail(w, r, errf(CodeConflict, "this leave overlaps another leave of yours that is pending or approved"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if existing != "" { // the same Idempotency-Key won a race
		s.respondRepeated(w, r, u.ID, idemKey, "leaves", existing)
		return
	}
	err = s.startOpening(ctx, client.StartWorkflowOptions{ID: workflows.LeaveWorkflowID(id)}, workflows.LeaveWorkflow, in, opening)
	if err != nil {
		s.releaseIfUnstarted(ctx, workflows.LeaveWorkflowID(id), func(ctx context.Context) error {
			return s.store.ReleaseLeave(ctx, id)
		})
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, leave)
}

// route resolves who approves a leave of these dates and who gets it on
// file, under the rules given.
func (s *Server) route(ctx context.Context, rules policy.LeaveRules, mc store.MemberContext, start, end time.Time) (workflows.Route, error) {
	var cal policy.Calendar
	if rules.DayCounting == policy.CountWorking {
		over, err := s.store.HolidayOverrides(ctx)
		if err != nil {
			return workflows.Route{}, err
		}
		cal = policy.NewCalendar(over)
	}
	return leaveRoute(rules, cal, mc, start, end)
}

// leaveRoute is route's pure part: the days under rules and cal, refused
// beyond MaxDays or when none count, and who approves and gets it on file.
func leaveRoute(rules policy.LeaveRules, cal policy.Calendar, mc store.MemberContext, start, end time.Time) (workflows.Route, error) {
	days := policy.CountDays(rules, cal, start, end)
	if days > rules.MaxDays {
		return workflows.Route{}, fieldErr(map[string]string{"end_date": "a leave of " + itoa(days) + " days is longer than the maximum of " + itoa(rules.MaxDays)})
	}
	if days < 1 {
		return workflows.Route{}, fieldErr(map[string]string{"end_date": "the dates cover no working day"})
	}
	rt := workflows.Route{Days: days, Route: policy.LeaveRoute(rules, days), Reason: policy.RouteReason(rules, days)}
	roles := rules.TownshipApprovers
	if rt.Route == policy.RouteJoint {
		roles = rules.JointApprovers
	} else {
		for _, role := range rules.FilingOffices {
			rt.FilingOffices = append(rt.FilingOffices, resolveParty(role, mc))
		}
	}
	for _, role := range roles {
		rt.Approvers = append(rt.Approvers, resolveParty(role, mc))
	}
	return rt, nil
}

// resolveParty turns a policy role into the member's own office or unit.
func resolveParty(role string, mc store.MemberContext) workflows.Party {
	switch role {
	case policy.RoleUnitHead:
		return workflows.Party{Role: role, UnitID: mc.UnitID}
	case policy.RoleTownshipCommittee:
		return workflows.Party{Role: role, OfficeID: mc.TownshipCommitteeID}
	case policy.RoleCountyOrgDept:
		return workflows.Party{Role: role, OfficeID: mc.CountyOrgDeptID}
	case policy.RoleCountyBureau:
		return workflows.Party{Role: role, OfficeID: mc.CountyBureauID}
	case policy.RoleCityOrgDept:
		return workflows.Party{Role: role, OfficeID: mc.CityOrgDeptID}
	case policy.RoleCityBureau:
		return workflows.Party{Role: role, OfficeID: mc.CityBureauID}
	}
	return workflows.Party{Role: role}
}

// leaveFor loads a leave the caller may see.
func (s *Server) leaveFor(r *http.Request) (store.Process, workflows.Leave, error) {
	var l workflows.Leave
	p, err := s.store.GetProcess(r.Context(), chi.URLParam(r, "id"))
	if err == nil && p.Kind != workflows.KindLeave {
		err = store.ErrNotFound
	}
	if err != nil {
		return p, l, err
	}
	if !canSee(userOf(r), processTarget(p)) {
		return p, l, errf(CodeForbidden, "this leave is outside your scope")
	}
	return p, l, json.Unmarshal(p.Detail, &l)
}

func (s *Server) getLeave(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.leaveFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(p.Detail)
}

func (s *Server) listLeaves(w http.ResponseWriter, r *http.Request) {
	s.listKind(w, r, workflows.KindLeave)
}

func (s *Server) updateLeave(w http.ResponseWriter, r *http.Request, id, name string, args any) {
	var leave workflows.Leave
	s.send(w, r, workflows.LeaveWorkflowID(id), name, args, &leave, closed("this leave is closed"))
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// decideLeave goes straight to the workflow: its validator is the check of
// who may decide (an approver of this leave, at this step, not decided
// yet), and anyone outside the leave's scope is none of those. That saves
// the read-model lookup on the busiest step; only a leave Temporal does not
// know is looked up, to tell a closed leave (409) from one that does not
// exist or is out of the caller's sight (404, 403).
func (s *Server) decideLeave(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, err := uuid.Parse(id); err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	var req decisionRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := req.check("approve", "refuse"); err != nil {
		s.fail(w, r, err)
		return
	}
	var leave workflows.Leave
	s.send(w, r, workflows.LeaveWorkflowID(id), workflows.LeaveDecide,
		workflows.DecideArgs{Actor: actorOf(userOf(r)), Decision: req.Decision, Comment: req.Comment}, &leave,
		func() error {
			if _, _, err := s.leaveFor(r); err != nil {
				return err
			}
			return errf(CodeConflict, "this leave is closed")
		})
}

type commentRequest struct {
	Comment string `json:"comment"`
}

// optionalComment decodes {"comment"} when a body is sent at all.
func optionalComment(r *http.Request) (string, error) {
	if r.ContentLength == 0 {
		return "", nil
	}
	var req commentRequest
	if err := decode(r, &req); err != nil {
		return "", err
	}
	return req.Comment, req.check()
}

func (s *Server) fileLeave(w http.ResponseWriter, r *http.Request) {
	s.actorUpdate(w, r, workflows.LeaveFile)
}

func (s *Server) withdrawLeave(w http.ResponseWriter, r *http.Request) {
	s.actorUpdate(w, r, workflows.LeaveWithdraw)
}

func (s *Server) actorUpdate(w http.ResponseWriter, r *http.Request, name string) {
	p, _, err := s.leaveFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comment, err := optionalComment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.updateLeave(w, r, p.ID, name, workflows.ActorArgs{Actor: actorOf(userOf(r)), Comment: comment})
}

// ownLeave loads a leave and checks that the caller is its member.
func (s *Server) ownLeave(r *http.Request) (store.Process, workflows.Leave, error) {
	p, l, err := s.leaveFor(r)
	if err == nil && userOf(r).MemberID != l.MemberID {
		err = errf(CodeForbidden, "only the member may do this to their own leave")
	}
	return p, l, err
}

type extensionRequest struct {
	EndDate string `json:"end_date"`
	Reason  string `json:"reason"`
}

func (s *Server) extendLeave(w http.ResponseWriter, r *http.Request) {
	p, l, err := s.ownLeave(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req extensionRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	start, end, err := req.check(l.StartDate, l.EndDate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	pol, err := s.store.PolicyByRef(ctx, l.PolicyVersion)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mc, err := s.store.MemberContext(ctx, l.MemberID, start)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route, err := s.route(ctx, pol.Rules.Leave, mc, start, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	oldEnd, _ := policy.ParseDate(l.EndDate)
	if err := s.store.CheckOverlap(ctx, l.MemberID, p.ID, policy.AddDays(oldEnd, 1), end); err != nil {
		if errors.Is(err, store.ErrOverlap) {
			err = errf(CodeConflict, "the extension overlaps another leave of yours")
		}
		s.fail(w, r, err)
		return
	}
	s.updateLeave(w, r, p.ID, workflows.LeaveExtend, workflows.ExtendArgs{
		Actor: actorOf(userOf(r)), EndDate: policy.FormatDate(end), Reason: req.Reason, Route: route,
		EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDue(pol.Rules.Leave, end),
	})
}

type returnRequest struct {
	ReturnedOn string `json:"returned_on"`
}

func (s *Server) returnLeave(w http.ResponseWriter, r *http.Request) {
	p, l, err := s.ownLeave(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req returnRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	start, on, actualEnd, err := req.check(l.StartDate, l.EndDate, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pol, err := s.store.PolicyByRef(r.Context(), l.PolicyVersion)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var cal policy.Calendar
	if pol.Rules.Leave.DayCounting == policy.CountWorking {
		over, err := s.store.HolidayOverrides(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cal = policy.NewCalendar(over)
	}
	s.updateLeave(w, r, p.ID, workflows.LeaveReturn, workflows.ReturnArgs{
		Actor: actorOf(userOf(r)), ReturnedOn: policy.FormatDate(on), ActualEndDate: policy.FormatDate(actualEnd),
		ActualDays: policy.CountDays(pol.Rules.Leave, cal, start, actualEnd),
	})
}
