package store

// The 督查 board: counts of open processes by kind, step, place and unit
// in one pass over the open-process index (migrations/013_board.sql), the
// names of the places, and the monthly series the triggers keep.

import (
	"context"
	"fmt"
	"time"
)

// BoardCounts are a line's figures: open, overdue, due within the window
// (not yet overdue), and escalated (督办) processes.
type BoardCounts struct {
	Open      int `json:"open"`
	Overdue   int `json:"overdue"`
	DueSoon   int `json:"due_soon"`
	Escalated int `json:"escalated"`
}

// BoardLine is one row of a breakdown: a kind, a kind's step, a place or
// a unit, with its name where it has one.
type BoardLine struct {
	Key  string `json:"key"`
	Kind string `json:"kind,omitempty"` // a step's kind
	Name string `json:"name"`
	BoardCounts
}

// BoardQuery is what a board shows: the place it is drawn for (the city,
// a county or a township; its rows are the next level down), and now.
type BoardQuery struct {
	CountyID   string
	TownshipID string
	Now        time.Time
	SoonWithin time.Duration
}

// PlaceLevel is the level of a board's place rows.
func (q BoardQuery) PlaceLevel() string {
	switch {
	case q.TownshipID != "":
		return "team"
	case q.CountyID != "":
		return "township"
	}
	return "county"
}

// BoardCountsResult is the board's counts: the total and each breakdown.
type BoardCountsResult struct {
	Total  BoardCounts
	Kinds  []BoardLine
	Steps  []BoardLine
	Places []BoardLine
	Units  []BoardLine
}

// placeExpr is the column a board's place rows group by. A team is read
// from the resource (processes have no team column): only a township's
// board asks, over its few hundred open processes.
func placeExpr(level string) string {
	switch level {
	case "team":
		return "COALESCE(p.detail->>'team_id', '')"
	case "township":
		return "COALESCE(p.township_id, '')"
	}
	return "p.county_id"
}

// sqlBoard counts open processes once, with every breakdown as a grouping
// set; escalated processes are few, so their ids are hashed and joined.
const sqlBoard = `
WITH esc AS (SELECT DISTINCT process_id FROM process_waiting WHERE escalated)
SELECT GROUPING(p.kind) AS gk, GROUPING(p.step) AS gs, GROUPING(%[1]s) AS gp, GROUPING(p.unit_id) AS gu,
       COALESCE(p.kind, ''), COALESCE(p.step, ''), COALESCE(%[1]s, ''), COALESCE(p.unit_id, ''),
       count(*), count(*) FILTER (WHERE p.overdue),
       count(*) FILTER (WHERE NOT p.overdue AND p.due_at >= $1 AND p.due_at < $2),
       count(e.process_id)
FROM processes p LEFT JOIN esc e ON e.process_id = p.id
WHERE p.closed_at IS NULL%[2]s
GROUP BY GROUPING SETS ((), (p.kind), (p.kind, p.step), (%[1]s), (p.unit_id))`

// BoardCounts counts the open processes of a board.
func (s *Store) BoardCounts(ctx context.Context, q BoardQuery) (BoardCountsResult, error) {
	sql, args := boardSQL(q)
	rows, err := s.Pool.Query(ctx, sql, args...)
	if err != nil {
		return BoardCountsResult{}, err
	}
	defer rows.Close()
	var r BoardCountsResult
	for rows.Next() {
		var gk, gs, gp, gu int
		var l BoardLine
		var kind, step, place, unit string
		if err := rows.Scan(&gk, &gs, &gp, &gu, &kind, &step, &place, &unit,
			&l.Open, &l.Overdue, &l.DueSoon, &l.Escalated); err != nil {
			return r, err
		}
		switch {
		case gk == 0 && gs == 0:
			l.Key, l.Kind = step, kind
			r.Steps = append(r.Steps, l)
		case gk == 0:
			l.Key = kind
			r.Kinds = append(r.Kinds, l)
		case gp == 0:
			l.Key = place
			r.Places = append(r.Places, l)
		case gu == 0:
			l.Key = unit
			r.Units = append(r.Units, l)
		default:
			r.Total = l.BoardCounts
		}
	}
	return r, rows.Err()
}

func boardSQL(q BoardQuery) (string, []any) {
	soon := q.SoonWithin
	if soon <= 0 {
		soon = 72 * time.Hour
	}
	args := []any{q.Now, q.Now.Add(soon)}
	cond := ""
	if q.CountyID != "" {
		args = append(args, q.CountyID)
		cond += fmt.Sprintf(" AND p.county_id = $%d", len(args))
	}
	if q.TownshipID != "" {
		args = append(args, q.TownshipID)
		cond += fmt.Sprintf(" AND p.township_id = $%d", len(args))
	}
	return fmt.Sprintf(sqlBoard, placeExpr(q.PlaceLevel()), cond), args
}

// ExplainBoard shows the plan of a board's counts, for the benchmark.
func (s *Store) ExplainBoard(ctx context.Context, q BoardQuery) (string, error) {
	sql, args := boardSQL(q)
	return s.explain(ctx, sql, args...)
}

// Named is an id and its Chinese name.
type Named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// BoardPlaces lists the places a board's rows are (every county of the
// city, the townships of a county, the teams of a township) by name.
func (s *Store) BoardPlaces(ctx context.Context, q BoardQuery) ([]Named, error) {
	switch q.PlaceLevel() {
	case "team":
		return s.named(ctx, `SELECT t.id, t.name FROM teams t JOIN villages v ON v.id = t.village_id
			WHERE v.township_id = $1 ORDER BY t.id`, q.TownshipID)
	case "township":
		return s.named(ctx, `SELECT id, name FROM townships WHERE county_id = $1 ORDER BY id`, q.CountyID)
	}
	return s.named(ctx, `SELECT id, name FROM counties ORDER BY id`)
}

// UnitNames names the dispatching units among ids.
func (s *Store) UnitNames(ctx context.Context, ids []string) (map[string]string, error) {
	ns, err := s.named(ctx, `SELECT id, name FROM units WHERE id = ANY($1)`, ids)
	m := make(map[string]string, len(ns))
	for _, n := range ns {
		m[n.ID] = n.Name
	}
	return m, err
}

// PlaceName is the name of a county, township or team ("" if none).
func (s *Store) PlaceName(ctx context.Context, level, id string) (string, error) {
	table := map[string]string{"county": "counties", "township": "townships", "team": "teams"}[level]
	if table == "" || id == "" {
		return "", nil
	}
	ns, err := s.named(ctx, `SELECT id, name FROM `+table+` WHERE id = $1`, id)
	if err != nil || len(ns) == 0 {
		return "", err
	}
	return ns[0].Name, nil
}

// TownshipCounty is the county a township lies in ("" for none).
func (s *Store) TownshipCounty(ctx context.Context, township string) (string, error) {
	ns, err := s.named(ctx, `SELECT county_id, '' FROM townships WHERE id = $1`, township)
	if err != nil || len(ns) == 0 {
		return "", err
	}
	return ns[0].ID, nil
}

func (s *Store) named(ctx context.Context, sql string, args ...any) ([]Named, error) {
	rows, err := s.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Named
	for rows.Next() {
		var n Named
		if err := rows.Scan(&n.ID, &n.Name); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// BoardMonth is one month of the series: absences found, late
// explanations among them, and approved leave days.
type BoardMonth struct {
	Month     string `json:"month"`
	Absences  int    `json:"absences"`
	Late      int    `json:"late"`
	LeaveDays int    `json:"leave_days"`
}

// The city's series sums every county's months; a county's reads its own
// (two statements, so each keeps its own plan).
const (
	sqlBoardMonthsCity = `SELECT month, sum(absences)::int, sum(late)::int, sum(leave_days)::int
	FROM board_months WHERE month >= $1 AND month <= $2 GROUP BY month ORDER BY month`
	sqlBoardMonthsCounty = `SELECT month, absences, late, leave_days
	FROM board_months WHERE month >= $1 AND month <= $2 AND county_id = $3 ORDER BY month`
)

func boardMonthsSQL(county, first, last string) (string, []any) {
	if county == "" {
		return sqlBoardMonthsCity, []any{first, last}
	}
	return sqlBoardMonthsCounty, []any{first, last, county}
}

// BoardMonths is the series from month first to last ("YYYY-MM") for a
// county, or the city for "".
func (s *Store) BoardMonths(ctx context.Context, county, first, last string) ([]BoardMonth, error) {
	sql, args := boardMonthsSQL(county, first, last)
	rows, err := s.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BoardMonth
	for rows.Next() {
		var m BoardMonth
		if err := rows.Scan(&m.Month, &m.Absences, &m.Late, &m.LeaveDays); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ExplainBoardMonths shows the plan of the series, for the benchmark.
func (s *Store) ExplainBoardMonths(ctx context.Context, county, first, last string) (string, error) {
	sql, args := boardMonthsSQL(county, first, last)
	return s.explain(ctx, sql, args...)
}

// boardFilter adds the board's own list filters to a list query.
func boardFilter(w *where, f ProcessFilter) {
	if f.TownshipID != "" {
		w.add("township_id = ?", f.TownshipID)
	}
	if f.TeamID != "" {
		w.add("detail->>'team_id' = ?", f.TeamID)
	}
	if f.DueAfter != nil {
		w.add("due_at >= ?", *f.DueAfter)
	}
	if f.Step != "" {
		w.add("step = ?", f.Step)
	}
	if f.Open {
		w.conds = append(w.conds, "closed_at IS NULL")
	}
	if f.Escalated {
		w.conds = append(w.conds, "id IN (SELECT process_id FROM process_waiting WHERE escalated)")
	}
}

// OrgNameMaps names counties, townships and units by id.
type OrgNameMaps map[string]map[string]string

// Name is the name of id at level ("county", "township", "unit"), or id.
func (n OrgNameMaps) Name(level, id string) string {
	if s, ok := n[level][id]; ok {
		return s
	}
	return id
}

// OrgNames names the counties, townships and units of rows, in one query.
func (s *Store) OrgNames(ctx context.Context, rows []Process) (OrgNameMaps, error) {
	seen := map[string]map[string]bool{"county": {}, "township": {}, "unit": {}}
	ids := map[string][]string{}
	for _, p := range rows {
		for level, id := range map[string]string{"county": p.CountyID, "township": p.TownshipID, "unit": p.UnitID} {
			if id != "" && !seen[level][id] {
				seen[level][id] = true
				ids[level] = append(ids[level], id)
			}
		}
	}
	out := OrgNameMaps{"county": {}, "township": {}, "unit": {}}
	r, err := s.Pool.Query(ctx, `SELECT 'county', id, name FROM counties WHERE id = ANY($1)
		UNION ALL SELECT 'township', id, name FROM townships WHERE id = ANY($2)
		UNION ALL SELECT 'unit', id, name FROM units WHERE id = ANY($3)`, ids["county"], ids["township"], ids["unit"])
	if err != nil {
		return out, err
	}
	defer r.Close()
	for r.Next() {
		var level, id, name string
		if err := r.Scan(&level, &id, &name); err != nil {
			return out, err
		}
		out[level][id] = name
	}
	return out, r.Err()
}
