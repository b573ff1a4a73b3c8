// Package worker registers every workflow and activity on zhucun's task
// queue.
package worker

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/activities"
	"zhucun/metrics"
	"zhucun/workflows"
)

// New returns a worker (not started) with everything registered; m (may
// be nil) records the activities' metrics.
func New(c client.Client, pool *pgxpool.Pool, log *zap.Logger, m *metrics.Metrics) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// More pollers than the default two: with the server in the same
		// process, idle pollers cost little and bursts of updates queue less.
		MaxConcurrentWorkflowTaskPollers: 8,
		MaxConcurrentActivityTaskPollers: 4,
		// On stop, running activities get this long to finish before they
		// are cancelled (and retried at the next start).
		WorkerStopTimeout: 10 * time.Second,
	})
	Register(w, c, pool, log, m)
	return w
}

// Register puts the workflows and activities on a registry (a worker, or a
// replayer for tests).
func Register(r sdkworker.Registry, c client.Client, pool *pgxpool.Pool, log *zap.Logger, m *metrics.Metrics) {
	if log == nil {
		log = zap.NewNop()
	}
	for _, wf := range workflows.All() {
		r.RegisterWorkflow(wf)
	}
	(&activities.Activities{Pool: pool, Log: log.Named("activity"), Temporal: c, Metrics: m}).Register(r)
}
