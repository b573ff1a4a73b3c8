package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"zhucun/policy"
)

// memberRecord answers GET /members/{id}/record?year=YYYY: the absences,
// explanations and leaves of a year that count in the member's evaluation.
// For the member, their unit's head, and county and city offices.
func (s *Server) memberRecord(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	year := s.now().In(policy.China).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			s.fail(w, r, fieldErr(map[string]string{"year": "must be a year such as 2026"}))
			return
		}
		year = n
	}
	mc, err := s.store.MemberContext(r.Context(), id, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := userOf(r)
	if u.Role == policy.RoleTownshipCommittee || !canSee(u, Target{CountyID: mc.CountyID, UnitID: mc.UnitID, MemberID: mc.MemberID}) {
		s.fail(w, r, errf(CodeForbidden, "this member's record is outside your scope"))
		return
	}
	rec, err := s.store.MemberRecord(r.Context(), id, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"member_id": rec.MemberID, "member_name": mc.MemberName,
		"year": rec.Year, "tally": rec.Tally, "absences": rec.Absences, "leaves": rec.Leaves})
}
