package store_test

import (
	"context"
	"testing"

	"zhucun/internal/pgtest"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// statementCounty: one county of 2,000 members (500 teams of 4 in 50
// townships), and a month of records for them: a 5-day approved leave for
// every 5th member, a 2-day reported trip for every 4th, and 3,000 spot
// checks over the month's working days, one in ten absent.
const statementCounty = `
INSERT INTO cities VALUES ('cy', '市');
INSERT INTO counties VALUES ('c1', 'cy', '县');
INSERT INTO townships SELECT 't' || i, 'c1', '镇' || i FROM generate_series(1, 50) i;
INSERT INTO villages SELECT 'v' || i, 't' || (i % 50 + 1), '村' || i FROM generate_series(1, 500) i;
INSERT INTO teams SELECT 'team' || i, 'v' || i, '队' || i FROM generate_series(1, 500) i;
INSERT INTO units VALUES ('u1', '单位', 'city', 'cy', NULL, '');
INSERT INTO members SELECT 'm' || i, '队员' || i, 'u1' FROM generate_series(1, 2000) i;
INSERT INTO memberships (team_id, member_id, is_leader, from_date)
	SELECT 'team' || ((i - 1) / 4 + 1), 'm' || i, i % 4 = 1, '2025-03-01' FROM generate_series(1, 2000) i;
INSERT INTO leave_periods (process_id, member_id, start_date, end_date, status)
	SELECT gen_random_uuid(), 'm' || i, date '2026-11-02' + (i % 20), date '2026-11-06' + (i % 20), 'approved'
	FROM generate_series(5, 2000, 5) i;
INSERT INTO trips (id, member_id, team_id, township_id, county_id, start_date, end_date, destination, purpose, days, status)
	SELECT gen_random_uuid(), 'm' || i, 'team' || ((i - 1) / 4 + 1), 't1', 'c1', date '2026-11-03' + (i % 25),
	       date '2026-11-04' + (i % 25), '县城', '开会', 2, 'reported' FROM generate_series(4, 2000, 4) i;
INSERT INTO spot_checks (id, batch_id, member_id, team_id, township_id, county_id, checked_at, channel, result, recorded_by)
	SELECT gen_random_uuid(), gen_random_uuid(), 'm' || (i * 7 % 2000 + 1), 'team1', 't1', 'c1',
	       timestamptz '2026-11-02 10:00+08' + ((i % 26) || ' days')::interval, 'video',
	       CASE WHEN i % 10 = 0 THEN 'absent' ELSE 'present' END, 'bench'
	FROM generate_series(1, 3000) i;
ANALYZE;
`

// BenchmarkMonthlyStatement2000: the statement's SQL for a county of
// 2,000 members and a month of leaves, trips and spot checks (target:
// within 5 s).
func BenchmarkMonthlyStatement2000(b *testing.B) {
	ctx := context.Background()
	pool, _ := pgtest.Pool(b, "stmtbench")
	if _, err := pool.Exec(ctx, statementCounty); err != nil {
		b.Fatal(err)
	}
	s := store.New(pool)
	days, err := store.WorkingDays(policy.NewCalendar(nil), "2026-11")
	if err != nil {
		b.Fatal(err)
	}
	args := workflows.StatementArgs{CountyID: "c1", Month: "2026-11", WorkingDays: days, Rules: policy.DefaultPresence()}
	b.ResetTimer()
	for b.Loop() {
		res, err := s.ComputeStatement(ctx, args)
		if err != nil {
			b.Fatal(err)
		}
		if res.Members != 2000 {
			b.Fatalf("counted %d members, want 2000", res.Members)
		}
	}
}

// TestStatementCounts checks the figures the benchmark's data gives two
// members, and the leave_excused rule: with it off, a member on leave
// 5 working days falls below 20 of November's 21.
func TestStatementCounts(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.Pool(t, "stmtcount")
	if _, err := pool.Exec(ctx, statementCounty); err != nil {
		t.Fatal(err)
	}
	s := store.New(pool)
	days, _ := store.WorkingDays(policy.NewCalendar(nil), "2026-11")
	if len(days) != 21 {
		t.Fatalf("November 2026 has %d working days, want 21", len(days))
	}
	rules := policy.DefaultPresence()
	res, err := s.ComputeStatement(ctx, workflows.StatementArgs{CountyID: "c1", Month: "2026-11", WorkingDays: days, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := s.StatementFigures(ctx, "c1", "2026-11")
	if err != nil || len(figs) != 2000 || res.Members != 2000 {
		t.Fatalf("%d figures, %d members, %v", len(figs), res.Members, err)
	}
	by := map[string]workflows.StatementFigures{}
	for _, f := range figs {
		by[f.MemberID] = f
	}
	// m5: leave 11-07..11-11 (Sat..Wed): 3 working days; m4: trip
	// 11-07..11-08, a weekend: no working day.
	if f := by["m5"]; f.LeaveDays != 3 || f.InPostDays != 18 || f.CountedDays != 21 || f.RequiredDays != 20 {
		t.Errorf("m5 %+v", f)
	}
	for _, f := range res.Shortfalls {
		if f.AbsentDays == 0 && f.LeaveDays == 0 {
			t.Errorf("shortfall without absence or leave: %+v", f)
		}
	}
	rules.LeaveExcused = false
	res2, err := s.ComputeStatement(ctx, workflows.StatementArgs{CountyID: "c1", Month: "2026-11", WorkingDays: days, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Shortfalls) <= len(res.Shortfalls) {
		t.Errorf("leave not excused: %d shortfalls, excused: %d; want more", len(res2.Shortfalls), len(res.Shortfalls))
	}
}
