// Package reqlog carries a request's logger in its context, so that every
// line logged while serving a request names it (request_id) wherever it
// is written — the server's handlers or the actions — and lets the code
// that serves a request add fields to its one access-log line (the
// workflow it started or updated).
package reqlog

import (
	"context"
	"sync"

	"go.uber.org/zap"
)

type loggerKey struct{}
type notesKey struct{}

// With returns ctx carrying l as the request's logger.
func With(ctx context.Context, l *zap.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// From is the request's logger, or fallback outside a request.
func From(ctx context.Context, fallback *zap.Logger) *zap.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*zap.Logger); ok {
		return l
	}
	if fallback == nil {
		return zap.NewNop()
	}
	return fallback
}

// Notes are fields added to a request's access-log line while it is
// served.
type Notes struct {
	mu     sync.Mutex
	fields []zap.Field
}

// WithNotes returns ctx carrying a new, empty set of notes.
func WithNotes(ctx context.Context) (context.Context, *Notes) {
	n := &Notes{}
	return context.WithValue(ctx, notesKey{}, n), n
}

// Note adds fields to the request's access-log line; outside a request it
// does nothing.
func Note(ctx context.Context, fields ...zap.Field) {
	if n, ok := ctx.Value(notesKey{}).(*Notes); ok {
		n.mu.Lock()
		defer n.mu.Unlock()
	next:
		for _, f := range fields {
			for i := range n.fields {
				if n.fields[i].Key == f.Key { // the last one noted wins
					n.fields[i] = f
					continue next
				}
			}
			n.fields = append(n.fields, f)
		}
	}
}

// Fields are the notes so far.
func (n *Notes) Fields() []zap.Field {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]zap.Field(nil), n.fields...)
}
