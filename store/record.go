package store

import (
	"context"
	"time"

	"zhucun/policy"
)

// RecordLeave is one leave in a member's yearly record.
type RecordLeave struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Days      int    `json:"days"`
	Status    string `json:"status"`
	Overdue   bool   `json:"overdue"`
	// OverstayDays: days away after the approved end without leave, when
	// the member reported back late (Late).
	OverstayDays int  `json:"overstay_days"`
	Late         bool `json:"late"`
}

// RecordAbsence is one absence in a member's yearly record.
type RecordAbsence struct {
	ID         string     `json:"id"`
	FoundAt    time.Time  `json:"found_at"`
	CycleMonth string     `json:"cycle_month"`
	Status     string     `json:"status"`
	SignedAt   *time.Time `json:"signed_at"`
	Late       bool       `json:"late"`
	Overdue    bool       `json:"overdue"`
}

// MemberRecord is the evaluation tally (纳入后评估考核) of one member and year.
type MemberRecord struct {
	MemberID string          `json:"member_id"`
	Year     int             `json:"year"`
	Absences []RecordAbsence `json:"absences"`
	Leaves   []RecordLeave   `json:"leaves"`
	Tally    map[string]int  `json:"tally"`
}

// MemberRecord gathers a member's absences (by the China year they were
// found) and leaves (by the year they started) from the read model.
func (s *Store) MemberRecord(ctx context.Context, memberID string, year int) (MemberRecord, error) {
	rec := MemberRecord{MemberID: memberID, Year: year, Absences: []RecordAbsence{}, Leaves: []RecordLeave{}, Tally: map[string]int{}}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, policy.China)
	to := from.AddDate(1, 0, 0)
	rows, err := s.Pool.Query(ctx, `SELECT a.process_id::text, a.found_at, a.cycle_month, a.status, a.signed_at, a.late, p.overdue
		FROM absences a JOIN processes p ON p.id = a.process_id
		WHERE a.member_id = $1 AND a.found_at >= $2 AND a.found_at < $3 ORDER BY a.found_at`, memberID, from, to)
	if err != nil {
		return rec, err
	}
	for rows.Next() {
		var a RecordAbsence
		if err := rows.Scan(&a.ID, &a.FoundAt, &a.CycleMonth, &a.Status, &a.SignedAt, &a.Late, &a.Overdue); err != nil {
			rows.Close()
			return rec, err
		}
		a.FoundAt = a.FoundAt.In(policy.China)
		if a.SignedAt != nil {
			*a.SignedAt = a.SignedAt.In(policy.China)
		}
		rec.Absences = append(rec.Absences, a)
		if a.Status == "voided" { // recorded wrongly (误报): listed, never counted
			rec.Tally["absences_voided"]++
			continue
		}
		rec.Tally["absences"]++
		switch {
		case a.SignedAt != nil && a.Late:
			rec.Tally["explanations_late"]++
		case a.SignedAt != nil:
			rec.Tally["explanations_on_time"]++
		default:
			rec.Tally["explanations_missing"]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rec, err
	}
	rows, err = s.Pool.Query(ctx, `SELECT p.id::text, p.detail->>'kind', l.start_date::text, l.end_date::text,
			COALESCE((p.detail->>'actual_days')::int, (p.detail->>'days')::int, 0), p.status, p.overdue,
			COALESCE((p.detail->>'overstay_days')::int, 0), COALESCE((p.detail->>'returned_late')::bool, false)
		FROM leave_periods l JOIN processes p ON p.id = l.process_id
		WHERE l.member_id = $1 AND l.start_date >= $2 AND l.start_date < $3 ORDER BY l.start_date`,
		memberID, policy.FormatDate(from), policy.FormatDate(to))
	if err != nil {
		return rec, err
	}
	defer rows.Close()
	for rows.Next() {
		var l RecordLeave
		if err := rows.Scan(&l.ID, &l.Kind, &l.StartDate, &l.EndDate, &l.Days, &l.Status, &l.Overdue,
			&l.OverstayDays, &l.Late); err != nil {
			return rec, err
		}
		rec.Leaves = append(rec.Leaves, l)
		if (l.Status == "approved" || l.Status == "returned") && l.Days > 0 { // 0: reported back on its first day, not taken
			rec.Tally["leaves"]++
			rec.Tally["leave_days"] += l.Days
		}
		if l.Late {
			rec.Tally["leaves_late"]++
			rec.Tally["overstay_days"] += l.OverstayDays
		}
		if l.Overdue {
			rec.Tally["leaves_overdue"]++
		}
	}
	return rec, rows.Err()
}
