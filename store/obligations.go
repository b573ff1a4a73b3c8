package store

// The yearly duties' records (articles 11, 19, 23), the counts that decide
// whether a duty is met, the subjects the yearly job starts processes
// for, and the team make-up flags (article 8).

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
	"zhucun/workflows"
)

// Training is one training with its attendees.
type Training struct {
	ID         string    `json:"id"`
	CountyID   string    `json:"county_id"`
	Title      string    `json:"title"`
	Level      string    `json:"level"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Days       int       `json:"days"`
	MemberIDs  []string  `json:"member_ids"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// InsertTraining stores a training and its attendees in one transaction.
func (s *Store) InsertTraining(ctx context.Context, t *Training) error {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	t.ID = uuid.NewString()
	if err := tx.QueryRow(ctx, `INSERT INTO trainings (id, county_id, title, level, from_date, to_date, days, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING recorded_at`,
		t.ID, t.CountyID, t.Title, t.Level, t.From, t.To, t.Days, t.RecordedBy).Scan(&t.RecordedAt); err != nil {
		return fmt.Errorf("insert training: %w", err)
	}
	t.RecordedAt = t.RecordedAt.In(policy.China)
	if _, err := tx.Exec(ctx, `INSERT INTO training_attendees (training_id, member_id)
		SELECT $1, unnest($2::text[])`, t.ID, t.MemberIDs); err != nil {
		return fmt.Errorf("insert attendees: %w", err)
	}
	return tx.Commit(ctx)
}

// NotServingIn returns those of ids not on a team of county on day.
func (s *Store) NotServingIn(ctx context.Context, county string, ids []string, day time.Time) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT x.mid FROM unnest($1::text[]) AS x(mid)
		WHERE NOT EXISTS (SELECT 1 FROM memberships ms JOIN teams t ON t.id = ms.team_id
			JOIN villages v ON v.id = t.village_id JOIN townships tw ON tw.id = v.township_id
			WHERE ms.member_id = x.mid AND tw.county_id = $2 AND ms.from_date <= $3
			  AND (ms.to_date IS NULL OR ms.to_date >= $3))
		ORDER BY x.mid`, ids, county, sqlDate(day))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SupportRecord is a hearing (Who "") or a visit of the unit to a team.
type SupportRecord struct {
	ID         string    `json:"id"`
	UnitID     string    `json:"unit_id"`
	TeamID     string    `json:"team_id"`
	Who        string    `json:"who,omitempty"`
	Name       string    `json:"name,omitempty"`
	On         string    `json:"on"`
	Note       string    `json:"note"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// InsertHearing stores a hearing of a team's report.
func (s *Store) InsertHearing(ctx context.Context, r *SupportRecord) error {
	r.ID = uuid.NewString()
	err := s.Pool.QueryRow(ctx, `INSERT INTO unit_hearings (id, unit_id, team_id, held_on, note, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING recorded_at`,
		r.ID, r.UnitID, r.TeamID, r.On, r.Note, r.RecordedBy).Scan(&r.RecordedAt)
	r.RecordedAt = r.RecordedAt.In(policy.China)
	return err
}

// InsertVisit stores a visit of the unit's principal or another leader.
func (s *Store) InsertVisit(ctx context.Context, r *SupportRecord) error {
	r.ID = uuid.NewString()
	err := s.Pool.QueryRow(ctx, `INSERT INTO unit_visits (id, unit_id, team_id, who, visitor_name, visited_on, note, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING recorded_at`,
		r.ID, r.UnitID, r.TeamID, r.Who, r.Name, r.On, r.Note, r.RecordedBy).Scan(&r.RecordedAt)
	r.RecordedAt = r.RecordedAt.In(policy.China)
	return err
}

// SupportRecords lists a unit's hearings and visits of a year, newest first.
func (s *Store) SupportRecords(ctx context.Context, unit string, year int) ([]SupportRecord, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT id, unit_id, team_id, '', '', held_on::text, note, recorded_by, recorded_at FROM unit_hearings
		WHERE unit_id = $1 AND extract(year FROM held_on) = $2
		UNION ALL
		SELECT id, unit_id, team_id, who, visitor_name, visited_on::text, note, recorded_by, recorded_at FROM unit_visits
		WHERE unit_id = $1 AND extract(year FROM visited_on) = $2
		ORDER BY 6 DESC, 9 DESC`, unit, year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SupportRecord, error) {
		var x SupportRecord
		err := r.Scan(&x.ID, &x.UnitID, &x.TeamID, &x.Who, &x.Name, &x.On, &x.Note, &x.RecordedBy, &x.RecordedAt)
		x.RecordedAt = x.RecordedAt.In(policy.China)
		return x, err
	})
}

// CountObligation counts the records that meet a duty, in SQL: the
// obligation workflows ask, they are never told the records.
func (s *Store) CountObligation(ctx context.Context, c workflows.ObligationCheck) (workflows.ObligationCount, error) {
	var n workflows.ObligationCount
	var err error
	switch c.Type {
	case workflows.ObligationTraining:
		var levels []string
		for _, l := range policy.TrainingLevels {
			if policy.LevelAtLeast(l, c.MinLevel) {
				levels = append(levels, l)
			}
		}
		err = s.Pool.QueryRow(ctx, `SELECT count(*) FROM training_attendees a JOIN trainings t ON t.id = a.training_id
			WHERE a.member_id = $1 AND t.level = ANY($2) AND t.days >= $3 AND t.from_date BETWEEN $4 AND $5`,
			c.MemberID, levels, c.MinDays, c.From, c.To).Scan(&n.Records)
		n.Satisfied = n.Records > 0
	case workflows.ObligationHearing:
		err = s.Pool.QueryRow(ctx, `SELECT count(*) FROM unit_hearings
			WHERE unit_id = $1 AND team_id = $2 AND held_on BETWEEN $3 AND $4`,
			c.UnitID, c.TeamID, c.From, c.To).Scan(&n.Records)
		n.Satisfied = n.Records > 0
	case workflows.ObligationVisits:
		err = s.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE who = 'principal'), count(*) FILTER (WHERE who = 'leader')
			FROM unit_visits WHERE unit_id = $1 AND team_id = $2 AND visited_on BETWEEN $3 AND $4`,
			c.UnitID, c.TeamID, c.From, c.To).Scan(&n.Principal, &n.Leaders)
		n.Records = n.Principal + n.Leaders
		n.Satisfied = n.Principal >= c.PrincipalVisits && n.Leaders >= c.LeaderVisits
	default:
		return n, fmt.Errorf("count obligation: unknown type %q", c.Type)
	}
	return n, err
}

// Serving is a member on a team on a day, where the team is and whose
// offices answer for it: what a yearly process needs to start.
type Serving struct {
	MemberID   string
	MemberName string
	UnitID     string
	UnitName   string
	TeamID     string
	TeamName   string
	TownshipID string
	CountyID   string
	BureauID   string
}

// ServingOn lists every member on a team on day (all counties when county
// is ""), by county, team and member.
func (s *Store) ServingOn(ctx context.Context, county string, day time.Time) ([]Serving, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT m.id, m.name, u.id, u.name, t.id, t.name, tw.id, tw.county_id,
		       COALESCE((SELECT o.id FROM offices o WHERE o.county_id = tw.county_id AND o.township_id IS NULL
		                 AND o.role = 'county_bureau'), '')
		FROM memberships ms JOIN members m ON m.id = ms.member_id JOIN units u ON u.id = m.unit_id
		JOIN teams t ON t.id = ms.team_id JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id
		WHERE ms.from_date <= $1 AND (ms.to_date IS NULL OR ms.to_date >= $1) AND ($2 = '' OR tw.county_id = $2)
		ORDER BY tw.county_id, t.id, m.id`, sqlDate(day), county)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Serving, error) {
		var x Serving
		err := r.Scan(&x.MemberID, &x.MemberName, &x.UnitID, &x.UnitName, &x.TeamID, &x.TeamName, &x.TownshipID, &x.CountyID, &x.BureauID)
		return x, err
	})
}

// UnitServesTeam reports whether a member of unit is on team on day.
func (s *Store) UnitServesTeam(ctx context.Context, unit, team string, day time.Time) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE m.unit_id = $1 AND ms.team_id = $2 AND ms.from_date <= $3 AND (ms.to_date IS NULL OR ms.to_date >= $3))`,
		unit, team, sqlDate(day)).Scan(&ok)
	return ok, err
}

// UnitName is a unit's name; ErrNotFound if none.
func (s *Store) UnitName(ctx context.Context, id string) (string, error) {
	var name string
	err := s.Pool.QueryRow(ctx, `SELECT name FROM units WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return name, err
}

// UnitTeams lists the teams a unit has members on today.
func (s *Store) UnitTeams(ctx context.Context, unit string, day time.Time) ([]Team, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT DISTINCT t.id, t.name, v.id, v.name, tw.id, tw.name, co.id, co.name
		FROM memberships ms JOIN members m ON m.id = ms.member_id JOIN teams t ON t.id = ms.team_id
		JOIN villages v ON v.id = t.village_id JOIN townships tw ON tw.id = v.township_id
		JOIN counties co ON co.id = tw.county_id
		WHERE m.unit_id = $1 AND ms.from_date <= $2 AND (ms.to_date IS NULL OR ms.to_date >= $2)
		ORDER BY t.id`, unit, sqlDate(day))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Team, error) {
		var t Team
		err := r.Scan(&t.ID, &t.Name, &t.VillageID, &t.VillageName, &t.TownshipID, &t.TownshipName, &t.CountyID, &t.CountyName)
		return t, err
	})
}
