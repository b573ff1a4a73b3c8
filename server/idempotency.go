package server

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// idempotencyKey reads the Idempotency-Key header of a creating request.
func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return "", fieldErr(map[string]string{"Idempotency-Key": "at most 200 characters"})
	}
	return key, nil
}

// repeatWait bounds how long a repeated request (same Idempotency-Key)
// waits for the first one to reach the read model.
const repeatWait = 25 * time.Second

// respondRepeated answers a repeated creating request with the process the
// first one created. The first may still be starting its workflow, so this
// waits (bounded) until the process is in the read model; if the first
// failed and gave its key back, the client is told to send it again.
func (s *Server) respondRepeated(w http.ResponseWriter, r *http.Request, userID uuid.UUID, key, route, id string) {
	ctx, cancel := context.WithTimeout(r.Context(), repeatWait)
	defer cancel()
	delay := 20 * time.Millisecond
	for {
		detail, held, err := s.store.IdempotentResult(ctx, userID, key, route, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if detail != nil {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			w.Write(detail)
			return
		}
		if !held {
			s.fail(w, r, errf(CodeUnavailable, "the first submission with this Idempotency-Key failed; send it again"))
			return
		}
		select {
		case <-ctx.Done():
			s.fail(w, r, errf(CodeUnavailable, "the first submission with this Idempotency-Key is still in progress; try again shortly"))
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}
