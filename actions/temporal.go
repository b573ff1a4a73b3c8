package actions

// How actions reach Temporal: starting a process, and carrying a person's
// step into it.
//
// Two ways to start, and why both are needed. Every creating action goes
// through create (idempotency.go): the same Idempotency-Key check, the
// same reservation, the same release when a start fails. What differs is
// what the caller waits for:
//
//   - startWritten (leave): a plain start, the process's opening already
//     written by the server as a provisional snapshot, in the transaction
//     that reserved its dates (store.ReserveLeave). The opening is a pure
//     function shared with the workflow (workflows.LeaveOpening), so the
//     answer costs one commit and one Temporal round trip. Leave is what
//     members submit all day; the price is a sweep (SweepUnstarted) for
//     openings whose workflow never started, and a store release per kind.
//   - startWith (absence, roster change, monthly report): update-with-start,
//     answered when the workflow's first record is in the read model. The
//     report needs it: submitting is the update that may start it. Absences
//     and roster changes are recorded by a few office clerks a day, and
//     an absence's workflow enters it in its month's report at once: the
//     few milliseconds saved would not pay for their own sweep and
//     releases.

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/workflows"
)

// startWith starts a process's workflow, or joins the running one with that
// ID (a repeated request), together with an update, and decodes the
// update's answer into out. The processes' "recorded" updates answer once
// the first record is in the read model, so a caller reads its own write.
func (a *Actions) startWith(ctx context.Context, opts client.StartWorkflowOptions, wf, in any, update string, args []any, out any) error {
	opts.TaskQueue = workflows.TaskQueue
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	noteWorkflow(ctx, opts.ID)
	updateID := uuid.NewString()
	ctx, err := a.sign(ctx, opts.ID, in, update, updateID, args...)
	if err != nil {
		return err
	}
	op := a.tc.NewWithStartWorkflowOperation(opts, wf, in)
	h, err := a.tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID: updateID, UpdateName: update, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}

// startWritten starts a process's workflow whose opening is already in
// the read model (made Provisional), so the caller reads the process at
// once: the workflow's own first record confirms that opening, and a
// failed start leaves a provisional process for its release (or the
// sweep) to remove.
func (a *Actions) startWritten(ctx context.Context, opts client.StartWorkflowOptions, wf, in any) error {
	noteWorkflow(ctx, opts.ID)
	ctx, err := a.sign(ctx, opts.ID, in, "", "")
	if err != nil {
		return err
	}
	opts.TaskQueue = workflows.TaskQueue
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	_, err = a.tc.ExecuteWorkflow(ctx, opts, wf, in)
	return err
}

// sign puts into ctx the proofs that this start (when in is not nil) and
// this update (when name is set) come from zhucun's API, for the actor
// the arguments name, as checked by the action that calls; the worker
// refuses what is not signed (seal). Without keys (tests of the actions
// alone) nothing is signed.
func (a *Actions) sign(ctx context.Context, wid string, in any, name, updateID string, args ...any) (context.Context, error) {
	if a.keys == nil {
		return ctx, nil
	}
	var err error
	if in != nil {
		if ctx, err = a.keys.SignStart(ctx, wid, in); err != nil {
			return ctx, err
		}
	}
	if name != "" {
		ctx, err = a.keys.SignUpdate(ctx, wid, name, updateID, args...)
	}
	return ctx, err
}

// updateWait bounds how long an update waits to be taken and recorded by
// its workflow (the read model's database may be down, and the workflow
// then retries its record); it is shorter than the request timeout so the
// caller is told what happened.
const updateWait = 20 * time.Second

// send carries one person's step into a process and decodes the process
// as it stands after it into out. An update the workflow accepted but could
// not record in time is a 503 saying so: it takes effect once the database
// is back, and must not be sent again blindly. An update to a workflow
// Temporal does not know (finished and gone, or never there) answers
// gone's error.
//
// It is one call that waits for the update to complete, as a bare update
// is; only when that runs out of time does a second call ask whether the
// workflow had accepted it, to say which of the two 503s it is.
func (a *Actions) send(ctx context.Context, wid, name string, args, out any, gone func() error) error {
	noteWorkflow(ctx, wid)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	updateID := uuid.NewString()
	ctx, err := a.sign(ctx, wid, nil, name, updateID, args)
	if err != nil {
		return err
	}
	h, err := a.tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: wid, UpdateID: updateID, UpdateName: name, Args: []any{args}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, out)
	}
	// The SDK may give up a moment before ctx does, with its own timeout
	// error: either way the outcome is not known yet.
	var nf *serviceerror.NotFound
	var sdkTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	timedOut := err != nil && (ctx.Err() != nil || errors.As(err, &sdkTimeout) || IsUnavailable(err))
	switch {
	case err == nil:
		return nil
	case timedOut && a.accepted(parent, wid, updateID):
		a.logger(ctx).Warn("accepted update not recorded in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		return errs.New(errs.Unavailable, errs.MsgUpdateAccepted).WithDetail("accepted, not recorded: %v", err)
	case timedOut:
		a.logger(ctx).Warn("update not confirmed in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		return errs.New(errs.Unavailable, errs.MsgUpdateUnknown).WithDetail("not confirmed: %v", err)
	case errors.As(err, &nf):
		return gone()
	}
	return err
}

// closed is send's answer for a process the caller was shown to exist and
// may see: its workflow has finished, so the step is a wrong-state request.
func closed(m errs.Msg, args ...any) func() error {
	return func() error { return errs.New(errs.Conflict, m, args...) }
}

// acceptedWait bounds the question whether an update that ran out of time
// had been accepted; the caller is waiting for an answer already.
const acceptedWait = 3 * time.Second

// accepted reports whether the workflow has accepted the update (its
// validator passed and the step is taken, to be recorded), as far as
// Temporal can tell within acceptedWait.
func (a *Actions) accepted(ctx context.Context, wid, updateID string) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), acceptedWait)
	defer cancel()
	resp, err := a.tc.WorkflowService().PollWorkflowExecutionUpdate(ctx, &workflowservice.PollWorkflowExecutionUpdateRequest{
		Namespace:  a.namespace,
		UpdateRef:  &updatepb.UpdateRef{WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wid}, UpdateId: updateID},
		Identity:   "zhucun-api",
		WaitPolicy: &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED},
	})
	return err == nil && resp.GetStage() >= enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
}
