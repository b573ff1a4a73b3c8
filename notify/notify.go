// Package notify delivers the notification outbox: the rows that the
// RecordProcess activity writes to the outbox table are picked up by a
// Sender, handed to a Deliverer (a log, or a WeCom/DingTalk group robot),
// and marked sent, or retried later with an exponential backoff. It owns
// the delivery and its timing; the outbox's SQL is the store's (OutboxTx).
//
// Delivery is at least once: a row whose delivery succeeded but whose
// transaction could not commit is delivered again.
//
// Each row goes to its recipient's group robot when the group has one
// (route.go), @-mentioning them by phone, else to the Deliverer, the
// deployment's; every message links to its item's page. A row that falls
// in its county's quiet hours waits for the morning unless its deadline
// comes first.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"zhucun/internal/seal"
	"zhucun/metrics"
	"zhucun/store"
)

// Message is one notice as it goes out.
type Message struct {
	// Recipient is the outbox's party key ("member:m01"); Name how people
	// call that party (the member's name, the office's).
	Recipient string
	Name      string
	Text      string
	// Link is the absolute address of the item's page; "" when the
	// deployment has no public URL or the notice is about no item.
	Link string
	// Mobiles are the phones to @-mention.
	Mobiles []string
}

// Deliverer sends one notice.
type Deliverer interface {
	Deliver(ctx context.Context, m Message) error
}

// LogDeliverer writes each notification to the log, at info level. It is
// the deliverer for development and for deployments without a robot.
type LogDeliverer struct {
	Log *zap.Logger
}

// Deliver logs the notification; it never fails.
func (d LogDeliverer) Deliver(_ context.Context, m Message) error {
	log := d.Log
	if log == nil {
		log = zap.NewNop()
	}
	log.Info("notification", zap.String("recipient", m.Recipient), zap.String("text", m.Text),
		zap.String("link", m.Link), zap.Strings("mention", m.Mobiles))
	return nil
}

// Sender delivers the outbox's due rows.
type Sender struct {
	Pool      *pgxpool.Pool
	Deliverer Deliverer
	Log       *zap.Logger
	// Batch is the most rows one SendOnce takes (default 50).
	Batch int
	// Interval is the pause between passes (default 2 s).
	Interval time.Duration
	// Metrics counts deliveries and failures; nil counts nothing.
	Metrics *metrics.Metrics
	// Keys open the group robots' sealed URLs and secrets (store.Robot);
	// nil sends every notice to Deliverer, the deployment's robot.
	Keys *seal.Keys
	// Client posts to the group robots (default: 10 s timeout).
	Client *http.Client
	// PublicURL is where people reach zhucun ("https://zhucun.example.cn"),
	// the start of every notice's link; "" sends notices without one.
	PublicURL string
	// Now is the clock of quiet hours and of DingTalk's signatures
	// (default time.Now).
	Now func() time.Time
}

const (
	defaultBatch    = 50
	defaultInterval = 2 * time.Second
	maxBackoff      = time.Hour
	maxErrorChars   = 500
	// dbTimeout bounds the bookkeeping writes, which run even when the
	// caller's context is cancelled so that finished deliveries are kept.
	dbTimeout = 10 * time.Second
)

// Run calls SendOnce, then waits Interval, until ctx is done; a full batch
// is followed at once by the next. Errors are logged, not returned: Run
// returns nil when ctx is done.
func (s *Sender) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = defaultInterval
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		_, picked, err := s.sendOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log().Error("notify: outbox pass failed", zap.Error(err))
		}
		wait := interval
		if err == nil && picked >= s.batch() {
			wait = 0
		}
		t.Reset(wait)
	}
}

// SendOnce delivers up to Batch due rows (unsent, next_try_at reached) in
// one transaction, locking them so that concurrent senders skip them.
// A delivered row gets sent_at; a failed one gets attempts+1, last_error
// and next_try_at = now() + min(2^attempts s, 1 h), and never stops the
// others. sent counts the rows delivered; err is a database error.
func (s *Sender) SendOnce(ctx context.Context) (sent int, err error) {
	sent, _, err = s.sendOnce(ctx)
	return sent, err
}

func (s *Sender) sendOnce(ctx context.Context) (sent, picked int, err error) {
	if s.Pool == nil || s.Deliverer == nil {
		return 0, 0, errors.New("notify: Sender needs a Pool and a Deliverer")
	}
	tx, err := store.New(s.Pool).BeginOutbox(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("notify: begin: %w", err)
	}
	// Rolled back unless committed; a no-op after Commit.
	defer tx.Rollback(context.WithoutCancel(ctx))

	due, err := tx.Due(ctx, s.batch())
	if err != nil {
		return 0, 0, fmt.Errorf("notify: select outbox: %w", err)
	}
	if len(due) == 0 {
		return 0, 0, tx.Commit(ctx)
	}

	dbctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	log := s.log()
	quiet := quietHours{store: store.New(s.Pool)}
	for _, o := range due {
		if ctx.Err() != nil {
			break // shutting down: the rest stay due
		}
		picked++
		if until, wait := quiet.defer_(ctx, o, s.now()); wait {
			if err := tx.MarkDeferred(dbctx, o.ID, until); err != nil {
				return 0, picked, fmt.Errorf("notify: defer: %w", err)
			}
			continue
		}
		derr := s.deliver(ctx, o)
		s.Metrics.OutboxDelivery(derr == nil)
		if derr == nil {
			if err := tx.MarkSent(dbctx, o.ID); err != nil {
				return 0, picked, fmt.Errorf("notify: mark sent: %w", err)
			}
			sent++
			continue
		}
		attempts := o.Attempts + 1
		wait := Backoff(attempts)
		log.Warn("notify: delivery failed",
			zap.Int64("outbox_id", o.ID), zap.String("recipient", o.Recipient),
			zap.Int("attempts", attempts), zap.Duration("retry_in", wait), zap.Error(derr))
		if err := tx.MarkFailed(dbctx, o.ID, attempts, cleanError(derr), wait); err != nil {
			return 0, picked, fmt.Errorf("notify: record failure: %w", err)
		}
	}
	if err := tx.Commit(dbctx); err != nil {
		return 0, picked, fmt.Errorf("notify: commit: %w", err)
	}
	return sent, picked, nil
}

// deliver calls the Deliverer, turning a panic into an error so that one
// bad row cannot take the sender down.
func (s *Sender) deliver(ctx context.Context, o store.OutboxRow) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("notify: deliverer panicked: %v", p)
		}
	}()
	d, m, err := s.route(ctx, o)
	if err != nil {
		return err
	}
	return d.Deliver(ctx, m)
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return defaultBatch
}

func (s *Sender) log() *zap.Logger {
	if s.Log != nil {
		return s.Log
	}
	return zap.NewNop()
}

// Backoff is the wait before the next try after the given number of failed
// attempts: 2^attempts seconds, at most an hour.
func Backoff(attempts int) time.Duration {
	if attempts < 0 {
		attempts = 0
	}
	if attempts >= 12 { // 2^12 s > 1 h; also keeps the shift from overflowing
		return maxBackoff
	}
	return time.Duration(1<<attempts) * time.Second
}

// cleanError makes an error storable as last_error: valid UTF-8 without
// NUL bytes (PostgreSQL rejects both), at most maxErrorChars characters.
func cleanError(err error) string {
	s := strings.ToValidUTF8(err.Error(), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	return truncate(s, maxErrorChars)
}

// truncate cuts s to at most n characters, never inside one.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
