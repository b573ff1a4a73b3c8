package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"zhucun/store"
	"zhucun/workflows"
)

// Error codes of the API, each with one HTTP status.
const (
	CodeInvalid         = "invalid_argument"
	CodeUnauthenticated = "unauthenticated"
	CodeForbidden       = "forbidden"
	CodeNotFound        = "not_found"
	CodeConflict        = "conflict"
	CodeTooLarge        = "payload_too_large"
	CodeUnsupported     = "unsupported_media_type"
	CodeRateLimited     = "rate_limited"
	CodeUnavailable     = "unavailable"
	CodeInternal        = "internal"
)

var statusOf = map[string]int{
	CodeInvalid:         http.StatusBadRequest,
	CodeUnauthenticated: http.StatusUnauthorized,
	CodeForbidden:       http.StatusForbidden,
	CodeNotFound:        http.StatusNotFound,
	CodeConflict:        http.StatusConflict,
	CodeTooLarge:        http.StatusRequestEntityTooLarge,
	CodeUnsupported:     http.StatusUnsupportedMediaType,
	CodeRateLimited:     http.StatusTooManyRequests,
	CodeUnavailable:     http.StatusServiceUnavailable,
	CodeInternal:        http.StatusInternalServerError,
}

// Error is the one error type handlers return; Fields names bad inputs.
type Error struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// fieldErr is a 400 naming the fields at fault.
func fieldErr(fields map[string]string) *Error {
	msg := "invalid request"
	for k, v := range fields {
		if len(fields) == 1 {
			msg = k + ": " + v
		}
	}
	return &Error{Code: CodeInvalid, Message: msg, Fields: fields}
}

// toAPIError maps any error to the API's: typed errors keep their code,
// Temporal's and the database's are translated, the rest are 500s whose
// detail stays in the log.
func toAPIError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case workflows.ErrForbidden:
			return &Error{Code: CodeForbidden, Message: app.Message()}, true
		case workflows.ErrConflict:
			return &Error{Code: CodeConflict, Message: app.Message()}, true
		case workflows.ErrInvalid:
			return &Error{Code: CodeInvalid, Message: app.Message()}, true
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) || errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Message: "not found"}, true
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return &Error{Code: CodeConflict, Message: "already started"}, true
	}
	if errors.Is(err, store.ErrBadCursor) {
		return &Error{Code: CodeInvalid, Message: "cursor: not a cursor this server issued", Fields: map[string]string{"cursor": "invalid"}}, true
	}
	if isUnavailable(err) {
		return &Error{Code: CodeUnavailable, Message: "a backing service is unavailable; try again shortly"}, false
	}
	return &Error{Code: CodeInternal, Message: "internal error"}, false
}

func isUnavailable(err error) bool {
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

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, known := toAPIError(err)
	if !known || e.Code == CodeInternal || e.Code == CodeUnavailable {
		s.log.Error("request failed", zap.String("request_id", middleware.GetReqID(r.Context())),
			zap.String("path", r.URL.Path), zap.Error(err))
	}
	writeJSON(w, statusOf[e.Code], map[string]any{"error": e})
}
