package store

// The monthly presence statement (article 13), worked out by SQL over the
// ledger, the leave, trip and spot-check tables, for the working days the
// holiday calendar gives (passed in, so the calendar stays in policy/).

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
	"zhucun/workflows"
)

// sqlStatementDays: one row per member and working day on a team of the
// county; each day is on leave (approved), absent (a spot check found
// the member absent and its absence was not voided; leave wins), or on a
// trip (reported or approved; counts in post).
const sqlStatementDays = `
WITH days AS (SELECT unnest($2::date[]) AS d),
span AS (
	SELECT ms.member_id, ms.team_id, v.township_id,
	       GREATEST(ms.from_date, $3::date) AS f, LEAST(COALESCE(ms.to_date, $4::date), $4::date) AS t
	FROM memberships ms JOIN teams tm ON tm.id = ms.team_id JOIN villages v ON v.id = tm.village_id
	JOIN townships tw ON tw.id = v.township_id
	WHERE tw.county_id = $1 AND ms.from_date <= $4::date AND COALESCE(ms.to_date, $4::date) >= $3::date),
md AS (
	SELECT DISTINCT ON (s.member_id, d.d) s.member_id, s.team_id, s.township_id, d.d
	FROM span s JOIN days d ON d.d BETWEEN s.f AND s.t ORDER BY s.member_id, d.d, s.f DESC),
leave_days AS (
	SELECT DISTINCT l.member_id, d.d FROM leave_periods l JOIN days d ON d.d BETWEEN l.start_date AND ` + coveredEnd + `
	WHERE l.status IN ('approved','returned') AND l.start_date <= $4::date AND l.end_date + 1 >= $3::date),
trip_days AS (
	SELECT DISTINCT tr.member_id, d.d FROM trips tr JOIN days d ON d.d BETWEEN tr.start_date AND tr.end_date
	WHERE tr.status IN ('reported','approved') AND tr.start_date <= $4::date AND tr.end_date >= $3::date),
absent_days AS (
	SELECT DISTINCT sc.member_id, (sc.checked_at AT TIME ZONE 'Asia/Shanghai')::date AS d
	FROM spot_checks sc LEFT JOIN absences a ON a.process_id = sc.absence_id
	WHERE sc.result = 'absent' AND (a.status IS NULL OR a.status <> 'voided')
	  AND sc.checked_at >= $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
	  AND sc.checked_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
flags AS (
	SELECT md.*, l.d IS NOT NULL AS on_leave, ab.d IS NOT NULL AS found_absent, tr.d IS NOT NULL AS on_trip
	FROM md LEFT JOIN leave_days l ON l.member_id = md.member_id AND l.d = md.d
	LEFT JOIN absent_days ab ON ab.member_id = md.member_id AND ab.d = md.d
	LEFT JOIN trip_days tr ON tr.member_id = md.member_id AND tr.d = md.d),
weeks AS (
	SELECT member_id, jsonb_agg(jsonb_build_object('week', week, 'working', working, 'in_post', in_post,
	       'leave', leave) ORDER BY week) AS weeks
	FROM (SELECT member_id, date_trunc('week', d)::date AS week, count(*)::int AS working,
	             count(*) FILTER (WHERE NOT on_leave AND NOT found_absent)::int AS in_post,
	             count(*) FILTER (WHERE on_leave)::int AS leave
	      FROM flags GROUP BY 1, 2) w GROUP BY member_id),
per AS (
	SELECT member_id, max(team_id) AS team_id, max(township_id) AS township_id, count(*)::int AS working,
	       count(*) FILTER (WHERE on_leave)::int AS leave,
	       count(*) FILTER (WHERE on_trip AND NOT on_leave AND NOT found_absent)::int AS trip,
	       count(*) FILTER (WHERE found_absent AND NOT on_leave)::int AS absent
	FROM flags GROUP BY 1)`

// sqlStatementInsert writes the figures: $5 minimum days, $6 leave counts.
const sqlStatementInsert = sqlStatementDays + `
INSERT INTO presence_statements (county_id, month, member_id, team_id, township_id, working_days, leave_days,
	trip_days, absent_days, in_post_days, counted_days, required_days, weeks)
SELECT $1, $7, p.member_id, p.team_id, p.township_id, p.working, p.leave, p.trip, p.absent,
       p.working - p.leave - p.absent,
       p.working - p.absent - CASE WHEN $6 THEN 0 ELSE p.leave END,
       LEAST($5::int, p.working), COALESCE(w.weeks, '[]')
FROM per p LEFT JOIN weeks w ON w.member_id = p.member_id`

// ComputeStatement works out a county's month afresh (a re-run replaces
// the rows) and returns how many members it counted and the figures of
// those below the minimum, by team and name (never ranked).
func (s *Store) ComputeStatement(ctx context.Context, a workflows.StatementArgs) (workflows.StatementResult, error) {
	var res workflows.StatementResult
	first, err := time.ParseInLocation("2006-01", a.Month, policy.China)
	if err != nil {
		return res, fmt.Errorf("statement month %q: %w", a.Month, err)
	}
	last := first.AddDate(0, 1, -1)
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM presence_statements WHERE county_id = $1 AND month = $2`, a.CountyID, a.Month); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sqlStatementInsert, a.CountyID, a.WorkingDays, sqlDate(first), sqlDate(last),
			a.Rules.MinDaysMonth, a.Rules.LeaveExcused, a.Month)
		if err != nil {
			return err
		}
		res.Members = int(tag.RowsAffected())
		res.Shortfalls, err = statementRows(ctx, tx, a.CountyID, a.Month, true)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("statement %s %s: %w", a.CountyID, a.Month, err)
	}
	return res, nil
}

// StatementFigures lists every member's figures of a county's month, by
// team and name.
func (s *Store) StatementFigures(ctx context.Context, county, month string) ([]workflows.StatementFigures, error) {
	return statementRows(ctx, s.Pool, county, month, false)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func statementRows(ctx context.Context, q querier, county, month string, short bool) ([]workflows.StatementFigures, error) {
	rows, err := q.Query(ctx, `SELECT ps.member_id, m.name, ps.team_id, COALESCE(tm.name, ''), ps.township_id, m.unit_id,
			ps.working_days, ps.leave_days, ps.trip_days, ps.absent_days, ps.in_post_days, ps.counted_days, ps.required_days,
			ps.weeks
		FROM presence_statements ps JOIN members m ON m.id = ps.member_id LEFT JOIN teams tm ON tm.id = ps.team_id
		WHERE ps.county_id = $1 AND ps.month = $2 AND (NOT $3 OR ps.counted_days < ps.required_days)
		ORDER BY tm.name, m.name, m.id`, county, month, short)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (workflows.StatementFigures, error) {
		var f workflows.StatementFigures
		var weeks []byte
		err := r.Scan(&f.MemberID, &f.MemberName, &f.TeamID, &f.TeamName, &f.TownshipID, &f.UnitID, &f.WorkingDays,
			&f.LeaveDays, &f.TripDays, &f.AbsentDays, &f.InPostDays, &f.CountedDays, &f.RequiredDays, &weeks)
		if err == nil {
			f.ShortWeeks, err = shortWeeks(weeks)
		}
		return f, err
	})
	if out == nil {
		out = []workflows.StatementFigures{}
	}
	return out, err
}

// shortWeeks counts the weeks in post fewer than five days (or than the
// week's working days less approved leave, when fewer): five days / four
// nights.
func shortWeeks(raw []byte) (int, error) {
	var weeks []struct {
		Working int `json:"working"`
		InPost  int `json:"in_post"`
		Leave   int `json:"leave"`
	}
	if err := json.Unmarshal(raw, &weeks); err != nil {
		return 0, err
	}
	n := 0
	for _, w := range weeks {
		if w.InPost < min(5, w.Working-w.Leave) {
			n++
		}
	}
	return n, nil
}

// WorkingDays are the month's working dates ("YYYY-MM-DD") by cal.
func WorkingDays(cal policy.Calendar, month string) ([]string, error) {
	first, err := time.ParseInLocation("2006-01", month, policy.China)
	if err != nil {
		return nil, err
	}
	var out []string
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			out = append(out, sqlDate(d))
		}
	}
	return out, nil
}

// StatementInput builds the input of a county's statement for month under
// the policy in force and the holiday calendar: the working days written
// out, the review due before the absence rules' due day of the next month.
// Its process id is derived from county and month, so a repeated start is
// the same process.
func (s *Store) StatementInput(ctx context.Context, county, month string) (workflows.StatementInput, error) {
	var in workflows.StatementInput
	offices, err := s.CountyOffices(ctx, county)
	if err != nil {
		return in, err
	}
	pol, err := s.CurrentPolicy(ctx, county)
	if err != nil {
		return in, err
	}
	cal, err := s.HolidayCalendar(ctx)
	if err != nil {
		return in, err
	}
	days, err := WorkingDays(cal, month)
	if err != nil {
		return in, err
	}
	first, _ := time.ParseInLocation("2006-01", month, policy.China)
	next := first.AddDate(0, 1, 0)
	due := time.Date(next.Year(), next.Month(), pol.Rules.Absence.DueDay, 0, 0, 0, 0, policy.China)
	wid := workflows.StatementWorkflowID(county, month)
	return workflows.StatementInput{
		ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("zhucun:"+wid)).String(), CountyID: county,
		CountyName: offices.CountyName, Month: month, WorkingDays: days, Rules: pol.Rules.Presence,
		PolicyVersion: pol.Ref(), Bureau: workflows.Party{Role: policy.RoleCountyBureau, OfficeID: offices.BureauID},
		ReviewDueAt: due, RemindAt: policy.RemindersBefore(due, pol.Rules.Absence.RemindBefore),
	}, nil
}
