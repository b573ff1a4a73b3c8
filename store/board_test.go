package store_test

import (
	"context"
	"testing"
	"time"

	"zhucun/store"
)

func count(t *testing.T, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBoardCountsMatchTheRows: each of the board's figures, in one pass
// with grouping sets, equals a plain count of the rows it stands for; the
// lists behind them hold as many.
func TestBoardCountsMatchTheRows(t *testing.T) {
	st, ctx := pagesData(t)
	// An escalated line, and a process due within the window.
	if _, err := st.Pool.Exec(ctx, `UPDATE process_waiting SET escalated = true WHERE process_id IN
		(SELECT p.id FROM processes p JOIN process_waiting w ON w.process_id = p.id
		 WHERE p.county_id = 'c0' AND p.closed_at IS NULL GROUP BY p.id ORDER BY p.id LIMIT 3)`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, county := range []string{"", "c0"} {
		cond := ""
		args := []any{}
		if county != "" {
			cond, args = " AND county_id = $1", []any{county}
		}
		r, err := st.BoardCounts(ctx, store.BoardQuery{CountyID: county, Now: now, SoonWithin: 72 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		want := store.BoardCounts{
			Open:    count(t, st, `SELECT count(*) FROM processes WHERE closed_at IS NULL`+cond, args...),
			Overdue: count(t, st, `SELECT count(*) FROM processes WHERE closed_at IS NULL AND overdue`+cond, args...),
			DueSoon: count(t, st, `SELECT count(*) FROM processes WHERE closed_at IS NULL AND NOT overdue
				AND due_at >= now() AND due_at < now() + interval '72 hours'`+cond, args...),
			Escalated: count(t, st, `SELECT count(*) FROM processes WHERE closed_at IS NULL
				AND id IN (SELECT process_id FROM process_waiting WHERE escalated)`+cond, args...),
		}
		// now() runs a moment after the board's now: due times exactly
		// between the two are the only possible difference, and the bench
		// data's are whole hours apart.
		if r.Total != want {
			t.Errorf("county %q: total %+v, want %+v", county, r.Total, want)
		}
		if want.Open == 0 || want.Overdue == 0 || want.DueSoon == 0 || want.Escalated != 3 {
			t.Fatalf("the data do not exercise every figure: %+v", want)
		}
		for name, lines := range map[string][]store.BoardLine{"kinds": r.Kinds, "steps": r.Steps, "places": r.Places, "units": r.Units} {
			sum := store.BoardCounts{}
			for _, l := range lines {
				sum.Open, sum.Overdue, sum.DueSoon, sum.Escalated = sum.Open+l.Open, sum.Overdue+l.Overdue,
					sum.DueSoon+l.DueSoon, sum.Escalated+l.Escalated
			}
			if sum != want {
				t.Errorf("county %q: %s add up to %+v, want %+v", county, name, sum, want)
			}
		}
		yes := true
		f := store.ProcessFilter{Open: true, Overdue: &yes, Limit: 200}
		sc := store.Scope{All: true}
		if county != "" {
			sc = store.Scope{CountyID: county}
		}
		n := 0
		for {
			items, next, err := st.ListProcesses(ctx, sc, f)
			if err != nil {
				t.Fatal(err)
			}
			n += len(items)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if n != want.Overdue {
			t.Errorf("county %q: the overdue list holds %d, the board says %d", county, n, want.Overdue)
		}
	}
	// A county's places are its townships, every one named.
	r, err := st.BoardCounts(ctx, store.BoardQuery{CountyID: "c0", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	places, err := st.BoardPlaces(ctx, store.BoardQuery{CountyID: "c0"})
	if err != nil || len(places) != 10 || len(r.Places) == 0 {
		t.Fatalf("c0's townships: %d named, %d counted, %v", len(places), len(r.Places), err)
	}
	if got := count(t, st, `SELECT count(*) FROM processes WHERE closed_at IS NULL AND township_id = $1`, r.Places[0].Key); got != r.Places[0].Open {
		t.Errorf("township %s: %d open, board says %d", r.Places[0].Key, got, r.Places[0].Open)
	}
}

// TestBoardMonthsFollowTheSideTables: the triggers keep the monthly series
// equal to a count over absences and leave periods, through an absence
// voided, one explained late, a leave approved and one cut short.
func TestBoardMonthsFollowTheSideTables(t *testing.T) {
	st, ctx := pagesData(t)
	for _, q := range []string{
		`UPDATE absences SET status = 'voided' WHERE process_id IN (SELECT process_id FROM absences ORDER BY process_id LIMIT 7)`,
		`UPDATE absences SET late = NOT late WHERE process_id IN (SELECT process_id FROM absences ORDER BY process_id DESC LIMIT 11)`,
		`UPDATE leave_periods SET status = 'approved' WHERE process_id IN (SELECT process_id FROM leave_periods WHERE status = 'pending' LIMIT 5)`,
		`UPDATE leave_periods SET end_date = start_date + 40 WHERE process_id IN (SELECT process_id FROM leave_periods ORDER BY process_id LIMIT 5)`,
		`DELETE FROM leave_periods WHERE process_id IN (SELECT process_id FROM leave_periods ORDER BY process_id DESC LIMIT 3)`,
	} {
		if _, err := st.Pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.BoardMonths(ctx, "c0", "2000-01", "2100-12")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 4 { // the small data span four months and more
		t.Fatalf("%d months", len(got))
	}
	for _, m := range got {
		want := store.BoardMonth{Month: m.Month,
			Absences: count(t, st, `SELECT count(*) FROM absences WHERE county_id = 'c0' AND status <> 'voided'
				AND to_char(found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = $1`, m.Month),
			Late: count(t, st, `SELECT count(*) FROM absences WHERE county_id = 'c0' AND status <> 'voided' AND late
				AND to_char(found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = $1`, m.Month),
			LeaveDays: count(t, st, `SELECT count(*) FROM leave_periods l JOIN processes p ON p.id = l.process_id,
				generate_series(l.start_date, l.end_date, interval '1 day') d
				WHERE p.county_id = 'c0' AND l.status IN ('approved', 'returned') AND to_char(d, 'YYYY-MM') = $1`, m.Month),
		}
		if m != want {
			t.Errorf("month %+v, want %+v", m, want)
		}
	}
}
