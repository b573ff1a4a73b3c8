package e2e

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/activities"
	"zhucun/worker"
	"zhucun/workflows"
)

// tickJob is a job only this test's Schedule runs: it reports each tick's
// nominal time.
const tickJob = "e2e-tick"

var ticks = make(chan time.Time, 4)

func init() {
	activities.RegisterJob(tickJob, func(_ *activities.Activities, _ context.Context, at time.Time) error {
		ticks <- at
		return nil
	})
}

// A Schedule made by EnsureSchedules reads its calendar in China time, is
// made once however often a worker starts, and its unsigned tick gets past
// the proof check to run its job. Made paused (as the tests' worker makes
// the product's), it still runs when triggered.
func TestScheduleTickRunsItsJob(t *testing.T) {
	ctx := context.Background()
	spec := workflows.ScheduleSpec{ID: "e2e-schedule", Title: "测试", Cron: "0 6 * * *", Job: tickJob}
	specs := []workflows.ScheduleSpec{spec}
	for range 2 { // the second start finds it and updates it in place
		if err := worker.EnsureSchedules(ctx, H.Temporal, specs, true, zap.NewNop()); err != nil {
			t.Fatal(err)
		}
	}
	h := H.Temporal.ScheduleClient().GetHandle(ctx, spec.ID)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })

	states, err := worker.DescribeSchedules(ctx, H.Temporal, specs)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || !states[0].Found || !states[0].Paused || len(states[0].Next) == 0 {
		t.Fatalf("schedule state %+v", states)
	}
	china, _ := time.LoadLocation("Asia/Shanghai")
	if next := states[0].Next[0].In(china); next.Hour() != 6 || next.Minute() != 0 {
		t.Errorf("next tick %s: want 06:00 China time", next)
	}

	before := time.Now().Add(-time.Second)
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-ticks:
		if at.Before(before) || at.After(time.Now()) {
			t.Errorf("the job got nominal time %s, not the trigger's", at)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the triggered tick never ran its job")
	}
}

// A tick naming a job nobody registered fails at once rather than
// retrying for a day.
func TestTickOfUnknownJobFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := H.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "tick/e2e-unknown-" + time.Now().Format("150405.000"), TaskQueue: workflows.TaskQueue,
	}, workflows.TickWorkflowName, "no-such-job")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err == nil {
		t.Fatal("a tick of an unknown job succeeded")
	}
}
