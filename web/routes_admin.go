package web

import "github.com/go-chi/chi/v5"

// adminRoutes are the administrator's and the city bureau's pages: the
// import of an organisation's 台账 (upload, dry run, confirm) and the
// accounts sheet it hands out. Each calls the action named beside it.
func (p *Pages) adminRoutes(r chi.Router) {
	r.Get("/admin/import", p.handle(p.importPage))                        // ImportOrg's access (admin, city bureau)
	r.Post("/admin/import", p.handle(p.uploadImport))                     // CheckImportUpload (dry run)
	r.Get("/admin/import/{id}", p.handle(p.importReport))                 // ImportUploadReport
	r.Post("/admin/import/{id}/confirm", p.handle(p.confirmImport))       // ConfirmImport
	r.Get("/admin/import/{id}/accounts.xlsx", p.handle(p.importAccounts)) // IssueImportAccounts
}
