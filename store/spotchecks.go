package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SpotCheck is one member's result of a check (查岗).
type SpotCheck struct {
	ID         string    `json:"id"`
	BatchID    string    `json:"batch_id"`
	MemberID   string    `json:"member_id"`
	MemberName string    `json:"member_name"`
	TeamID     string    `json:"team_id"`
	TownshipID string    `json:"township_id"`
	CountyID   string    `json:"county_id"`
	CheckedAt  time.Time `json:"checked_at"`
	Channel    string    `json:"channel"`
	Result     string    `json:"result"`
	CoverKind  string    `json:"cover_kind,omitempty"`
	CoverID    string    `json:"cover_id,omitempty"`
	Note       string    `json:"note"`
	AbsenceID  string    `json:"absence_id,omitempty"`
	RecordedBy string    `json:"recorded_by"`
}

// InsertSpotChecks records a check's results in one transaction.
func (s *Store) InsertSpotChecks(ctx context.Context, checks []SpotCheck) error {
	b := &pgx.Batch{}
	for _, c := range checks {
		b.Queue(`INSERT INTO spot_checks (id, batch_id, member_id, team_id, township_id, county_id, checked_at,
				channel, result, cover_kind, cover_id, note, recorded_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::uuid,$12,$13)`,
			c.ID, c.BatchID, c.MemberID, c.TeamID, c.TownshipID, c.CountyID, c.CheckedAt,
			c.Channel, c.Result, c.CoverKind, nullable(c.CoverID), c.Note, c.RecordedBy)
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("insert spot checks: %w", err)
		}
		return nil
	})
}

// LinkSpotCheckAbsence records the absence an absent result opened.
func (s *Store) LinkSpotCheckAbsence(ctx context.Context, checkID, absenceID string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE spot_checks SET absence_id = $2 WHERE id = $1`, checkID, absenceID)
	return err
}

// SpotCheckCount is how many members were checked, by place, channel and
// result: what supervisors see. Never per member, never ranked.
type SpotCheckCount struct {
	CountyID     string `json:"county_id"`
	TownshipID   string `json:"township_id"`
	TownshipName string `json:"township_name"`
	Channel      string `json:"channel"`
	Result       string `json:"result"`
	Checks       int    `json:"checks"` // distinct checks (one call = one check)
	Members      int    `json:"members"`
}

// SpotCheckSummary counts the checks made between from and to (instants)
// in county ("" for every county of the city).
func (s *Store) SpotCheckSummary(ctx context.Context, county string, from, to time.Time) ([]SpotCheckCount, error) {
	rows, err := s.Pool.Query(ctx, `SELECT sc.county_id, sc.township_id, COALESCE(tw.name, ''), sc.channel, sc.result,
			count(DISTINCT sc.batch_id)::int, count(*)::int
		FROM spot_checks sc LEFT JOIN townships tw ON tw.id = sc.township_id
		WHERE ($1 = '' OR sc.county_id = $1) AND sc.checked_at >= $2 AND sc.checked_at < $3
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5`, county, from, to)
	if err != nil {
		return nil, fmt.Errorf("spot check summary: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SpotCheckCount, error) {
		var c SpotCheckCount
		err := r.Scan(&c.CountyID, &c.TownshipID, &c.TownshipName, &c.Channel, &c.Result, &c.Checks, &c.Members)
		return c, err
	})
}

// ListSpotChecks lists the checks recorded in county ("" for all) between
// from and to, newest first: the recorder's own list.
func (s *Store) ListSpotChecks(ctx context.Context, county string, from, to time.Time, limit int) ([]SpotCheck, error) {
	rows, err := s.Pool.Query(ctx, `SELECT sc.id::text, sc.batch_id::text, sc.member_id, m.name, sc.team_id, sc.township_id,
			sc.county_id, sc.checked_at, sc.channel, sc.result, sc.cover_kind, COALESCE(sc.cover_id::text, ''), sc.note,
			COALESCE(sc.absence_id::text, ''), sc.recorded_by
		FROM spot_checks sc JOIN members m ON m.id = sc.member_id
		WHERE ($1 = '' OR sc.county_id = $1) AND sc.checked_at >= $2 AND sc.checked_at < $3
		ORDER BY sc.checked_at DESC, sc.batch_id, m.id LIMIT $4`, county, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("list spot checks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SpotCheck, error) {
		var c SpotCheck
		err := r.Scan(&c.ID, &c.BatchID, &c.MemberID, &c.MemberName, &c.TeamID, &c.TownshipID, &c.CountyID, &c.CheckedAt,
			&c.Channel, &c.Result, &c.CoverKind, &c.CoverID, &c.Note, &c.AbsenceID, &c.RecordedBy)
		return c, err
	})
}
