package store

// The store side of issue 17's rules: the days a pending extension holds,
// a member's leaves near a new one (consecutive leaves count together),
// where a member stands on the ledger, and the holiday schedules the city
// offices load.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// ReserveExtension holds the days from..to of a leave's extension (its
// new days) for the member, under the member's lock, unless they meet
// another pending or approved leave of theirs (ErrOverlap). The hold ends
// when the workflow records the extension decided (queueLeave), or with
// ReleaseExtension if the workflow never took it.
func (s *Store) ReserveExtension(ctx context.Context, memberID, processID string, from, to time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('leave:' || $1))`, memberID); err != nil {
			return err
		}
		var clash bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM leave_periods WHERE `+overlapping("$1", "$2", "$3")+`
			AND process_id::text <> $4)`, memberID, policy.FormatDate(from), policy.FormatDate(to), processID).Scan(&clash); err != nil {
			return err
		}
		if clash {
			return ErrOverlap
		}
		_, err := tx.Exec(ctx, `UPDATE leave_periods SET reserved_end = $2::date WHERE process_id::text = $1`,
			processID, policy.FormatDate(to))
		return err
	})
}

// ReleaseExtension gives back the days ReserveExtension held up to to,
// unless the leave's workflow has recorded that extension as pending.
func (s *Store) ReleaseExtension(ctx context.Context, processID string, to time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE leave_periods l SET reserved_end = NULL
		WHERE l.process_id::text = $1 AND l.reserved_end = $2::date
		  AND NOT EXISTS (SELECT 1 FROM processes p WHERE p.id = l.process_id
		      AND p.detail->'extensions' @> jsonb_build_array(jsonb_build_object('status', 'pending', 'end_date', $2::text)))`,
		processID, policy.FormatDate(to))
	return err
}

// NearLeave is one of a member's pending or approved leaves, its end the
// last day it holds (a pending extension's included).
type NearLeave struct {
	ID        string
	StartDate time.Time
	EndDate   time.Time
	Days      int
	Status    string
}

// LeavesNear lists the member's pending and approved leaves that meet the
// days from..to, by start date, except except (a leave being extended).
func (s *Store) LeavesNear(ctx context.Context, memberID, except string, from, to time.Time) ([]NearLeave, error) {
	rows, err := s.Pool.Query(ctx, sqlLeavesNear, memberID, policy.FormatDate(from), policy.FormatDate(to), except)
	return nearLeavesFrom(rows, err)
}

// sqlLeavesNear: the member's ($1) leaves held between $2 and $3, but $4.
const sqlLeavesNear = `SELECT l.process_id::text, l.start_date, ` + heldEnd + `,
		COALESCE((SELECT (e->>'days')::int FROM jsonb_array_elements(p.detail->'extensions') e
		          WHERE e->>'status' = 'pending' LIMIT 1), (p.detail->>'days')::int, 0), l.status
	FROM leave_periods l JOIN processes p ON p.id = l.process_id
	WHERE l.member_id = $1 AND l.status IN ('pending','approved') AND l.start_date <= $3::date
	  AND ` + heldEnd + ` >= $2::date AND l.process_id::text <> $4
	ORDER BY l.start_date`

func nearLeavesFrom(rows pgx.Rows, err error) ([]NearLeave, error) {
	if err != nil {
		return nil, fmt.Errorf("leaves near: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (NearLeave, error) {
		var n NearLeave
		err := r.Scan(&n.ID, &n.StartDate, &n.EndDate, &n.Days, &n.Status)
		n.StartDate, n.EndDate = chinaDay(n.StartDate), chinaDay(n.EndDate)
		return n, err
	})
}

// chinaDay is a date read back (midnight UTC) as the China day it names.
func chinaDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, policy.China)
}

// Standing is where a member stands on the ledger on a day: the
// membership in force then, the last one that ended before, and a join
// recorded but not yet filed.
type Standing struct {
	// TeamID, TeamName and From: the membership in force ("" if none).
	TeamID   string
	TeamName string
	From     time.Time
	// LeftTeam and LeftOn: the latest membership that ended on or before
	// the day, when none is in force.
	LeftTeam string
	LeftOn   *time.Time
	// JoinTeam and JoinOn: a join or replacement of the member recorded
	// and not yet filed (the ledger has no row for it yet).
	JoinTeam string
	JoinOn   *time.Time
}

// MemberStanding says where the member stands on the ledger on the China
// date of day. Its two reads go in one round trip (one snapshot).
func (s *Store) MemberStanding(ctx context.Context, memberID string, day time.Time) (Standing, error) {
	b := &pgx.Batch{}
	read := queueStanding(b, memberID, day)
	br := s.Pool.SendBatch(ctx, b)
	st, err := read(br)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, fmt.Errorf("member standing %s: %w", memberID, err)
	}
	return st, nil
}

// queueStanding queues MemberStanding's reads on b and returns the reader
// of their results, in order.
func queueStanding(b *pgx.Batch, memberID string, day time.Time) func(pgx.BatchResults) (Standing, error) {
	b.Queue(sqlMemberships+`ms.member_id = $1 AND ms.from_date <= $2::date`+sqlMembershipsOrder, memberID, fmtDay(day.In(policy.China)))
	b.Queue(`SELECT t.name, rc.effective_on FROM roster_changes rc JOIN teams t ON t.id = rc.team_id
		WHERE rc.member_id = $1 AND rc.change IN ('join','replace') AND rc.state = 'pending'
		ORDER BY rc.recorded_at DESC LIMIT 1`, memberID)
	return func(br pgx.BatchResults) (Standing, error) {
		rows, err := br.Query()
		ms, err := membershipsFrom(rows, err)
		if err != nil {
			return Standing{}, err
		}
		st := standingOf(ms, day)
		var on *time.Time
		err = br.QueryRow().Scan(&st.JoinTeam, &on)
		if errors.Is(err, pgx.ErrNoRows) {
			return st, nil
		}
		if on != nil {
			j := chinaDay(*on)
			st.JoinOn = &j
		}
		return st, err
	}
}

// standingOf is the membership in force on day among a member's rows
// (oldest first, none starting after day) with its unbroken tenure, or the
// last one that ended.
func standingOf(rows []membership, day time.Time) Standing {
	var st Standing
	on := civil(day.In(policy.China))
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		if r.To == nil || !r.To.Before(on) {
			st.TeamID, st.TeamName, st.From = r.TeamID, r.TeamName, chinaDay(tenureSince(rows[:i], r))
			return st
		}
	}
	var last *membership
	for i := range rows {
		if rows[i].To != nil && (last == nil || rows[i].To.After(*last.To)) {
			last = &rows[i]
		}
	}
	if last != nil {
		left := chinaDay(*last.To)
		st.LeftTeam, st.LeftOn = last.TeamName, &left
	}
	return st
}

// LeavePendingCovering returns the member's leave still waiting for
// approval whose dates contain the China date of at, or whose pending
// extension does, or nil: the recorder of an absence is told of it.
func (s *Store) LeavePendingCovering(ctx context.Context, memberID string, at time.Time) (*LeaveCover, error) {
	var c LeaveCover
	var start, end time.Time
	err := s.Pool.QueryRow(ctx, `SELECT process_id::text, start_date, `+heldEnd+`, status FROM leave_periods
		WHERE member_id = $1 AND start_date <= $2::date AND (
		      (status = 'pending' AND end_date >= $2::date) OR
		      (status = 'approved' AND end_date < $2::date AND reserved_end >= $2::date))
		ORDER BY start_date LIMIT 1`, memberID, policy.FormatDate(at)).Scan(&c.LeaveID, &start, &end, &c.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pending leave covering: %w", err)
	}
	c.StartDate, c.EndDate = start.Format(time.DateOnly), end.Format(time.DateOnly)
	return &c, nil
}

// HolidayYear is one loaded version of a year's schedule.
type HolidayYear struct {
	Year      int       `json:"year"`
	Version   int       `json:"version"`
	Holidays  []string  `json:"holidays"`
	Workdays  []string  `json:"workdays"`
	Notice    string    `json:"notice"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// PutHolidayYear stores a year's schedule as its next version.
func (s *Store) PutHolidayYear(ctx context.Context, year int, sch policy.YearSchedule, notice, by string) (HolidayYear, error) {
	hol, _ := json.Marshal(append([]string{}, sch.Holidays...))
	work, _ := json.Marshal(append([]string{}, sch.Workdays...))
	var h HolidayYear
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('holidays:' || $1))`, strconv.Itoa(year)); err != nil {
			return err
		}
		var err error
		h, err = scanHolidayYear(tx.QueryRow(ctx, `INSERT INTO holiday_years (year, version, holidays, workdays, notice, created_by)
			SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM holiday_years WHERE year = $1
			RETURNING `+holidayColumns, year, hol, work, notice, by))
		return err
	})
	return h, err
}

const holidayColumns = `year, version, holidays, workdays, notice, created_by, created_at`

func scanHolidayYear(row pgx.Row) (HolidayYear, error) {
	var h HolidayYear
	var hol, work []byte
	if err := row.Scan(&h.Year, &h.Version, &hol, &work, &h.Notice, &h.CreatedBy, &h.CreatedAt); err != nil {
		return h, err
	}
	h.CreatedAt = h.CreatedAt.In(policy.China)
	if err := json.Unmarshal(hol, &h.Holidays); err != nil {
		return h, err
	}
	return h, json.Unmarshal(work, &h.Workdays)
}

// HolidayYearVersions lists a year's loaded versions, newest first.
func (s *Store) HolidayYearVersions(ctx context.Context, year int) ([]HolidayYear, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+holidayColumns+` FROM holiday_years WHERE year = $1 ORDER BY version DESC`, year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (HolidayYear, error) { return scanHolidayYear(r) })
}

// HolidayCalendar is the working-day calendar in force: the latest loaded
// schedule of each year, over the holidays table's corrections, over the
// built-in table.
func (s *Store) HolidayCalendar(ctx context.Context) (policy.Calendar, error) {
	over, err := s.HolidayOverrides(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT DISTINCT ON (year) `+holidayColumns+` FROM holiday_years ORDER BY year, version DESC`)
	if err != nil {
		return nil, err
	}
	loaded, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HolidayYear, error) { return scanHolidayYear(r) })
	if err != nil {
		return nil, err
	}
	years := map[int]policy.YearSchedule{}
	for _, h := range loaded {
		years[h.Year] = policy.YearSchedule{Holidays: h.Holidays, Workdays: h.Workdays}
	}
	return policy.NewCalendarWithYears(over, years), nil
}

// LeaveReads is what routing a new leave reads of its member: the context
// on the leave's first day, where the member stands on the ledger today,
// and the leaves held near the new one.
type LeaveReads struct {
	Context  MemberContext
	Standing Standing
	Near     []NearLeave
}

// ReadForLeave reads LeaveReads in one round trip (one pipelined batch,
// one snapshot): a submission's reads before its reservation.
func (s *Store) ReadForLeave(ctx context.Context, memberID string, start, today, nearFrom, nearTo time.Time) (LeaveReads, error) {
	b := &pgx.Batch{}
	b.Queue(sqlMemberContext, memberID, sqlDate(start))
	standing := queueStanding(b, memberID, today)
	b.Queue(sqlLeavesNear, memberID, policy.FormatDate(nearFrom), policy.FormatDate(nearTo), "")
	br := s.Pool.SendBatch(ctx, b)
	defer br.Close()
	var r LeaveReads
	var err error
	if r.Context, err = memberContextFrom(br.QueryRow(), memberID); err != nil {
		return r, err
	}
	if r.Standing, err = standing(br); err != nil {
		return r, fmt.Errorf("member standing %s: %w", memberID, err)
	}
	rows, err := br.Query()
	if r.Near, err = nearLeavesFrom(rows, err); err != nil {
		return r, err
	}
	return r, br.Close()
}
