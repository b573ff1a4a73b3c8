// Package worker registers every workflow and activity on zhucun's task
// queue.
package worker

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/activities"
	"zhucun/internal/seal"
	"zhucun/metrics"
	"zhucun/workflows"
)

// New returns a worker (not started) with everything registered; m (may
// be nil) records the activities' metrics. keys check every start and
// update the workflows get (seal.Interceptor): only what zhucun's API (or
// this worker's own activities) signed is taken; they also sign the
// starts the activities make.
func New(c client.Client, pool *pgxpool.Pool, log *zap.Logger, m *metrics.Metrics, keys *seal.Keys) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		Interceptors: []interceptor.WorkerInterceptor{seal.Interceptor(keys, workflows.TickWorkflowName)},
		// More pollers than the default two: with the server in the same
		// process, idle pollers cost little and bursts of updates queue less.
		MaxConcurrentWorkflowTaskPollers: 8,
		MaxConcurrentActivityTaskPollers: 4,
		// On stop, running activities get this long to finish before they
		// are cancelled (and retried at the next start).
		WorkerStopTimeout: 10 * time.Second,
	})
	register(w, &activities.Activities{Pool: pool, Log: named(log, "activity"), Temporal: c, Metrics: m, Keys: keys})
	return w
}

// Register puts the workflows and activities on a registry (a worker, or a
// replayer for tests).
func Register(r sdkworker.Registry, c client.Client, pool *pgxpool.Pool, log *zap.Logger, m *metrics.Metrics) {
	register(r, &activities.Activities{Pool: pool, Log: named(log, "activity"), Temporal: c, Metrics: m})
}

func register(r sdkworker.Registry, a *activities.Activities) {
	for _, wf := range workflows.All() {
		r.RegisterWorkflow(wf)
	}
	a.Register(r)
}

func named(log *zap.Logger, name string) *zap.Logger {
	if log == nil {
		log = zap.NewNop()
	}
	return log.Named(name)
}

// ReplayerOptions are the options a replayer of zhucun's histories needs:
// the same interceptor, which on replay reads its verdicts from the
// history and needs no key.
func ReplayerOptions() sdkworker.WorkflowReplayerOptions {
	return sdkworker.WorkflowReplayerOptions{Interceptors: []interceptor.WorkerInterceptor{seal.Interceptor(nil, workflows.TickWorkflowName)}}
}
