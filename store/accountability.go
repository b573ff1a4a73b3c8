package store

// Articles 18 and 20: what the circulation is drafted from, the yearly
// tallies that open interviews, who may be told, and whether a recalled
// member's team has someone new.

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
	"zhucun/workflows"
)

// CityIDs is every city, by id.
func (s *Store) CityIDs(ctx context.Context) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM cities ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("cities: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// CityOfOffice is the city an office (or, for "", the one city there is)
// belongs to; ErrNotFound if none.
func (s *Store) CityOfOffice(ctx context.Context, officeID string) (string, error) {
	var city string
	err := s.Pool.QueryRow(ctx, `SELECT city_id FROM offices WHERE id = $1
		UNION ALL SELECT id FROM cities WHERE $1 = '' LIMIT 1`, officeID).Scan(&city)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("city of office %s: %w", officeID, err)
	}
	return city, nil
}

// CityOffice is one office of a city: a county's two, or the city's own.
type CityOffice struct {
	ID, Role, CountyID string
}

// CityOffices is every county-level and city-level office of a city
// (township committees aside), by county then role.
func (s *Store) CityOffices(ctx context.Context, city string) ([]CityOffice, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, role, COALESCE(county_id, '') FROM offices
		WHERE city_id = $1 AND township_id IS NULL ORDER BY county_id NULLS FIRST, role, id`, city)
	if err != nil {
		return nil, fmt.Errorf("city offices %s: %w", city, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CityOffice, error) {
		var o CityOffice
		err := r.Scan(&o.ID, &o.Role, &o.CountyID)
		return o, err
	})
}

// CityCounties is a city's counties, by id.
func (s *Store) CityCounties(ctx context.Context, city string) ([]County, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name FROM counties WHERE city_id = $1 ORDER BY id`, city)
	if err != nil {
		return nil, fmt.Errorf("counties of %s: %w", city, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (County, error) {
		var c County
		err := r.Scan(&c.ID, &c.Name)
		return c, err
	})
}

// CirculationItems is every absence of a city's counties in the report
// cycle month, voided ones aside, with how its explanation stands:
// signed in time, signed late, closed by the county, or missing.
func (s *Store) CirculationItems(ctx context.Context, city, month string) ([]workflows.CirculationItem, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT a.process_id::text, a.member_id, m.name, a.unit_id, u.name,
		       COALESCE(p.detail->>'team_name', ''), a.county_id, c.name, a.found_at,
		       CASE WHEN a.status = 'signed' AND a.late THEN 'late'
		            WHEN a.status = 'signed' THEN 'on_time'
		            WHEN a.status = 'closed' THEN 'closed'
		            ELSE 'missing' END
		FROM absences a
		JOIN members m ON m.id = a.member_id
		JOIN units u ON u.id = a.unit_id
		JOIN counties c ON c.id = a.county_id
		LEFT JOIN processes p ON p.id = a.process_id
		WHERE c.city_id = $1 AND a.cycle_month = $2 AND a.status <> 'voided'
		ORDER BY a.county_id, a.found_at, a.process_id`, city, month)
	if err != nil {
		return nil, fmt.Errorf("circulation items %s %s: %w", city, month, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (workflows.CirculationItem, error) {
		var it workflows.CirculationItem
		err := r.Scan(&it.AbsenceID, &it.MemberID, &it.MemberName, &it.UnitID, &it.UnitName,
			&it.TeamName, &it.CountyID, &it.CountyName, &it.FoundAt, &it.Explanation)
		it.FoundAt = it.FoundAt.In(policy.China) // as every instant is shown
		return it, err
	})
}

// Tally is one member's count for a report year: absences found (voided
// aside) and explanations past due unsigned.
type Tally struct {
	MemberID, MemberName, UnitID, UnitName, Principal, CountyID string
	Absences, Missing                                           int
}

// YearTallies is every member of a city with an absence in the report
// cycles of year up to and including month ("YYYY-MM").
func (s *Store) YearTallies(ctx context.Context, city string, year int, month string) ([]Tally, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT a.member_id, m.name, a.unit_id, u.name, u.head_name, a.county_id,
		       count(*), count(*) FILTER (WHERE a.status IN ('awaiting_explanation', 'awaiting_signature') AND a.overdue)
		FROM absences a
		JOIN members m ON m.id = a.member_id
		JOIN units u ON u.id = a.unit_id
		JOIN counties c ON c.id = a.county_id
		WHERE c.city_id = $1 AND a.cycle_month LIKE $2 AND a.cycle_month <= $3 AND a.status <> 'voided'
		GROUP BY a.member_id, m.name, a.unit_id, u.name, u.head_name, a.county_id
		ORDER BY a.county_id, a.member_id`, city, fmt.Sprintf("%04d-%%", year), month)
	if err != nil {
		return nil, fmt.Errorf("tallies %s %d: %w", city, year, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Tally, error) {
		var t Tally
		err := r.Scan(&t.MemberID, &t.MemberName, &t.UnitID, &t.UnitName, &t.Principal, &t.CountyID, &t.Absences, &t.Missing)
		return t, err
	})
}

// Unit is a dispatching unit and the name of its head.
type Unit struct {
	ID, Name, Level, CountyID, Principal string
}

// Unit returns a dispatching unit; ErrNotFound if none.
func (s *Store) Unit(ctx context.Context, id string) (Unit, error) {
	var u Unit
	err := s.Pool.QueryRow(ctx, `SELECT id, name, level, COALESCE(county_id, ''), head_name FROM units WHERE id = $1`, id).
		Scan(&u.ID, &u.Name, &u.Level, &u.CountyID, &u.Principal)
	if errors.Is(err, pgx.ErrNoRows) {
		return Unit{}, ErrNotFound
	}
	if err != nil {
		return Unit{}, fmt.Errorf("unit %s: %w", id, err)
	}
	return u, nil
}

// ReplacementOf is the first member other than the recalled one whose
// membership of the team began on or after since: the team's
// replacement, or a zero Replacement while there is none.
func (s *Store) ReplacementOf(ctx context.Context, a workflows.ReplacementArgs) (workflows.Replacement, error) {
	var r workflows.Replacement
	err := s.Pool.QueryRow(ctx, `
		SELECT m.id, m.name, ms.from_date::text FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE ms.team_id = $1 AND ms.member_id <> $2 AND ms.from_date >= $3::date
		ORDER BY ms.from_date, ms.id LIMIT 1`, a.TeamID, a.MemberID, a.Since).Scan(&r.MemberID, &r.MemberName, &r.JoinedOn)
	if errors.Is(err, pgx.ErrNoRows) {
		return workflows.Replacement{}, nil
	}
	if err != nil {
		return r, fmt.Errorf("replacement on %s: %w", a.TeamID, err)
	}
	return r, nil
}

// OpenRecalls is the workflow ids of the recalls that hold a team short.
func (s *Store) OpenRecalls(ctx context.Context, teamID string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT workflow_id FROM processes
		WHERE kind = $1 AND closed_at IS NULL AND detail->>'team_id' = $2`, workflows.KindRecall, teamID)
	if err != nil {
		return nil, fmt.Errorf("open recalls of %s: %w", teamID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
