package store

// 委托 (delegations), the inbox of several parties, and 抄送我的 (issue 20).

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// Delegation is one 委托: the deputy acts for the delegator on the days
// from Start to End (China dates, inclusive) unless ended early.
type Delegation struct {
	ID            uuid.UUID  `json:"id"`
	DelegatorID   uuid.UUID  `json:"delegator_id"`
	DelegatorName string     `json:"delegator_name"`
	DeputyID      uuid.UUID  `json:"deputy_id"`
	DeputyName    string     `json:"deputy_name"`
	DeputyLogin   string     `json:"deputy_username"`
	StartDate     string     `json:"start_date"`
	EndDate       string     `json:"end_date"`
	Reason        string     `json:"reason"`
	CreatedAt     time.Time  `json:"created_at"`
	EndedAt       *time.Time `json:"ended_at"`
	// Principal: the delegator is its unit's principal (一把手), so the
	// deputy signs for the unit while it is in force.
	Principal bool `json:"-"`
}

// ErrDelegationLoop: the deputy is away (delegating) in the same days, or
// the delegator is someone's deputy then.
var ErrDelegationLoop = errors.New("delegation loop")

// ErrDelegationOverlap: the delegator already delegates in those days.
var ErrDelegationOverlap = errors.New("delegation overlap")

const delegationColumns = `d.id, d.delegator_id, a.display_name, d.deputy_id, b.display_name, b.username,
	to_char(d.start_date, 'YYYY-MM-DD'), to_char(d.end_date, 'YYYY-MM-DD'), d.reason, d.created_at, d.ended_at, a.principal`

const delegationFrom = ` FROM delegations d JOIN users a ON a.id = d.delegator_id JOIN users b ON b.id = d.deputy_id`

func scanDelegation(r pgx.Row) (Delegation, error) {
	var d Delegation
	err := r.Scan(&d.ID, &d.DelegatorID, &d.DelegatorName, &d.DeputyID, &d.DeputyName, &d.DeputyLogin,
		&d.StartDate, &d.EndDate, &d.Reason, &d.CreatedAt, &d.EndedAt, &d.Principal)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	d.CreatedAt = d.CreatedAt.In(policy.China)
	if d.EndedAt != nil {
		*d.EndedAt = d.EndedAt.In(policy.China)
	}
	return d, err
}

// CreateDelegation stores d unless the delegator already delegates in
// those days (ErrDelegationOverlap) or it would chain or loop: the deputy
// delegates in those days, or the delegator is a deputy then
// (ErrDelegationLoop). One transaction, the delegator's and deputy's rows
// locked, so two crossing requests cannot both pass.
func (s *Store) CreateDelegation(ctx context.Context, d Delegation) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, d.DelegatorID, d.DeputyID); err != nil {
			return err
		}
		const overlapping = ` AND ended_at IS NULL AND start_date <= $3::date AND end_date >= $2::date`
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delegations WHERE delegator_id = $1`+overlapping,
			d.DelegatorID, d.StartDate, d.EndDate).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDelegationOverlap
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delegations WHERE (delegator_id = $1 OR deputy_id = $4)`+overlapping,
			d.DeputyID, d.StartDate, d.EndDate, d.DelegatorID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDelegationLoop
		}
		_, err := tx.Exec(ctx, `INSERT INTO delegations (id, delegator_id, deputy_id, start_date, end_date, reason)
			VALUES ($1, $2, $3, $4::date, $5::date, $6)`, d.ID, d.DelegatorID, d.DeputyID, d.StartDate, d.EndDate, d.Reason)
		return err
	})
}

// Delegation reads one delegation.
func (s *Store) Delegation(ctx context.Context, id uuid.UUID) (Delegation, error) {
	return scanDelegation(s.Pool.QueryRow(ctx, `SELECT `+delegationColumns+delegationFrom+` WHERE d.id = $1`, id))
}

// Delegations lists the delegations the user gave or holds, newest first.
func (s *Store) Delegations(ctx context.Context, user uuid.UUID) ([]Delegation, error) {
	return s.queryDelegations(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE d.delegator_id = $1 OR d.deputy_id = $1 ORDER BY d.start_date DESC, d.created_at DESC LIMIT 200`, user)
}

// ActiveDelegationsTo lists the delegations in force on day (a China date)
// that name deputy, with their delegators still enabled.
func (s *Store) ActiveDelegationsTo(ctx context.Context, deputy uuid.UUID, day string) ([]Delegation, error) {
	return s.queryDelegations(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE d.deputy_id = $1 AND d.ended_at IS NULL AND d.start_date <= $2::date AND d.end_date >= $2::date
		  AND NOT a.disabled ORDER BY d.created_at`, deputy, day)
}

func (s *Store) queryDelegations(ctx context.Context, q string, args ...any) ([]Delegation, error) {
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Delegation{}
	for rows.Next() {
		d, err := scanDelegation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// EndDelegation ends a delegation now; false if it had ended already.
func (s *Store) EndDelegation(ctx context.Context, id uuid.UUID) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE delegations SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, id)
	return tag.RowsAffected() == 1, err
}

// CopiedTo lists the decided leaves copied to any of parties (抄送我的),
// newest decision first.
func (s *Store) CopiedTo(ctx context.Context, parties []string, limit int) ([]Process, error) {
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, kind, subject, COALESCE(member_id,''), county_id, COALESCE(township_id,''),
		COALESCE(unit_id,''), status, step, waiting_on, due_at, overdue, opened_at, closed_at, detail
		FROM processes WHERE kind = 'leave' AND (detail -> 'copied_to') ?| $1::text[]
		ORDER BY (detail ->> 'decided_at') DESC NULLS LAST, id LIMIT $2`, parties, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Process{}
	for rows.Next() {
		var p Process
		if err := rows.Scan(&p.ID, &p.Kind, &p.Subject, &p.MemberID, &p.CountyID, &p.TownshipID, &p.UnitID,
			&p.Status, &p.Step, &p.WaitingOn, &p.DueAt, &p.Overdue, &p.OpenedAt, &p.ClosedAt, &p.Detail); err != nil {
			return nil, err
		}
		p.inChina()
		out = append(out, p)
	}
	return out, rows.Err()
}

// UserEnabled reports whether the account exists and is not disabled.
func (s *Store) UserEnabled(ctx context.Context, id uuid.UUID) (bool, error) {
	var disabled bool
	err := s.Pool.QueryRow(ctx, `SELECT disabled FROM users WHERE id = $1`, id).Scan(&disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return !disabled, err
}

// WaitingCountOf is WaitingCount over several parties (see InboxOf); a
// process step waiting on two of them counts once.
func (s *Store) WaitingCountOf(ctx context.Context, parties []string, step string, now time.Time) (total, overdue int, err error) {
	if len(parties) == 1 {
		return s.WaitingCount(ctx, parties[0], step, now)
	}
	err = s.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE due_at < $3) FROM (
		SELECT DISTINCT process_id, step, due_at FROM process_waiting WHERE party = ANY($1) AND ($2 = '' OR step = $2)) x`,
		parties, step, now).Scan(&total, &overdue)
	return total, overdue, err
}
