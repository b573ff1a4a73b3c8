package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// registerRoster registers the roster-change activities.
func (a *Activities) registerRoster(w worker.Registry) {
	w.RegisterActivityWithOptions(a.ApplyRosterChange, activity.RegisterOptions{Name: workflows.ActivityApplyRoster})
}

// ApplyRosterChange writes a filed change into the ledger. The store keys
// it by the change id, so a retry after a lost answer changes nothing. A
// change the ledger contradicts (it moved since the change was recorded)
// fails without retry, typed ErrConflict, for the workflow to flag.
func (a *Activities) ApplyRosterChange(ctx context.Context, c workflows.RosterLedgerChange) error {
	eff, err := policy.ParseDate(c.EffectiveOn)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), workflows.ErrInvalid, nil)
	}
	applied, err := store.New(a.Pool).ApplyRosterChange(ctx, store.RosterChange{
		ID: c.ID, TeamID: c.TeamID, Change: c.Change, MemberID: c.MemberID,
		ReplacesMemberID: c.ReplacesMemberID, EffectiveOn: eff,
	})
	var rc *store.RosterConflict
	if errors.As(err, &rc) {
		return temporal.NewNonRetryableApplicationError(rc.Message(), workflows.ErrConflict, nil)
	}
	if err != nil {
		return err
	}
	a.logger(ctx).Info("roster change applied", zap.String("change", c.ID), zap.String("team", c.TeamID),
		zap.String("kind", c.Change), zap.Bool("first_time", applied))
	a.tellRecalls(ctx, c)
	return nil
}
