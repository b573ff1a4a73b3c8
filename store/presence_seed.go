package store

import (
	"context"

	"github.com/google/uuid"
)

// SeedApprovedLeave writes an approved leave's period directly, as a leave
// approved before the period it is counted in: the statement's tests and
// benchmark need last month's leaves, which the API rightly no longer
// accepts. It returns the leave's id.
func (s *Store) SeedApprovedLeave(ctx context.Context, memberID, start, end string) (string, error) {
	id := uuid.NewString()
	_, err := s.Pool.Exec(ctx, `INSERT INTO leave_periods (process_id, member_id, start_date, end_date, status)
		VALUES ($1, $2, $3::date, $4::date, 'approved')`, id, memberID, start, end)
	return id, err
}
