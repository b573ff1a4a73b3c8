package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"

	"zhucun/workflows"
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

// releaseRetryFor bounds how long a failed start keeps asking Temporal
// whether its workflow started, while Temporal cannot answer.
const releaseRetryFor = 15 * time.Minute

// releaseIfUnstarted gives back what a failed creating request reserved
// (dates, a roster slot, its Idempotency-Key) once Temporal confirms the
// workflow never started, so nobody is blocked by a process that does not
// exist. A workflow that did start owns the reservation. While Temporal
// cannot say (it is down), it keeps asking in the background.
func (s *Server) releaseIfUnstarted(ctx context.Context, workflowID string, release func(context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	if s.tryRelease(ctx, workflowID, release) {
		return
	}
	go func() {
		delay := time.Second
		for deadline := time.Now().Add(releaseRetryFor); time.Now().Before(deadline); {
			time.Sleep(delay)
			if s.tryRelease(ctx, workflowID, release) {
				return
			}
			delay = min(2*delay, 5*time.Second)
		}
		s.log.Error("reservation kept: could not learn whether its workflow started", zap.String("workflow_id", workflowID))
	}()
}

// tryRelease reports whether the reservation is settled: released, or
// owned by a workflow that exists.
func (s *Server) tryRelease(ctx context.Context, workflowID string, release func(context.Context) error) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := s.tc.DescribeWorkflowExecution(ctx, workflowID, "")
	if err == nil {
		return true
	}
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		s.log.Warn("reservation: cannot tell whether the workflow started", zap.String("workflow_id", workflowID), zap.Error(err))
		return false
	}
	if err := release(ctx); err != nil {
		s.log.Warn("reservation: release failed", zap.String("workflow_id", workflowID), zap.Error(err))
		return false
	}
	s.log.Info("reservation released: its workflow never started", zap.String("workflow_id", workflowID))
	return true
}

// SweepUnstarted runs SweepUnstartedOnce every interval until ctx ends.
func (s *Server) SweepUnstarted(ctx context.Context, interval, grace time.Duration) {
	for {
		s.SweepUnstartedOnce(ctx, grace)
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// SweepUnstartedOnce releases the provisional processes
// (workflows.Provisional) older than grace whose workflow never started:
// the server stopped between writing an opening and starting its workflow.
// Those that did start are left to their workflow's first record. It is
// recovery after a crash, not deadline keeping: a healthy server leaves
// nothing for it to find. It returns how many it looked at.
func (s *Server) SweepUnstartedOnce(ctx context.Context, grace time.Duration) int {
	release := map[string]func(context.Context, string) error{
		workflows.KindLeave: s.store.ReleaseLeave,
	}
	found, err := s.store.ProvisionalBefore(ctx, time.Now().Add(-grace), 100)
	if err != nil && ctx.Err() == nil {
		s.log.Warn("sweep of unstarted processes", zap.Error(err))
	}
	for _, u := range found {
		rel, ok := release[u.Kind]
		if !ok {
			s.log.Error("provisional process of a kind that cannot be released", zap.String("id", u.ID), zap.String("kind", u.Kind))
			continue
		}
		s.releaseIfUnstarted(ctx, u.WorkflowID, func(ctx context.Context) error { return rel(ctx, u.ID) })
	}
	return len(found)
}
