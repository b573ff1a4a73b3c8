package backup

import (
	"zhucun/internal/seal"

	"context"
	"errors"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"zhucun/engine"
	"zhucun/workflows"
)

// CatchUpMargin is how much before a backup's TakenAt CatchUp looks: a
// workflow whose last event is older changed nothing the copy missed.
const CatchUpMargin = 10 * time.Minute

// CaughtUp is what CatchUp did.
type CaughtUp struct {
	Workflows int // looked at: running, or closed since
	Replayed  int // whose history reached past since, replayed
	Writes    int // database writes run again
}

// CatchUp brings the read model level with Temporal after a restore: every
// workflow that was running, or ended after since, and whose history goes
// on past since, is replayed through the current workflow code, and the
// database writes it makes on the way (writers, by activity name: see
// activities.Writers) are run again. They are idempotent, so a write the
// read model already holds changes nothing, and one the copy missed is
// made. Nothing runs forward: the replay only re-derives what the history
// says happened.
//
// keys open the encrypted payloads (seal); c must be made with them too.
func CatchUp(ctx context.Context, c client.Client, namespace string, since time.Time,
	writers map[string]func(context.Context, any) error, keys *seal.Keys, log *zap.Logger) (CaughtUp, error) {
	var res CaughtUp
	query := fmt.Sprintf("ExecutionStatus = 'Running' OR CloseTime >= '%s'", since.UTC().Format(time.RFC3339))
	var token []byte
	var failed []error
	for {
		page, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: query, NextPageToken: token, PageSize: 500})
		if err != nil {
			return res, fmt.Errorf("list workflows: %w", err)
		}
		for _, ex := range page.GetExecutions() {
			res.Workflows++
			wid, rid := ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId()
			n, replayed, err := catchUpOne(ctx, c, namespace, wid, rid, since, writers, keys)
			if replayed {
				res.Replayed++
			}
			res.Writes += n
			if err != nil {
				log.Warn("catch-up of a workflow failed", zap.String("workflow_id", wid), zap.Error(err))
				failed = append(failed, fmt.Errorf("%s: %w", wid, err))
			}
		}
		if token = page.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("%d workflows could not be caught up: %w", len(failed), errors.Join(failed...))
	}
	return res, nil
}

// catchUpOne replays one workflow if its history goes past since.
func catchUpOne(ctx context.Context, c client.Client, namespace, wid, rid string, since time.Time,
	writers map[string]func(context.Context, any) error, keys *seal.Keys) (writes int, replayed bool, err error) {
	last, err := c.WorkflowService().GetWorkflowExecutionHistoryReverse(ctx, &workflowservice.GetWorkflowExecutionHistoryReverseRequest{
		Namespace: namespace, Execution: &commonpb.WorkflowExecution{WorkflowId: wid, RunId: rid}, MaximumPageSize: 1})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return 0, false, nil // in visibility, not in history: it does not exist in this copy
	}
	if err != nil {
		return 0, false, err
	}
	if evs := last.GetHistory().GetEvents(); len(evs) == 0 || evs[0].GetEventTime().AsTime().Before(since) {
		return 0, false, nil
	}
	hist := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, wid, rid, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return 0, false, err
		}
		hist.Events = append(hist.Events, ev)
	}
	type call struct {
		name string
		arg  any
	}
	var calls []call
	rec := &recorder{writers: writers, record: func(name string, arg any) { calls = append(calls, call{name, arg}) }}
	// The seal's interceptor replays the recorded verdicts on starts.
	opts := worker.WorkflowReplayerOptions{Interceptors: []interceptor.WorkerInterceptor{rec, seal.Interceptor(nil, workflows.TickWorkflowName)}}
	if keys != nil {
		opts.DataConverter = keys.DataConverter()
	}
	r, err := worker.NewWorkflowReplayerWithOptions(opts)
	if err != nil {
		return 0, false, err
	}
	for _, wf := range workflows.All() {
		r.RegisterWorkflow(wf)
	}
	if err := r.ReplayWorkflowHistory(engine.SDKLogger(zap.NewNop()), hist); err != nil {
		return 0, true, fmt.Errorf("replay: %w", err)
	}
	for _, cl := range calls {
		if err := writers[cl.name](ctx, cl.arg); err != nil {
			return writes, true, fmt.Errorf("%s: %w", cl.name, err)
		}
		writes++
	}
	return writes, true, nil
}

// recorder notes, while a history is replayed, each activity call (local
// or not) that is one of writers, with its argument.
type recorder struct {
	interceptor.WorkerInterceptorBase
	writers map[string]func(context.Context, any) error
	record  func(name string, arg any)
}

func (r *recorder) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &recorderInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, r: r}
}

type recorderInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	r *recorder
}

func (i *recorderInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&recorderOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, r: i.r})
}

type recorderOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	r *recorder
}

func (o *recorderOutbound) note(name string, args []any) {
	if _, ok := o.r.writers[name]; ok && len(args) == 1 {
		o.r.record(name, args[0])
	}
}

func (o *recorderOutbound) ExecuteActivity(ctx workflow.Context, name string, args ...any) workflow.Future {
	o.note(name, args)
	return o.Next.ExecuteActivity(ctx, name, args...)
}

func (o *recorderOutbound) ExecuteLocalActivity(ctx workflow.Context, name string, args ...any) workflow.Future {
	o.note(name, args)
	return o.Next.ExecuteLocalActivity(ctx, name, args...)
}
