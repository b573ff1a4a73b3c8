package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/internal/seal"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func init() { RegisterJob(workflows.JobMonthlyStatement, (*Activities).MonthlyStatementJob) }

// registerPresence registers article 13's activity.
func (a *Activities) registerPresence(w worker.Registry) {
	w.RegisterActivityWithOptions(a.ComputePresenceStatement, activity.RegisterOptions{Name: workflows.ActivityComputeStatement})
}

// ComputePresenceStatement works out a county's month by SQL
// (store.ComputeStatement); running it again replaces the figures.
func (a *Activities) ComputePresenceStatement(ctx context.Context, args workflows.StatementArgs) (workflows.StatementResult, error) {
	return store.New(a.Pool).ComputeStatement(ctx, args)
}

// MonthlyStatementJob starts, for every county, the statement of the
// month before at (China time). Each start is idempotent by county and
// month, so the job may run twice for the same tick.
func (a *Activities) MonthlyStatementJob(ctx context.Context, at time.Time) error {
	if a.Temporal == nil {
		return errors.New("monthly statement: no Temporal client")
	}
	st := store.New(a.Pool)
	counties, err := st.ListCounties(ctx)
	if err != nil {
		return err
	}
	month := StatementMonthBefore(at)
	for _, c := range counties {
		if err := StartStatement(ctx, a.Temporal, a.Keys, st, c.ID, month); err != nil {
			return err
		}
		a.logger(ctx).Info("presence statement started", zap.String("county", c.ID), zap.String("month", month))
	}
	return nil
}

// StatementMonthBefore is "YYYY-MM" of the month before at's China month.
func StatementMonthBefore(at time.Time) string {
	c := at.In(policy.China)
	return time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, policy.China).AddDate(0, -1, 0).Format("2006-01")
}

// StartStatement starts a county's statement for month unless it exists
// (running or ended): one per county and month, ever.
func StartStatement(ctx context.Context, tc client.Client, keys *seal.Keys, st *store.Store, county, month string) error {
	in, err := st.StatementInput(ctx, county, month)
	if err != nil {
		return err
	}
	_, err = keys.StartOnce(ctx, tc, workflows.StatementWorkflowID(county, month), workflows.StatementWorkflow, in)
	return err
}
