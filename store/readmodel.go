package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhucun/workflows"
)

// RecordSnapshot writes one snapshot: the process row (only if newer), its
// waiting index, new timeline events, outbox notices and its kind's side
// tables (kindSideTables). The workflows' Record activity calls it, and
// the server for a process's opening snapshot, so the submitter reads the
// process at once; the workflow's own write of that snapshot then
// replaces it.
//
// It is one round trip: a pipelined batch, which PostgreSQL runs as one
// transaction. The waiting index and the side tables are written only
// where the process row holds this snapshot's version after the upsert, so
// a late, older snapshot changes nothing. Every submission and decision
// waits for this write; statement by statement it took about ten trips.
func (s *Store) RecordSnapshot(ctx context.Context, snap workflows.Snapshot) error {
	// Only a first record (version 1) confirms a provisional opening.
	if snap.ConfirmsOpening && snap.Version == 1 {
		if confirmed, err := s.confirmOpening(ctx, snap); err != nil || confirmed {
			return err
		}
	}
	b, err := recordBatch(snap)
	if err != nil {
		return err
	}
	return b.run(ctx, s.Pool)
}

// confirmOpening raises a provisional opening (version 0) to snap's
// version and queues snap's notices, in one round trip: the opening holds
// the same state (workflows.LeaveOpening), so nothing else is written
// again. It reports false, having changed nothing, when no provisional
// opening is there: then the whole snapshot must be written.
func (s *Store) confirmOpening(ctx context.Context, snap workflows.Snapshot) (bool, error) {
	b := &pgx.Batch{}
	b.Queue(`UPDATE processes SET version = $2, updated_at = now() WHERE id = $1 AND version = 0`, snap.ProcessID, snap.Version)
	for i, n := range snap.Notices {
		b.Queue(`INSERT INTO outbox (process_id, version, idx, recipient, text, deadline)
			SELECT $1, $2, $3, $4, $5, $6 WHERE`+holdsVersion(2)+` ON CONFLICT DO NOTHING`,
			snap.ProcessID, snap.Version, i, n.To.Key(), n.Text, snap.DueAt)
	}
	br := s.Pool.SendBatch(ctx, b)
	defer br.Close()
	tag, err := br.Exec()
	if err != nil {
		return false, fmt.Errorf("confirm opening: %w", err)
	}
	for range snap.Notices {
		if _, err := br.Exec(); err != nil {
			return false, fmt.Errorf("outbox: %w", err)
		}
	}
	return tag.RowsAffected() == 1, br.Close()
}

// batch is a pipelined list of statements, each named for its error.
type batch struct {
	b     pgx.Batch
	names []string
}

func (b *batch) queue(name, sql string, args ...any) {
	b.b.Queue(sql, args...)
	b.names = append(b.names, name)
}

// run sends the batch in one round trip and reads every result in order.
func (b *batch) run(ctx context.Context, pool *pgxpool.Pool) error {
	br := pool.SendBatch(ctx, &b.b)
	for _, name := range b.names {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return br.Close()
}

// holdsVersion, appended to a statement's WHERE with the process id as $1
// and the snapshot's version as the parameter numbered after it, limits the
// statement to a process row at this snapshot's version.
func holdsVersion(n int) string {
	return fmt.Sprintf(" EXISTS (SELECT 1 FROM processes WHERE id = $1 AND version = $%d)", n)
}

// recordBatch is the whole record of s: the process row, its new events
// and notices, its waiting index and its kind's side table.
func recordBatch(s workflows.Snapshot) (*batch, error) {
	waiting, _ := json.Marshal(s.WaitingOn)
	steps, _ := json.Marshal(s.Steps)
	detail, err := json.Marshal(s.Detail)
	if err != nil {
		return nil, err
	}
	b := &batch{}
	b.queue("process", sqlUpsertProcess, s.ProcessID, s.WorkflowID, s.Kind, s.Subject, nullable(s.MemberID),
		s.CountyID, nullable(s.TownshipID), nullable(s.UnitID), s.Status, s.Step, waiting, s.DueAt, s.Overdue,
		s.OpenedAt, s.ClosedAt, s.Version, steps, detail)
	for _, e := range s.Events {
		b.queue("event", sqlInsertEvent, s.ProcessID, e.Seq, e.At, e.ActorID, e.Actor, e.Role, e.Action, e.Step, e.Comment)
	}
	for i, n := range s.Notices {
		b.queue("outbox", sqlInsertOutbox, s.ProcessID, s.Version, i, n.To.Key(), n.Text, s.DueAt)
	}
	queueWaiting(b, s)
	return b, queueKind(b, s)
}

// queueWaiting replaces the process's lines in the waiting index: who it
// waits on, per open step, and whom an overdue step was escalated to.
func queueWaiting(b *batch, s workflows.Snapshot) {
	b.queue("waiting", `DELETE FROM process_waiting WHERE process_id = $1 AND`+holdsVersion(2), s.ProcessID, s.Version)
	seen := map[string]bool{}
	add := func(party, step string, due any, escalated bool) {
		k := party + "|" + step
		if seen[k] {
			return
		}
		seen[k] = true
		b.queue("waiting", `INSERT INTO process_waiting (process_id, party, step, due_at, escalated)
			SELECT $1, $2, $3, $4, $5 WHERE`+holdsVersion(6), s.ProcessID, party, step, due, escalated, s.Version)
	}
	for _, st := range s.Steps {
		if st.DoneAt != nil {
			continue
		}
		for _, p := range st.WaitingOn {
			add(p.Key(), st.Name, st.DueAt, false)
		}
		if st.EscalatedTo != nil {
			add(st.EscalatedTo.Key(), st.Name, st.DueAt, true)
		}
		for _, p := range st.Escalations {
			add(p.Key(), st.Name, st.DueAt, true)
		}
	}
}

// queueKind keeps a kind's own side tables current (kindSideTables).
func queueKind(b *batch, s workflows.Snapshot) error {
	if w := kindSideTables[s.Kind]; w != nil {
		return w(b, s)
	}
	return nil
}

// detailAs reads a snapshot's detail as T, whether it arrives as T (local
// activity in process) or as decoded JSON.
func detailAs[T any](s workflows.Snapshot) (T, error) {
	if v, ok := s.Detail.(T); ok {
		return v, nil
	}
	var v T
	b, err := json.Marshal(s.Detail)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	return v, err
}

// queueLeave keeps the leave's period, which the overlap check reads.
func queueLeave(b *batch, s workflows.Snapshot) error {
	l, err := detailAs[workflows.Leave](s)
	if err != nil {
		return err
	}
	end := l.EndDate
	if l.ActualEndDate != nil {
		end = *l.ActualEndDate
	}
	// The days a pending extension holds; the end of the last extension
	// decided (or dropped), whose hold is over.
	var held, settled *string
	for i := range l.Extensions {
		e := l.Extensions[i]
		if e.Status == "pending" {
			held = &e.EndDate
		} else {
			settled = &e.EndDate
		}
	}
	b.queue("leave period", sqlUpsertLeavePeriod, l.ID, l.MemberID, l.StartDate, end, l.Status, s.Version,
		held, l.ReturnedOn, settled)
	return nil
}

// queueAbsence keeps the absence's line in the absences side table current.
func queueAbsence(b *batch, s workflows.Snapshot) error {
	ab, err := detailAs[workflows.Absence](s)
	if err != nil {
		return err
	}
	b.queue("absence row", sqlUpsertAbsence, ab.ID, ab.MemberID, ab.UnitID, ab.CountyID, ab.CycleMonth,
		ab.FoundAt, ab.Status, ab.SignedAt, ab.Late, s.Overdue, s.Version)
	return nil
}

// queueRoster mirrors the workflow's status on the change's ledger row,
// so SQL over roster_changes sees where each change stands.
func queueRoster(b *batch, s workflows.Snapshot) error {
	rc, err := detailAs[workflows.RosterChange](s)
	if err != nil {
		return err
	}
	b.queue("roster change", `UPDATE roster_changes SET status = $2 WHERE id::text = $3 AND`+holdsVersion(4),
		s.ProcessID, rc.Status, rc.ID, s.Version)
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const sqlUpsertProcess = `
INSERT INTO processes (id, workflow_id, kind, subject, member_id, county_id, township_id, unit_id,
    status, step, waiting_on, due_at, overdue, opened_at, closed_at, version, steps, detail, updated_at)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18, now())
ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status, step = EXCLUDED.step, waiting_on = EXCLUDED.waiting_on,
    due_at = EXCLUDED.due_at, overdue = EXCLUDED.overdue, closed_at = EXCLUDED.closed_at,
    version = EXCLUDED.version, steps = EXCLUDED.steps, detail = EXCLUDED.detail, updated_at = now()
WHERE processes.version < EXCLUDED.version`

const sqlInsertEvent = `
INSERT INTO process_events (process_id, seq, at, actor_id, actor, role, action, step, comment)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`

const sqlInsertOutbox = `
INSERT INTO outbox (process_id, version, idx, recipient, text, deadline)
VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`

var sqlUpsertLeavePeriod = `
INSERT INTO leave_periods (process_id, member_id, start_date, end_date, status, reserved_end, returned_on)
SELECT $1, $2, $3, $4, $5, $7::date, $8::date WHERE` + holdsVersion(6) + `
ON CONFLICT (process_id) DO UPDATE SET end_date = EXCLUDED.end_date, status = EXCLUDED.status,
    returned_on = EXCLUDED.returned_on,
    reserved_end = CASE WHEN EXCLUDED.reserved_end IS NOT NULL THEN EXCLUDED.reserved_end
                        WHEN leave_periods.reserved_end = $9::date THEN NULL
                        ELSE leave_periods.reserved_end END`

var sqlUpsertAbsence = `
INSERT INTO absences (process_id, member_id, unit_id, county_id, cycle_month, found_at, status, signed_at, late, overdue)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE` + holdsVersion(11) + `
ON CONFLICT (process_id) DO UPDATE SET status = EXCLUDED.status, signed_at = EXCLUDED.signed_at,
    late = EXCLUDED.late, overdue = EXCLUDED.overdue`
