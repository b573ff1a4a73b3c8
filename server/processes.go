package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/store"
	"zhucun/workflows"
)

var kinds = map[string]bool{workflows.KindLeave: true, workflows.KindAbsence: true,
	workflows.KindAbsenceReport: true, workflows.KindRosterChange: true}

func itoa(n int) string { return strconv.Itoa(n) }

// processFilter reads the query of a list, naming any bad parameter.
func processFilter(r *http.Request) (store.ProcessFilter, error) {
	q := r.URL.Query()
	f := store.ProcessFilter{Kind: q.Get("kind"), Status: q.Get("status"), CountyID: q.Get("county"),
		UnitID: q.Get("unit"), WaitingOn: q.Get("waiting_on"), Cursor: q.Get("cursor"), MemberID: q.Get("member_id")}
	bad := fields{}
	bad.check(f.Kind == "" || kinds[f.Kind], "kind", "must be leave, absence, absence_report or roster_change")
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		bad.check(err == nil, "overdue", "must be true or false")
		f.Overdue = &b
	}
	if v := q.Get("due_before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		bad.check(err == nil, "due_before", "must be an RFC 3339 instant")
		f.DueBefore = &t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		bad.check(err == nil && n > 0 && n <= 200, "limit", "must be 1 to 200")
		f.Limit = n
	}
	return f, bad.err()
}

func (s *Server) listProcesses(w http.ResponseWriter, r *http.Request) {
	f, err := processFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, next, err := s.store.ListProcesses(r.Context(), scopeOf(userOf(r)), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": next})
}

// listKind lists one kind's resources (their details), within scope.
func (s *Server) listKind(w http.ResponseWriter, r *http.Request, kind string) {
	f, err := processFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Kind = kind
	f.WithDetail = true
	items, next, err := s.store.ListProcesses(r.Context(), scopeOf(userOf(r)), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]json.RawMessage, 0, len(items))
	for _, p := range items {
		out = append(out, p.Detail)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "next": next})
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	items, err := s.store.Inbox(r.Context(), partyOf(userOf(r)).Key(), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": ""})
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	p, err := s.store.GetProcess(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !canSee(userOf(r), processTarget(p)) {
		s.fail(w, r, errf(CodeForbidden, "this process is outside your scope"))
		return
	}
	events, err := s.store.Timeline(r.Context(), p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": events, "next": ""})
}
