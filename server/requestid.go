package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
)

// requestID gives every request an id the server made: a client's
// X-Request-Id is never taken for it, so no client can make its requests'
// log lines pass for another's (or blend into them). The client's own id
// is logged beside it, as client_request_id (see accessLog).
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, hex.EncodeToString(b[:]))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maxClientRequestID bounds what a client's X-Request-Id may add to a log line.
const maxClientRequestID = 128

// clientRequestID is the client's X-Request-Id, cut to a printable ASCII
// prefix of at most maxClientRequestID bytes, so it cannot forge or break
// log lines.
func clientRequestID(r *http.Request) string {
	v := r.Header.Get("X-Request-Id")
	if i := strings.IndexFunc(v, func(c rune) bool { return c < 0x21 || c > 0x7e }); i >= 0 {
		v = v[:i]
	}
	if len(v) > maxClientRequestID {
		v = v[:maxClientRequestID]
	}
	return v
}
