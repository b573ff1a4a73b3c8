package actions

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhucun/store"
)

// TestCityBoardCache: a big city's board is counted once for concurrent
// callers, served while fresh, refreshed in the background once older,
// counted before serving once stale; a small city's is always live.
func TestCityBoardCache(t *testing.T) {
	var clock atomic.Int64
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return t0.Add(time.Duration(clock.Load())) }
	a := New(Config{Now: now})
	var counts atomic.Int32
	draw := func(context.Context) (Board, error) {
		counts.Add(1)
		time.Sleep(20 * time.Millisecond)
		return Board{At: now(), Total: store.BoardCounts{Open: boardCacheFrom}, Places: []store.BoardLine{{Key: "b"}, {Key: "a"}}}, nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b, err := a.cachedCityBoard(ctx, draw); err != nil || !b.Cached {
				t.Errorf("board %+v, %v", b, err)
			}
		}()
	}
	wg.Wait()
	if n := counts.Load(); n != 1 {
		t.Fatalf("8 concurrent callers counted %d times, want 1", n)
	}
	b, _ := a.cachedCityBoard(ctx, draw)
	sortLines(b.Places, "name") // a caller's sort must not reorder the cache
	if b, _ := a.cachedCityBoard(ctx, draw); b.Places[0].Key != "b" || counts.Load() != 1 {
		t.Fatalf("fresh board: places %v, counts %d", b.Places, counts.Load())
	}
	clock.Store(int64(boardFresh + time.Second)) // old: served, refreshed behind
	if b, _ := a.cachedCityBoard(ctx, draw); !b.At.Equal(t0) {
		t.Fatalf("old board not served while refreshing: at %v", b.At)
	}
	for i := 0; counts.Load() != 2 || a.refreshing(); i++ {
		if i > 200 {
			t.Fatalf("no background refresh: counts %d", counts.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	clock.Store(int64(boardFresh + boardStale + 2*time.Second)) // stale: counted first
	if b, _ := a.cachedCityBoard(ctx, draw); !b.At.Equal(now()) {
		t.Fatalf("stale board served: at %v, now %v", b.At, now())
	}
	for a.refreshing() { // the stale board's background count too
		time.Sleep(10 * time.Millisecond)
	}
	small := New(Config{Now: now}) // small: live each time
	before := counts.Load()
	live := func(ctx context.Context) (Board, error) {
		b, err := draw(ctx)
		b.Total.Open = boardCacheFrom - 1
		return b, err
	}
	small.cachedCityBoard(ctx, live)
	if b, _ := small.cachedCityBoard(ctx, live); b.Cached || counts.Load() != before+2 {
		t.Fatalf("small city: cached %v, counts %d want %d", b.Cached, counts.Load(), before+2)
	}
}

func (a *Actions) refreshing() bool {
	a.cityBoard.mu.Lock()
	defer a.cityBoard.mu.Unlock()
	return a.cityBoard.refreshing
}
