package activities

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/store"
	"zhucun/workflows"
)

// registerAbsence registers the absence and monthly-report activities.
func (a *Activities) registerAbsence(w worker.Registry) {
	w.RegisterActivityWithOptions(a.ReportAbsence, activity.RegisterOptions{Name: workflows.ActivityReportAbsence})
}

// maxReportCarry bounds the walk past closed reports: a year of them is more
// than a real county ever leaves behind.
const maxReportCarry = 12

// ReportAbsence delivers an absence's state to its county's report for
// args.Month, starting that report if it is not running yet
// (SignalWithStart, so none is missed or duplicated). A report that has
// already ended (submitted, lingered) is never restarted: the item goes to
// the next month's, marked as carried. It returns the month it landed in.
func (a *Activities) ReportAbsence(ctx context.Context, args workflows.ReportAbsenceArgs) (string, error) {
	if a.Temporal == nil {
		return "", errors.New("report absence: no Temporal client")
	}
	st := store.New(a.Pool)
	offices, err := st.CountyOffices(ctx, args.CountyID)
	if err != nil {
		return "", err
	}
	pol, err := st.CurrentPolicy(ctx, args.CountyID)
	if err != nil {
		return "", err
	}
	for i := 0; i < maxReportCarry; i++ {
		in, err := workflows.NewReportInput(workflows.ReportOffices(offices), args.Month, pol)
		if err != nil {
			return "", err
		}
		err = a.signalReport(ctx, in, args.Item)
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if !errors.As(err, &started) {
			return args.Month, err
		}
		a.logger(ctx).Info("monthly report closed; carrying the absence to the next",
			zap.String("county", args.CountyID), zap.String("month", args.Month), zap.String("absence", args.Item.AbsenceID))
		if args.Item.CarriedFrom == "" {
			args.Item.CarriedFrom = args.Month
		}
		if args.Month, err = workflows.NextCycle(args.Month); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("report absence %s: no open report within %d months", args.Item.AbsenceID, maxReportCarry)
}

func (a *Activities) signalReport(ctx context.Context, in workflows.ReportInput, item workflows.ReportItemSignal) error {
	if a.Keys != nil {
		// The report's start is signed as the API signs its starts: the
		// worker refuses an unsigned one (seal).
		var err error
		if ctx, err = a.Keys.SignStart(ctx, workflows.ReportWorkflowID(in.CountyID, in.Month), in); err != nil {
			return err
		}
	}
	_, err := a.Temporal.SignalWithStartWorkflow(ctx, workflows.ReportWorkflowID(in.CountyID, in.Month),
		workflows.ReportSignalAbsence, item, client.StartWorkflowOptions{
			ID: workflows.ReportWorkflowID(in.CountyID, in.Month), TaskQueue: workflows.TaskQueue,
			// An ended report stays ended; see ReportAbsence.
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		}, workflows.ReportWorkflow, in)
	return err
}
