package server

// Attachments (附件) and the printable leave form (请假审批表), issue 20:
// files are uploaded to the process they are evidence for, listed with
// it, and read one by one; the form is a PDF.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/internal/upload"
)

func (s *Server) attachmentRoutes(r chi.Router) {
	r.Post("/processes/{id}/attachments", s.handle(s.addAttachments))
	r.Get("/processes/{id}/attachments", s.handle(get(s.act.Attachments)))
	r.Get("/attachments/{id}", s.handle(s.attachment))
	r.Get("/leaves/{id}/form.pdf", s.handle(s.leaveForm))
}

// addAttachments is POST /processes/{id}/attachments: a multipart form
// with one or more "file" parts, answered 201 with those kept.
func (s *Server) addAttachments(w http.ResponseWriter, r *http.Request) error {
	// Who may attach is settled before the body is read: a caller who may
	// not gets 403/404, never a verdict on files nobody will keep.
	if err := s.act.MayAttach(r.Context(), userOf(r), chi.URLParam(r, "id")); err != nil {
		return err
	}
	files, err := upload.Parse(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		return err
	}
	added, err := s.act.AddAttachments(r.Context(), userOf(r), chi.URLParam(r, "id"), files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, added)
}

// attachment is GET /attachments/{id}: the file itself.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) error {
	a, content, err := s.act.Attachment(r.Context(), userOf(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	upload.Serve(w, a.Filename, a.ContentType, content)
	return nil
}

// leaveForm is GET /leaves/{id}/form.pdf, a download to print.
func (s *Server) leaveForm(w http.ResponseWriter, r *http.Request) error {
	b, err := s.act.LeaveForm(r.Context(), userOf(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	upload.ServePDF(w, "请假审批表.pdf", b)
	return nil
}
