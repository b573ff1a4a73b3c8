package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/activities"
	"zhucun/workflows"
)

// startWith starts a process's workflow, or joins the running one with that
// ID (a repeated request), together with an update, and decodes the
// update's answer into out. The processes' "recorded" updates answer once
// the first record is in the read model, so a caller reads its own write.
func (s *Server) startWith(ctx context.Context, opts client.StartWorkflowOptions, wf, in any, update string, args []any, out any) error {
	opts.TaskQueue = workflows.TaskQueue
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	op := s.tc.NewWithStartWorkflowOperation(opts, wf, in)
	h, err := s.tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: update, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}

// startOpening starts a process's workflow and, at the same time, writes
// its opening to the read model (made Provisional), so the caller reads
// the process at once: the request costs one Temporal round trip, as a
// bare start does, and the write overlaps it. Neither needs the other: the
// workflow's own first record replaces the opening either way, a failed
// start leaves a provisional process for its release (or the sweep) to
// remove, and a failed write only delays the read until that first record.
func (s *Server) startOpening(ctx context.Context, opts client.StartWorkflowOptions, wf, in any, opening workflows.Snapshot) error {
	recorded := make(chan error, 1)
	go func() { recorded <- activities.Record(ctx, s.pool, workflows.Provisional(opening)) }()
	opts.TaskQueue = workflows.TaskQueue
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	_, err := s.tc.ExecuteWorkflow(ctx, opts, wf, in)
	if rerr := <-recorded; rerr != nil && err == nil {
		s.log.Warn("opening not written; the workflow's first record will", zap.String("workflow_id", opening.WorkflowID), zap.Error(rerr))
	}
	return err
}

// updateWait bounds how long an update waits to be taken and recorded by
// its workflow (the read model's database may be down, and the workflow
// then retries its record); it is shorter than the request timeout so the
// caller is told what happened.
const updateWait = 20 * time.Second

// send carries one person's step into a process and answers with the
// process as it stands after it. An update the workflow accepted but could
// not record in time answers 503 saying so: it takes effect once the
// database is back, and must not be sent again blindly. An update to a
// workflow Temporal does not know (finished and gone, or never there) is
// answered with gone's error.
//
// It is one call that waits for the update to complete, as a bare update
// is; only when that runs out of time does a second call ask whether the
// workflow had accepted it, to say which of the two 503s it is.
func (s *Server) send(w http.ResponseWriter, r *http.Request, wid, name string, args, out any, gone func() error) {
	ctx, cancel := context.WithTimeout(r.Context(), updateWait)
	defer cancel()
	updateID := uuid.NewString()
	h, err := s.tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: wid, UpdateID: updateID, UpdateName: name, Args: []any{args}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, out)
	}
	// The SDK may give up a moment before ctx does, with its own timeout
	// error: either way the outcome is not known yet.
	var nf *serviceerror.NotFound
	var sdkTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	timedOut := err != nil && (ctx.Err() != nil || errors.As(err, &sdkTimeout) || isUnavailable(err))
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, out)
	case timedOut && s.accepted(r.Context(), wid, updateID):
		s.log.Warn("accepted update not recorded in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		s.fail(w, r, errf(CodeUnavailable, "accepted, but not recorded yet: a backing service is slow or down; it takes effect when the service is back, so check before sending it again"))
	case timedOut:
		s.log.Warn("update not confirmed in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		s.fail(w, r, errf(CodeUnavailable, "not confirmed in time: a backing service is slow or down; check before sending it again"))
	case errors.As(err, &nf):
		s.fail(w, r, gone())
	default:
		s.fail(w, r, err)
	}
}

// closed is send's answer for a process the caller was shown to exist and
// may see: its workflow has finished, so the step is a wrong-state request.
func closed(msg string) func() error {
	return func() error { return errf(CodeConflict, "%s", msg) }
}

// acceptedWait bounds the question whether an update that ran out of time
// had been accepted; the caller is waiting for an answer already.
const acceptedWait = 3 * time.Second

// accepted reports whether the workflow has accepted the update (its
// validator passed and the step is taken, to be recorded), as far as
// Temporal can tell within acceptedWait.
func (s *Server) accepted(ctx context.Context, wid, updateID string) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), acceptedWait)
	defer cancel()
	resp, err := s.tc.WorkflowService().PollWorkflowExecutionUpdate(ctx, &workflowservice.PollWorkflowExecutionUpdateRequest{
		Namespace:  s.namespace,
		UpdateRef:  &updatepb.UpdateRef{WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wid}, UpdateId: updateID},
		Identity:   "zhucun-api",
		WaitPolicy: &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED},
	})
	return err == nil && resp.GetStage() >= enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
}
