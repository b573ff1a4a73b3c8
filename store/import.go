package store

// Importing an organisation from its 台账: the rows a workbook holds,
// written in one transaction through temporary tables and set-based
// statements, so that 560,000 members take seconds, not hours. A dry run
// is the same transaction rolled back: what it counts is exactly what the
// real run writes.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OrgImport is a checked workbook: every row of every sheet. Row is the
// row's number in its sheet, for messages.
type OrgImport struct {
	Counties  []ImportCounty
	Townships []ImportTownship
	Villages  []ImportVillage
	Units     []ImportUnit
	Members   []ImportMember
	// Robots are the group robots the workbook sets (optional columns),
	// in plaintext only in memory: actions seal them before they are stored.
	Robots []ImportRobot
}

// ImportRobot is a group robot from a row of 乡镇（街道） (its committee's),
// 派出单位 or 驻村工作队及队员.
type ImportRobot struct {
	Row                          int
	Scope, ID, Kind, URL, Secret string
}

// ImportCounty is a row of 县区; the city is created if missing.
type ImportCounty struct {
	Row                    int
	ID, Name, CityID, City string
}

// ImportTownship is a row of 乡镇（街道）.
type ImportTownship struct {
	Row                int
	ID, Name, CountyID string
}

// ImportVillage is a row of 村.
type ImportVillage struct {
	Row                  int
	ID, Name, TownshipID string
}

// ImportUnit is a row of 派出单位; CountyID is empty for a city-level unit.
type ImportUnit struct {
	Row                                            int
	ID, Name, Level, CountyID, HeadName, HeadPhone string
}

// ImportMember is a row of 驻村工作队及队员: a member and the team they are
// on, from Joined.
type ImportMember struct {
	Row                         int
	TeamID, TeamName, VillageID string
	ID, Name, UnitID, Phone     string
	Leader, FirstSecretary      bool
	Joined                      time.Time
}

// ImportCount is what an import does to one kind of row.
type ImportCount struct {
	Kind      string `json:"kind"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// PlannedChange is a change in who is on which team that the import found
// and that goes through a roster change (article 17), not straight into
// the ledger. Deferred ones wait for an earlier change of the same member
// to be filed (a member moving teams leaves first, then joins).
type PlannedChange struct {
	TeamID      string `json:"team_id"`
	TeamName    string `json:"team_name"`
	CountyID    string `json:"county_id"`
	Change      string `json:"change"`
	MemberID    string `json:"member_id"`
	MemberName  string `json:"member_name"`
	EffectiveOn string `json:"effective_on"`
	Deferred    bool   `json:"deferred,omitempty"`
}

// ImportResult is what ApplyImport wrote (or, in a dry run, would write).
type ImportResult struct {
	Counts  []ImportCount   `json:"counts"`
	Changes []PlannedChange `json:"changes"`
	// TakenUsernames are accounts the import would have made under a
	// username another account already has; they are not made.
	TakenUsernames []string `json:"taken_usernames,omitempty"`
	// Took is how long each step took, for the benchmark's figures.
	Took []StepTime `json:"-"`
}

// StepTime is one step of an import and how long it took.
type StepTime struct {
	Step string
	Took time.Duration
}

// ImportOptions: DryRun keeps nothing; NoRosterChanges keeps nothing
// either when the workbook changes who is on a team that has a ledger
// (ErrRosterChangesNeeded), for a caller that cannot open roster changes.
type ImportOptions struct {
	DryRun, NoRosterChanges bool
}

// ErrRosterChangesNeeded: the import needs roster changes opened, which
// its caller said it cannot do; nothing was written.
var ErrRosterChangesNeeded = errors.New("import needs roster changes")

// importLock serialises imports, and imports with the demo seeder.
const importLock = seedLock

// ApplyImport writes o: places, units, teams and members are created or
// updated in place (names, phones, unit heads); a team that has never had
// anyone gets its roster straight from the workbook (its first 台账);
// every other change of who is on which team is returned as a
// PlannedChange, not written. Accounts are created for every member, unit
// head and office that has none, with no usable password until one is
// issued. See ImportOptions.
func (s *Store) ApplyImport(ctx context.Context, o *OrgImport, today time.Time, opt ImportOptions) (ImportResult, error) {
	conn, err := importConn(ctx, s.Pool)
	if err != nil {
		return ImportResult{}, err
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	defer tx.Rollback(ctx)
	// A big import's joins and sorts run in memory, not in batches
	// spilled to disk (the defaults are 4 MB and 64 MB).
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL maintenance_work_mem = '256MB';
		SELECT pg_advisory_xact_lock(`+fmt.Sprint(importLock)+`)`); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	last := time.Now()
	lap := func(step string) {
		res.Took = append(res.Took, StepTime{step, time.Since(last)})
		last = time.Now()
	}
	if err := stageImport(ctx, tx, o); err != nil {
		return ImportResult{}, fmt.Errorf("import: stage: %w", err)
	}
	lap("stage (COPY)")
	for _, step := range upsertSteps {
		c, err := runUpsert(ctx, tx, step)
		if err != nil {
			return ImportResult{}, fmt.Errorf("import %s: %w", step.kind, err)
		}
		res.Counts = append(res.Counts, c)
		lap(step.kind)
	}
	if res.Changes, err = planRoster(ctx, tx, today); err != nil {
		return ImportResult{}, fmt.Errorf("import: roster: %w", err)
	}
	lap("plan roster changes")
	first, err := firstRosters(ctx, tx)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import: first rosters: %w", err)
	}
	res.Counts = append(res.Counts, first)
	lap("first rosters")
	acc, taken, err := importAccounts(ctx, tx, lap)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import: accounts: %w", err)
	}
	res.Counts, res.TakenUsernames = append(res.Counts, acc), taken
	if opt.DryRun {
		return res, nil
	}
	if opt.NoRosterChanges {
		for _, c := range res.Changes {
			if !c.Deferred {
				return res, ErrRosterChangesNeeded
			}
		}
	}
	err = tx.Commit(ctx)
	lap("commit")
	return res, err
}

// importConn is a connection of its own for an import, taken out of the
// pool and closed afterwards: its temporary tables (a whole country's
// members are about 100 MB) get temp_buffers of 256 MB instead of 8 MB,
// which PostgreSQL allows only before a session's first temporary table
// and keeps for the session's life, so the connection is not given back.
func importConn(ctx context.Context, pool *pgxpool.Pool) (*pgx.Conn, error) {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn := pc.Hijack()
	if _, err := conn.Exec(ctx, `SET temp_buffers = '256MB'`); err != nil {
		// A session that used temporary tables before keeps its size.
		if !conn.IsClosed() {
			return conn, nil
		}
		return nil, err
	}
	return conn, nil
}

// stageImport copies the workbook into temporary tables dropped at the
// end of the transaction.
func stageImport(ctx context.Context, tx pgx.Tx, o *OrgImport) error {
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE imp_counties (id text PRIMARY KEY, name text, city_id text, city text) ON COMMIT DROP;
		CREATE TEMP TABLE imp_townships (id text PRIMARY KEY, name text, county_id text) ON COMMIT DROP;
		CREATE TEMP TABLE imp_villages (id text PRIMARY KEY, name text, township_id text) ON COMMIT DROP;
		CREATE TEMP TABLE imp_units (id text PRIMARY KEY, name text, level text, county_id text, head_name text, head_phone text) ON COMMIT DROP;
		CREATE TEMP TABLE imp_members (id text PRIMARY KEY, name text, unit_id text, phone text, first_secretary boolean,
			team_id text, team_name text, village_id text, is_leader boolean, joined date) ON COMMIT DROP;`); err != nil {
		return err
	}
	copies := []struct {
		table string
		cols  []string
		n     int
		row   func(i int) []any
	}{
		{"imp_counties", []string{"id", "name", "city_id", "city"}, len(o.Counties), func(i int) []any {
			c := o.Counties[i]
			return []any{c.ID, c.Name, c.CityID, c.City}
		}},
		{"imp_townships", []string{"id", "name", "county_id"}, len(o.Townships), func(i int) []any {
			t := o.Townships[i]
			return []any{t.ID, t.Name, t.CountyID}
		}},
		{"imp_villages", []string{"id", "name", "township_id"}, len(o.Villages), func(i int) []any {
			v := o.Villages[i]
			return []any{v.ID, v.Name, v.TownshipID}
		}},
		{"imp_units", []string{"id", "name", "level", "county_id", "head_name", "head_phone"}, len(o.Units), func(i int) []any {
			u := o.Units[i]
			return []any{u.ID, u.Name, u.Level, u.CountyID, u.HeadName, u.HeadPhone}
		}},
		{"imp_members", []string{"id", "name", "unit_id", "phone", "first_secretary", "team_id", "team_name", "village_id", "is_leader", "joined"},
			len(o.Members), func(i int) []any {
				m := o.Members[i]
				return []any{m.ID, m.Name, m.UnitID, m.Phone, m.FirstSecretary, m.TeamID, m.TeamName, m.VillageID, m.Leader, m.Joined}
			}},
	}
	for _, c := range copies {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromSlice(c.n, func(i int) ([]any, error) {
			return c.row(i), nil
		})); err != nil {
			return fmt.Errorf("%s: %w", c.table, err)
		}
	}
	_, err := tx.Exec(ctx, `CREATE INDEX ON imp_members (team_id);
		ANALYZE imp_counties; ANALYZE imp_townships; ANALYZE imp_villages; ANALYZE imp_units; ANALYZE imp_members;`)
	return err
}

// upsertStep creates or updates one kind of row from the staged tables.
// Its statement returns one row per row written, true if inserted; rows
// identical to the database are not written and count as unchanged.
type upsertStep struct {
	kind  string
	total string // counts the staged rows
	sql   string
}

var upsertSteps = []upsertStep{
	{"市", `SELECT count(DISTINCT city_id) FROM imp_counties`, `
		INSERT INTO cities (id, name) SELECT DISTINCT ON (city_id) city_id, city FROM imp_counties ORDER BY city_id
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE cities.name IS DISTINCT FROM EXCLUDED.name
		RETURNING xmax = 0`},
	{"县区", `SELECT count(*) FROM imp_counties`, `
		INSERT INTO counties (id, city_id, name) SELECT id, city_id, name FROM imp_counties
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE counties.name IS DISTINCT FROM EXCLUDED.name
		RETURNING xmax = 0`},
	{"乡镇（街道）", `SELECT count(*) FROM imp_townships`, `
		INSERT INTO townships (id, county_id, name) SELECT id, county_id, name FROM imp_townships
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE townships.name IS DISTINCT FROM EXCLUDED.name
		RETURNING xmax = 0`},
	{"村", `SELECT count(*) FROM imp_villages`, `
		INSERT INTO villages (id, township_id, name) SELECT id, township_id, name FROM imp_villages
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE villages.name IS DISTINCT FROM EXCLUDED.name
		RETURNING xmax = 0`},
	{"办公室", `SELECT 2 * (SELECT count(DISTINCT city_id) FROM imp_counties) + 2 * (SELECT count(*) FROM imp_counties)
		+ (SELECT count(*) FROM imp_townships)`, `
		WITH wanted (id, role, name, city_id, county_id, township_id) AS (
			SELECT DISTINCT city_id || '-org', 'city_org_dept', city || '委组织部', city_id, NULL, NULL FROM imp_counties
			UNION ALL SELECT DISTINCT city_id || '-bureau', 'city_bureau', city || '乡村振兴局', city_id, NULL, NULL FROM imp_counties
			UNION ALL SELECT id || '-org', 'county_org_dept', name || '委组织部', city_id, id, NULL FROM imp_counties
			UNION ALL SELECT id || '-bureau', 'county_bureau', name || '乡村振兴局', city_id, id, NULL FROM imp_counties
			UNION ALL SELECT t.id || '-committee', 'township_committee', t.name || '党委', c.city_id, t.county_id, t.id
				FROM imp_townships t JOIN counties c ON c.id = t.county_id)
		INSERT INTO offices (id, role, name, city_id, county_id, township_id)
		SELECT w.* FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM offices o WHERE o.role = w.role AND (
			(w.township_id IS NOT NULL AND o.township_id = w.township_id) OR
			(w.township_id IS NULL AND w.county_id IS NOT NULL AND o.county_id = w.county_id AND o.township_id IS NULL) OR
			(w.county_id IS NULL AND o.city_id = w.city_id AND o.county_id IS NULL)))
		ON CONFLICT (id) DO NOTHING
		RETURNING true`},
	{"派出单位", `SELECT count(*) FROM imp_units`, `
		INSERT INTO units (id, name, level, city_id, county_id, head_name, head_phone)
		SELECT u.id, u.name, u.level, COALESCE((SELECT city_id FROM counties WHERE id = NULLIF(u.county_id, '')),
			(SELECT city_id FROM imp_counties ORDER BY id LIMIT 1), (SELECT id FROM cities ORDER BY id LIMIT 1)),
			NULLIF(u.county_id, ''), u.head_name, u.head_phone FROM imp_units u
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, head_name = EXCLUDED.head_name, head_phone = EXCLUDED.head_phone
		WHERE (units.name, units.head_name, units.head_phone) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.head_name, EXCLUDED.head_phone)
		RETURNING xmax = 0`},
	{"驻村工作队", `SELECT count(DISTINCT team_id) FROM imp_members`, `
		INSERT INTO teams (id, village_id, name)
		SELECT DISTINCT ON (team_id) team_id, village_id, team_name FROM imp_members ORDER BY team_id
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE teams.name IS DISTINCT FROM EXCLUDED.name
		RETURNING xmax = 0`},
	{"队员", `SELECT count(*) FROM imp_members`, `
		INSERT INTO members (id, name, unit_id, phone, first_secretary)
		SELECT id, name, unit_id, phone, first_secretary FROM imp_members
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, unit_id = EXCLUDED.unit_id, phone = EXCLUDED.phone,
			first_secretary = EXCLUDED.first_secretary
		WHERE (members.name, members.unit_id, members.phone, members.first_secretary) IS DISTINCT FROM
			(EXCLUDED.name, EXCLUDED.unit_id, EXCLUDED.phone, EXCLUDED.first_secretary)
		RETURNING xmax = 0`},
}

func runUpsert(ctx context.Context, tx pgx.Tx, step upsertStep) (ImportCount, error) {
	c := ImportCount{Kind: step.kind}
	var total int
	if err := tx.QueryRow(ctx, step.total).Scan(&total); err != nil {
		return c, err
	}
	rows, err := tx.Query(ctx, step.sql)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var inserted bool
		if err := rows.Scan(&inserted); err != nil {
			rows.Close()
			return c, err
		}
		if inserted {
			c.Created++
		} else {
			c.Updated++
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.Unchanged = max(total-c.Created-c.Updated, 0)
	return c, nil
}

// KnownOrg is what the database already holds that a workbook may refer
// to without listing it again: a county's later file may add a team to a
// village imported before.
type KnownOrg struct {
	Counties, Townships, Villages, Units map[string]bool
	// TeamVillage and VillageTeam: the one team of each village.
	TeamVillage, VillageTeam map[string]string
}

// KnownOrg reads the ids of the organisation in the database.
func (s *Store) KnownOrg(ctx context.Context) (KnownOrg, error) {
	k := KnownOrg{Counties: map[string]bool{}, Townships: map[string]bool{}, Villages: map[string]bool{},
		Units: map[string]bool{}, TeamVillage: map[string]string{}, VillageTeam: map[string]string{}}
	for table, set := range map[string]map[string]bool{"counties": k.Counties, "townships": k.Townships,
		"villages": k.Villages, "units": k.Units} {
		rows, err := s.Pool.Query(ctx, `SELECT id FROM `+table)
		if err != nil {
			return k, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return k, err
		}
		for _, id := range ids {
			set[id] = true
		}
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, village_id FROM teams`)
	if err != nil {
		return k, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, v string
		if err := rows.Scan(&t, &v); err != nil {
			return k, err
		}
		k.TeamVillage[t], k.VillageTeam[v] = v, t
	}
	return k, rows.Err()
}
