package web

// Attachments (附件) on the pages: the file input of the leave form, the
// explanation form and the leave's own page posts multipart (it works
// without JavaScript); each item page lists its files with links; a file
// is read through the same action as the API's, so what its reader may
// not see is a 404. The leave's printable form (请假审批表) too.

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/internal/upload"
	"zhucun/store"
)

func (p *Pages) attachmentRoutes(r chi.Router) {
	r.Get("/attachments/{id}", p.handle(p.attachment))                           // Attachment
	r.Post("/leaves/{id}/attachments", p.handle(p.addAttachments("leaves")))     // AddAttachments
	r.Post("/absences/{id}/attachments", p.handle(p.addAttachments("absences"))) // AddAttachments
	r.Get("/leaves/{id}/form.pdf", p.handle(p.leaveFormPDF))                     // LeaveForm
}

// parseForm reads a form posted either way: url-encoded, or multipart
// with files (its field "file"), which come back read.
func parseForm(r *http.Request) ([]actions.Upload, error) {
	if !upload.IsUpload(r) {
		return nil, r.ParseForm()
	}
	files, err := upload.Parse(r)
	if err != nil {
		return nil, formFileErr(err)
	}
	var chosen []actions.Upload
	for _, f := range files {
		// A file input left empty still posts one part with no name
		// and nothing in it.
		if f.Filename != "" || len(f.Content) > 0 {
			chosen = append(chosen, f)
		}
	}
	return chosen, nil
}

// formFileErr turns a refused file (415, 413, 409) into the form's 400 so
// that the form shows again with the message beside its file input.
func formFileErr(err error) error {
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Invalid {
		return err
	}
	if msg, ok := e.Fields[upload.Field]; ok {
		return &errs.Error{Code: errs.Invalid, Message: e.Message, Fields: map[string]string{upload.Field: msg}, Key: e.Key}
	}
	if e.Code == errs.TooLarge {
		return &errs.Error{Code: errs.Invalid, Message: e.Message, Fields: map[string]string{upload.Field: e.Message}, Key: e.Key}
	}
	return err
}

// checkFiles is CheckUploads as a form's error, nil for no files.
func checkFiles(files []actions.Upload) error {
	if len(files) == 0 {
		return nil
	}
	return formFileErr(actions.CheckUploads(files))
}

// attachFiles keeps files checked before on a process just created or
// stepped on; a failure now (the limit reached meanwhile) is said in the
// notice, the step itself being done.
func (p *Pages) attachFiles(r *http.Request, processID string, files []actions.Upload, flash string) string {
	if len(files) == 0 {
		return flash
	}
	if _, err := p.act.AddAttachments(r.Context(), mustUser(r), processID, files); err != nil {
		e, _ := actions.Explain(err)
		return flash + "；" + e.Message
	}
	return flash + "；" + errs.Text(errs.MsgFlashAttached, len(files))
}

// addAttachments is POST /leaves/{id}/attachments (and absences'): more
// files for an item, back to its page.
func (p *Pages) addAttachments(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := chi.URLParam(r, "id")
		files, err := parseForm(r)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if err == nil {
			_, err = p.act.AddAttachments(r.Context(), mustUser(r), id, files)
		}
		if err != nil {
			e, _ := actions.Explain(formFileErr(err))
			if e.Code != errs.Invalid && e.Code != errs.Conflict {
				return unseen(err)
			}
			return redirect(w, r, "/"+kind+"/"+id, e.Message)
		}
		return redirect(w, r, "/"+kind+"/"+id, errs.Text(errs.MsgFlashAttached, len(files)))
	}
}

// attachment is GET /attachments/{id}: the file, for those who may see
// its item.
func (p *Pages) attachment(w http.ResponseWriter, r *http.Request) error {
	a, content, err := p.act.Attachment(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	upload.Serve(w, a.Filename, a.ContentType, content)
	return nil
}

// leaveFormPDF is GET /leaves/{id}/form.pdf from the leave's page.
func (p *Pages) leaveFormPDF(w http.ResponseWriter, r *http.Request) error {
	b, err := p.act.LeaveForm(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	upload.ServePDF(w, "请假审批表.pdf", b)
	return nil
}

// attachmentsOf lists an item's files for its page; a failure is logged
// and shows as none, the page itself being more use than its list.
func (p *Pages) attachmentsOf(r *http.Request, processID string) []store.Attachment {
	l, err := p.act.Attachments(r.Context(), mustUser(r), processID)
	if err != nil {
		p.log.Warn("attachments not listed", zapErr(err))
	}
	return l.Items
}

// kb is a file's size as people read it.
func kb(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}
