package actions

// The roster ledger (台账, article 17): a team's roster on a day, and a
// county's memberships on a day or over all time.

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// DateParam reads a China date from the query, today by default.
func DateParam(q Query, name string, today time.Time) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return today, nil
	}
	d, err := policy.ParseDate(v)
	if err != nil {
		return d, errs.Field(name, errs.MsgDate)
	}
	return d, nil
}

// RosterItem is one line of a team's roster.
type RosterItem struct {
	MemberID   string  `json:"member_id"`
	MemberName string  `json:"member_name"`
	UnitID     string  `json:"unit_id"`
	IsLeader   bool    `json:"is_leader"`
	From       string  `json:"from"`
	To         *string `json:"to"`
}

// TeamRoster is who was on a team on a day.
type TeamRoster struct {
	TeamID   string       `json:"team_id"`
	TeamName string       `json:"team_name"`
	CountyID string       `json:"county_id"`
	On       string       `json:"on"`
	Items    []RosterItem `json:"items"`
}

func dateOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

// TeamRoster answers who was on a team on a day (?on=, today by default),
// from the ledger.
func (a *Actions) TeamRoster(ctx context.Context, u User, teamID string, q Query) (TeamRoster, error) {
	if err := checkParams(q, "on"); err != nil {
		return TeamRoster{}, err
	}
	team, err := a.store.Team(ctx, teamID)
	if err != nil {
		return TeamRoster{}, err
	}
	on, err := DateParam(q, "on", policy.DayOf(a.now()))
	if err == nil {
		err = a.canSeeTeam(ctx, u, team)
	}
	var entries []store.RosterEntry
	if err == nil {
		entries, err = a.store.Roster(ctx, team.ID, on)
	}
	if err != nil {
		return TeamRoster{}, err
	}
	items := make([]RosterItem, 0, len(entries))
	for _, e := range entries {
		items = append(items, RosterItem{MemberID: e.MemberID, MemberName: e.MemberName, UnitID: e.UnitID,
			IsLeader: e.IsLeader, From: e.From.Format(time.DateOnly), To: dateOrNil(e.To)})
	}
	return TeamRoster{TeamID: team.ID, TeamName: team.Name, CountyID: team.CountyID, On: policy.FormatDate(on), Items: items}, nil
}

// canSeeTeam: county offices of the team's county and city offices, the
// township committee, and units heads and members who served on the team.
func (a *Actions) canSeeTeam(ctx context.Context, u User, t store.Team) error {
	ok := canSeeCounty(u, t.CountyID) || (u.Role == policy.RoleTownshipCommittee && u.TownshipID == t.TownshipID)
	if !ok && (u.Role == policy.RoleMember || u.Role == policy.RoleUnitHead) {
		member, unit := u.MemberID, ""
		if u.Role == policy.RoleUnitHead {
			member, unit = "", u.UnitID
		}
		var err error
		if ok, err = a.store.ServedOnTeam(ctx, t.ID, member, unit); err != nil {
			return err
		}
	}
	if !ok {
		return errs.New(errs.Forbidden, errs.MsgTeamOutOfScope, t.Name)
	}
	return nil
}

// LedgerItem is one membership of the ledger.
type LedgerItem struct {
	store.LedgerRow
	From string  `json:"from"`
	To   *string `json:"to"`
}

// Ledger is a county's memberships in force on a day, or their history.
type Ledger struct {
	CountyID string       `json:"county_id"`
	On       *string      `json:"on"`
	History  bool         `json:"history"`
	Items    []LedgerItem `json:"items"`
	// Format is what the caller asked for: "json" or "xlsx".
	Format string `json:"-"`
	rows   []store.LedgerRow
	day    *time.Time
}

// Ledger lists a county's memberships in force on a day (all counties for
// a city office that names none), or their whole history with
// history=true; format=xlsx asks for the spreadsheet (LedgerSheet).
func (a *Actions) Ledger(ctx context.Context, u User, q Query) (Ledger, error) {
	if err := checkParams(q, "county", "on", "history", "format"); err != nil {
		return Ledger{}, err
	}
	county := q.Get("county")
	if county == "" && !isCityOffice(u) {
		county = u.CountyID
	}
	if !canSeeCounty(u, county) {
		return Ledger{}, errs.New(errs.Forbidden, errs.MsgLedgerOffices)
	}
	f := errs.Fields{}
	history, herr := strconv.ParseBool(q.Get("history"))
	f.Check(q.Get("history") == "" || herr == nil, "history", errs.MsgBool)
	format := q.Get("format")
	f.Check(format == "" || format == "json" || format == "xlsx", "format", errs.MsgOneOf, "json, xlsx")
	on, err := DateParam(q, "on", policy.DayOf(a.now()))
	if err != nil {
		return Ledger{}, err
	}
	if err := f.Err(); err != nil {
		return Ledger{}, err
	}
	if county != "" {
		if _, _, err := a.store.County(ctx, county); err != nil {
			return Ledger{}, notFoundField(err, "county", errs.MsgUnknownCounty)
		}
	}
	var day *time.Time
	if !history {
		day = &on
	}
	rows, err := a.store.Ledger(ctx, county, day)
	if err != nil {
		return Ledger{}, err
	}
	items := make([]LedgerItem, 0, len(rows))
	for _, row := range rows {
		items = append(items, LedgerItem{LedgerRow: row, From: row.From.Format(time.DateOnly), To: dateOrNil(row.To)})
	}
	return Ledger{CountyID: county, On: dateOrNil(day), History: history, Items: items, Format: format, rows: rows, day: day}, nil
}

// Sheet is a spreadsheet to download: its file name and how to write it.
type Sheet struct {
	Name  string
	Write func(io.Writer) error
}

// LedgerSheet is the ledger as the xlsx workbook county bureaus keep. The
// stream writer keeps memory flat for a city's whole history.
func LedgerSheet(l Ledger) Sheet {
	return Sheet{Name: ledgerFileName(l.CountyID, l.day), Write: func(w io.Writer) error {
		f := excelize.NewFile()
		defer f.Close()
		if err := fillLedger(f, l.rows); err != nil {
			return err
		}
		return f.Write(w)
	}}
}
