package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// planRoster compares the staged teams with the ledger. Only teams that
// have had members before are compared (a new team gets its first roster
// from firstRosters); each difference becomes a PlannedChange: a join, a
// leave (today), a leader change (today), or, for a member already on
// another team, a leave there with the join deferred until it is filed.
// A member with a change awaiting filing gets only deferred ones, so
// importing again meanwhile opens nothing twice.
func planRoster(ctx context.Context, tx pgx.Tx, today time.Time) ([]PlannedChange, error) {
	rows, err := tx.Query(ctx, `
		WITH hist AS (
			SELECT DISTINCT i.team_id FROM imp_members i
			WHERE EXISTS (SELECT 1 FROM memberships ms WHERE ms.team_id = i.team_id)),
		cur AS (
			SELECT ms.member_id, ms.team_id, ms.is_leader FROM memberships ms WHERE ms.to_date IS NULL),
		pending AS (
			SELECT member_id AS id FROM roster_changes WHERE state = 'pending'
			UNION SELECT replaces_member_id FROM roster_changes WHERE state = 'pending' AND replaces_member_id IS NOT NULL),
		plan (team_id, change, member_id, member_name, eff, deferred) AS (
			-- joins: on no team now
			SELECT i.team_id, 'join', i.id, i.name, i.joined, false
			FROM imp_members i JOIN hist USING (team_id)
			WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.member_id = i.id)
			-- moves: leave the old team now, join the new one later
			UNION ALL
			SELECT cur.team_id, 'leave', i.id, i.name, $1::date, false
			FROM imp_members i JOIN cur ON cur.member_id = i.id AND cur.team_id <> i.team_id
			UNION ALL
			SELECT i.team_id, 'join', i.id, i.name, GREATEST(i.joined, $1::date), true
			FROM imp_members i JOIN cur ON cur.member_id = i.id AND cur.team_id <> i.team_id
			-- leaves: on a team of the workbook, and in it no more
			UNION ALL
			SELECT cur.team_id, 'leave', cur.member_id, m.name, $1::date, false
			FROM cur JOIN members m ON m.id = cur.member_id
			WHERE cur.team_id IN (SELECT DISTINCT team_id FROM imp_members)
			  AND NOT EXISTS (SELECT 1 FROM imp_members i WHERE i.id = cur.member_id)
			-- a new leader already on the team, or (deferred) joining it
			UNION ALL
			SELECT i.team_id, 'leader', i.id, i.name, $1::date,
			       NOT EXISTS (SELECT 1 FROM cur WHERE cur.member_id = i.id AND cur.team_id = i.team_id)
			FROM imp_members i JOIN hist USING (team_id)
			WHERE i.is_leader AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.member_id = i.id
			                                  AND cur.team_id = i.team_id AND cur.is_leader))
		SELECT p.team_id, t.name, tw.county_id, p.change, p.member_id, p.member_name, p.eff,
		       p.deferred OR p.member_id IN (SELECT id FROM pending)
		FROM plan p JOIN teams t ON t.id = p.team_id JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id
		ORDER BY tw.county_id, p.team_id, p.change = 'leader', p.member_id`, sqlDate(today))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PlannedChange, error) {
		var c PlannedChange
		var eff time.Time
		err := r.Scan(&c.TeamID, &c.TeamName, &c.CountyID, &c.Change, &c.MemberID, &c.MemberName, &eff, &c.Deferred)
		c.EffectiveOn = eff.Format(time.DateOnly)
		return c, err
	})
}

// firstRosters writes the roster of every team of the workbook that has
// never had a member and has no change awaiting filing: that is the team's
// first 台账, not a change to it. A member on another team now is left out
// (planRoster moves them).
func firstRosters(ctx context.Context, tx pgx.Tx) (ImportCount, error) {
	tag, err := tx.Exec(ctx, `
		WITH fresh AS (
			SELECT DISTINCT i.team_id FROM imp_members i
			WHERE NOT EXISTS (SELECT 1 FROM memberships ms WHERE ms.team_id = i.team_id)
			  AND NOT EXISTS (SELECT 1 FROM roster_changes rc WHERE rc.team_id = i.team_id AND rc.state = 'pending'))
		INSERT INTO memberships (team_id, member_id, is_leader, from_date)
		SELECT i.team_id, i.id, i.is_leader, i.joined FROM imp_members i JOIN fresh USING (team_id)
		WHERE NOT EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = i.id AND ms.to_date IS NULL)`)
	if err != nil {
		return ImportCount{}, err
	}
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM imp_members`).Scan(&total); err != nil {
		return ImportCount{}, err
	}
	n := int(tag.RowsAffected())
	return ImportCount{Kind: "首次入队记录", Created: n, Unchanged: total - n}, nil
}

// importAccounts creates the accounts of members, unit heads and offices
// of the workbook that have none: usernames are the member's id, the
// unit's id with -head, the office's id (as the demo's). Their password
// matches nothing until IssueAccounts hands one out. Existing accounts
// get the names the workbook now gives. A username another account holds
// is reported, not taken.
//
// lap marks the end of each part, for the benchmark's figures.
func importAccounts(ctx context.Context, tx pgx.Tx, lap func(string)) (ImportCount, []string, error) {
	c := ImportCount{Kind: "账号"}
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE imp_accounts ON COMMIT DROP AS
		SELECT i.id AS username, i.name AS display_name, 'member' AS role, i.id AS member_id, i.unit_id,
		       NULL::text AS office_id, i.team_id, v.township_id, tw.county_id, false AS principal
		FROM imp_members i JOIN villages v ON v.id = i.village_id JOIN townships tw ON tw.id = v.township_id
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = i.id)
		UNION ALL
		SELECT u.id || '-head', u.head_name || '（' || u.name || '）', 'unit_head', NULL, u.id, NULL, NULL, NULL,
		       NULLIF(u.county_id, ''), true
		FROM imp_units u
		WHERE NOT EXISTS (SELECT 1 FROM users x WHERE x.unit_id = u.id AND x.role = 'unit_head' AND x.principal)
		UNION ALL
		SELECT o.id, o.name, o.role, NULL, NULL, o.id, NULL, o.township_id, o.county_id, false
		FROM offices o
		WHERE (o.county_id IN (SELECT id FROM imp_counties) OR
		       (o.county_id IS NULL AND o.city_id IN (SELECT city_id FROM imp_counties)))
		  AND NOT EXISTS (SELECT 1 FROM users x WHERE x.office_id = o.id);
		ANALYZE imp_accounts;`); err != nil {
		return c, nil, err
	}
	lap("accounts: which")
	var taken []string
	rows, err := tx.Query(ctx, `SELECT a.username FROM imp_accounts a JOIN users u USING (username) ORDER BY 1 LIMIT 200`)
	if err != nil {
		return c, nil, err
	}
	if taken, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return c, nil, err
	}
	// A plain insert of the usernames not taken, in username order (the
	// unique index is then filled page by page), not ON CONFLICT DO
	// NOTHING, whose speculative insertion checks, inserts and confirms
	// each row. The import's lock keeps other imports out meanwhile; a
	// username twice among the accounts (a member named like an office)
	// is made once.
	tag, err := tx.Exec(ctx, `
		INSERT INTO users (id, username, display_name, role, password_hash, member_id, unit_id, office_id,
		                   team_id, township_id, county_id, principal, must_change_password, issue_pending)
		SELECT DISTINCT ON (username) gen_random_uuid(), username, display_name, role, '!', member_id, unit_id, office_id,
		       team_id, township_id, county_id, principal, true, true FROM imp_accounts a
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username = a.username)
		ORDER BY username, role`)
	if err != nil {
		return c, nil, err
	}
	c.Created = int(tag.RowsAffected())
	lap("accounts: insert")
	if _, err := tx.Exec(ctx, `
		UPDATE users u SET display_name = i.name FROM imp_members i
		WHERE u.member_id = i.id AND u.role = 'member' AND u.display_name <> i.name`); err != nil {
		return c, nil, err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE users x SET display_name = u.head_name || '（' || u.name || '）' FROM imp_units u
		WHERE x.unit_id = u.id AND x.role = 'unit_head' AND x.principal
		  AND x.display_name <> u.head_name || '（' || u.name || '）'`); err != nil {
		return c, nil, err
	}
	var total int
	err = tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM imp_members) + (SELECT count(*) FROM imp_units)
		+ (SELECT count(*) FROM offices o WHERE o.county_id IN (SELECT id FROM imp_counties) OR
		   (o.county_id IS NULL AND o.city_id IN (SELECT city_id FROM imp_counties)))`).Scan(&total)
	c.Unchanged = max(total-c.Created-len(taken), 0)
	lap("accounts: names")
	return c, taken, err
}
