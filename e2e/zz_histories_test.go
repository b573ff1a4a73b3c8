package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	zworker "zhucun/worker"
	"zhucun/workflows"
)

// TestHistoriesReplay runs last (file order): it takes the real histories
// the other tests left on the server, one closed and one open per workflow
// type, and replays them through the current code. With UPDATE_HISTORIES=1
// it also saves them to workflows/testdata, where the workflows package's
// replay test guards every later change against breaking running processes.
// The files are named with the day they were recorded (or HISTORIES_TAG),
// "leaveworkflow-closed-20261201.json": a new recording adds to the old
// ones, never replaces them, so the paths of processes started by older
// code keep being replayed too.
func TestHistoriesReplay(t *testing.T) {
	ctx := context.Background()
	resp, err := H.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Keep the longest history of each type and state: it covers most.
	// Then, for each update a type's kept histories never took (a cancel,
	// a void...), the longest history that took it.
	longest := map[string]*historypb.History{}
	type run struct {
		typ  string
		hist *historypb.History
	}
	var runs []run
	for _, ex := range resp.Executions {
		if ex.Status == enums.WORKFLOW_EXECUTION_STATUS_FAILED || ex.Status == enums.WORKFLOW_EXECUTION_STATUS_TERMINATED {
			continue
		}
		state := "open"
		if ex.Status != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			state = "closed"
		}
		key := ex.Type.GetName() + "-" + state
		hist := fetchHistory(t, ex.Execution.WorkflowId, ex.Execution.RunId)
		runs = append(runs, run{ex.Type.GetName(), hist})
		if cur, ok := longest[key]; !ok || len(hist.Events) > len(cur.Events) {
			longest[key] = hist
		}
	}
	covered := map[string]bool{} // type + " " + update name
	for key, hist := range longest {
		typ, _, _ := strings.Cut(key, "-")
		for _, u := range updateNames(hist) {
			covered[typ+" "+u] = true
		}
	}
	extra := map[string]*historypb.History{}
	for _, r := range runs {
		for _, u := range updateNames(r.hist) {
			key := r.typ + "-" + u
			if cur, ok := extra[key]; !covered[r.typ+" "+u] && (!ok || len(r.hist.Events) > len(cur.Events)) {
				extra[key] = r.hist
			}
		}
	}
	for key, hist := range extra {
		longest[key] = hist
	}
	// The seal's interceptor replays the recorded verdicts on starts.
	replayer, err := worker.NewWorkflowReplayerWithOptions(zworker.ReplayerOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, wf := range workflows.All() {
		replayer.RegisterWorkflow(wf)
	}
	n := 0
	for key, hist := range longest {
		if err := replayer.ReplayWorkflowHistory(nil, hist); err != nil {
			t.Errorf("replay %s: %v", key, err)
		}
		n++
		if os.Getenv("UPDATE_HISTORIES") == "1" {
			b, _ := protojson.MarshalOptions{Indent: "  "}.Marshal(hist)
			tag := os.Getenv("HISTORIES_TAG")
			if tag == "" {
				tag = time.Now().Format("20060102")
			}
			name := strings.ToLower(key) + "-" + tag + ".json"
			if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no histories to replay")
	}
	for key, h := range longest {
		fmt.Printf("replayed %s: %d events\n", key, len(h.Events))
	}
}

// updateNames are the updates a history accepted, each once.
func updateNames(h *historypb.History) []string {
	var out []string
	for _, e := range h.Events {
		if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil {
			if n := a.GetAcceptedRequest().GetInput().GetName(); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func fetchHistory(t *testing.T, id, run string) *historypb.History {
	t.Helper()
	h := rawHistory(t, id, run)
	// Payloads are encrypted in Temporal (seal): opened here, so the
	// replay needs no key and histories saved to testdata stay readable.
	err := proxy.VisitPayloads(context.Background(), h, proxy.VisitPayloadsOptions{
		SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return H.App.Keys.Codec().Decode(ps)
		}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
