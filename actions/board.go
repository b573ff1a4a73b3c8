package actions

// The 督查 board (issue 13, article 18): what is open, late, due soon and
// escalated in a county (its offices) or the city (city offices), by kind,
// step, place and dispatching unit, with the year's monthly series; the
// lists behind each number, as pages or xlsx; and 催办 of an overdue item.

import (
	"context"
	"sort"
	"strings"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// BoardSoon is the board's "due soon" window.
const BoardSoon = 72 * time.Hour

// boardMonths is how many months the series covers, this one included.
const boardMonths = 12

// Board is a board as a page or the API shows it.
type Board struct {
	CountyID     string             `json:"county_id,omitempty"`
	CountyName   string             `json:"county_name,omitempty"`
	TownshipID   string             `json:"township_id,omitempty"`
	TownshipName string             `json:"township_name,omitempty"`
	Level        string             `json:"level"` // of the place rows: county, township, team
	Total        store.BoardCounts  `json:"total"`
	Kinds        []store.BoardLine  `json:"kinds"`
	Steps        []store.BoardLine  `json:"steps"`
	Places       []store.BoardLine  `json:"places"`
	Units        []store.BoardLine  `json:"units"`
	Months       []store.BoardMonth `json:"months"`
	Sort         string             `json:"sort"`
	UnitSort     string             `json:"unit_sort"`
	At           time.Time          `json:"at"`     // when the figures were counted
	Cached       bool               `json:"cached"` // the city's, counted at At and served for a while (board_cache.go)
}

// boardSorts are the orders of the place and unit tables.
var boardSorts = []string{"open", "overdue", "due_soon", "escalated", "name"}

// canBoard: the board is the county and city offices'.
func canBoard(u User) bool {
	switch u.Role {
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		return u.CountyID != ""
	}
	return isCityOffice(u)
}

// boardPlace reads and checks the place a board or list is drawn for: a
// county office's own county always; a township within it.
func (a *Actions) boardPlace(ctx context.Context, u User, county, township string) (string, string, error) {
	if !canBoard(u) {
		return "", "", errs.New(errs.Forbidden, errs.MsgBoardOffices)
	}
	if !isCityOffice(u) {
		if county != "" && county != u.CountyID {
			return "", "", errs.New(errs.Forbidden, errs.MsgBoardCounty)
		}
		county = u.CountyID
	}
	if township != "" {
		in, err := a.store.TownshipCounty(ctx, township)
		if err != nil {
			return "", "", err
		}
		if in == "" || (county != "" && in != county) {
			return "", "", errs.Field("township", errs.MsgBoardTownship)
		}
		county = in
	}
	return county, township, nil
}

// Board draws the board for the caller's county or the city (?county=,
// ?township= narrow it; ?sort=, ?usort= order the place and unit rows).
func (a *Actions) Board(ctx context.Context, u User, q Query) (Board, error) {
	if err := checkParams(q, "county", "township", "sort", "usort"); err != nil {
		return Board{}, err
	}
	b := Board{Sort: q.Get("sort"), UnitSort: q.Get("usort"), At: a.now().In(policy.China)}
	bad := errs.Fields{}
	bad.Check(b.Sort == "" || oneOf(b.Sort, boardSorts), "sort", errs.MsgBoardSort, strings.Join(boardSorts, ", "))
	bad.Check(b.UnitSort == "" || oneOf(b.UnitSort, boardSorts), "usort", errs.MsgBoardSort, strings.Join(boardSorts, ", "))
	if err := bad.Err(); err != nil {
		return b, err
	}
	var err error
	if b.CountyID, b.TownshipID, err = a.boardPlace(ctx, u, q.Get("county"), q.Get("township")); err != nil {
		return b, err
	}
	draw := func(ctx context.Context) (Board, error) { return a.drawBoard(ctx, b) }
	if b.CountyID == "" {
		b, err = a.cachedCityBoard(ctx, draw)
	} else {
		b, err = draw(ctx)
	}
	b.Sort, b.UnitSort = q.Get("sort"), q.Get("usort") // the cached board's are its first caller's
	sortLines(b.Places, b.Sort)
	sortLines(b.Units, b.UnitSort)
	return b, err
}

// drawBoard counts and names a board's figures, live, now.
func (a *Actions) drawBoard(ctx context.Context, b Board) (Board, error) {
	b.At = a.now().In(policy.China)
	bq := store.BoardQuery{CountyID: b.CountyID, TownshipID: b.TownshipID, Now: b.At, SoonWithin: BoardSoon}
	b.Level = bq.PlaceLevel()
	counts, err := a.store.BoardCounts(ctx, bq)
	if err != nil {
		return b, err
	}
	b.Total, b.Kinds, b.Steps, b.Units = counts.Total, nonNil(counts.Kinds), nonNil(counts.Steps), nonNil(counts.Units)
	b.Places = []store.BoardLine{}
	if err := a.boardNames(ctx, &b, bq, counts.Places); err != nil {
		return b, err
	}
	first, last := monthSpan(b.At)
	months, err := a.store.BoardMonths(ctx, b.CountyID, first, last)
	b.Months = fillMonths(months, b.At)
	return b, err
}

// boardNames names every line: kinds and steps by their titles, every
// place of the level (none left out for having nothing open), the units.
func (a *Actions) boardNames(ctx context.Context, b *Board, bq store.BoardQuery, counted []store.BoardLine) error {
	for i := range b.Kinds {
		b.Kinds[i].Name = kindName(b.Kinds[i].Key)
	}
	for i := range b.Steps {
		b.Steps[i].Name = kindName(b.Steps[i].Kind) + " · " + workflows.StepTitle(b.Steps[i].Key)
	}
	sort.Slice(b.Steps, func(i, j int) bool {
		return b.Steps[i].Kind+"|"+b.Steps[i].Key < b.Steps[j].Kind+"|"+b.Steps[j].Key
	})
	places, err := a.store.BoardPlaces(ctx, bq)
	if err != nil {
		return err
	}
	byKey := map[string]store.BoardLine{}
	for _, l := range counted {
		byKey[l.Key] = l
	}
	for _, p := range places {
		l := byKey[p.ID]
		l.Key, l.Name = p.ID, p.Name
		b.Places = append(b.Places, l)
		delete(byKey, p.ID)
	}
	for _, l := range byKey { // a county's own items (no township), or a place no longer listed
		l.Name = l.Key
		if l.Key == "" {
			l.Name = "县级事项"
		}
		b.Places = append(b.Places, l)
	}
	ids := make([]string, len(b.Units))
	for i, l := range b.Units {
		ids[i] = l.Key
	}
	names, err := a.store.UnitNames(ctx, ids)
	for i := range b.Units {
		b.Units[i].Name = names[b.Units[i].Key]
		if b.Units[i].Key == "" {
			b.Units[i].Name = "无派出单位（月报等）"
		}
	}
	if b.CountyID != "" && err == nil {
		b.CountyName, err = a.store.PlaceName(ctx, "county", b.CountyID)
	}
	if b.TownshipID != "" && err == nil {
		b.TownshipName, err = a.store.PlaceName(ctx, "township", b.TownshipID)
	}
	return err
}

// nonNil keeps an empty breakdown an empty list in JSON.
func nonNil(ls []store.BoardLine) []store.BoardLine {
	if ls == nil {
		return []store.BoardLine{}
	}
	return ls
}

func kindName(kind string) string {
	if k, ok := workflows.KindByName(kind); ok {
		return k.Title
	}
	return kind
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if v == s {
			return true
		}
	}
	return false
}

// sortLines orders a table: by name, or by a figure, largest first
// (name breaks ties); "" keeps the places' own order.
func sortLines(ls []store.BoardLine, by string) {
	if by == "" {
		return
	}
	fig := func(l store.BoardLine) int {
		switch by {
		case "overdue":
			return l.Overdue
		case "due_soon":
			return l.DueSoon
		case "escalated":
			return l.Escalated
		}
		return l.Open
	}
	sort.SliceStable(ls, func(i, j int) bool {
		if by != "name" && fig(ls[i]) != fig(ls[j]) {
			return fig(ls[i]) > fig(ls[j])
		}
		return ls[i].Name < ls[j].Name
	})
}

// monthSpan is the series' first and last month, "YYYY-MM", ending now.
func monthSpan(now time.Time) (string, string) {
	y, m, _ := now.In(policy.China).Date()
	first := time.Date(y, m-boardMonths+1, 1, 0, 0, 0, 0, policy.China)
	return first.Format("2006-01"), now.In(policy.China).Format("2006-01")
}

// fillMonths is the series with a zero month for each month without rows.
func fillMonths(got []store.BoardMonth, now time.Time) []store.BoardMonth {
	have := map[string]store.BoardMonth{}
	for _, m := range got {
		have[m.Month] = m
	}
	y, mo, _ := now.In(policy.China).Date()
	out := make([]store.BoardMonth, boardMonths)
	for i := range out {
		key := time.Date(y, mo-boardMonths+1+time.Month(i), 1, 0, 0, 0, 0, policy.China).Format("2006-01")
		m := have[key]
		m.Month = key
		out[i] = m
	}
	return out
}
