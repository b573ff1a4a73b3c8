package actions

// Attachments (附件, issue 20): a sick note photo, a hospital certificate
// or a scanned order carried by a leave (and its extension), an absence's
// explanation or a roster change. They are evidence for an exception,
// never required (基层减负).
//
// Where the bytes live: PostgreSQL (bytea, migrations/018), not files
// under the data folder. `zhucun backup` is pg_dump of the product
// database, so a backup and a restore carry every file with the process
// it belongs to and nothing else has to be copied, checked or kept in
// step; at 5 MB a file and 5 an item the table stays small beside
// Temporal's history. The sha256 kept beside each is for the person who
// compares a printed copy, not a storage key.
//
// What is accepted is read from the content, never from the name or the
// client's type: a JPEG, PNG or PDF that parses as one. They are served
// with the type that was read, nosniff and a sandboxing
// Content-Security-Policy, so no upload can run script in zhucun's origin.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // DecodeConfig reads JPEG headers
	_ "image/png"  // and PNG's
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

const (
	// MaxAttachmentBytes is the most one file may hold.
	MaxAttachmentBytes = 5 << 20
	// MaxAttachments is the most files one item (process) may carry.
	MaxAttachments = 5
	// MaxUploadBytes bounds a request that carries files: the most files
	// an item may carry at their largest, and the form's other fields.
	MaxUploadBytes = MaxAttachments*MaxAttachmentBytes + 1<<20
)

// Upload is one file as a client sent it, read whole (at most one byte
// past MaxAttachmentBytes, which is enough to refuse it).
type Upload struct {
	Filename string
	Content  []byte
}

// ReadUploads reads the files of a multipart form's field.
func ReadUploads(fhs []*multipart.FileHeader) ([]Upload, error) {
	out := make([]Upload, 0, len(fhs))
	for _, fh := range fhs {
		f, err := fh.Open()
		if err != nil {
			return nil, fileErr(errs.Invalid, errs.MsgAttachForm).WithDetail("open part: %v", err)
		}
		b, err := io.ReadAll(io.LimitReader(f, MaxAttachmentBytes+1))
		f.Close()
		if err != nil {
			return nil, fileErr(errs.Invalid, errs.MsgAttachForm).WithDetail("read part: %v", err)
		}
		out = append(out, Upload{Filename: fh.Filename, Content: b})
	}
	return out, nil
}

// fileErr is an error about the uploaded files, named as the "file"
// field so a form shows it beside its file input.
func fileErr(code errs.Code, m errs.Msg, args ...any) *errs.Error {
	e := errs.New(code, m, args...)
	e.Fields = map[string]string{"file": strings.TrimPrefix(e.Message, "file：")}
	return e
}

// checkedFile is an upload whose content was read and accepted.
type checkedFile struct {
	name, contentType, sha string
	content                []byte
}

// CheckUploads refuses, naming the file, anything that is not a JPEG, PNG
// or PDF by its content, is empty or too big; the pages call it before
// creating the process the files are for, so a bad file loses nothing.
func CheckUploads(files []Upload) error {
	_, err := checkUploads(files)
	return err
}

func checkUploads(files []Upload) ([]checkedFile, error) {
	if len(files) == 0 {
		return nil, fileErr(errs.Invalid, errs.MsgAttachMissing)
	}
	if len(files) > MaxAttachments {
		return nil, fileErr(errs.Conflict, errs.MsgAttachTooMany, MaxAttachments, 0, len(files))
	}
	out := make([]checkedFile, 0, len(files))
	for _, f := range files {
		name := cleanFilename(f.Filename)
		switch {
		case len(f.Content) == 0:
			return nil, fileErr(errs.Invalid, errs.MsgAttachEmpty, name)
		case len(f.Content) > MaxAttachmentBytes:
			return nil, fileErr(errs.TooLarge, errs.MsgAttachTooBig, name, MaxAttachmentBytes>>20)
		}
		ct, ok := sniff(f.Content)
		if !ok {
			return nil, fileErr(errs.Unsupported, errs.MsgAttachType, name)
		}
		sum := sha256.Sum256(f.Content)
		out = append(out, checkedFile{name: name, contentType: ct, sha: hex.EncodeToString(sum[:]), content: f.Content})
	}
	return out, nil
}

// sniff is the file's type as its content says, and whether it is one
// accepted: http.DetectContentType's verdict (the magic bytes), then the
// format's own structure, so a file that merely starts like an image or
// a PDF is refused as an executable renamed .jpg is.
func sniff(b []byte) (string, bool) {
	ct := http.DetectContentType(b)
	switch ct {
	case "image/jpeg", "image/png":
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		return ct, err == nil && "image/"+format == ct && cfg.Width > 0 && cfg.Height > 0
	case "application/pdf":
		return ct, pdfShaped(b)
	}
	return ct, false
}

// pdfShaped: a version header, at least one object, the end-of-file
// marker near the end, and no script or launch action (a viewer may run
// those, and a sick note never needs them).
func pdfShaped(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) && !bytes.HasPrefix(b, []byte("%PDF-2.")) {
		return false
	}
	tail := b[max(0, len(b)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) || !bytes.Contains(b, []byte(" obj")) {
		return false
	}
	return !bytes.Contains(b, []byte("/JavaScript")) &&
		!bytes.Contains(b, []byte("/Launch"))
}

// cleanFilename is the name to show and to offer on download: the base
// name, without control characters, at most 100 characters.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." || name == "/" {
		name = "附件"
	}
	return name
}

// attachableProcess loads the process files are to be added to: one the
// caller may see (else 404, as for anything out of sight), of a kind that
// carries files, that the caller submitted, and not withdrawn, cancelled
// or voided.
func (a *Actions) attachableProcess(ctx context.Context, u User, id string) (store.Process, error) {
	p, err := a.loadProcess(ctx, id, "")
	if err == nil && !canSee(u, processTarget(p)) {
		err = store.ErrNotFound
	}
	if err != nil {
		return p, err
	}
	switch p.Kind {
	case workflows.KindLeave, workflows.KindAbsence:
		if u.Role != policy.RoleMember || u.MemberID != p.MemberID {
			return p, errs.New(errs.Forbidden, errs.MsgAttachNotYours)
		}
	case workflows.KindRosterChange:
		if u.Role != policy.RoleCountyBureau && u.Role != policy.RoleUnitHead {
			return p, errs.New(errs.Forbidden, errs.MsgAttachNotYours)
		}
	default:
		return p, errs.New(errs.Forbidden, errs.MsgAttachKind)
	}
	switch p.Status {
	case workflows.LeaveWithdrawn, workflows.LeaveCancelled, workflows.AbsenceVoided:
		return p, errs.New(errs.Conflict, errs.MsgAttachClosed)
	}
	return p, nil
}

// AddAttachments keeps files on a process (POST
// /processes/{id}/attachments, and the pages' forms): all of them, or
// none when one is refused or the item would carry more than
// MaxAttachments.
func (a *Actions) AddAttachments(ctx context.Context, u User, processID string, files []Upload) (List[store.Attachment], error) {
	p, err := a.attachableProcess(ctx, u, processID)
	if err != nil {
		return List[store.Attachment]{}, err
	}
	checked, err := checkUploads(files)
	if err != nil {
		return List[store.Attachment]{}, err
	}
	rows := make([]store.NewAttachment, 0, len(checked))
	for _, c := range checked {
		rows = append(rows, store.NewAttachment{Content: c.content, Attachment: store.Attachment{
			ID: uuid.NewString(), Filename: c.name, ContentType: c.contentType, SHA256: c.sha,
			UploaderID: u.ID, UploadedBy: u.DisplayName, Role: u.Role}})
	}
	added, err := a.store.AddAttachments(ctx, p.ID, MaxAttachments, rows)
	if errors.Is(err, store.ErrTooManyAttachments) {
		have, _ := a.store.Attachments(ctx, p.ID)
		err = fileErr(errs.Conflict, errs.MsgAttachTooMany, MaxAttachments, len(have), len(files))
	}
	return List[store.Attachment]{Items: added}, err
}

// MayAttach says whether u may add files to the process, before any file
// is read: the same check AddAttachments makes.
func (a *Actions) MayAttach(ctx context.Context, u User, processID string) error {
	_, err := a.attachableProcess(ctx, u, processID)
	return err
}

// Attachments lists a process's files for those who may see it
// (GET /processes/{id}/attachments); out of sight is 404.
func (a *Actions) Attachments(ctx context.Context, u User, processID string) (List[store.Attachment], error) {
	p, err := a.loadProcess(ctx, processID, "")
	if err == nil && !canSee(u, processTarget(p)) {
		err = store.ErrNotFound
	}
	if err != nil {
		return List[store.Attachment]{}, err
	}
	items, err := a.store.Attachments(ctx, p.ID)
	return List[store.Attachment]{Items: items}, err
}

// Attachment is one file with its bytes (GET /attachments/{id}), for
// those who may see its process; anyone else gets the 404 of a file that
// does not exist, so ids cannot be probed.
func (a *Actions) Attachment(ctx context.Context, u User, id string) (store.Attachment, []byte, error) {
	uid, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return store.Attachment{}, nil, store.ErrNotFound
	}
	att, content, err := a.store.AttachmentContent(ctx, uid)
	if err != nil {
		return att, nil, err
	}
	p, err := a.store.GetProcess(ctx, att.ProcessID)
	if err != nil {
		return att, nil, err
	}
	if !canSee(u, processTarget(p)) {
		return store.Attachment{}, nil, store.ErrNotFound
	}
	return att, content, nil
}
