package actions

// The offices' pages (月报, 台账): read models the JSON API has no one
// resource for. Each calls the API's own actions for what they share, so
// the rules of who may see what are asked once.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// ItemVoided is a report item's state when its absence was voided
// (recorded wrongly): the report drops it, the page still lists it.
const ItemVoided = "voided"

// ReportPage is a county's monthly report as its page shows it: the
// report, the absences voided out of it, and whether it went late.
type ReportPage struct {
	ReportView
	Voided []ReportItemView
	// SentLate: submitted after it was due.
	SentLate bool
	// CanSubmit: the caller is the county's bureau, the report is open and
	// its cycle has closed.
	CanSubmit bool
	OpensAt   time.Time
}

// AbsenceReportPage is AbsenceReport with the voided absences and the
// submit button's state.
func (a *Actions) AbsenceReportPage(ctx context.Context, u User, county, month string) (ReportPage, error) {
	v, err := a.AbsenceReport(ctx, u, Query{"county": {county}, "month": {month}})
	if err != nil {
		return ReportPage{}, err
	}
	pg := ReportPage{ReportView: v}
	if v.OpensAt != nil {
		pg.OpensAt = *v.OpensAt
	}
	pg.SentLate = v.SubmittedAt != nil && v.SubmittedAt.After(v.DueAt)
	pg.CanSubmit = u.Role == policy.RoleCountyBureau && u.CountyID == county && v.Status == workflows.ReportOpen &&
		!a.now().Before(pg.OpensAt)
	ids, err := a.store.VoidedAbsences(ctx, county, month)
	if err != nil || len(ids) == 0 {
		return pg, err
	}
	voided, err := a.reportView(ctx, workflows.AbsenceReport{Items: voidedItems(ids)})
	for _, it := range voided.Items {
		it.Status = ItemVoided
		pg.Voided = append(pg.Voided, it)
	}
	return pg, err
}

func voidedItems(ids []string) []workflows.ReportItem {
	out := make([]workflows.ReportItem, len(ids))
	for i, id := range ids {
		out[i] = workflows.ReportItem{AbsenceID: id, Status: ItemVoided, AbsenceStatus: workflows.AbsenceVoided}
	}
	return out
}

// ReportSummary is one county's line on the city's page of a month.
type ReportSummary struct {
	CountyID    string
	CountyName  string
	Status      string
	DueAt       time.Time
	SubmittedAt *time.Time
	SubmittedBy string
	SentLate    bool
	Overdue     bool
	Items       int
	Missing     int
}

// ReportsOverview is every county's report of a month the caller may see
// (all for city offices, their own for county offices).
func (a *Actions) ReportsOverview(ctx context.Context, u User, month string) ([]ReportSummary, error) {
	if _, _, err := policy.ParseCycle(month); err != nil {
		return nil, errs.Field("month", errs.MsgMonth)
	}
	counties, err := a.store.ListCounties(ctx)
	if err != nil {
		return nil, err
	}
	var out []ReportSummary
	for _, c := range counties {
		if !canSeeCounty(u, c.ID) {
			continue
		}
		offices, err := a.store.CountyOffices(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // a county without its offices has no report
		}
		var rep workflows.AbsenceReport
		if err == nil {
			rep, err = a.loadReport(ctx, offices, month)
		}
		if err != nil {
			return nil, err
		}
		s := ReportSummary{CountyID: c.ID, CountyName: c.Name, Status: rep.Status, DueAt: rep.DueAt,
			SubmittedAt: rep.SubmittedAt, SubmittedBy: rep.SubmittedBy, Overdue: rep.Overdue, Items: len(rep.Items),
			SentLate: rep.SubmittedAt != nil && rep.SubmittedAt.After(rep.DueAt)}
		for _, it := range rep.Items {
			if it.Status == workflows.ItemMissing {
				s.Missing++
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errs.New(errs.Forbidden, errs.MsgReportOutOfScope, "")
	}
	return out, nil
}

// LedgerPage is the ledger's page for a county: its teams, a chosen
// team's roster on a day and history, a chosen member's history, and
// the county's roster changes with their filing state.
type LedgerPage struct {
	County        store.County
	Counties      []store.County // the choice, for city offices
	Teams         []store.Team
	On            string
	Team          *TeamRoster
	TeamHistory   []LedgerItem
	Member        *store.Member
	MemberHistory []LedgerItem
	Changes       []workflows.RosterChange
	// CanRecord: the caller records roster changes of this county.
	CanRecord bool
}

// LedgerQuery is what the ledger page asks for; all but the county may
// be empty.
type LedgerQuery struct {
	County, Team, Member, On string
}

// LedgerView answers the ledger page for county offices of their county
// and city offices of any.
func (a *Actions) LedgerView(ctx context.Context, u User, q LedgerQuery) (LedgerPage, error) {
	var pg LedgerPage
	if q.County == "" && !isCityOffice(u) {
		q.County = u.CountyID
	}
	if !isOffice(u) || u.Role == policy.RoleTownshipCommittee || (q.County != "" && !canSeeCounty(u, q.County)) {
		return pg, errs.New(errs.Forbidden, errs.MsgLedgerOffices)
	}
	counties, err := a.store.ListCounties(ctx)
	if err != nil {
		return pg, err
	}
	for _, c := range counties {
		if canSeeCounty(u, c.ID) {
			pg.Counties = append(pg.Counties, c)
		}
		if c.ID == q.County || (q.County == "" && pg.County.ID == "" && canSeeCounty(u, c.ID)) {
			pg.County = c
		}
	}
	if pg.County.ID == "" {
		return pg, errs.Field("county", errs.MsgUnknownCounty)
	}
	pg.CanRecord = u.Role == policy.RoleCountyBureau && u.CountyID == pg.County.ID
	if pg.Teams, err = a.store.TeamsOf(ctx, pg.County.ID); err != nil {
		return pg, err
	}
	on, err := DateParam(Query{"on": {q.On}}, "on", policy.DayOf(a.now()))
	if err != nil {
		return pg, err
	}
	pg.On = policy.FormatDate(on)
	if q.Team != "" {
		if err := a.ledgerTeam(ctx, u, &pg, q.Team); err != nil {
			return pg, err
		}
	}
	if q.Member != "" {
		if err := a.ledgerMember(ctx, &pg, q.Member); err != nil {
			return pg, err
		}
	}
	pg.Changes, err = a.rosterChangesOf(ctx, u, pg.County.ID, q.Team)
	return pg, err
}

// ledgerTeam fills a team's roster on the page's day and its history.
func (a *Actions) ledgerTeam(ctx context.Context, u User, pg *LedgerPage, teamID string) error {
	r, err := a.TeamRoster(ctx, u, teamID, Query{"on": {pg.On}})
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.CountyID != pg.County.ID) {
		return errs.Field("team", errs.MsgTeamNotInCounty)
	}
	if err != nil {
		return err
	}
	pg.Team = &r
	rows, err := a.store.MembershipHistory(ctx, teamID, "")
	pg.TeamHistory = ledgerItems(rows)
	return err
}

// ledgerMember fills a member's history, as the county's ledger holds it
// (every county's for city offices: the page's county is then a filter
// only of the rest).
func (a *Actions) ledgerMember(ctx context.Context, pg *LedgerPage, memberID string) error {
	m, err := a.store.Member(ctx, memberID)
	if errors.Is(err, store.ErrNotFound) {
		return errs.Field("member", errs.MsgUnknownMember)
	}
	if err != nil {
		return err
	}
	rows, err := a.store.MembershipHistory(ctx, "", memberID)
	if err != nil {
		return err
	}
	var mine []store.LedgerRow
	for _, r := range rows {
		if r.CountyID == pg.County.ID {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return errs.Field("member", errs.MsgMemberNotInCounty)
	}
	pg.Member, pg.MemberHistory = &m, ledgerItems(mine)
	return nil
}

func ledgerItems(rows []store.LedgerRow) []LedgerItem {
	out := make([]LedgerItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, LedgerItem{LedgerRow: r, From: r.From.Format(time.DateOnly), To: dateOrNil(r.To)})
	}
	return out
}

// rosterChangesOf is the latest roster changes of a county (of one team
// when teamID is set), through the API's list.
func (a *Actions) rosterChangesOf(ctx context.Context, u User, county, teamID string) ([]workflows.RosterChange, error) {
	l, err := a.ListRosterChanges(ctx, u, Query{"county": {county}, "limit": {"100"}})
	if err != nil {
		return nil, err
	}
	var out []workflows.RosterChange
	for _, raw := range l.Items {
		var rc workflows.RosterChange
		if err := json.Unmarshal(raw, &rc); err != nil {
			return nil, err
		}
		if teamID == "" || rc.TeamID == teamID {
			out = append(out, rc)
		}
	}
	return out, nil
}
