package actions

import (
	"context"

	"go.uber.org/zap"

	"zhucun/internal/reqlog"
)

// logger is the log for ctx: while serving a request, the request's own
// (every line names its request_id); otherwise the actions' log.
func (a *Actions) logger(ctx context.Context) *zap.Logger { return reqlog.From(ctx, a.log) }

// noteWorkflow names the workflow a request started or updated on the
// request's access-log line, so the HTTP log leads to the workflow's.
func noteWorkflow(ctx context.Context, workflowID string) {
	reqlog.Note(ctx, zap.String("workflow_id", workflowID))
}
