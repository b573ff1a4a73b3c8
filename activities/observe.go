package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
	"go.uber.org/zap"
)

// logger is the activities' log for ctx: inside an activity every line
// names the workflow it works for (workflow_id, e.g. leave/<id>) and the
// activity, so one process can be followed through the log.
func (a *Activities) logger(ctx context.Context) *zap.Logger {
	l := a.Log
	if l == nil {
		l = zap.NewNop()
	}
	if activity.IsActivity(ctx) {
		info := activity.GetInfo(ctx)
		l = l.With(zap.String("workflow_id", info.WorkflowExecution.ID), zap.String("run_id", info.WorkflowExecution.RunID),
			zap.String("activity", info.ActivityType.Name), zap.Int32("attempt", info.Attempt))
	}
	return l
}

// recorded notes a committed read-model write: how long after the
// workflow scheduled it (retries included) it reached the database.
func (a *Activities) recorded(ctx context.Context) {
	if a.Metrics == nil || !activity.IsActivity(ctx) {
		return
	}
	if at := activity.GetInfo(ctx).ScheduledTime; !at.IsZero() {
		a.Metrics.ReadModelWrite(time.Since(at))
	}
}
