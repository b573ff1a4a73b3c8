package web

import "github.com/go-chi/chi/v5"

// officeRoutes are the county and city offices' pages: the monthly
// absence report (月报, article 18), the ledger (台账, article 17), a
// member's yearly record and the counties' rules. Each calls the action
// of the API route beside it (e2e/pages_office_test.go maps them for the
// access check).
func (p *Pages) officeRoutes(r chi.Router) {
	r.Get("/reports", p.handle(p.reportsPage))                           // ReportsOverview (AbsenceReport per county)
	r.Get("/reports/{county}/{month}", p.handle(p.reportPage))           // AbsenceReportPage
	r.Get("/reports/{county}/{month}/xlsx", p.handle(p.reportXLSX))      // AbsenceReport format=xlsx
	r.Get("/reports/{county}/{month}/submit", p.handle(p.reportConfirm)) // AbsenceReportPage (the confirmation)
	r.Post("/reports/{county}/{month}/submit", p.handle(p.submitReport)) // SubmitAbsenceReport
	r.Get("/ledger", p.handle(p.ledgerPage))                             // LedgerView
	r.Get("/ledger/xlsx", p.handle(p.ledgerXLSX))                        // Ledger format=xlsx
	r.Get("/ledger/changes/new", p.handle(p.rosterForm))                 // LedgerView (the team's roster)
	r.Post("/ledger/changes", p.handle(p.recordRoster))                  // RecordRosterChange
	r.Get("/members/{id}/record", p.handle(p.recordPage))                // MemberRecord
	r.Get("/rules", p.handle(p.rulesPage))                               // Policy per county
	r.Get("/rules/{county}", p.handle(p.countyRulesPage))                // Policy, PolicyVersions
	r.Get("/rules/{county}/edit", p.handle(p.rulesForm))                 // Policy (city offices)
	r.Post("/rules/{county}", p.handle(p.saveRules))                     // PreviewRules, PutPolicy
}
