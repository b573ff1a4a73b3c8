package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"zhucun/workflows"
)

// Writers are the activities that write only zhucun's own database, each
// idempotently (keyed by process and version, or by change): run again
// with the same input, one changes nothing the first run wrote. After a
// restore the read model may be behind the workflows (backup.CatchUp),
// and running these again from the workflows' histories brings it level.
// An activity that writes the database belongs here.
func (a *Activities) Writers() map[string]func(ctx context.Context, arg any) error {
	return map[string]func(context.Context, any) error{
		workflows.ActivityRecord: func(ctx context.Context, arg any) error {
			s, ok := arg.(workflows.Snapshot)
			if !ok {
				return fmt.Errorf("%s: a %T, not a snapshot", workflows.ActivityRecord, arg)
			}
			return a.RecordProcess(ctx, s)
		},
		workflows.ActivityApplyRoster: func(ctx context.Context, arg any) error {
			c, ok := arg.(workflows.RosterLedgerChange)
			if !ok {
				return fmt.Errorf("%s: a %T, not a ledger change", workflows.ActivityApplyRoster, arg)
			}
			err := a.ApplyRosterChange(ctx, c)
			var app *temporal.ApplicationError
			if errors.As(err, &app) && app.NonRetryable() {
				return nil // the ledger refused it then too, and the workflow flagged it
			}
			return err
		},
	}
}
