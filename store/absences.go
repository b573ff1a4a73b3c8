package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// CountyOffices are the offices a county's monthly absence report
// involves: the county's own two and the city's two it reports to.
type CountyOffices struct {
	CountyID      string
	CountyName    string
	OrgDeptID     string
	BureauID      string
	CityOrgDeptID string
	CityBureauID  string
}

// CountyOffices reads a county's offices and its city's; ErrNotFound for
// an unknown county.
func (s *Store) CountyOffices(ctx context.Context, county string) (CountyOffices, error) {
	var o CountyOffices
	err := s.Pool.QueryRow(ctx, `
		SELECT c.id, c.name,
		       COALESCE((SELECT id FROM offices WHERE role='county_org_dept' AND county_id=c.id AND township_id IS NULL), ''),
		       COALESCE((SELECT id FROM offices WHERE role='county_bureau' AND county_id=c.id AND township_id IS NULL), ''),
		       COALESCE((SELECT id FROM offices WHERE role='city_org_dept' AND city_id=c.city_id AND county_id IS NULL ORDER BY id LIMIT 1), ''),
		       COALESCE((SELECT id FROM offices WHERE role='city_bureau' AND city_id=c.city_id AND county_id IS NULL ORDER BY id LIMIT 1), '')
		FROM counties c WHERE c.id = $1`, county).Scan(
		&o.CountyID, &o.CountyName, &o.OrgDeptID, &o.BureauID, &o.CityOrgDeptID, &o.CityBureauID)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("county offices %s: %w", county, err)
	}
	return o, nil
}

// LeaveCover is an approved (or approved and since returned) leave.
type LeaveCover struct {
	LeaveID   string
	StartDate string
	EndDate   string
	Status    string
}

// LeaveCovering returns the member's approved leave whose days contain
// the China date of at, or nil: an absence found then is not "without
// leave", and the recorder must confirm before going on. A leave reported
// back covers its days up to and including the day the member reported
// back (travelling back that day); one overstayed covers its approved days.
func (s *Store) LeaveCovering(ctx context.Context, memberID string, at time.Time) (*LeaveCover, error) {
	var c LeaveCover
	var start, end time.Time
	err := s.Pool.QueryRow(ctx, `SELECT process_id::text, start_date, `+coveredEnd+`, status FROM leave_periods
		WHERE member_id = $1 AND status IN ('approved','returned') AND start_date <= $2::date AND `+coveredEnd+` >= $2::date
		ORDER BY start_date LIMIT 1`, memberID, policy.FormatDate(at)).Scan(&c.LeaveID, &start, &end, &c.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leave covering: %w", err)
	}
	c.StartDate, c.EndDate = start.Format(time.DateOnly), end.Format(time.DateOnly)
	return &c, nil
}

// coveredEnd is the last day a leave covers: the day its member reported
// back when that was no later than the day after its last day, else its
// last day.
const coveredEnd = `(CASE WHEN returned_on IS NOT NULL AND returned_on <= end_date + 1 THEN returned_on ELSE end_date END)`

// ClaimIdempotency binds an Idempotency-Key to a process about to start.
// If the key was bound already it returns that process and binds nothing.
func (s *Store) ClaimIdempotency(ctx context.Context, userID uuid.UUID, key, route, processID string) (existing string, err error) {
	var got *string
	err = s.Pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO idempotency_keys (user_id, key, route, process_id) VALUES ($1,$2,$3,$4)
			ON CONFLICT DO NOTHING RETURNING process_id::text)
		SELECT COALESCE((SELECT process_id FROM ins),
		       (SELECT process_id::text FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route=$3))`,
		userID, key, route, processID).Scan(&got)
	if err == nil && got == nil {
		// A concurrent twin committed after this statement's snapshot.
		err = s.Pool.QueryRow(ctx, `SELECT process_id::text FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route=$3`,
			userID, key, route).Scan(&got)
	}
	if err != nil {
		return "", fmt.Errorf("idempotency key: %w", err)
	}
	existing = *got
	if existing == processID {
		return "", nil
	}
	return existing, nil
}

// ReleaseIdempotency unbinds a key whose process failed to start.
func (s *Store) ReleaseIdempotency(ctx context.Context, userID uuid.UUID, key, route string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route=$3`, userID, key, route)
	return err
}

// AbsenceDetails returns the read-model resources of the given absences,
// by id; unknown ids are left out.
func (s *Store) AbsenceDetails(ctx context.Context, ids []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	var uuids []string
	for _, id := range ids {
		if looksLikeUUID(id) {
			uuids = append(uuids, id)
		}
	}
	if len(uuids) == 0 {
		return out, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT id::text, detail FROM processes
		WHERE kind = 'absence' AND id = ANY($1::uuid[])`, uuids)
	if err != nil {
		return nil, fmt.Errorf("absence details: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d json.RawMessage
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, rows.Err()
}

// ReportMonths returns, for each absence, the latest monthly report (of
// its county) that lists it: the one it counted in, later than its own
// cycle when it was carried.
func (s *Store) ReportMonths(ctx context.Context, counties, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT it->>'absence_id', max(p.detail->>'month')
		FROM processes p CROSS JOIN LATERAL jsonb_array_elements(p.detail->'items') it
		WHERE p.kind = 'absence_report' AND p.county_id = ANY($1) AND it->>'absence_id' = ANY($2)
		GROUP BY 1`, counties, ids)
	if err != nil {
		return nil, fmt.Errorf("report months: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, month string
		if err := rows.Scan(&id, &month); err != nil {
			return nil, err
		}
		out[id] = month
	}
	return out, rows.Err()
}
