package actions

// The city's board at scale. Counting every open process of the city
// live (150,001 rows at `bench scale`, grouped five ways in one pass) costs
// ~0.5 s in PostgreSQL and ~1 s under load: too slow for a page. A summary
// table kept by triggers would be live, but 'overdue' and 'due within 3
// days' move with the clock (it would need due-time buckets), escalation
// lives in another table, and every submission in a county would update
// the same few summary rows (hot-row contention on the write path that
// members use). A supervisor's board does not need second-fresh figures:
// deadlines are days long, and the page says when its figures were
// counted. So the city's board, once the city has many open processes, is
// counted by one goroutine at a time and served for boardFresh; an older
// one is still served (with its time shown) while one goroutine counts
// afresh in the background, up to boardStale, beyond which the caller
// waits for a new count. Counties and townships stay live: they read a
// few hundred rows off the index in under a millisecond.

import (
	"context"
	"slices"
	"sync"
	"time"
)

const (
	// boardFresh: a city board this young is served as it is.
	boardFresh = time.Minute
	// boardStale: one older than this is counted again before it is served.
	boardStale = 10 * time.Minute
	// boardCacheFrom: below this many open processes the city's board is
	// counted live on every request (tens of milliseconds at most), so
	// small cities and the tests always see live figures.
	boardCacheFrom = 20000
)

// boardCache holds the city's last counted board (unsorted).
type boardCache struct {
	mu         sync.Mutex
	b          Board
	ok         bool
	refreshing bool
	counting   sync.Mutex // one count at a time (singleflight)
}

// cachedCityBoard is the city's board, from the cache when it is young
// enough, otherwise counted by draw (once, however many callers wait).
func (a *Actions) cachedCityBoard(ctx context.Context, draw func(context.Context) (Board, error)) (Board, error) {
	c := &a.cityBoard
	c.mu.Lock()
	if c.ok && c.b.Total.Open >= boardCacheFrom {
		age := a.now().Sub(c.b.At)
		if age >= boardFresh && !c.refreshing {
			c.refreshing = true
			go a.refreshCityBoard(context.WithoutCancel(ctx), draw)
		}
		if age < boardStale {
			b := c.b.copy()
			c.mu.Unlock()
			return b, nil
		}
	}
	seen := c.b.At
	c.mu.Unlock()
	c.counting.Lock()
	defer c.counting.Unlock()
	c.mu.Lock()
	if c.ok && c.b.At.After(seen) && a.now().Sub(c.b.At) < boardFresh { // counted while we waited
		b := c.b.copy()
		c.mu.Unlock()
		return b, nil
	}
	c.mu.Unlock()
	return a.countCityBoard(ctx, draw)
}

// refreshCityBoard counts the city's board again in the background.
func (a *Actions) refreshCityBoard(ctx context.Context, draw func(context.Context) (Board, error)) {
	c := &a.cityBoard
	defer func() {
		c.mu.Lock()
		c.refreshing = false
		c.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c.counting.Lock()
	defer c.counting.Unlock()
	c.mu.Lock()
	fresh := a.now().Sub(c.b.At) < boardFresh // a waiting caller counted it first
	c.mu.Unlock()
	if fresh {
		return
	}
	if _, err := a.countCityBoard(ctx, draw); err != nil {
		a.log.Warn("city board refresh: " + err.Error())
	}
}

// countCityBoard counts the board and keeps it; the caller holds counting.
func (a *Actions) countCityBoard(ctx context.Context, draw func(context.Context) (Board, error)) (Board, error) {
	b, err := draw(ctx)
	if err != nil {
		return b, err
	}
	b.Cached = b.Total.Open >= boardCacheFrom
	c := &a.cityBoard
	c.mu.Lock()
	c.b, c.ok = b, true
	c.mu.Unlock()
	return b.copy(), nil
}

// copy: the place and unit rows are sorted per request, in place.
func (b Board) copy() Board {
	b.Places, b.Units = slices.Clone(b.Places), slices.Clone(b.Units)
	return b
}
