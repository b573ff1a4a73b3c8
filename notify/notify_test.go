package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"zhucun/internal/pgtest"
)

// fakeDeliverer records deliveries and fails for the recipients in fail.
type fakeDeliverer struct {
	mu   sync.Mutex
	fail map[string]error
	got  []string // "recipient|text"
}

func (f *fakeDeliverer) Deliver(_ context.Context, m Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, m.Recipient+"|"+m.Text)
	return f.fail[m.Recipient]
}

// daytime is a clock outside the default quiet hours (20:00-08:00 China).
func daytime() time.Time { return time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC) } // 12:00 China

func (f *fakeDeliverer) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

func (f *fakeDeliverer) setFail(recipient string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.fail, recipient)
	} else {
		f.fail[recipient] = err
	}
}

func insertOutbox(t *testing.T, pool *pgxpool.Pool, recipient, text string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `
		INSERT INTO outbox (process_id, version, idx, recipient, text)
		VALUES (gen_random_uuid(), 1, 0, $1, $2) RETURNING id`, recipient, text).Scan(&id)
	if err != nil {
		t.Fatalf("insert outbox: %v", err)
	}
	return id
}

type outboxState struct {
	sent      bool
	attempts  int
	nextTryAt time.Time
	lastError string
}

func readOutbox(t *testing.T, pool *pgxpool.Pool, id int64) outboxState {
	t.Helper()
	var s outboxState
	err := pool.QueryRow(context.Background(), `
		SELECT sent_at IS NOT NULL, attempts, next_try_at, last_error
		  FROM outbox WHERE id = $1`, id).Scan(&s.sent, &s.attempts, &s.nextTryAt, &s.lastError)
	if err != nil {
		t.Fatalf("read outbox %d: %v", id, err)
	}
	return s
}

func dbNow(t *testing.T, pool *pgxpool.Pool) time.Time {
	t.Helper()
	var now time.Time
	if err := pool.QueryRow(context.Background(), `SELECT now()`).Scan(&now); err != nil {
		t.Fatal(err)
	}
	return now
}

func TestSendOnce(t *testing.T) {
	pool, _ := pgtest.Pool(t, "notify")
	ctx := context.Background()

	// A long error with multi-byte characters: stored cut to 500 characters
	// of valid UTF-8.
	longErr := errors.New("机器人拒绝: " + strings.Repeat("坏", 600))
	fake := &fakeDeliverer{fail: map[string]error{"bad": longErr}}

	a := insertOutbox(t, pool, "alice", "请审批请假")
	bad := insertOutbox(t, pool, "bad", "会失败")
	c := insertOutbox(t, pool, "carol", "已批准")
	later := insertOutbox(t, pool, "dave", "not yet due")
	if _, err := pool.Exec(ctx, `UPDATE outbox SET next_try_at = now() + interval '1 hour' WHERE id = $1`, later); err != nil {
		t.Fatal(err)
	}

	s := &Sender{Pool: pool, Deliverer: fake, Now: daytime}
	before := dbNow(t, pool)
	sent, err := s.SendOnce(ctx)
	if err != nil {
		t.Fatalf("SendOnce: %v", err)
	}
	if sent != 2 {
		t.Errorf("sent = %d, want 2", sent)
	}
	want := []string{"alice|请审批请假", "bad|会失败", "carol|已批准"}
	if got := fake.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("deliveries = %q, want %q (in id order, the due rows only)", got, want)
	}

	for _, id := range []int64{a, c} {
		st := readOutbox(t, pool, id)
		if !st.sent || st.attempts != 0 || st.lastError != "" {
			t.Errorf("row %d = %+v, want sent with no attempts or error", id, st)
		}
	}
	st := readOutbox(t, pool, bad)
	if st.sent {
		t.Errorf("failed row is marked sent")
	}
	if st.attempts != 1 {
		t.Errorf("failed row attempts = %d, want 1", st.attempts)
	}
	if !st.nextTryAt.After(before) {
		t.Errorf("failed row next_try_at = %v, want after %v", st.nextTryAt, before)
	}
	if d := st.nextTryAt.Sub(before); d < Backoff(1)-time.Second || d > Backoff(1)+time.Minute {
		t.Errorf("failed row retries in %v, want about %v", d, Backoff(1))
	}
	if n := utf8.RuneCountInString(st.lastError); n != 500 || !strings.HasPrefix(st.lastError, "机器人拒绝") {
		t.Errorf("last_error has %d characters (%.40q...), want the error cut to 500", n, st.lastError)
	}
	if !utf8.ValidString(st.lastError) {
		t.Errorf("last_error is not valid UTF-8")
	}
	if st := readOutbox(t, pool, later); st.sent || st.attempts != 0 {
		t.Errorf("not-yet-due row was touched: %+v", st)
	}

	// A second pass resends nothing: the sent rows are done, the failed
	// one waits for its backoff, the later one is not due.
	sent, err = s.SendOnce(ctx)
	if err != nil || sent != 0 {
		t.Fatalf("second SendOnce = %d, %v; want 0, nil", sent, err)
	}
	if n := len(fake.calls()); n != 3 {
		t.Errorf("second pass delivered again: %q", fake.calls()[3:])
	}

	// Once due again and the recipient works, the failed row goes out.
	fake.setFail("bad", nil)
	if _, err := pool.Exec(ctx, `UPDATE outbox SET next_try_at = now() WHERE id = $1`, bad); err != nil {
		t.Fatal(err)
	}
	sent, err = s.SendOnce(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("third SendOnce = %d, %v; want 1, nil", sent, err)
	}
	if st := readOutbox(t, pool, bad); !st.sent || st.attempts != 1 {
		t.Errorf("retried row = %+v, want sent after 1 failed attempt", st)
	}

	// A second failure doubles the wait.
	fake.setFail("erin", errors.New("down"))
	e := insertOutbox(t, pool, "erin", "x")
	if _, err := pool.Exec(ctx, `UPDATE outbox SET attempts = 3 WHERE id = $1`, e); err != nil {
		t.Fatal(err)
	}
	before = dbNow(t, pool)
	if _, err := s.SendOnce(ctx); err != nil {
		t.Fatal(err)
	}
	st = readOutbox(t, pool, e)
	if d := st.nextTryAt.Sub(before); st.attempts != 4 || d < 15*time.Second || d > 17*time.Second+time.Minute {
		t.Errorf("after 4 attempts: %+v, retry in %v; want 4 attempts, about 16s", st, d)
	}
}

func TestSendOnceSkipsLockedRows(t *testing.T) {
	pool, _ := pgtest.Pool(t, "notify_lock")
	ctx := context.Background()
	locked := insertOutbox(t, pool, "locked", "held by another sender")
	free := insertOutbox(t, pool, "free", "mine")

	// Another sender holds the first row.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT id FROM outbox WHERE id = $1 FOR UPDATE`, locked); err != nil {
		t.Fatal(err)
	}

	fake := &fakeDeliverer{fail: map[string]error{}}
	s := &Sender{Pool: pool, Deliverer: fake, Now: daytime}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	sent, err := s.SendOnce(cctx)
	if err != nil || sent != 1 {
		t.Fatalf("SendOnce = %d, %v; want 1, nil", sent, err)
	}
	if got := fake.calls(); len(got) != 1 || got[0] != "free|mine" {
		t.Errorf("deliveries = %q, want only the unlocked row", got)
	}
	if !readOutbox(t, pool, free).sent {
		t.Errorf("free row not marked sent")
	}
}

func TestSendOnceBatch(t *testing.T) {
	pool, _ := pgtest.Pool(t, "notify_batch")
	for i := 0; i < 5; i++ {
		insertOutbox(t, pool, "r", "t")
	}
	fake := &fakeDeliverer{fail: map[string]error{}}
	s := &Sender{Pool: pool, Deliverer: fake, Batch: 2, Now: daytime}
	for _, want := range []int{2, 2, 1, 0} {
		sent, err := s.SendOnce(context.Background())
		if err != nil || sent != want {
			t.Fatalf("SendOnce = %d, %v; want %d", sent, err, want)
		}
	}
}

func TestRun(t *testing.T) {
	pool, _ := pgtest.Pool(t, "notify_run")
	fake := &fakeDeliverer{fail: map[string]error{}}
	core, logs := observer.New(zap.InfoLevel)
	s := &Sender{Pool: pool, Deliverer: fake, Log: zap.New(core), Batch: 1, Interval: 20 * time.Millisecond, Now: daytime}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	insertOutbox(t, pool, "a", "1")
	insertOutbox(t, pool, "b", "2")
	insertOutbox(t, pool, "c", "3")
	deadline := time.Now().Add(10 * time.Second)
	for len(fake.calls()) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil on cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if got := fake.calls(); len(got) != 3 {
		t.Errorf("Run delivered %q, want 3 rows once each", got)
	}
	if n := logs.FilterLevelExact(zap.ErrorLevel).Len(); n != 0 {
		t.Errorf("Run logged %d errors: %v", n, logs.All())
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Second},
		{1, 2 * time.Second},
		{2, 4 * time.Second},
		{11, 2048 * time.Second},
		{12, time.Hour},
		{63, time.Hour},
		{1 << 30, time.Hour},
	} {
		if got := Backoff(c.attempts); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.attempts, got, c.want)
		}
	}
}

func TestCleanError(t *testing.T) {
	got := cleanError(errors.New("a\x00b\xffc"))
	if got != "ab\uFFFDc" {
		t.Errorf("cleanError = %q", got)
	}
	if got := cleanError(errors.New(strings.Repeat("é", 501))); utf8.RuneCountInString(got) != 500 {
		t.Errorf("cleanError kept %d characters, want 500", utf8.RuneCountInString(got))
	}
}

func TestLogDeliverer(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	if err := (LogDeliverer{Log: zap.New(core)}).Deliver(context.Background(), Message{Recipient: "张三", Text: "请假已批准"}); err != nil {
		t.Fatal(err)
	}
	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("got %d log entries, want 1", len(entries))
	}
	fields := entries[0].ContextMap()
	if entries[0].Level != zap.InfoLevel || fields["recipient"] != "张三" || fields["text"] != "请假已批准" {
		t.Errorf("log entry = %v %v", entries[0].Level, fields)
	}
	if err := (LogDeliverer{}).Deliver(context.Background(), Message{Recipient: "r", Text: "t"}); err != nil {
		t.Errorf("nil logger: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
