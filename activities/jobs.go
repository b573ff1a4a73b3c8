package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"zhucun/workflows"
)

// JobFunc does one scheduled job for the tick its Schedule meant for at.
// It must be idempotent (a tick may run twice, or be started by hand) and
// return soon: big work starts workflows, keyed by business keys so that a
// repeat starts nothing new.
type JobFunc func(a *Activities, ctx context.Context, at time.Time) error

// jobs are filled in by init functions beside each job, so that a new
// periodic rule adds its job in its own file.
var jobs = map[string]JobFunc{}

// RegisterJob names a job for workflows.ScheduleSpec.Job. Call it from an
// init function; a name given twice is a programming error.
func RegisterJob(name string, f JobFunc) {
	if _, dup := jobs[name]; dup {
		panic("activities: job " + name + " registered twice")
	}
	jobs[name] = f
}

// RunJob runs the job a Schedule's tick names. An unknown job fails at
// once, without retries: a retry would not make it known.
func (a *Activities) RunJob(ctx context.Context, args workflows.RunJobArgs) error {
	f, ok := jobs[args.Job]
	if !ok {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("no job %q", args.Job), "UnknownJob", nil)
	}
	return f(a, ctx, args.At)
}

func (a *Activities) registerJobs(w worker.Registry) {
	w.RegisterActivityWithOptions(a.RunJob, activity.RegisterOptions{Name: workflows.ActivityRunJob})
}
