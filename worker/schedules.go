package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"zhucun/workflows"
)

// scheduleCatchup is how long after a missed tick (the server was down at
// the time) the Schedule still runs it: a monthly statement a few days
// late is better than none until next month.
const scheduleCatchup = 7 * 24 * time.Hour

// EnsureSchedules creates every Schedule of specs (workflows.Schedules,
// but for tests), paused if asked (tests: see app.Config.PauseSchedules), or brings
// an existing one's calendar and job in line with it: run at every worker
// start, so a new release's Schedules exist once one worker runs it.
func EnsureSchedules(ctx context.Context, c client.Client, specs []workflows.ScheduleSpec, paused bool, log *zap.Logger) error {
	sc := c.ScheduleClient()
	for _, s := range specs {
		opts := scheduleOptions(s)
		opts.Paused = paused
		_, err := sc.Create(ctx, opts)
		if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			err = sc.GetHandle(ctx, s.ID).Update(ctx, client.ScheduleUpdateOptions{
				DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
					sch := in.Description.Schedule
					sch.Spec = &opts.Spec
					sch.Action = opts.Action
					sch.Policy.Overlap = opts.Overlap
					sch.Policy.CatchupWindow = opts.CatchupWindow
					// An operator's pause stays; only a paused start adds one.
					if paused {
						sch.State.Paused = true
					}
					return &client.ScheduleUpdate{Schedule: &sch}, nil
				},
			})
		}
		if err != nil {
			return fmt.Errorf("schedule %s: %w", s.ID, err)
		}
		log.Debug("schedule in place", zap.String("schedule", s.ID), zap.String("cron", s.Cron))
	}
	return nil
}

func scheduleOptions(s workflows.ScheduleSpec) client.ScheduleOptions {
	return client.ScheduleOptions{
		ID: s.ID,
		Spec: client.ScheduleSpec{
			CronExpressions: []string{s.Cron},
			TimeZoneName:    workflows.ScheduleTimeZone,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        workflows.TickWorkflowID(s.ID),
			Workflow:  workflows.TickWorkflowName,
			Args:      []any{s.Job},
			TaskQueue: workflows.TaskQueue,
		},
		// A tick still running when the next is due (a worker that was
		// down) runs the next one after it, not beside it.
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE,
		CatchupWindow: scheduleCatchup,
	}
}

// ScheduleState is a Schedule as the server holds it.
type ScheduleState struct {
	Spec    workflows.ScheduleSpec
	Found   bool        // the server has it
	Paused  bool        // someone paused it (Temporal UI or CLI)
	Next    []time.Time // its next ticks
	Last    time.Time   // its last tick's nominal time; zero if none yet
	Actions int         // ticks taken so far
}

// DescribeSchedules reads every Schedule of specs from the server, in
// that order.
func DescribeSchedules(ctx context.Context, c client.Client, specs []workflows.ScheduleSpec) ([]ScheduleState, error) {
	var out []ScheduleState
	for _, s := range specs {
		st := ScheduleState{Spec: s}
		d, err := c.ScheduleClient().GetHandle(ctx, s.ID).Describe(ctx)
		var nf *serviceerror.NotFound
		switch {
		case err == nil:
			st.Found = true
			st.Paused = d.Schedule.State.Paused
			st.Next = d.Info.NextActionTimes
			st.Actions = d.Info.NumActions
			if n := len(d.Info.RecentActions); n > 0 {
				st.Last = d.Info.RecentActions[n-1].ScheduleTime
			}
		case errors.As(err, &nf):
		default:
			return nil, fmt.Errorf("schedule %s: %w", s.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}
