package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Robot scopes: the groups that may have their own group robot.
const (
	RobotOffice = "office"
	RobotUnit   = "unit"
	RobotTeam   = "team"
)

// Robot is one group's robot as stored: its URL and secret sealed (see
// migration 019), so what leaves the store never holds them in the clear.
type Robot struct {
	Scope        string
	ScopeID      string
	Kind         string
	URLSealed    string
	URLHost      string
	SecretSealed string
	UpdatedBy    string
	UpdatedAt    time.Time
}

// RobotGroup is one office, unit or team of a county with its robot, if any.
type RobotGroup struct {
	Scope string
	ID    string
	Name  string
	Robot *Robot
}

// PutRobot sets a group's robot. keepSecret keeps the secret already
// stored (r.SecretSealed is then ignored).
func (s *Store) PutRobot(ctx context.Context, r Robot, keepSecret bool) error {
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO robots (scope, scope_id, kind, url_sealed, url_host, secret_sealed, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, now())
		ON CONFLICT (scope, scope_id) DO UPDATE SET kind = EXCLUDED.kind, url_sealed = EXCLUDED.url_sealed,
			url_host = EXCLUDED.url_host, updated_by = EXCLUDED.updated_by, updated_at = now(),
			secret_sealed = CASE WHEN $8 THEN robots.secret_sealed ELSE EXCLUDED.secret_sealed END`,
		r.Scope, r.ScopeID, r.Kind, r.URLSealed, r.URLHost, r.SecretSealed, r.UpdatedBy, keepSecret)
	return err
}

// DeleteRobot removes a group's robot; its notices go to the deployment's.
func (s *Store) DeleteRobot(ctx context.Context, scope, id string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM robots WHERE scope = $1 AND scope_id = $2`, scope, id)
	return err
}

// GetRobot reads one group's robot; ErrNotFound when it has none.
func (s *Store) GetRobot(ctx context.Context, scope, id string) (Robot, error) {
	rows, err := s.Pool.Query(ctx, sqlSelectRobot+` WHERE scope = $1 AND scope_id = $2`, scope, id)
	if err != nil {
		return Robot{}, err
	}
	r, err := pgx.CollectOneRow(rows, scanRobot)
	if errors.Is(err, pgx.ErrNoRows) {
		return Robot{}, ErrNotFound
	}
	return r, err
}

const sqlSelectRobot = `SELECT scope, scope_id, kind, url_sealed, url_host, secret_sealed, updated_by, updated_at FROM robots`

func scanRobot(row pgx.CollectableRow) (Robot, error) {
	var r Robot
	err := row.Scan(&r.Scope, &r.ScopeID, &r.Kind, &r.URLSealed, &r.URLHost, &r.SecretSealed, &r.UpdatedBy, &r.UpdatedAt)
	return r, err
}

// RobotGroupCounty is the county a group belongs to ("" for a city-level
// office or unit); ErrNotFound when there is no such group.
func (s *Store) RobotGroupCounty(ctx context.Context, scope, id string) (string, error) {
	var q string
	switch scope {
	case RobotOffice:
		q = `SELECT coalesce(county_id, '') FROM offices WHERE id = $1`
	case RobotUnit:
		q = `SELECT coalesce(county_id, '') FROM units WHERE id = $1`
	case RobotTeam:
		q = `SELECT tw.county_id FROM teams t JOIN villages v ON v.id = t.village_id
			JOIN townships tw ON tw.id = v.township_id WHERE t.id = $1`
	default:
		return "", ErrNotFound
	}
	var county string
	err := s.Pool.QueryRow(ctx, q, id).Scan(&county)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return county, err
}

// CountyRobotGroups lists a county's offices, county-level units and
// teams, each with its robot, offices first, then units, then teams, by id.
func (s *Store) CountyRobotGroups(ctx context.Context, county string) ([]RobotGroup, error) {
	rows, err := s.Pool.Query(ctx, `
		WITH g AS (
			SELECT 1 AS o, 'office' AS scope, id, name FROM offices WHERE county_id = $1
			UNION ALL
			SELECT 2, 'unit', id, name FROM units WHERE county_id = $1
			UNION ALL
			SELECT 3, 'team', t.id, t.name FROM teams t JOIN villages v ON v.id = t.village_id
				JOIN townships tw ON tw.id = v.township_id WHERE tw.county_id = $1)
		SELECT g.scope, g.id, g.name, r.kind, r.url_host, r.secret_sealed <> '', r.updated_by, r.updated_at
		  FROM g LEFT JOIN robots r ON r.scope = g.scope AND r.scope_id = g.id
		 ORDER BY g.o, g.id`, county)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RobotGroup, error) {
		var g RobotGroup
		var kind, host, by *string
		var hasSecret *bool
		var at *time.Time
		if err := row.Scan(&g.Scope, &g.ID, &g.Name, &kind, &host, &hasSecret, &by, &at); err != nil {
			return g, err
		}
		if kind != nil {
			g.Robot = &Robot{Scope: g.Scope, ScopeID: g.ID, Kind: *kind, URLHost: *host, UpdatedBy: *by, UpdatedAt: *at}
			if *hasSecret {
				// Only whether one is set leaves the store for listing.
				g.Robot.SecretSealed = "set"
			}
		}
		return g, nil
	})
}

// NoticeRoute is where a recipient's notices go: their group's robot
// (nil when the group has none) and the phone to @-mention ("" for an
// office, whose account is nobody's phone).
type NoticeRoute struct {
	Robot *Robot
	Phone string
	// Name is how the recipient is called in the notice.
	Name string
}

// RouteNotice resolves a recipient party key ("role:id", as the outbox
// holds it): a member goes to their current team's robot, a unit head to
// the unit's, an office account to the office's.
func (s *Store) RouteNotice(ctx context.Context, recipient string) (NoticeRoute, error) {
	role, id, _ := strings.Cut(recipient, ":")
	var scope, scopeID, phone, name string
	switch role {
	case "user":
		// A step handed over to one account (workflows.Party.UserID):
		// it goes where the account's office or unit gets its notices,
		// called by the account's own name.
		var display string
		var member, unit, office *string
		err := s.Pool.QueryRow(ctx, `SELECT display_name, member_id, unit_id, office_id FROM users WHERE id::text = $1`, id).
			Scan(&display, &member, &unit, &office)
		if errors.Is(err, pgx.ErrNoRows) {
			return NoticeRoute{}, nil
		} else if err != nil {
			return NoticeRoute{}, err
		}
		party := ""
		switch {
		case member != nil:
			party = "member:" + *member
		case unit != nil:
			party = "unit_head:" + *unit
		case office != nil:
			party = "office:" + *office
		}
		if party == "" {
			return NoticeRoute{Name: display}, nil
		}
		rt, err := s.RouteNotice(ctx, party)
		rt.Name = display
		return rt, err
	case "member":
		scope = RobotTeam
		err := s.Pool.QueryRow(ctx, `
			SELECT m.name, m.phone, coalesce((SELECT ms.team_id FROM memberships ms
			        WHERE ms.member_id = m.id AND ms.from_date <= current_date
			          AND (ms.to_date IS NULL OR ms.to_date >= current_date)
			        ORDER BY ms.from_date DESC LIMIT 1), '')
			  FROM members m WHERE m.id = $1`, id).Scan(&name, &phone, &scopeID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return NoticeRoute{}, err
		}
	case "unit_head":
		scope, scopeID = RobotUnit, id
		err := s.Pool.QueryRow(ctx, `SELECT name || '负责人', head_phone FROM units WHERE id = $1`, id).Scan(&name, &phone)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return NoticeRoute{}, err
		}
	default:
		scope, scopeID = RobotOffice, id
		err := s.Pool.QueryRow(ctx, `SELECT name FROM offices WHERE id = $1`, id).Scan(&name)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return NoticeRoute{}, err
		}
	}
	rt := NoticeRoute{Phone: phone, Name: name}
	if scopeID == "" {
		return rt, nil
	}
	r, err := s.GetRobot(ctx, scope, scopeID)
	switch {
	case errors.Is(err, ErrNotFound):
		return rt, nil
	case err != nil:
		return rt, err
	}
	rt.Robot = &r
	return rt, nil
}
