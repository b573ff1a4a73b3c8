package actions

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/store"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 200

// checkIdempotencyKey names the header when the key is too long.
func checkIdempotencyKey(key string) error {
	if len(key) > MaxIdempotencyKey {
		return errs.Field("Idempotency-Key", errs.MsgIdemKeyTooLong)
	}
	return nil
}

// creation is one creating request on the path every kind shares: answer
// a repeated Idempotency-Key with the first result, reserve (dates, a
// roster slot, the key), start the workflow, and on a failed start give
// the reservation back once Temporal confirms nothing started.
type creation struct {
	user       User
	scope      string // the key's namespace: the route's collection ("leaves")
	key        string // the Idempotency-Key, "" for none
	workflowID string
	// reserve holds what the process needs; existing is a twin request's
	// process when one with the same key won the race.
	reserve func(ctx context.Context) (existing string, err error)
	// reserveCounted, when set, replaces reserve: it also counts the
	// request against lim (nil: not limited) in the reservation's own
	// transaction, answering the slot taken or a *store.CreationRefused.
	reserveCounted func(ctx context.Context, lim *store.CreationLimit) (existing string, slot int64, err error)
	start          func(ctx context.Context) (any, error)
	release        func(ctx context.Context) error
}

func (a *Actions) create(ctx context.Context, id string, c creation) (Created, error) {
	if err := checkIdempotencyKey(c.key); err != nil {
		return Created{}, err
	}
	if c.key != "" {
		// A repeat is answered before any other work; the reservation
		// checks the key again under its lock, for concurrent twins.
		existing, err := a.store.IdempotentProcess(ctx, c.user.ID, c.key, c.scope)
		if err == nil {
			return a.repeated(ctx, c, existing)
		} else if !errors.Is(err, store.ErrNotFound) {
			return Created{}, err
		}
	}
	existing, slot, err := a.reserve(ctx, c)
	if err != nil {
		return Created{}, err
	}
	if existing != "" {
		return a.repeated(ctx, c, existing)
	}
	res, err := c.start(ctx)
	if err != nil {
		a.giveCreationBack(ctx, slot)
		a.releaseIfUnstarted(ctx, c.workflowID, c.release)
		return Created{}, err
	}
	return Created{ID: id, Resource: res}, nil
}

// reserve holds what c needs and counts it against the creation limits:
// together, in one transaction, when the kind can (reserveCounted); else
// one after the other, the reservation given back over the limit.
func (a *Actions) reserve(ctx context.Context, c creation) (existing string, slot int64, err error) {
	if c.reserveCounted != nil {
		lim, err := a.creationLimit(ctx, c.user)
		if err != nil {
			return "", 0, err
		}
		existing, slot, err = c.reserveCounted(ctx, lim)
		var refused *store.CreationRefused
		if errors.As(err, &refused) {
			err = a.creationRefused(ctx, c.user, *lim, refused)
		}
		return existing, slot, err
	}
	if existing, err = c.reserve(ctx); err != nil || existing != "" {
		return existing, 0, err
	}
	// Counted once reserved, so a repeated request (same key) never is;
	// over the limit, the reservation is given back: nothing started.
	if slot, err = a.takeCreation(ctx, c.user); err != nil {
		if rerr := c.release(context.WithoutCancel(ctx)); rerr != nil {
			a.logger(ctx).Error("reservation of a limited request not released", zap.String("workflow_id", c.workflowID), zap.Error(rerr))
		}
	}
	return "", slot, err
}

// repeatWait bounds how long a repeated request (same Idempotency-Key)
// waits for the first one to reach the read model.
const repeatWait = 25 * time.Second

// repeated answers a repeated creating request with the process the first
// one created. The first may still be starting its workflow, so this waits
// (bounded) until the process is in the read model; if the first failed
// and gave its key back, the client is told to send it again.
func (a *Actions) repeated(ctx context.Context, c creation, id string) (Created, error) {
	ctx, cancel := context.WithTimeout(ctx, repeatWait)
	defer cancel()
	delay := 20 * time.Millisecond
	for {
		detail, held, err := a.store.IdempotentResult(ctx, c.user.ID, c.key, c.scope, id)
		if err != nil {
			return Created{}, err
		}
		if detail != nil {
			return Created{ID: id, Resource: json.RawMessage(detail), Repeated: true}, nil
		}
		if !held {
			return Created{}, errs.New(errs.Unavailable, errs.MsgIdemFirstFailed)
		}
		select {
		case <-ctx.Done():
			return Created{}, errs.New(errs.Unavailable, errs.MsgIdemInProgress)
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
func (a *Actions) releaseIfUnstarted(ctx context.Context, workflowID string, release func(context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	if a.tryRelease(ctx, workflowID, release) {
		return
	}
	go func() {
		delay := time.Second
		for deadline := time.Now().Add(releaseRetryFor); time.Now().Before(deadline); {
			time.Sleep(delay)
			if a.tryRelease(ctx, workflowID, release) {
				return
			}
			delay = min(2*delay, 5*time.Second)
		}
		a.logger(ctx).Error("reservation kept: could not learn whether its workflow started", zap.String("workflow_id", workflowID))
	}()
}

// tryRelease reports whether the reservation is settled: released, or
// owned by a workflow that exists.
func (a *Actions) tryRelease(ctx context.Context, workflowID string, release func(context.Context) error) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := a.tc.DescribeWorkflowExecution(ctx, workflowID, "")
	if err == nil {
		return true
	}
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		a.logger(ctx).Warn("reservation: cannot tell whether the workflow started", zap.String("workflow_id", workflowID), zap.Error(err))
		return false
	}
	if err := release(ctx); err != nil {
		a.logger(ctx).Warn("reservation: release failed", zap.String("workflow_id", workflowID), zap.Error(err))
		return false
	}
	a.logger(ctx).Info("reservation released: its workflow never started", zap.String("workflow_id", workflowID))
	return true
}

// SweepUnstarted runs SweepUnstartedOnce every interval until ctx ends.
func (a *Actions) SweepUnstarted(ctx context.Context, interval, grace time.Duration) {
	for {
		a.SweepUnstartedOnce(ctx, grace)
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
func (a *Actions) SweepUnstartedOnce(ctx context.Context, grace time.Duration) int {
	found, err := a.store.ProvisionalBefore(ctx, time.Now().Add(-grace), 100)
	if err != nil && ctx.Err() == nil {
		a.logger(ctx).Warn("sweep of unstarted processes", zap.Error(err))
	}
	for _, u := range found {
		if !store.Releasable(u.Kind) {
			a.logger(ctx).Error("provisional process of a kind that cannot be released", zap.String("id", u.ID), zap.String("kind", u.Kind))
			continue
		}
		a.releaseIfUnstarted(ctx, u.WorkflowID, func(ctx context.Context) error { return a.store.Release(ctx, u.Kind, u.ID) })
	}
	return len(found)
}
