package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// Attachment is a file carried by a process, as lists show it (without
// its bytes).
type Attachment struct {
	ID          string    `json:"id"`
	ProcessID   string    `json:"process_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	Role        string    `json:"role"`
	UploadedAt  time.Time `json:"uploaded_at"`
	// UploaderID is the account that uploaded it, for the actions alone.
	UploaderID uuid.UUID `json:"-"`
}

// NewAttachment is a checked file to keep.
type NewAttachment struct {
	Attachment
	Content []byte
}

// ErrTooManyAttachments: the process already holds the most it may.
var ErrTooManyAttachments = errors.New("too many attachments")

const attachmentCols = `id::text, process_id::text, filename, content_type, size, sha256, uploader, role, uploaded_at, uploaded_by`

func scanAttachment(row pgx.Row) (Attachment, error) {
	var a Attachment
	err := row.Scan(&a.ID, &a.ProcessID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.Role,
		&a.UploadedAt, &a.UploaderID)
	a.UploadedAt = a.UploadedAt.In(policy.China)
	return a, err
}

// AddAttachments keeps files on process, all or none, unless the process
// would then hold more than max: ErrTooManyAttachments. The count and the
// inserts share a transaction holding a lock on the process, so two
// uploads at once cannot both pass the count.
func (s *Store) AddAttachments(ctx context.Context, processID string, max int, files []NewAttachment) ([]Attachment, error) {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('attachments/' || $1, 0))`, processID); err != nil {
		return nil, err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM attachments WHERE process_id = $1`, processID).Scan(&n); err != nil {
		return nil, err
	}
	if n+len(files) > max {
		return nil, ErrTooManyAttachments
	}
	out := make([]Attachment, 0, len(files))
	for _, f := range files {
		a, err := scanAttachment(tx.QueryRow(ctx, `INSERT INTO attachments
			(id, process_id, filename, content_type, size, sha256, content, uploaded_by, uploader, role)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+attachmentCols,
			f.ID, processID, f.Filename, f.ContentType, len(f.Content), f.SHA256, f.Content, f.UploaderID, f.UploadedBy, f.Role))
		if err != nil {
			return nil, fmt.Errorf("keep attachment: %w", err)
		}
		out = append(out, a)
	}
	return out, tx.Commit(ctx)
}

// Attachments lists a process's files, oldest first.
func (s *Store) Attachments(ctx context.Context, processID string) ([]Attachment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE process_id = $1
		ORDER BY uploaded_at, id`, processID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attachment, error) { return scanAttachment(r) })
}

// AttachmentContent is one file with its bytes; ErrNotFound if none.
func (s *Store) AttachmentContent(ctx context.Context, id uuid.UUID) (Attachment, []byte, error) {
	var content []byte
	var a Attachment
	err := s.Pool.QueryRow(ctx, `SELECT `+attachmentCols+`, content FROM attachments WHERE id = $1`, id).
		Scan(&a.ID, &a.ProcessID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.Role,
			&a.UploadedAt, &a.UploaderID, &content)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	a.UploadedAt = a.UploadedAt.In(policy.China)
	return a, content, err
}
