package seal

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"zhucun/workflows"
)

// StartOnce starts wf(in) under wid, signed as the API signs its starts,
// once ever: a run of wid that is running or has ended means this start
// is a repeat, and it is no error (started reports false). The periodic
// jobs and the actions that start a process by its business key use it,
// so a tick run twice or a button pressed twice makes one process. Nil
// keys start unsigned (tests of the store alone).
func (k *Keys) StartOnce(ctx context.Context, c client.Client, wid string, wf, in any) (started bool, err error) {
	if k != nil {
		if ctx, err = k.SignStart(ctx, wid, in); err != nil {
			return false, err
		}
	}
	_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: wid, TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, wf, in)
	var dup *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &dup) {
		return false, nil
	}
	return err == nil, err
}
