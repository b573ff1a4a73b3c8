package web

// A member's yearly record (纳入后评估考核): the tally and the items
// behind it, for the member, their unit's head and the offices in scope.

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
)

type recordData struct {
	actions.MemberRecord
	Prev, Next int
}

func (p *Pages) recordPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rec, err := p.act.MemberRecord(r.Context(), mustUser(r), chi.URLParam(r, "id"), actions.Query{"year": {q.Get("year")}})
	if err != nil {
		return err
	}
	pg := page{Title: rec.MemberName + " " + strconv.Itoa(rec.Year) + " 年度记录", Nav: "record",
		Data: recordData{MemberRecord: rec, Prev: rec.Year - 1, Next: rec.Year + 1}}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_record", pg)
	return nil
}
