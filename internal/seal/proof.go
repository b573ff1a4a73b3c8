package seal

// Proof of origin: the API signs each start and update it sends into a
// workflow (HMAC-SHA256 over the workflow id, the update's name and id, the
// acting user, the instant and a digest of the arguments), carried in the
// request's Temporal header; the worker's interceptor checks it.
//
// Where the check runs, and why that keeps workflows deterministic:
//
//   - An update is checked in ValidateUpdate, before the workflow's own
//     validator. Validators run only when an update arrives, never on
//     replay, and a refusal is recorded nowhere (not in the history, not
//     in the read model), so the check may read the worker's key and the
//     clock. Recorded histories replay unchanged.
//   - A start cannot be refused before it is recorded: Temporal has
//     written it by the time a worker sees it. So the workflow's first
//     task checks it, and the verdict is recorded as a side effect
//     (workflow.SideEffect): a replay reads the verdict from the history
//     instead of checking again, so a rotated key or a later clock never
//     changes a replay. Workflows started before this check have no such
//     marker: workflow.GetVersion(VersionSigned) sends them down the old
//     path. A refused start fails its workflow before anything runs, so
//     nothing reaches the read model.
//
// The key lives in the interceptor, one per worker: nothing package-level,
// so two workers with different keys may share a process (tests do).

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
	"zhucun/workflows"
)

// Header fields carrying the proofs (an update-with-start carries both).
const (
	StartHeader  = "zhucun-start-proof"
	UpdateHeader = "zhucun-update-proof"
)

// VersionSigned marks a workflow whose start was checked (see above).
const VersionSigned = "signed-start-18"

// MaxAge is how old an update's signature may be when the worker sees
// it (and how far ahead, for clocks a little apart). A start is measured
// against its start time as Temporal stamped it, so a start queued while
// the workers were down is still good when they come back.
const MaxAge = 5 * time.Minute

// proof is what travels in the header.
type proof struct {
	At     int64  `json:"at"` // unix milliseconds
	Actor  string `json:"actor"`
	Digest string `json:"digest"`
	MAC    string `json:"mac"`
}

type ctxKey struct{ name string }

// SignStart returns ctx carrying the proof for starting workflow wid with
// args; a client made with Propagator puts it in the start's header.
func (k *Keys) SignStart(ctx context.Context, wid string, args ...any) (context.Context, error) {
	p, err := k.sign("start", wid, "", "", time.Now(), args)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, ctxKey{StartHeader}, p), nil
}

// SignUpdate returns ctx carrying the proof for update name (with its id)
// to workflow wid with args.
func (k *Keys) SignUpdate(ctx context.Context, wid, name, updateID string, args ...any) (context.Context, error) {
	p, err := k.sign("update", wid, name, updateID, time.Now(), args)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, ctxKey{UpdateHeader}, p), nil
}

func (k *Keys) sign(kind, wid, name, updateID string, at time.Time, args []any) (*commonpb.Payload, error) {
	digest, actor, err := digestOf(args)
	if err != nil {
		return nil, err
	}
	p := proof{At: at.UnixMilli(), Actor: actor, Digest: digest}
	p.MAC = k.mac(kind, wid, name, updateID, p)
	return converter.GetDefaultDataConverter().ToPayload(p)
}

func (k *Keys) mac(kind, wid, name, updateID string, p proof) string {
	m := hmac.New(sha256.New, k.Signing)
	for _, part := range []string{"zhucun-proof/1", kind, wid, name, updateID, p.Actor, strconv.FormatInt(p.At, 10), p.Digest} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}

// digestOf hashes the arguments as JSON (what the default converter sends;
// the worker re-encodes the values it decoded, of the same types) and
// names the acting user found in them.
func digestOf(args []any) (digest, actor string, err error) {
	b, err := json.Marshal(append([]any{}, args...))
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(b)
	var shapes []struct {
		Actor *struct {
			UserID string `json:"user_id"`
		} `json:"actor"`
		SubmittedBy *struct {
			UserID string `json:"user_id"`
		} `json:"submitted_by"`
		RecordedBy *struct {
			UserID string `json:"user_id"`
		} `json:"recorded_by"`
	}
	if json.Unmarshal(b, &shapes) == nil {
		for _, s := range shapes {
			for _, a := range [...]*struct {
				UserID string `json:"user_id"`
			}{s.Actor, s.SubmittedBy, s.RecordedBy} {
				if a != nil && actor == "" {
					actor = a.UserID
				}
			}
		}
	}
	return base64.RawStdEncoding.EncodeToString(sum[:]), actor, nil
}

// verify checks header's proof for kind against what arrived, with at
// measured from now.
func (k *Keys) verify(header map[string]*commonpb.Payload, field, kind, wid, name, updateID string, args []any, now time.Time) error {
	raw := header[field]
	if raw == nil {
		return refuse(errs.MsgUnsigned)
	}
	if k == nil || len(k.Signing) == 0 {
		return refuse(errs.MsgBadSignature)
	}
	var p proof
	if err := converter.GetDefaultDataConverter().FromPayload(raw, &p); err != nil {
		return refuse(errs.MsgBadSignature)
	}
	digest, actor, err := digestOf(args)
	if err != nil || digest != p.Digest || actor != p.Actor {
		return refuse(errs.MsgBadSignature)
	}
	if !hmac.Equal([]byte(k.mac(kind, wid, name, updateID, p)), []byte(p.MAC)) {
		return refuse(errs.MsgBadSignature)
	}
	if age := now.Sub(time.UnixMilli(p.At)); age > MaxAge || age < -MaxAge {
		return refuse(errs.MsgStaleSigned)
	}
	return nil
}

// refuse is a 403-like refusal the server explains in Chinese, as the
// workflows' own validators' refusals are.
func refuse(m errs.Msg) error {
	return temporal.NewNonRetryableApplicationError(string(m), workflows.ErrForbidden, nil)
}

// IsRefusal reports whether err is a seal's refusal.
func IsRefusal(err error) bool {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return false
	}
	switch errs.Msg(ae.Message()) {
	case errs.MsgUnsigned, errs.MsgBadSignature, errs.MsgStaleSigned:
		return true
	}
	return false
}

// Propagator puts the proofs SignStart and SignUpdate left in a context
// into the Temporal header of the request made with it. Use it on the
// clients of api and worker processes.
func Propagator() workflow.ContextPropagator { return propagator{} }

type propagator struct{}

func (propagator) Inject(ctx context.Context, w workflow.HeaderWriter) error {
	for _, f := range []string{StartHeader, UpdateHeader} {
		if p, ok := ctx.Value(ctxKey{f}).(*commonpb.Payload); ok {
			w.Set(f, p)
		}
	}
	return nil
}

func (propagator) Extract(ctx context.Context, _ workflow.HeaderReader) (context.Context, error) {
	return ctx, nil
}

func (propagator) InjectFromWorkflow(workflow.Context, workflow.HeaderWriter) error { return nil }

func (propagator) ExtractToWorkflow(ctx workflow.Context, _ workflow.HeaderReader) (workflow.Context, error) {
	return ctx, nil
}

// Interceptor checks the proofs on a worker. With nil keys it refuses
// every new start and update: use that only to replay histories, where no
// check runs. The workflow types named in unsigned start without a proof:
// a Temporal Schedule's tick, which the server starts on its own and
// nobody can sign (workflows.TickWorkflow says why that is safe). Their
// updates, if they had any, would still be checked.
func Interceptor(k *Keys, unsigned ...string) interceptor.WorkerInterceptor {
	return &workerInterceptor{keys: k, unsigned: unsigned}
}

type workerInterceptor struct {
	interceptor.WorkerInterceptorBase
	keys     *Keys
	unsigned []string
}

func (w *workerInterceptor) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &inbound{keys: w.keys, unsigned: slices.Contains(w.unsigned, workflow.GetInfo(ctx).WorkflowType.Name)}
	i.Next = next
	return i
}

type inbound struct {
	interceptor.WorkflowInboundInterceptorBase
	keys     *Keys
	unsigned bool // this workflow's type starts without a proof
}

func (i *inbound) ExecuteWorkflow(ctx workflow.Context, in *interceptor.ExecuteWorkflowInput) (any, error) {
	if i.unsigned {
		return i.Next.ExecuteWorkflow(ctx, in)
	}
	if workflow.GetVersion(ctx, VersionSigned, workflow.DefaultVersion, 1) >= 1 {
		info := workflow.GetInfo(ctx)
		header := interceptor.WorkflowHeader(ctx)
		var verdict string
		err := workflow.SideEffect(ctx, func(workflow.Context) any {
			err := i.keys.verify(header, StartHeader, "start", info.WorkflowExecution.ID, "", "", in.Args, info.WorkflowStartTime)
			if err != nil {
				var ae *temporal.ApplicationError
				errors.As(err, &ae)
				return ae.Message()
			}
			return ""
		}).Get(&verdict)
		if err != nil {
			return nil, err
		}
		if verdict != "" {
			return nil, refuse(errs.Msg(verdict))
		}
	}
	return i.Next.ExecuteWorkflow(ctx, in)
}

func (i *inbound) ValidateUpdate(ctx workflow.Context, in *interceptor.UpdateInput) error {
	info := workflow.GetInfo(ctx)
	upd := workflow.GetCurrentUpdateInfo(ctx)
	id := ""
	if upd != nil {
		id = upd.ID
	}
	// The clock is read here because validators never replay (see above).
	//workflowcheck:ignore a validator runs only when an update arrives, never on replay, and records nothing
	if err := i.keys.verify(interceptor.WorkflowHeader(ctx), UpdateHeader, "update", info.WorkflowExecution.ID, in.Name, id, in.Args, time.Now()); err != nil {
		return err
	}
	return i.Next.ValidateUpdate(ctx, in)
}
