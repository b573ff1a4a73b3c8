// Package upload is the HTTP side of attachments (附件) shared by the JSON
// API and the pages: reading the files of a multipart form within the
// limits, and answering a stored file so that it cannot run script in
// zhucun's origin. What is accepted, and who may read what, is the
// actions' (actions/attachments.go).
package upload

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhucun/actions"
	"zhucun/errs"
)

// Field is the form field that carries the files, in the API and the pages.
const Field = "file"

// inMemory is how much of a form is held in memory; larger files go to
// temporary files that RemoveAll deletes.
const inMemory = 1 << 20

// IsUpload reports whether r is a multipart POST, the only kind of
// request allowed a body of actions.MaxUploadBytes; every other keeps the
// server's small limit.
func IsUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// Allow gives an upload request its body limit and, as a phone on a slow
// line needs more than the server's read timeout for 25 MB, a longer read
// deadline (where the connection allows one).
func Allow(w http.ResponseWriter, r *http.Request, limit int64) {
	if !IsUpload(r) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(3 * time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, actions.MaxUploadBytes)
}

// Parse reads a multipart form: its fields into r.PostForm, its files
// (Field) returned; none is no error, for forms where files are optional.
// The caller defers r.MultipartForm.RemoveAll when it is not nil.
func Parse(r *http.Request) ([]actions.Upload, error) {
	if !IsUpload(r) {
		return nil, errs.New(errs.Unsupported, errs.MsgUnsupported)
	}
	if err := r.ParseMultipartForm(inMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errs.New(errs.TooLarge, errs.MsgBodyTooLarge, tooBig.Limit)
		}
		return nil, errs.New(errs.Invalid, errs.MsgAttachForm).WithDetail("multipart: %v", err)
	}
	var fhs = r.MultipartForm.File[Field]
	return actions.ReadUploads(fhs)
}

// Serve answers a stored file: the type read from its content when it was
// accepted, never guessed again by the browser (nosniff); images shown
// in place, a PDF downloaded; and a policy that, should a browser render
// it as a document anyway, lets it run nothing (sandbox).
func Serve(w http.ResponseWriter, name, contentType string, content []byte) {
	disposition := "attachment"
	if strings.HasPrefix(contentType, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'")
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(content)
}

// ServePDF answers a PDF zhucun drew itself (the leave form), as a
// download to print.
func ServePDF(w http.ResponseWriter, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
