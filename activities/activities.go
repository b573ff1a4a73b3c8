// Package activities is everything the workflows do to the world: writing
// the read model, the timeline and the notification outbox (through the
// store, which holds the SQL), applying roster changes to the ledger and
// telling monthly reports of absences. Every write is idempotent, keyed by
// process and version, so retries never duplicate.
package activities

import (
	"zhucun/internal/seal"

	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/metrics"
	"zhucun/store"
	"zhucun/workflows"
)

// Activities holds the dependencies of every activity.
type Activities struct {
	Pool *pgxpool.Pool
	Log  *zap.Logger
	// Temporal lets an activity signal another process (an absence tells
	// its monthly report); nil in tests that need no such thing.
	Temporal client.Client
	// Metrics records how far the read model trails; nil records nothing.
	Metrics *metrics.Metrics
	// Keys sign the starts the activities make (a monthly report).
	Keys *seal.Keys
}

// Register puts every activity on the worker under the names the
// workflows use.
func (a *Activities) Register(w worker.Registry) {
	w.RegisterActivityWithOptions(a.RecordProcess, activity.RegisterOptions{Name: workflows.ActivityRecord})
	a.registerAbsence(w)
	a.registerRoster(w)
	a.registerJobs(w)
	a.registerPresence(w)
	a.registerObligations(w)
	a.registerAccountability(w)
}

// RecordProcess writes one snapshot: the process row (only if newer), its
// waiting index, new timeline events, outbox notices and its kind's side
// tables (store.RecordSnapshot).
func (a *Activities) RecordProcess(ctx context.Context, s workflows.Snapshot) error {
	if err := store.New(a.Pool).RecordSnapshot(ctx, s); err != nil {
		return err
	}
	a.recorded(ctx, s)
	return nil
}
