package store

// Team make-up (article 8), watched daily: what the check finds wrong
// with each team becomes an open flag for the county bureau, and the
// first check that no longer finds it resolves it.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

func ptrIn(t time.Time) *time.Time { t = t.In(policy.China); return &t }

// Team flags.
const (
	FlagTooFew             = "too_few"
	FlagNoLeader           = "no_leader"
	FlagLeaderNotSecretary = "leader_not_secretary"
	FlagTermOver           = "term_over"
)

// TeamFlag is one thing wrong with a team (MemberID "" for the team).
type TeamFlag struct {
	ID         int64      `json:"id"`
	TeamID     string     `json:"team_id"`
	TeamName   string     `json:"team_name"`
	CountyID   string     `json:"county_id"`
	Flag       string     `json:"flag"`
	MemberID   string     `json:"member_id"`
	MemberName string     `json:"member_name"`
	Detail     string     `json:"detail"`
	OpenedAt   time.Time  `json:"opened_at"`
	CheckedAt  time.Time  `json:"checked_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
}

// teamFindings is article 8's check on day as one query: every team of
// every county, what is wrong with it. A leader who is no first
// secretary is allowed as a 处级 cadre, or a 科级 one from a county unit.
const teamFindings = `
WITH cur AS (
    SELECT ms.team_id, ms.member_id, ms.is_leader, ms.from_date, m.first_secretary, m.cadre_level, u.level AS unit_level
    FROM memberships ms JOIN members m ON m.id = ms.member_id JOIN units u ON u.id = m.unit_id
    WHERE ms.from_date <= $1 AND (ms.to_date IS NULL OR ms.to_date >= $1)
), teams_c AS (
    SELECT t.id AS team_id, tw.county_id FROM teams t JOIN villages v ON v.id = t.village_id
    JOIN townships tw ON tw.id = v.township_id WHERE tw.county_id = $4
)
SELECT tc.team_id, tc.county_id, 'too_few', '', (SELECT count(*) FROM cur WHERE cur.team_id = tc.team_id)::text
FROM teams_c tc WHERE (SELECT count(*) FROM cur WHERE cur.team_id = tc.team_id) BETWEEN 1 AND $2 - 1
UNION ALL
SELECT tc.team_id, tc.county_id, 'no_leader', '', ''
FROM teams_c tc WHERE EXISTS (SELECT 1 FROM cur WHERE cur.team_id = tc.team_id)
  AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.team_id = tc.team_id AND cur.is_leader)
UNION ALL
SELECT tc.team_id, tc.county_id, 'leader_not_secretary', cur.member_id, cur.cadre_level
FROM teams_c tc JOIN cur ON cur.team_id = tc.team_id
WHERE cur.is_leader AND NOT cur.first_secretary
  AND NOT (cur.cadre_level = 'chu' OR (cur.cadre_level = 'ke' AND cur.unit_level = 'county'))
UNION ALL
SELECT tc.team_id, tc.county_id, 'term_over', cur.member_id, (cur.from_date + make_interval(years => $3))::date::text
FROM teams_c tc JOIN cur ON cur.team_id = tc.team_id
WHERE $3 > 0 AND (cur.from_date + make_interval(years => $3))::date <= $1
  AND NOT EXISTS (SELECT 1 FROM term_renewals r WHERE r.member_id = cur.member_id
                  AND r.team_id = cur.team_id AND r.until_date >= $1)`

// CheckTeams runs article 8's check for day and brings the open flags in
// line with it for one county, at instant now, in one transaction; it is idempotent.
// It returns how many flags are open after it.
func (s *Store) CheckTeams(ctx context.Context, county string, day, now time.Time, minSize, termYears int) (int, error) {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('team_flags:' || $1))`, county); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, teamFindings, sqlDate(day), minSize, termYears, county)
	if err != nil {
		return 0, fmt.Errorf("team check: %w", err)
	}
	var teams, counties, flags, members, details []string
	for rows.Next() {
		var t, c, f, m, d string
		if err := rows.Scan(&t, &c, &f, &m, &d); err != nil {
			rows.Close()
			return 0, err
		}
		teams, counties, flags, members, details = append(teams, t), append(counties, c), append(flags, f), append(members, m), append(details, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO team_flags (team_id, county_id, flag, member_id, detail, opened_at, checked_at)
		SELECT t, c, f, m, d, $6, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(t, c, f, m, d)
		ON CONFLICT (team_id, flag, member_id) WHERE resolved_at IS NULL
		DO UPDATE SET checked_at = EXCLUDED.checked_at, detail = EXCLUDED.detail`,
		teams, counties, flags, members, details, now); err != nil {
		return 0, fmt.Errorf("open team flags: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE team_flags SET resolved_at = $4, checked_at = $4
		WHERE resolved_at IS NULL AND county_id = $5 AND (team_id, flag, member_id) NOT IN
		      (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`, teams, flags, members, now, county)
	if err != nil {
		return 0, fmt.Errorf("resolve team flags: %w", err)
	}
	return len(teams), tx.Commit(ctx)
}

// TeamFlags lists a county's flags: the open ones, and (resolved) those
// resolved since since, newest first.
func (s *Store) TeamFlags(ctx context.Context, county string, resolvedSince time.Time) ([]TeamFlag, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT f.id, f.team_id, t.name, f.county_id, f.flag, f.member_id, COALESCE(m.name, ''), f.detail,
		       f.opened_at, f.checked_at, f.resolved_at
		FROM team_flags f JOIN teams t ON t.id = f.team_id LEFT JOIN members m ON m.id = f.member_id
		WHERE f.county_id = $1 AND (f.resolved_at IS NULL OR f.resolved_at >= $2)
		ORDER BY f.resolved_at IS NULL DESC, f.opened_at DESC, f.id`, county, resolvedSince)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (TeamFlag, error) {
		var x TeamFlag
		err := r.Scan(&x.ID, &x.TeamID, &x.TeamName, &x.CountyID, &x.Flag, &x.MemberID, &x.MemberName, &x.Detail,
			&x.OpenedAt, &x.CheckedAt, &x.ResolvedAt)
		x.OpenedAt, x.CheckedAt = x.OpenedAt.In(policy.China), x.CheckedAt.In(policy.China)
		if x.ResolvedAt != nil {
			x.ResolvedAt = ptrIn(*x.ResolvedAt)
		}
		return x, err
	})
}

// RenewTerm records that a member stays on a team past the term, until a day.
func (s *Store) RenewTerm(ctx context.Context, member, team, until, by string) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO term_renewals (member_id, team_id, until_date, recorded_by) VALUES ($1, $2, $3, $4)`,
		member, team, until, by)
	return err
}
