package store

// Article 13's tables: trips (外出报备), spot checks (查岗), check-ins,
// and the trips' and statements' side tables for the read model.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/workflows"
)

// TripRow is a trip as the trips table keeps it.
type TripRow struct {
	workflows.TripFacts
	Status        string    `json:"status"`
	NeedsApproval bool      `json:"needs_approval"`
	ReportedAt    time.Time `json:"reported_at"`
}

// ErrTripOverlap: the member has a trip (not refused) over those days.
type ErrTripOverlap struct{ StartDate, EndDate string }

func (e *ErrTripOverlap) Error() string { return "trip overlaps " + e.StartDate + ".." + e.EndDate }

// InsertTrip records a trip unless one of the member's (not refused)
// overlaps it, under a per-member lock so two reports cannot both pass.
func (s *Store) InsertTrip(ctx context.Context, t TripRow) error {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('trip:' || $1))`, t.MemberID); err != nil {
		return err
	}
	var from, to time.Time
	err = tx.QueryRow(ctx, `SELECT start_date, end_date FROM trips WHERE member_id = $1 AND status <> 'refused'
		AND start_date <= $3::date AND end_date >= $2::date ORDER BY start_date LIMIT 1`,
		t.MemberID, t.StartDate, t.EndDate).Scan(&from, &to)
	if err == nil {
		return &ErrTripOverlap{from.Format(time.DateOnly), to.Format(time.DateOnly)}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("trip overlap: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO trips (id, member_id, team_id, township_id, county_id, start_date, end_date,
			destination, purpose, days, status, needs_approval, reported_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		t.ID, t.MemberID, t.TeamID, t.TownshipID, t.CountyID, t.StartDate, t.EndDate,
		t.Destination, t.Purpose, t.Days, t.Status, t.NeedsApproval, t.ReportedAt); err != nil {
		return fmt.Errorf("insert trip: %w", err)
	}
	return tx.Commit(ctx)
}

// DeleteTrip removes a trip whose approval workflow never started.
func (s *Store) DeleteTrip(ctx context.Context, id string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM trips WHERE id::text = $1 AND status = 'pending'`, id)
	return err
}

// TripFilter narrows ListTrips; empty fields do not filter.
type TripFilter struct {
	MemberID, TownshipID, CountyID string
	From, To                       string // dates the trips overlap
	Limit                          int
}

const tripColumns = `id::text, member_id, COALESCE((SELECT name FROM members m WHERE m.id = t.member_id), ''),
	COALESCE((SELECT unit_id FROM members m WHERE m.id = t.member_id), ''), team_id, township_id, county_id,
	start_date, end_date, days, destination, purpose, status, needs_approval, reported_at`

func scanTrip(r pgx.CollectableRow) (TripRow, error) {
	var t TripRow
	var from, to time.Time
	err := r.Scan(&t.ID, &t.MemberID, &t.MemberName, &t.UnitID, &t.TeamID, &t.TownshipID, &t.CountyID,
		&from, &to, &t.Days, &t.Destination, &t.Purpose, &t.Status, &t.NeedsApproval, &t.ReportedAt)
	t.StartDate, t.EndDate = from.Format(time.DateOnly), to.Format(time.DateOnly)
	return t, err
}

// ListTrips lists trips, the latest first.
func (s *Store) ListTrips(ctx context.Context, f TripFilter) ([]TripRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+tripColumns+` FROM trips t
		WHERE ($1 = '' OR member_id = $1) AND ($2 = '' OR township_id = $2) AND ($3 = '' OR county_id = $3)
		  AND ($4 = '' OR end_date >= $4::date) AND ($5 = '' OR start_date <= $5::date)
		ORDER BY start_date DESC, reported_at DESC LIMIT $6`,
		f.MemberID, f.TownshipID, f.CountyID, f.From, f.To, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list trips: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanTrip)
	if err != nil {
		return nil, fmt.Errorf("list trips: %w", err)
	}
	return out, nil
}

// Trip reads one trip; ErrNotFound if there is none.
func (s *Store) Trip(ctx context.Context, id string) (TripRow, error) {
	if !looksLikeUUID(id) {
		return TripRow{}, ErrNotFound
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+tripColumns+` FROM trips t WHERE id = $1::uuid`, id)
	if err != nil {
		return TripRow{}, err
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanTrip)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// TripCovering is the member's reported or approved trip over day, if any.
func (s *Store) TripCovering(ctx context.Context, memberID string, day time.Time) (string, error) {
	var id string
	err := s.Pool.QueryRow(ctx, `SELECT id::text FROM trips WHERE member_id = $1 AND status IN ('reported','approved')
		AND start_date <= $2::date AND end_date >= $2::date ORDER BY start_date LIMIT 1`, memberID, sqlDate(chinaDay(day))).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// queueTrip mirrors a trip workflow's status on its row.
func queueTrip(b *batch, s workflows.Snapshot) error {
	t, err := detailAs[workflows.Trip](s)
	if err != nil {
		return err
	}
	b.queue("trip", `UPDATE trips SET status = $2 WHERE id = $1 AND`+holdsVersion(3), s.ProcessID, t.Status, s.Version)
	return nil
}

// queueStatement mirrors a statement's shortfall items.
func queueStatement(b *batch, s workflows.Snapshot) error {
	st, err := detailAs[workflows.Statement](s)
	if err != nil {
		return err
	}
	for _, it := range st.Shortfalls {
		b.queue("shortfall", `INSERT INTO presence_shortfalls (process_id, county_id, month, member_id, status, absence_id)
			SELECT $1, $2, $3, $4, $5, $6::uuid WHERE`+holdsVersion(7)+`
			ON CONFLICT (process_id, member_id) DO UPDATE SET status = EXCLUDED.status, absence_id = EXCLUDED.absence_id`,
			s.ProcessID, st.CountyID, st.Month, it.MemberID, it.Status, nullable(it.AbsenceID), s.Version)
	}
	return nil
}

// CheckIn records a member's one-tap check-in for day; false when one was
// recorded that day already.
func (s *Store) CheckIn(ctx context.Context, memberID string, day, at time.Time, lat, lng *float64) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `INSERT INTO check_ins (member_id, day, at, lat, lng) VALUES ($1, $2::date, $3, $4, $5)
		ON CONFLICT DO NOTHING`, memberID, sqlDate(day), at, lat, lng)
	if err != nil {
		return false, fmt.Errorf("check-in: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
