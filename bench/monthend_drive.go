package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"zhucun/policy"
)

// item is one piece of work moving down a pipeline: an absence to explain
// and then sign, a leave to decide, or a report submitted.
type item struct {
	id            string
	c             *benchCounty
	m             int // the member's index in c
	county, month string
}

// queue hands absences from one stage to the next, oldest first.
type queue struct {
	mu    sync.Mutex
	items []item
}

func (q *queue) push(it item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
}

func (q *queue) pop() (item, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return item{}, false
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it, true
}

// series counts one request type over the measured window.
type series struct {
	mu       sync.Mutex
	arrived  int // arrivals in the window
	behind   int // arrivals not sent: max-inflight requests were out already
	starved  int // arrivals with nothing to do: the stage before had not answered enough
	ok       int // 2xx answers in the window
	errors   int
	retried  int // sent again because serve was down (--kill), then answered
	settled  int // answered 409 after an attempt whose answer was lost: done by that attempt
	samples  []time.Duration
	failures []string
}

// done is a request answered 2xx, to be found again after the kills.
type done struct {
	k  kind
	it item
	at time.Time
}

// driver sends the mix open-loop: each type arrives at its own rate,
// whatever the answers; at most maxInflight are out at once.
type driver struct {
	api      *api
	org      *org
	rate     [nKinds]float64
	sem      chan struct{}
	queues   [nKinds]*queue // what kExplain, kSign and kDecide take from
	series   [nKinds]*series
	seq      [nKinds]atomic.Int64
	firstDay time.Time // no earlier leave holds it or any later day
	reports  *reportMonths
	retryFor time.Duration // with kills: how long a request serve was down for is sent again

	start, windowStart, windowEnd time.Time
	buckets                       []atomic.Int64 // 2xx answers per second since start
	wg                            sync.WaitGroup

	mu      sync.Mutex
	answers []done
}

// next is the stage an answer feeds.
var next = [nKinds]kind{kAbsence: kExplain, kExplain: kSign, kSign: nKinds, kLeave: kDecide, kDecide: nKinds, kReport: nKinds}

func newDriver(a *api, o *org, rate [nKinds]float64, inflight int, firstDay time.Time, retryFor time.Duration) *driver {
	d := &driver{api: a, org: o, rate: rate, sem: make(chan struct{}, inflight), firstDay: firstDay, retryFor: retryFor,
		reports: &reportMonths{o: o, now: time.Now()}}
	for k := range d.series {
		d.series[k] = &series{}
	}
	d.queues[kExplain], d.queues[kSign], d.queues[kDecide] = &queue{}, &queue{}, &queue{}
	return d
}

// begin sets the run's clock: the window measured is the duration after
// the warmup.
func (d *driver) begin(warmup, duration time.Duration) {
	d.start = time.Now()
	d.windowStart, d.windowEnd = d.start.Add(warmup), d.start.Add(warmup+duration)
	d.buckets = make([]atomic.Int64, int((warmup+duration+d.retryFor)/time.Second)+120)
}

// run sends arrivals until the window ends; downstream stages start lag
// after the stage before, so each finds work queued.
func (d *driver) run(ctx context.Context, lag time.Duration) {
	offset := [nKinds]time.Duration{kExplain: lag, kSign: 2 * lag, kDecide: lag}
	var arrivals sync.WaitGroup
	for k := range nKinds {
		arrivals.Add(1)
		go func() {
			defer arrivals.Done()
			d.arrivals(ctx, k, d.start.Add(offset[k]))
		}()
	}
	arrivals.Wait()
}

// drain waits for the requests still out, at most wait.
func (d *driver) drain(wait time.Duration) bool {
	ch := make(chan struct{})
	go func() { d.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-time.After(wait):
		return false
	}
}

func (d *driver) arrivals(ctx context.Context, k kind, from time.Time) {
	if d.rate[k] <= 0 {
		return
	}
	gap := time.Duration(float64(time.Second) / d.rate[k])
	timer := time.NewTimer(0)
	defer timer.Stop()
	for n := 0; ; n++ {
		// Each arrival at its own instant: a late wake-up sends the ones
		// it missed at once rather than drifting the rate down.
		at := from.Add(time.Duration(n) * gap)
		if !at.Before(d.windowEnd) {
			return
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		}
		d.arrive(ctx, k, at)
	}
}

func (d *driver) arrive(ctx context.Context, k kind, at time.Time) {
	counted := !at.Before(d.windowStart)
	s := d.series[k]
	count := func(f *int) {
		if counted {
			s.mu.Lock()
			*f++
			s.mu.Unlock()
		}
	}
	count(&s.arrived)
	select {
	case d.sem <- struct{}{}:
	default:
		count(&s.behind)
		return
	}
	var it item
	if q := d.queues[k]; q != nil {
		var ok bool
		if it, ok = q.pop(); !ok {
			<-d.sem
			count(&s.starved)
			return
		}
	}
	d.wg.Add(1)
	go func() {
		defer func() { <-d.sem; d.wg.Done() }()
		d.do(ctx, k, it, at, counted)
	}()
}

// call is one request of the mix.
type call struct {
	token, path string
	body        any
	key         string // Idempotency-Key of a creating request
	want        int
}

func (d *driver) callFor(k kind, it *item) call {
	switch k {
	case kAbsence:
		n := d.seq[k].Add(1) - 1
		it.c, it.m = d.org.member(int(n))
		// A minute ago, so a clock a little ahead of serve's is not "found
		// in the future".
		found := time.Now().Add(-time.Minute).In(policy.China).Format(time.RFC3339)
		return call{it.c.bureau, "/api/v1/absences", map[string]any{"member_id": it.c.members[it.m], "found_at": found,
			"method": "onsite", "note": "月末压测：查岗时不在岗"}, fmt.Sprintf("monthend-absence-%d", n), 201}
	case kExplain:
		return call{it.c.memberTokens[it.m], "/api/v1/absences/" + it.id + "/explanation",
			map[string]any{"text": "当日在县城参加培训，未及时报备。"}, "", 200}
	case kSign:
		return call{it.c.head, "/api/v1/absences/" + it.id + "/signature", map[string]any{"decision": "sign"}, "", 200}
	case kLeave:
		n := d.seq[k].Add(1) - 1
		it.c, it.m = d.org.member(int(n))
		// A fresh day for each of a member's leaves: no overlaps.
		perDay := len(d.org.counties) * membersPerCounty
		day := policy.FormatDate(policy.AddDays(d.firstDay, int(n)/perDay))
		return call{it.c.memberTokens[it.m], "/api/v1/leaves", map[string]any{"kind": "personal", "start_date": day,
			"end_date": day, "reason": "月末压测"}, fmt.Sprintf("monthend-leave-%d", n), 201}
	case kDecide:
		return call{it.c.committee, "/api/v1/leaves/" + it.id + "/decision", map[string]any{"decision": "approve"}, "", 200}
	default: // kReport
		it.c, it.month = d.reports.next()
		it.county = it.c.id
		return call{it.c.bureau, "/api/v1/reports/absences/" + it.county + "/" + it.month + "/submit", nil, "", 200}
	}
}

// do sends one request; with retry, again while serve is down, until it
// is answered.
func (d *driver) do(ctx context.Context, k kind, it item, arrived time.Time, counted bool) {
	c := d.callFor(k, &it)
	retried := false
	for {
		status, out, err := d.exchange(ctx, c)
		if err == nil && (status == c.want || (c.key != "" && status == 200)) {
			if c.key != "" {
				it.id, _ = out["id"].(string)
			}
			d.answered(k, it, arrived, counted, retried, false)
			return
		}
		if d.retryFor > 0 && ctx.Err() == nil && unavailable(status, err) && time.Since(arrived) < d.retryFor {
			retried = true
			time.Sleep(200 * time.Millisecond)
			continue
		}
		// An update whose first attempt went through before serve died
		// finds it done: what the lost answer would have said.
		if retried && status == http.StatusConflict && c.key == "" {
			d.answered(k, it, arrived, counted, true, true)
			return
		}
		d.failed(k, counted, fmt.Errorf("%s: %d %v %v", c.path, status, out, err))
		return
	}
}

func unavailable(status int, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled)
	}
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

func (d *driver) answered(k kind, it item, arrived time.Time, counted, retried, settled bool) {
	now := time.Now()
	if n := next[k]; n != nKinds {
		d.queues[n].push(it)
	}
	if !settled {
		d.mu.Lock()
		d.answers = append(d.answers, done{k: k, it: it, at: now})
		d.mu.Unlock()
		if i := int(now.Sub(d.start) / time.Second); i >= 0 && i < len(d.buckets) {
			d.buckets[i].Add(1)
		}
	}
	s := d.series[k]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(d.windowStart) && now.Before(d.windowEnd) && !settled {
		s.ok++
	}
	if !counted {
		return
	}
	if retried {
		s.retried++
	}
	if settled {
		s.settled++
		return
	}
	s.samples = append(s.samples, now.Sub(arrived))
}

func (d *driver) failed(k kind, counted bool, err error) {
	if !counted {
		return
	}
	s := d.series[k]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors++
	if len(s.failures) < maxFailures {
		s.failures = append(s.failures, err.Error())
	}
}

// exchange sends c and reads the answer's status and JSON body.
func (d *driver) exchange(ctx context.Context, c call) (int, map[string]any, error) {
	var body io.Reader
	if c.body != nil {
		b, _ := json.Marshal(c.body)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, "POST", d.api.base()+c.path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.key != "" {
		req.Header.Set("Idempotency-Key", c.key)
	}
	resp, err := d.api.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, nil
}
