// Package bench measures zhucun against the raw Temporal server it runs on,
// in one run, and prints tables anyone can reproduce with `zhucun bench`:
// all in this process, or against a running split deployment
// (scripts/bench-split.sh). No timed tests: these are measurements, reported.
package bench

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// rawQueue is where the trivial workflow runs, beside the product's queue.
const rawQueue = "bench-raw"

// RawWorkflow is the baseline: it waits for one Update and ends.
func RawWorkflow(ctx workflow.Context) (string, error) {
	done := false
	if err := workflow.SetUpdateHandler(ctx, "decide", func(ctx workflow.Context, d string) (string, error) {
		done = true
		return d, nil
	}); err != nil {
		return "", err
	}
	err := workflow.Await(ctx, func() bool { return done && workflow.AllHandlersFinished(ctx) })
	return "done", err
}

// rawWorker runs RawWorkflow with the same poller settings as zhucun's worker.
func rawWorker(c client.Client) (worker.Worker, error) {
	w := worker.New(c, rawQueue, worker.Options{MaxConcurrentWorkflowTaskPollers: 8})
	w.RegisterWorkflow(RawWorkflow)
	return w, w.Start()
}

// rawStart starts a trivial workflow and waits until it is running.
func rawStart(ctx context.Context, c client.Client) (string, error) {
	id := "bench-raw/" + uuid.NewString()
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: rawQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, RawWorkflow)
	return id, err
}

// rawDecide sends the Update and waits for its result.
func rawDecide(ctx context.Context, c client.Client, id string) error {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: "decide", Args: []any{"approve"}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	var out string
	if err := h.Get(ctx, &out); err != nil {
		return err
	}
	if out != "approve" {
		return fmt.Errorf("raw update answered %q", out)
	}
	return nil
}
