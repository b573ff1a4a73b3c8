package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ImportUpload is a workbook uploaded on the import page, kept between its
// dry run and its confirmation.
type ImportUpload struct {
	ID       uuid.UUID
	UserID   uuid.UUID
	Filename string
	Content  []byte
	Report   json.RawMessage
	Applied  bool
}

// SaveImportUpload keeps an upload and the report of its dry run.
func (s *Store) SaveImportUpload(ctx context.Context, u ImportUpload) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO org_imports (id, user_id, filename, content, report) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.UserID, u.Filename, u.Content, u.Report)
	if err != nil {
		return fmt.Errorf("save import: %w", err)
	}
	return nil
}

// ImportUpload returns an upload; ErrNotFound if none.
func (s *Store) ImportUpload(ctx context.Context, id uuid.UUID) (ImportUpload, error) {
	var u ImportUpload
	var state string
	err := s.Pool.QueryRow(ctx, `SELECT id, user_id, filename, content, report, state FROM org_imports WHERE id = $1`, id).
		Scan(&u.ID, &u.UserID, &u.Filename, &u.Content, &u.Report, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	u.Applied = state == "applied"
	return u, err
}

// ClaimImportUpload marks an upload as being applied, once: a second
// confirmation of the same upload (a double click) finds it taken.
func (s *Store) ClaimImportUpload(ctx context.Context, id, userID uuid.UUID) (ImportUpload, error) {
	var u ImportUpload
	err := s.Pool.QueryRow(ctx, `UPDATE org_imports SET state = 'applied', applied_at = now()
		WHERE id = $1 AND user_id = $2 AND state = 'checked'
		RETURNING id, user_id, filename, content, report`, id, userID).
		Scan(&u.ID, &u.UserID, &u.Filename, &u.Content, &u.Report)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// SetImportReport replaces an applied upload's report and drops its file.
func (s *Store) SetImportReport(ctx context.Context, id uuid.UUID, report json.RawMessage) error {
	_, err := s.Pool.Exec(ctx, `UPDATE org_imports SET report = $2, content = '' WHERE id = $1`, id, report)
	return err
}

// UnclaimImportUpload gives back a claimed upload whose import failed, so
// it can be confirmed again.
func (s *Store) UnclaimImportUpload(ctx context.Context, id uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `UPDATE org_imports SET state = 'checked', applied_at = NULL WHERE id = $1`, id)
	return err
}
