// Package actions holds every use case of zhucun once: who may act,
// validation, routing, reservation, idempotency, and starting, updating and
// reading processes. Each action is a method taking the context, the
// acting user and a request struct, and returning a result or an error
// (an *errs.Error for anything a person should read). The JSON API and the
// pages are two faces over these methods: they decode, call and encode,
// and never decide a rule themselves. Actions do no HTTP and write no SQL
// (that is store's).
package actions

import (
	"zhucun/internal/seal"

	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/store"
)

// User is the authenticated person an action runs for.
type User = store.User

// Config wires the actions to their dependencies.
type Config struct {
	Pool     *pgxpool.Pool
	Temporal client.Client
	// Namespace is the processes' Temporal namespace (default "default").
	Namespace string
	Log       *zap.Logger
	// Now is the clock of the checks that read one (dates in the future...).
	Now      func() time.Time
	TokenTTL time.Duration
	// Login limits failed logins (loginguard.go).
	Login LoginLimits
	// Keys sign what the actions send into workflows (seal): the worker
	// refuses anything unsigned.
	Keys *seal.Keys
}

// Actions is the use cases over one store and one Temporal client.
type Actions struct {
	store     *store.Store
	pool      *pgxpool.Pool
	tc        client.Client
	namespace string
	log       *zap.Logger
	now       func() time.Time
	tokenTTL  time.Duration
	guard     *loginGuard
	keys      *seal.Keys
	cityBoard boardCache
	caches    *caches
}

// New builds the actions, filling defaults.
func New(cfg Config) *Actions {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 12 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	return &Actions{store: store.New(cfg.Pool), pool: cfg.Pool, tc: cfg.Temporal, namespace: cfg.Namespace,
		log: cfg.Log, now: cfg.Now, tokenTTL: cfg.TokenTTL, guard: newLoginGuard(cfg.Login), keys: cfg.Keys, caches: newCaches()}
}

// Created is what a creating action answers: the new process, or (Repeated)
// the one an earlier request with the same Idempotency-Key created, as the
// read model holds it.
type Created struct {
	ID       string
	Resource any
	Repeated bool
}

// Explain turns any error into the one a person or program reads: typed
// errors keep their code; Temporal's and the database's are translated;
// the rest become a generic 500. known is false when the cause is not a
// request's fault (500, 503), so the caller logs it.
func Explain(err error) (e *errs.Error, known bool) {
	if e, ok := errs.As(err); ok {
		return e, e.Code != errs.Internal && e.Code != errs.Unavailable
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch code := errs.Code(app.Type()); code {
		case errs.Forbidden, errs.Conflict, errs.Invalid:
			return fromWorkflow(code, app), true
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) || errors.Is(err, store.ErrNotFound) {
		return errs.Generic(errs.NotFound), true
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return errs.New(errs.Conflict, errs.MsgAlreadyStarted), true
	}
	if errors.Is(err, store.ErrBadCursor) {
		return errs.Field("cursor", errs.MsgCursorInvalid), true
	}
	var rc *store.RosterConflict
	if errors.As(err, &rc) {
		return errs.New(errs.Conflict, rc.Key, rc.Args...), true
	}
	if IsUnavailable(err) {
		return errs.Generic(errs.Unavailable), false
	}
	return errs.Generic(errs.Internal), false
}

// fromWorkflow reads a validator's refusal: its message is a catalogue key
// and its details the key's arguments. A message that is no key (an old
// history's English) gets the code's own Chinese, the English kept for the
// log.
func fromWorkflow(code errs.Code, app *temporal.ApplicationError) *errs.Error {
	key := errs.Msg(app.Message())
	if !errs.Known(key) {
		m, _ := errs.CodeMessage(code)
		return errs.New(code, m).WithDetail("%s", app.Message())
	}
	var args []any
	if app.HasDetails() {
		var ss []string
		if app.Details(&ss) == nil {
			for _, s := range ss {
				args = append(args, s)
			}
		}
	}
	e := errs.New(code, key, args...)
	if field := workflowField[key]; field != "" && code == errs.Invalid {
		e = errs.Field(field, key, args...)
	}
	return e
}

// workflowField names the request field a workflow's 400 is about.
var workflowField = map[errs.Msg]string{
	errs.MsgRequired:            "text",
	errs.MsgReturnNeedsComment:  "comment",
	errs.MsgLeaveExtendAfterEnd: "end_date",
}

// IsUnavailable: a backing service (PostgreSQL, Temporal) is down or slow,
// so the request may succeed later.
func IsUnavailable(err error) bool {
	var conn *pgconn.ConnectError
	var netErr net.Error
	var unav *serviceerror.Unavailable
	var updTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var deadline *serviceerror.DeadlineExceeded
	return errors.As(err, &conn) || errors.As(err, &netErr) || errors.As(err, &unav) || errors.As(err, &updTimeout) ||
		errors.As(err, &deadline) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || pgConnectionLost(err)
}

// pgConnectionLost: PostgreSQL went away under a query (the socket closed
// mid-read, the driver closed the connection) or refuses to serve now
// (shutting down, starting up, out of connections).
func pgConnectionLost(err error) bool {
	if errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || // connection_exception
			pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || // admin/crash shutdown, cannot_connect_now
			pg.Code == "53300" // too_many_connections
	}
	return false
}

// Ready reports whether PostgreSQL and Temporal answer.
func (a *Actions) Ready(ctx context.Context) error {
	if err := a.pool.Ping(ctx); err != nil {
		return errs.New(errs.Unavailable, errs.MsgPostgresDown).WithDetail("%v", err)
	}
	if _, err := a.tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return errs.New(errs.Unavailable, errs.MsgTemporalDown).WithDetail("%v", err)
	}
	return nil
}
