package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
	"go.uber.org/zap"

	"zhucun/workflows"
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

// recorded notes a committed read-model write: one log line per change of
// a process (its workflow_id, status, step and version), and how long
// after the workflow scheduled the write (retries included) it reached
// the database.
func (a *Activities) recorded(ctx context.Context, snap workflows.Snapshot) {
	var lag time.Duration
	if activity.IsActivity(ctx) {
		if at := activity.GetInfo(ctx).ScheduledTime; !at.IsZero() {
			lag = time.Since(at)
			a.Metrics.ReadModelWrite(lag)
		}
	}
	a.logger(ctx).Info("process recorded", zap.String("process_id", snap.ProcessID), zap.String("kind", snap.Kind),
		zap.String("status", snap.Status), zap.String("step", snap.Step), zap.Int("version", snap.Version),
		zap.Bool("overdue", snap.Overdue), zap.Duration("lag", lag))
}
