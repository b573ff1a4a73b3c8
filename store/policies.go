package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// EnsureDefaultPolicy writes the city's default rules as version 1 when no
// city policy exists yet.
func (s *Store) EnsureDefaultPolicy(ctx context.Context) error {
	rules, _ := json.Marshal(policy.Default())
	_, err := s.Pool.Exec(ctx, `INSERT INTO policies (scope, version, rules, created_by)
		VALUES ($1, 1, $2, 'default') ON CONFLICT DO NOTHING`, policy.CityScope, rules)
	return err
}

// CurrentPolicy is the policy in force for a county: its own latest
// version, or else the city's.
func (s *Store) CurrentPolicy(ctx context.Context, county string) (policy.Policy, error) {
	row := s.Pool.QueryRow(ctx, `SELECT scope, version, rules, created_at, created_by FROM policies
		WHERE scope = $1 OR scope = 'city'
		ORDER BY (scope = 'city'), version DESC LIMIT 1`, county)
	p, err := scanPolicy(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return policy.Policy{Scope: policy.CityScope, Version: 0, Rules: policy.Default()}, nil
	}
	return p, err
}

// PolicyVersions lists a scope's versions, newest first.
func (s *Store) PolicyVersions(ctx context.Context, scope string) ([]policy.Policy, error) {
	rows, err := s.Pool.Query(ctx, `SELECT scope, version, rules, created_at, created_by FROM policies
		WHERE scope = $1 ORDER BY version DESC`, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []policy.Policy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutPolicy stores rules as the scope's next version.
func (s *Store) PutPolicy(ctx context.Context, scope string, rules policy.Rules, by string) (policy.Policy, error) {
	body, err := json.Marshal(rules)
	if err != nil {
		return policy.Policy{}, err
	}
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return policy.Policy{}, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('policy:' || $1))`, scope); err != nil {
		return policy.Policy{}, err
	}
	row := tx.QueryRow(ctx, `INSERT INTO policies (scope, version, rules, created_by)
		SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM policies WHERE scope = $1
		RETURNING scope, version, rules, created_at, created_by`, scope, body, by)
	p, err := scanPolicy(row)
	if err != nil {
		return p, err
	}
	return p, tx.Commit(ctx)
}

// HolidayOverrides returns the database's calendar corrections
// ("YYYY-MM-DD" → is a workday).
func (s *Store) HolidayOverrides(ctx context.Context) (map[string]bool, error) {
	rows, err := s.Pool.Query(ctx, `SELECT day, is_workday FROM holidays`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var d time.Time
		var work bool
		if err := rows.Scan(&d, &work); err != nil {
			return nil, err
		}
		out[d.Format("2006-01-02")] = work
	}
	return out, rows.Err()
}

func scanPolicy(row pgx.Row) (policy.Policy, error) {
	var p policy.Policy
	var body []byte
	if err := row.Scan(&p.Scope, &p.Version, &body, &p.CreatedAt, &p.CreatedBy); err != nil {
		return p, err
	}
	p.CreatedAt = p.CreatedAt.In(policy.China)
	// Start from the defaults so a version written before a rule existed
	// still reads with a sensible value for it.
	p.Rules = policy.Default()
	if err := json.Unmarshal(body, &p.Rules); err != nil {
		return p, fmt.Errorf("policy %s: %w", p.Ref(), err)
	}
	return p, nil
}
