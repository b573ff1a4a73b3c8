package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"zhucun/internal/seal"
	"zhucun/workflows"
)

// TestReplayRecordedHistories replays real histories recorded by the e2e
// tests (UPDATE_HISTORIES=1 go test ./e2e) through the current code: a
// change that would break a running process fails here.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			// The seal's interceptor, as the worker runs it: it replays
			// the verdicts recorded on starts signed since issue 18.
			r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				Interceptors: []interceptor.WorkerInterceptor{seal.Interceptor(nil, workflows.TickWorkflowName)}})
			if err != nil {
				t.Fatal(err)
			}
			for _, wf := range workflows.All() {
				r.RegisterWorkflow(wf)
			}
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
