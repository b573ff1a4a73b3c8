package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"zhucun/internal/pgtest"
	"zhucun/store"
)

// pagesData is the bench's synthetic organisation, small: county c0 holds
// members m1-m400, c1 m401-m600.
func pagesData(t *testing.T) (*store.Store, context.Context) {
	t.Helper()
	pool, _ := pgtest.Pool(t, "pages")
	st, ctx := store.New(pool), context.Background()
	if err := st.GenerateBenchData(ctx, store.BenchData{Members: 600, Processes: 3000, BigCounty: 400, Month: "2026-11",
		ReportID: "00000000-0000-4000-8000-000000000001"}); err != nil {
		t.Fatal(err)
	}
	return st, ctx
}

func column(t *testing.T, st *store.Store, q string, args ...any) []string {
	t.Helper()
	rows, err := st.Pool.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestWaitingPagesInOrder: page after page, the cursor walks a party's
// list in the one order (soonest due first, equal dues by process, no due
// last) without losing or repeating an item.
func TestWaitingPagesInOrder(t *testing.T) {
	st, ctx := pagesData(t)
	const party = "county_bureau:c0-bureau"
	for _, q := range []string{
		`UPDATE process_waiting SET due_at = NULL WHERE party = $1 AND process_id IN
			(SELECT process_id FROM process_waiting WHERE party = $1 ORDER BY process_id LIMIT 5)`,
		`UPDATE process_waiting SET due_at = '2030-01-01T00:00:00Z' WHERE party = $1 AND process_id IN
			(SELECT process_id FROM process_waiting WHERE party = $1 AND due_at IS NOT NULL ORDER BY process_id DESC LIMIT 9)`,
	} {
		if _, err := st.Pool.Exec(ctx, q, party); err != nil {
			t.Fatal(err)
		}
	}
	want := column(t, st, `SELECT process_id::text FROM process_waiting WHERE party = $1
		ORDER BY due_at NULLS LAST, process_id, step`, party)
	var got []string
	cursor := ""
	for page := 0; ; page++ {
		items, next, err := st.Waiting(ctx, store.WaitingFilter{Party: party, Cursor: cursor, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) > 7 || page > len(want) {
			t.Fatalf("page %d: %d items", page, len(items))
		}
		for _, it := range items {
			if it.Facts.MemberName != "队员" || it.WaitStep != "approval" {
				t.Fatalf("item %+v", it)
			}
			got = append(got, it.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(want) < 100 || !slices.Equal(got, want) {
		t.Fatalf("paged %d items, want the %d in order", len(got), len(want))
	}
	total, overdue, err := st.WaitingCount(ctx, party, "", time.Now())
	if err != nil || total != len(want) || overdue == 0 || overdue >= total {
		t.Errorf("count %d (%d overdue), %v; want %d", total, overdue, err, len(want))
	}
	if n, _, _ := st.WaitingCount(ctx, party, "filing", time.Now()); n != 0 {
		t.Errorf("%d at filing, want none", n)
	}
	if _, _, err := st.Waiting(ctx, store.WaitingFilter{Party: party, Cursor: "bm90LWEtY3Vyc29y"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a made-up cursor: %v", err)
	}
}

// TestDecidedNewestFirst: a user's own acts, newest first through the
// pages, the system's events left out.
func TestDecidedNewestFirst(t *testing.T) {
	st, ctx := pagesData(t)
	const actor = "11111111-1111-4111-8111-111111111111"
	if err := st.GenerateBenchDecisions(ctx, actor, "c0"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE process_events SET at = '2026-05-01T08:00:00Z' WHERE actor_id = $1 AND process_id IN
		(SELECT process_id FROM process_events WHERE actor_id = $1 ORDER BY process_id LIMIT 6)`, actor); err != nil {
		t.Fatal(err)
	}
	want := column(t, st, `SELECT process_id::text FROM process_events WHERE actor_id = $1
		ORDER BY at DESC, process_id DESC, seq DESC`, actor)
	var got []string
	cursor := ""
	for page := 0; page <= len(want); page++ {
		items, next, err := st.Decided(ctx, actor, cursor, 9)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Action != "approved" || it.Process.Kind != "leave" || it.Facts.MemberName == "" {
				t.Fatalf("item %+v", it)
			}
			got = append(got, it.Process.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if len(want) < 20 || !slices.Equal(got, want) {
		t.Fatalf("paged %d acts, want the %d newest first", len(got), len(want))
	}
	if items, _, _ := st.Decided(ctx, "system", "", 50); len(items) != 0 {
		t.Errorf("the system's events listed as someone's: %d", len(items))
	}
}

// TestSearchMembersInScope: by name or id, names that begin with the
// search first, within the scope; LIKE's wildcards are plain text.
func TestSearchMembersInScope(t *testing.T) {
	st, ctx := pagesData(t)
	today := time.Now()
	names := func(sc store.Scope, q string) []string {
		t.Helper()
		ms, err := st.SearchMembers(ctx, sc, q, today, 20)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	c0, c1 := store.Scope{CountyID: "c0"}, store.Scope{CountyID: "c1"}
	if got := names(c0, "队员450"); len(got) != 0 {
		t.Errorf("c0 finds c1's member: %v", got)
	}
	if got := names(c1, "队员450"); !slices.Equal(got, []string{"队员450"}) {
		t.Errorf("c1 finds %v", got)
	}
	if got := names(store.Scope{All: true}, "m7"); !slices.Equal(got, []string{"队员7"}) {
		t.Errorf("by id: %v", got)
	}
	if got := names(store.Scope{All: true}, "员12"); len(got) != 11 || got[0] != "队员12" {
		t.Errorf("a part of names: %v", got)
	}
	if got := names(store.Scope{All: true}, "%"); len(got) != 0 {
		t.Errorf("%% matched %v", got)
	}
	if got := names(store.Scope{}, "队员1"); len(got) != 0 {
		t.Errorf("no scope finds %v", got)
	}
}
