package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Periodic rules (the monthly statement, the yearly obligations, the daily
// look at every team) start from Temporal Schedules, read in China time.
//
// Every other start carries a proof signed by the API (internal/seal), and
// a Schedule cannot sign: the server starts its action on its own, long
// after anything could have signed it. So a Schedule starts only
// TickWorkflow, which the proof check lets through by name, and whose one
// effect is to run a named job from the list below in an activity. A job
// is idempotent and does what would happen anyway at that time, so a tick
// started by someone else changes nothing that matters; the job does its
// own work (and signs what it starts) with the worker's keys.

// ScheduleTimeZone is the zone every Schedule's calendar is read in.
const ScheduleTimeZone = "Asia/Shanghai"

// ScheduleSpec is one Schedule the worker keeps on the server.
type ScheduleSpec struct {
	ID    string // the Schedule's id on the server
	Title string // as people read it (Chinese), for `zhucun schedules`
	Cron  string // a cron expression, read in ScheduleTimeZone
	Job   string // the job each tick runs (activities.RegisterJob)
}

// Schedules lists every Schedule. The worker creates (or updates) each one
// when it starts, and no other.
func Schedules() []ScheduleSpec {
	return []ScheduleSpec{
		{ID: JobMonthlyStatement, Title: "在岗月度统计（每月1日）", Cron: "30 0 1 * *", Job: JobMonthlyStatement},
		// Every morning: this year's duties for whoever serves (on January 1
		// everyone's, later a newcomer's), and article 8's look at every team.
		{ID: "daily-obligations", Title: "每日：年度履职事项与队伍构成检查", Cron: "0 6 * * *", Job: JobObligations},
		// After the monthly reports fell due (before the 25th): the month's
		// circulation is drafted and the yearly tallies are looked at.
		{ID: "accountability-circulation", Title: "月度缺岗情况通报起草与约谈核查", Cron: "0 9 26 * *", Job: JobCirculation},
	}
}

// TickWorkflowName is the workflow type a Schedule starts; the proof check
// lets it through unsigned (see above).
const TickWorkflowName = "TickWorkflow"

// ActivityRunJob runs one job: a job name and the tick's nominal time.
const ActivityRunJob = "RunJob"

// TickWorkflowID is the id a Schedule's ticks start under; the server adds
// the nominal time.
func TickWorkflowID(scheduleID string) string { return "tick/" + scheduleID }

// RunJobArgs is what a tick hands its job.
type RunJobArgs struct {
	Job string
	At  time.Time // the tick's nominal time: when the Schedule meant it to run
}

// scheduledStart is the search attribute the server sets on a Schedule's
// workflows: the instant the Schedule meant, which a late start (a worker
// that was down) does not move.
var scheduledStart = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// TickWorkflow runs job once for the instant its Schedule meant. The job
// retries until it succeeds (a day's worth of attempts), since what it does
// would otherwise wait for the next tick.
func TickWorkflow(ctx workflow.Context, job string) error {
	at, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStart)
	if !ok {
		at = workflow.GetInfo(ctx).WorkflowStartTime
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    5 * time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{MaximumInterval: 10 * time.Minute},
	})
	return workflow.ExecuteActivity(ctx, ActivityRunJob, RunJobArgs{Job: job, At: at}).Get(ctx, nil)
}
