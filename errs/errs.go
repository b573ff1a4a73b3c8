// Package errs is zhucun's one error type: a stable code for programs, a
// Chinese message for people (from the catalogue beside it), the fields at
// fault, and an English detail that only the log sees. The JSON API and
// the pages both turn an *Error into their answer; nothing else decides
// what a person reads when something goes wrong. It does no I/O and
// imports nothing of zhucun, so workflows may name its messages too.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is what a program reads; each has one HTTP status.
type Code string

// The codes, each mapped to an HTTP status by Status.
const (
	Invalid          Code = "invalid_argument"
	Unauthenticated  Code = "unauthenticated"
	Forbidden        Code = "forbidden"
	NotFound         Code = "not_found"
	Conflict         Code = "conflict"
	TooLarge         Code = "payload_too_large"
	Unsupported      Code = "unsupported_media_type"
	RateLimited      Code = "rate_limited"
	Unavailable      Code = "unavailable"
	Internal         Code = "internal"
	MethodNotAllowed Code = "method_not_allowed"
)

// Codes lists every code, for the tests that check each has a status and
// a message.
var Codes = []Code{Invalid, Unauthenticated, Forbidden, NotFound, Conflict, TooLarge,
	Unsupported, RateLimited, Unavailable, Internal, MethodNotAllowed}

var statuses = map[Code]int{
	Invalid: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404, MethodNotAllowed: 405,
	Conflict: 409, TooLarge: 413, Unsupported: 415, RateLimited: 429, Internal: 500, Unavailable: 503,
}

// Status is the HTTP status of a code; an unknown code is a 500.
func Status(c Code) int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return 500
}

// Error is the one error type of the actions, the API and the pages.
type Error struct {
	Code    Code              `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Key is the catalogue entry Message came from, for tests and logs.
	Key Msg `json:"-"`
	// Detail is English for the log; people never see it.
	Detail string `json:"-"`
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return string(e.Code) + ": " + e.Detail
	}
	return string(e.Code) + ": " + string(e.Key)
}

// New is an error whose message is m, filled with args.
func New(code Code, m Msg, args ...any) *Error {
	return &Error{Code: code, Message: Text(m, args...), Key: m, Detail: detail(m, args)}
}

// WithDetail adds English detail for the log.
func (e *Error) WithDetail(format string, a ...any) *Error {
	e.Detail = fmt.Sprintf(format, a...)
	return e
}

func detail(m Msg, args []any) string {
	if len(args) == 0 {
		return string(m)
	}
	return fmt.Sprint(string(m), args)
}

// Field is a 400 naming one field, with m as its message.
func Field(field string, m Msg, args ...any) *Error {
	f := Fields{}
	f.Check(false, field, m, args...)
	return f.err()
}

// Fields collects one message per field at fault (the first found).
type Fields map[string]string

// Check records m against field unless ok (or the field has a message).
func (f Fields) Check(ok bool, field string, m Msg, args ...any) {
	if ok {
		return
	}
	if _, seen := f[field]; !seen {
		f[field] = Text(m, args...)
	}
}

// Err is nil when every check passed, else a 400 naming each field.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f.err()
}

func (f Fields) err() *Error {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	msg := Text(MsgInvalidFields)
	if len(names) == 1 {
		msg = names[0] + "：" + f[names[0]]
	}
	return &Error{Code: Invalid, Message: msg, Fields: map[string]string(f), Key: MsgInvalidFields,
		Detail: "invalid fields: " + strings.Join(names, ", ")}
}

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Generic is the code's own message, for an error that carries no other
// (a 500, a service that is down).
func Generic(code Code) *Error {
	m, ok := codeMessages[code]
	if !ok {
		code, m = Internal, codeMessages[Internal]
	}
	return New(code, m)
}
