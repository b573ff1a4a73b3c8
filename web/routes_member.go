package web

import "github.com/go-chi/chi/v5"

// memberRoutes are the member's pages (请假, 销假, 情况说明) and the item
// pages of a leave and an absence, which approvers and unit heads open
// from their 待办 too. Each page calls the action of the API route named
// beside it (e2e/pages_member_test.go maps them for the access check).
func (p *Pages) memberRoutes(r chi.Router) {
	r.Get("/leaves/new", p.handle(p.leaveNew))                                        // PreviewLeave (members, as POST /leaves)
	r.Post("/leaves", p.handle(p.submitLeave))                                        // SubmitLeave
	r.Get("/leaves/{id}", p.handle(p.leavePage))                                      // LeavePage (GetLeave's scope)
	r.Post("/leaves/{id}/withdraw", p.handle(p.leaveStep("withdraw", withdrawLeave))) // WithdrawLeave
	r.Post("/leaves/{id}/extension", p.handle(p.leaveStep("extension", extendLeave))) // ExtendLeave
	r.Post("/leaves/{id}/return", p.handle(p.leaveStep("return", returnLeave)))       // ReturnLeave (销假)
	r.Post("/leaves/{id}/decision", p.handle(p.leaveStep("decision", decideLeave)))   // DecideLeave
	r.Post("/leaves/{id}/filing", p.handle(p.leaveStep("filing", fileLeave)))         // FileLeave (备案)
	r.Get("/absences/{id}", p.handle(p.absencePage))                                  // AbsencePage (GetAbsence's scope)
	r.Post("/absences/{id}/explanation", p.handle(p.absenceStep("explanation", explainAbsence)))
	r.Post("/absences/{id}/signature", p.handle(p.absenceStep("signature", signAbsence)))
}
