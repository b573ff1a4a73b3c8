package store

import (
	"context"
	"errors"
	"fmt"

	"zhucun/workflows"
)

// The read model's per-kind parts, keyed by workflows.Kinds' names. Every
// described kind has an entry in each table, nil where the kind has no
// such part, with the reason beside it: TestKindsAreDescribedOnce fails on
// a kind missing here or an entry no kind describes.

// sideTableWriter queues a kind's own side-table writes into its record
// batch, each guarded by holdsVersion like the rest of the batch.
type sideTableWriter func(b *batch, s workflows.Snapshot) error

// kindSideTables keeps the tables that other queries join against a
// process row, beside the row's JSON detail.
var kindSideTables = map[string]sideTableWriter{
	workflows.KindLeave:   queueLeave,   // leave_periods: the overlap check and the member record
	workflows.KindAbsence: queueAbsence, // absences: the member record and the monthly report
	// A monthly report is read whole from its process row (detail); no
	// query joins its items to anything.
	workflows.KindAbsenceReport: nil,
	workflows.KindRosterChange:  queueRoster, // roster_changes.status: the ledger's SQL
	// trips.status: the statement's SQL counts reported and approved trips.
	workflows.KindTrip: queueTrip,
	// presence_shortfalls: the items' statuses for lists and counts.
	workflows.KindPresenceStatement: queueStatement,
	// Obligations and assessments are read whole from their process rows
	// (kind, member, unit, status); the records that satisfy them are
	// their own tables, written by actions, not by the workflow.
	workflows.KindObligation: nil,
	workflows.KindAssessment: nil,
	// A circulation is read whole from its process row; an interview's
	// unit record and a recall's team are the row's unit_id and detail.
	workflows.KindCirculation: nil,
	workflows.KindInterview:   nil,
	workflows.KindRecall:      nil,
}

// releaser gives back what a provisional process (workflows.Provisional)
// whose workflow never started took.
type releaser func(s *Store, ctx context.Context, processID string) error

// kindReleases: only a leave writes a provisional opening (its period
// must be reserved before the start, for the overlap check). The other
// kinds start with an update or signal that waits for the workflow's own
// first record, so the sweep never finds one of theirs; what a failed
// absence or roster-change start reserved is given back by the request
// that made it (ReleaseIdempotency, CancelRosterChange).
var kindReleases = map[string]releaser{
	workflows.KindLeave:         (*Store).ReleaseLeave,
	workflows.KindAbsence:       nil,
	workflows.KindAbsenceReport: nil,
	workflows.KindRosterChange:  nil,
	// A trip's row is inserted before its start and deleted by the
	// request whose start failed; a statement starts with nothing reserved.
	workflows.KindTrip:              nil,
	workflows.KindPresenceStatement: nil,
	// Started by jobs and actions whose workflow writes its own first record.
	workflows.KindObligation: nil,
	workflows.KindAssessment: nil,
	// Accountability processes start with their "recorded" update.
	workflows.KindCirculation: nil,
	workflows.KindInterview:   nil,
	workflows.KindRecall:      nil,
}

// ErrNotReleasable: the kind's processes are never provisional, so there
// is nothing of theirs to release.
var ErrNotReleasable = errors.New("processes of this kind are never provisional")

// Releasable reports whether Release can give back a provisional process
// of kind.
func Releasable(kind string) bool { return kindReleases[kind] != nil }

// Release gives back what the provisional process id of kind took, if its
// workflow never started (ReleaseLeave for a leave). A kind that is never
// provisional is ErrNotReleasable; an unknown kind is an error too.
func (s *Store) Release(ctx context.Context, kind, id string) error {
	rel, ok := kindReleases[kind]
	switch {
	case !ok:
		return fmt.Errorf("release %s: unknown process kind %q", id, kind)
	case rel == nil:
		return fmt.Errorf("release %s (%s): %w", id, kind, ErrNotReleasable)
	}
	return rel(s, ctx, id)
}
