package web

import "github.com/go-chi/chi/v5"

// approverRoutes are the approving offices' and unit heads' pages (待办,
// 已办, 备案, 查岗).
func (p *Pages) approverRoutes(r chi.Router) {
	r.Get("/inbox", p.handle(p.inboxPage))          // WorkQueue
	r.Get("/done", p.handle(p.donePage))            // Decided
	r.Get("/filings", p.handle(p.filingsPage))      // Filings
	r.Post("/filings", p.handle(p.fileMany))        // FileMany: FileLeave, FileRosterChange
	r.Get("/absences/new", p.handle(p.absenceForm)) // SearchMembers
	r.Post("/absences", p.handle(p.recordAbsence))  // RecordAbsence
}
