package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
	"zhucun/workflows"
)

// ErrOverlap: the dates overlap a pending or approved leave of the member
// (or the days a pending extension holds).
var ErrOverlap = errors.New("overlapping leave")

// ErrRouteChanged: another leave of the member near the new one appeared
// after the new one was routed (consecutive leaves count together), so it
// must be routed again.
var ErrRouteChanged = errors.New("the member's leaves changed since the route was made")

// LeaveReservation holds a new leave's period before its workflow starts.
type LeaveReservation struct {
	ProcessID      string
	MemberID       string
	Start, End     time.Time
	UserID         uuid.UUID
	IdempotencyKey string
	// Near, when set, is what the route saw around the new leave: another
	// leave there now means the route is stale (ErrRouteChanged).
	Near *NearCheck
	// Limit, when set, counts the request against the user's creation
	// limits in the same transaction (a *CreationRefused error at one).
	Limit *CreationLimit
	// Opening, when set, is written as the provisional opening
	// (workflows.Provisional) in the same transaction.
	Opening *workflows.Snapshot
}

// NearCheck is the stretch of days where another leave of the member
// would change a new leave's route (consecutive leaves count together),
// and every leave the route saw there, joined or not.
type NearCheck struct {
	From, To time.Time
	Seen     []string
}

// ReserveLeave checks the period against the member's other leaves and
// reserves it, under a per-member lock so two submissions cannot both pass.
// With an Idempotency-Key already used, it answers that process's id and
// reserves nothing. With r.Limit it also takes the user's creation slot
// (TakeCreation's count), and with r.Opening writes the provisional
// opening: all one transaction and one commit, sent as a pipelined batch
// and settled by a last COMMIT or ROLLBACK. A submission waits for this
// one commit before its start, not for three.
func (s *Store) ReserveLeave(ctx context.Context, r LeaveReservation) (LeaveReserved, error) {
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		return LeaveReserved{}, err
	}
	// pgxpool closes a connection returned inside a transaction.
	defer conn.Release()
	b, read := reserveLeaveBatch(r)
	if r.Opening != nil {
		ob, err := recordBatch(workflows.Provisional(*r.Opening))
		if err != nil {
			return LeaveReserved{}, err
		}
		for _, q := range ob.b.QueuedQueries {
			b.Queue(q.SQL, q.Arguments...)
		}
	}
	got, err := read(conn.SendBatch(ctx, b))
	if err == nil && got.keep() {
		_, err = conn.Exec(ctx, `COMMIT`)
	} else if _, rerr := conn.Exec(ctx, `ROLLBACK`); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return LeaveReserved{}, err
	}
	return got.result(r.Limit)
}

// LeaveReserved is what ReserveLeave took: nothing but Existing when the
// Idempotency-Key was used before; else the creation slot (with a Limit).
type LeaveReserved struct {
	Existing string
	Slot     int64
}

// CreationLimit is a user's limits on creating processes, counted at Now.
type CreationLimit struct {
	UserID            uuid.UUID
	Now               time.Time
	PerMinute, PerDay int
}

// reserveOutcome is what the reservation's batch found.
type reserveOutcome struct {
	existing           string
	reserved, overlaps bool
	slot               int64
	inMinute, inDay    int
	firstMin, firstDay *time.Time
	limited            bool
}

// keep: the transaction holds a new reservation (and its slot) to commit.
func (o reserveOutcome) keep() bool {
	return o.existing == "" && o.reserved && (!o.limited || o.slot != 0)
}

func (o reserveOutcome) result(lim *CreationLimit) (LeaveReserved, error) {
	switch {
	case o.existing != "":
		return LeaveReserved{Existing: o.existing}, nil
	case !o.reserved && o.overlaps:
		return LeaveReserved{}, ErrOverlap
	case !o.reserved:
		return LeaveReserved{}, ErrRouteChanged
	case o.limited && o.slot == 0:
		return LeaveReserved{}, creationVerdict(o.inMinute, o.inDay, o.firstMin, o.firstDay, lim.PerMinute, lim.PerDay)
	}
	return LeaveReserved{Slot: o.slot}, nil
}

// reserveLeaveBatch queues the reservation's statements (a transaction
// left open) and returns the reader of their results, in order.
func reserveLeaveBatch(r LeaveReservation) (*pgx.Batch, func(pgx.BatchResults) (reserveOutcome, error)) {
	keyed := r.IdempotencyKey != ""
	start, end := policy.FormatDate(r.Start), policy.FormatDate(r.End)
	b := &pgx.Batch{}
	var o reserveOutcome
	var reads []func(pgx.BatchResults) error
	exec := func(sql string, args ...any) {
		b.Queue(sql, args...)
		reads = append(reads, func(br pgx.BatchResults) error { _, err := br.Exec(); return err })
	}
	row := func(scan func(pgx.Row) error, sql string, args ...any) {
		b.Queue(sql, args...)
		reads = append(reads, func(br pgx.BatchResults) error { return scan(br.QueryRow()) })
	}
	exec(`BEGIN`)
	exec(`SELECT pg_advisory_xact_lock(hashtext('leave:' || $1))`, r.MemberID)
	if keyed {
		// The key's lock: a concurrent twin waits here, then finds the row.
		exec(`SELECT pg_advisory_xact_lock(hashtext('idem:' || $1 || $2))`, r.UserID.String(), r.IdempotencyKey)
		row(func(q pgx.Row) error { return q.Scan(&o.existing) },
			`SELECT coalesce((SELECT process_id::text FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route='leaves'), '')`,
			r.UserID, r.IdempotencyKey)
	}
	var nearFrom, nearTo *string
	seen := []string{}
	if r.Near != nil {
		f, t := policy.FormatDate(r.Near.From), policy.FormatDate(r.Near.To)
		nearFrom, nearTo = &f, &t
		seen = append(seen, r.Near.Seen...)
	}
	b.Queue(`INSERT INTO leave_periods (process_id, member_id, start_date, end_date, status)
		SELECT $1::uuid, $2, $3::date, $4::date, 'pending'
		WHERE NOT EXISTS (SELECT 1 FROM leave_periods WHERE `+overlapping("$2", "$3", "$4")+`)
		  AND NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = $5 AND key = $6 AND route = 'leaves')
		  AND ($7::date IS NULL OR NOT EXISTS (SELECT 1 FROM leave_periods WHERE `+overlapping("$2", "$7", "$8")+`
		       AND NOT (process_id::text = ANY($9::text[]))))`,
		r.ProcessID, r.MemberID, start, end, r.UserID, r.IdempotencyKey, nearFrom, nearTo, seen)
	reads = append(reads, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		o.reserved = tag.RowsAffected() == 1
		return err
	})
	row(func(q pgx.Row) error { return q.Scan(&o.overlaps) },
		`SELECT EXISTS (SELECT 1 FROM leave_periods WHERE `+overlapping("$1", "$2", "$3")+` AND process_id <> $4::uuid)`,
		r.MemberID, start, end, r.ProcessID)
	if keyed {
		exec(`INSERT INTO idempotency_keys (user_id, key, route, process_id)
			SELECT $1, $2, 'leaves', $3::uuid WHERE EXISTS (SELECT 1 FROM leave_periods WHERE process_id = $3::uuid)`,
			r.UserID, r.IdempotencyKey, r.ProcessID)
	}
	if lim := r.Limit; lim != nil {
		o.limited = true
		queueCreation(exec, row, &o, *lim, r.ProcessID)
	}
	return b, func(br pgx.BatchResults) (reserveOutcome, error) {
		defer br.Close()
		for _, read := range reads {
			if err := read(br); err != nil {
				return o, err
			}
		}
		return o, br.Close()
	}
}

// CheckOverlap reports ErrOverlap when [start, end] meets a pending or
// approved leave of the member other than except.
func (s *Store) CheckOverlap(ctx context.Context, memberID, except string, start, end time.Time) error {
	var found bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM leave_periods
		WHERE `+overlapping("$1", "$3", "$4")+` AND process_id::text <> $2)`,
		memberID, except, policy.FormatDate(start), policy.FormatDate(end)).Scan(&found)
	if err == nil && found {
		err = ErrOverlap
	}
	return err
}

// overlapping is the one meaning of "overlaps" for leave_periods: a leave
// of member that is pending or approved and meets the days start to end
// (each a parameter placeholder such as "$2"), its end taken as the later
// of its own and that of a pending extension (the days it holds).
func overlapping(member, start, end string) string {
	return "member_id = " + member + " AND status IN ('pending','approved') AND start_date <= " + end +
		"::date AND " + heldEnd + " >= " + start + "::date"
}

// heldEnd is a leave period's last day, counting a pending extension's.
const heldEnd = "GREATEST(end_date, COALESCE(reserved_end, end_date))"

// IdempotentProcess returns the process an Idempotency-Key created.
func (s *Store) IdempotentProcess(ctx context.Context, userID uuid.UUID, key, route string) (string, error) {
	var id string
	err := s.Pool.QueryRow(ctx, `SELECT process_id::text FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route=$3`,
		userID, key, route).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

// IdempotentResult is what a repeated request needs to know of the process
// its Idempotency-Key (on route) names: the process as the read model holds
// it (nil until the first request's workflow has recorded it: a
// provisional opening, version 0, may stand for a start that a crash cut
// off, which the sweep will release) and whether the key still names it
// (false once a failed first request gave it back).
func (s *Store) IdempotentResult(ctx context.Context, userID uuid.UUID, key, route, processID string) (detail json.RawMessage, held bool, err error) {
	err = s.Pool.QueryRow(ctx, `SELECT (SELECT detail FROM processes WHERE id = $4::uuid AND version > 0),
		EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND route = $3 AND process_id = $4::uuid)`,
		userID, key, route, processID).Scan(&detail, &held)
	return detail, held, err
}

// ReleaseLeave gives back what a leave whose workflow never started took:
// its period, its Idempotency-Key and its provisional opening (version 0),
// in one transaction. A leave its workflow has recorded is left alone.
func (s *Store) ReleaseLeave(ctx context.Context, processID string) error {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var recorded bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM processes WHERE id = $1::uuid AND version > 0)`, processID).Scan(&recorded); err != nil {
		return err
	}
	if recorded {
		return nil
	}
	for _, q := range []string{
		`DELETE FROM processes WHERE id = $1::uuid AND version = 0`, // events and waiting lines cascade
		`DELETE FROM leave_periods WHERE process_id = $1::uuid AND status = 'pending'`,
		`DELETE FROM idempotency_keys WHERE process_id = $1::uuid AND route = 'leaves'`,
	} {
		if _, err := tx.Exec(ctx, q, processID); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// Unstarted is a provisional process (see workflows.Provisional) older
// than its start can take: its workflow may never have started.
type Unstarted struct {
	ID, Kind, WorkflowID string
}

// ProvisionalBefore lists up to limit provisional processes opened before t.
func (s *Store) ProvisionalBefore(ctx context.Context, t time.Time, limit int) ([]Unstarted, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id::text, kind, workflow_id FROM processes
		WHERE version = 0 AND opened_at < $1 ORDER BY opened_at LIMIT $2`, t, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Unstarted, error) {
		var u Unstarted
		return u, r.Scan(&u.ID, &u.Kind, &u.WorkflowID)
	})
}

// PolicyByRef loads a policy version by its ref ("city@1").
func (s *Store) PolicyByRef(ctx context.Context, ref string) (policy.Policy, error) {
	scope, v, ok := strings.Cut(ref, "@")
	var version int
	if _, err := fmt.Sscan(v, &version); !ok || err != nil {
		return policy.Policy{}, fmt.Errorf("policy ref %q", ref)
	}
	if version == 0 { // the built-in default, before any was stored
		return policy.Policy{Scope: scope, Rules: policy.Default()}, nil
	}
	p, err := scanPolicy(s.Pool.QueryRow(ctx, `SELECT scope, version, rules, created_at, created_by FROM policies
		WHERE scope = $1 AND version = $2`, scope, version))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}
