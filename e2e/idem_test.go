package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestAbsenceIdempotencyKeyUnderConcurrency: 50 simultaneous records of
// one absence with one Idempotency-Key make one absence, and every answer
// names it (none a 404 while the first is still starting).
func TestAbsenceIdempotencyKeyUnderConcurrency(t *testing.T) {
	bureau := H.Login(t, "shangcai-bureau")
	body := map[string]any{"member_id": "m20", "found_at": time.Now().Add(-2 * time.Hour).Format(time.RFC3339),
		"method": "online", "note": "并发重复提交"}
	const n = 50
	ids := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := doWithHeader(t, bureau, "POST", "/api/v1/absences", body, "Idempotency-Key", "absence-race-1")
			ids[i] = out["id"]
			if e, ok := out["error"]; ok {
				t.Errorf("request %d: %v", i, e)
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if ids[i] == nil || ids[i] != ids[0] {
			t.Fatalf("answer %d names %v, the first %v", i, ids[i], ids[0])
		}
	}
	var count int
	if err := H.Pool.QueryRow(t.Context(), `SELECT count(*) FROM processes WHERE kind='absence' AND member_id='m20'`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 1 {
		t.Fatalf("%d absences of m20, want 1", count)
	}
	fmt.Printf("absence duplicates sent: %d, absences created: %d\n", n, count)
}
