package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
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

// startOpened starts a process's workflow and then writes its opening
// snapshot to the read model itself, so the caller reads the process at
// once without waiting for the workflow's first task: one round trip to
// Temporal, as a bare start has. The workflow records the same snapshot
// durably (a no-op when this write came first), so a failed write here
// loses nothing and is only logged.
func (s *Server) startOpened(ctx context.Context, opts client.StartWorkflowOptions, wf, in any, opening workflows.Snapshot) error {
	opts.TaskQueue = workflows.TaskQueue
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	if _, err := s.tc.ExecuteWorkflow(ctx, opts, wf, in); err != nil {
		return err
	}
	if err := activities.Record(ctx, s.pool, opening); err != nil {
		s.log.Warn("opening record deferred to the workflow", zap.String("workflow_id", opening.WorkflowID), zap.Error(err))
	}
	return nil
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
// finished workflow is a wrong-state request: 409 with closedMsg.
func (s *Server) send(w http.ResponseWriter, r *http.Request, wid, name string, args, out any, closedMsg string) {
	ctx, cancel := context.WithTimeout(r.Context(), updateWait)
	defer cancel()
	h, err := s.tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: wid, UpdateName: name, Args: []any{args}, WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	accepted := err == nil
	if accepted {
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
	case timedOut && accepted:
		s.log.Warn("accepted update not recorded in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		s.fail(w, r, errf(CodeUnavailable, "accepted, but not recorded yet: a backing service is slow or down; it takes effect when the service is back, so check before sending it again"))
	case timedOut:
		s.log.Warn("update not confirmed in time", zap.String("workflow_id", wid), zap.String("update", name), zap.Error(err))
		s.fail(w, r, errf(CodeUnavailable, "not confirmed in time: a backing service is slow or down; check before sending it again"))
	case errors.As(err, &nf):
		s.fail(w, r, errf(CodeConflict, "%s", closedMsg))
	default:
		s.fail(w, r, err)
	}
}
