package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Dates: a `on time.Time` argument is read as a calendar date, the
// year-month-day of on in its own location (pass a China date, e.g.
// midnight in Asia/Shanghai or in UTC). Dates read back (From, To) are
// midnight UTC of that calendar date.
func sqlDate(on time.Time) string { return on.Format(time.DateOnly) }

// MemberContext is everything a process needs to route a member's
// business: where they serve and which offices and unit answer for them.
// Ids that do not apply (no membership, no such office) are empty.
type MemberContext struct {
	MemberID     string `json:"member_id"`
	MemberName   string `json:"member_name"`
	UnitID       string `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	TeamID       string `json:"team_id"`
	TeamName     string `json:"team_name"`
	VillageID    string `json:"village_id"`
	VillageName  string `json:"village_name"`
	TownshipID   string `json:"township_id"`
	TownshipName string `json:"township_name"`
	CountyID     string `json:"county_id"`
	CountyName   string `json:"county_name"`
	CityID       string `json:"city_id"`
	IsLeader     bool   `json:"is_leader"`

	TownshipCommitteeID string `json:"township_committee_id"`
	CountyOrgDeptID     string `json:"county_org_dept_id"`
	CountyBureauID      string `json:"county_bureau_id"`
	CityOrgDeptID       string `json:"city_org_dept_id"`
	CityBureauID        string `json:"city_bureau_id"`
}

// MemberContext returns the member's context on date on: the team,
// village, township and county of the membership in force that day
// (from_date <= on and to_date null or >= on), or, if none is, of their
// most recent membership; and the offices of that township, county and
// city. A member with no membership at all gets only member, unit and city
// fields. ErrNotFound if there is no such member.
func (s *Store) MemberContext(ctx context.Context, memberID string, on time.Time) (MemberContext, error) {
	return memberContextFrom(s.Pool.QueryRow(ctx, sqlMemberContext, memberID, sqlDate(on)), memberID)
}

// sqlMemberContext reads a member's context ($1) on a day ($2).
const sqlMemberContext = `
		SELECT m.id, m.name, u.id, u.name,
		       COALESCE(t.id, ''), COALESCE(t.name, ''),
		       COALESCE(v.id, ''), COALESCE(v.name, ''),
		       COALESCE(tw.id, ''), COALESCE(tw.name, ''),
		       COALESCE(co.id, ''), COALESCE(co.name, ''),
		       COALESCE(co.city_id, u.city_id),
		       COALESCE(ms.is_leader, false),
		       COALESCE((SELECT o.id FROM offices o
		                 WHERE o.role = 'township_committee' AND o.township_id = tw.id), ''),
		       COALESCE((SELECT o.id FROM offices o
		                 WHERE o.role = 'county_org_dept' AND o.county_id = co.id AND o.township_id IS NULL), ''),
		       COALESCE((SELECT o.id FROM offices o
		                 WHERE o.role = 'county_bureau' AND o.county_id = co.id AND o.township_id IS NULL), ''),
		       COALESCE((SELECT o.id FROM offices o
		                 WHERE o.role = 'city_org_dept' AND o.city_id = COALESCE(co.city_id, u.city_id)
		                   AND o.county_id IS NULL ORDER BY o.id LIMIT 1), ''),
		       COALESCE((SELECT o.id FROM offices o
		                 WHERE o.role = 'city_bureau' AND o.city_id = COALESCE(co.city_id, u.city_id)
		                   AND o.county_id IS NULL ORDER BY o.id LIMIT 1), '')
		FROM members m
		JOIN units u ON u.id = m.unit_id
		LEFT JOIN LATERAL (
			SELECT x.team_id, x.is_leader FROM memberships x
			WHERE x.member_id = m.id
			ORDER BY (x.from_date <= $2::date AND (x.to_date IS NULL OR x.to_date >= $2::date)) DESC,
			         x.from_date DESC, x.id DESC
			LIMIT 1) ms ON true
		LEFT JOIN teams t ON t.id = ms.team_id
		LEFT JOIN villages v ON v.id = t.village_id
		LEFT JOIN townships tw ON tw.id = v.township_id
		LEFT JOIN counties co ON co.id = tw.county_id
		WHERE m.id = $1`

func memberContextFrom(row pgx.Row, memberID string) (MemberContext, error) {
	var c MemberContext
	err := row.Scan(
		&c.MemberID, &c.MemberName, &c.UnitID, &c.UnitName,
		&c.TeamID, &c.TeamName, &c.VillageID, &c.VillageName,
		&c.TownshipID, &c.TownshipName, &c.CountyID, &c.CountyName,
		&c.CityID, &c.IsLeader,
		&c.TownshipCommitteeID, &c.CountyOrgDeptID, &c.CountyBureauID,
		&c.CityOrgDeptID, &c.CityBureauID)
	if errors.Is(err, pgx.ErrNoRows) {
		return MemberContext{}, ErrNotFound
	}
	if err != nil {
		return MemberContext{}, fmt.Errorf("member context %s: %w", memberID, err)
	}
	return c, nil
}

// OfficeID returns the id of the office with role: a township committee
// of townshipID; a county office (county_org_dept, county_bureau) of
// countyID; a city office (city_org_dept, city_bureau), where countyID,
// if given, picks its county's city and otherwise the one city there is.
// ErrNotFound if there is none.
func (s *Store) OfficeID(ctx context.Context, role, countyID, townshipID string) (string, error) {
	var (
		q    string
		args []any
	)
	switch role {
	case "township_committee":
		q = `SELECT id FROM offices WHERE role = $1 AND township_id = $2`
		args = []any{role, townshipID}
	case "county_org_dept", "county_bureau":
		q = `SELECT id FROM offices WHERE role = $1 AND county_id = $2 AND township_id IS NULL`
		args = []any{role, countyID}
	case "city_org_dept", "city_bureau":
		q = `SELECT id FROM offices WHERE role = $1 AND county_id IS NULL
			AND ($2 = '' OR city_id = (SELECT city_id FROM counties WHERE id = $2))
			ORDER BY id LIMIT 1`
		args = []any{role, countyID}
	default:
		return "", fmt.Errorf("office role %q: %w", role, ErrNotFound)
	}
	var id string
	err := s.Pool.QueryRow(ctx, q, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("office %s: %w", role, err)
	}
	return id, nil
}

// County is a county (县/区).
type County struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// County returns a county's id and name; ErrNotFound if none.
func (s *Store) County(ctx context.Context, id string) (string, string, error) {
	var cid, name string
	err := s.Pool.QueryRow(ctx, `SELECT id, name FROM counties WHERE id = $1`, id).Scan(&cid, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("county %s: %w", id, err)
	}
	return cid, name, nil
}

// ListCounties returns every county, by id.
func (s *Store) ListCounties(ctx context.Context) ([]County, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name FROM counties ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("counties: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (County, error) {
		var c County
		err := r.Scan(&c.ID, &c.Name)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("counties: %w", err)
	}
	return out, nil
}

// Member is a village-resident cadre and the unit that sent them.
type Member struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	UnitID         string `json:"unit_id"`
	FirstSecretary bool   `json:"first_secretary"`
}

// Member returns a member; ErrNotFound if none.
func (s *Store) Member(ctx context.Context, id string) (Member, error) {
	var m Member
	err := s.Pool.QueryRow(ctx, `SELECT id, name, unit_id, first_secretary FROM members WHERE id = $1`, id).
		Scan(&m.ID, &m.Name, &m.UnitID, &m.FirstSecretary)
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("member %s: %w", id, err)
	}
	return m, nil
}

// RosterEntry is one membership of a team: a line of the ledger (台账).
type RosterEntry struct {
	MemberID   string     `json:"member_id"`
	MemberName string     `json:"member_name"`
	UnitID     string     `json:"unit_id"`
	IsLeader   bool       `json:"is_leader"`
	From       time.Time  `json:"from"`
	To         *time.Time `json:"to"`
}

// Roster returns the memberships of teamID in force on date on, leader
// first, then by start date and member id. An unknown team has an empty
// roster (no error).
func (s *Store) Roster(ctx context.Context, teamID string, on time.Time) ([]RosterEntry, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT m.id, m.name, m.unit_id, ms.is_leader, ms.from_date, ms.to_date
		FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE ms.team_id = $1 AND ms.from_date <= $2::date
		  AND (ms.to_date IS NULL OR ms.to_date >= $2::date)
		ORDER BY ms.is_leader DESC, ms.from_date, m.id`, teamID, sqlDate(on))
	if err != nil {
		return nil, fmt.Errorf("roster %s: %w", teamID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RosterEntry, error) {
		var e RosterEntry
		err := r.Scan(&e.MemberID, &e.MemberName, &e.UnitID, &e.IsLeader, &e.From, &e.To)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("roster %s: %w", teamID, err)
	}
	return out, nil
}
