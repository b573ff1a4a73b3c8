package web

// The import page: upload the 台账 workbook, read the dry run's report,
// confirm, download the accounts sheet with the one-time passwords.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/orgimport"
	"zhucun/policy"
)

// importView is the import page's data: the report of an upload, if one
// was made, and whether it was imported.
type importView struct {
	Report  *actions.ImportReport
	Applied bool
	Opens   int
}

func (p *Pages) importPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	if u.Role != policy.RoleAdmin && u.Role != policy.RoleCityBureau {
		return errs.New(errs.Forbidden, errs.MsgImportRecorders)
	}
	p.render(w, r, http.StatusOK, "admin_import", page{Title: "导入台账", Nav: "import", Data: importView{}})
	return nil
}

func (p *Pages) uploadImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, orgimport.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return p.importFormError(w, r, errs.Field("file", errs.MsgImportFile,
			fmt.Sprintf("请选择不超过 %d MB 的 .xlsx 文件", orgimport.MaxUpload>>20)))
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return p.importFormError(w, r, errs.Field("file", errs.MsgImportFile, "请选择要上传的台账文件"))
	}
	defer file.Close()
	rep, err := p.act.CheckImportUpload(r.Context(), mustUser(r), filepath.Base(hdr.Filename), file)
	if err != nil {
		return p.importFormError(w, r, err)
	}
	return redirect(w, r, "/admin/import/"+url.PathEscape(rep.ID), "")
}

// importFormError shows the upload form again with the file's problem.
func (p *Pages) importFormError(w http.ResponseWriter, r *http.Request, err error) error {
	pg := page{Title: "导入台账", Nav: "import", Data: importView{}}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		return err
	}
	pg.Errors = e.Fields
	p.render(w, r, http.StatusBadRequest, "admin_import", pg)
	return nil
}

func (p *Pages) importReport(w http.ResponseWriter, r *http.Request) error {
	rep, applied, err := p.act.ImportUploadReport(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	v := importView{Report: &rep, Applied: applied}
	for _, c := range rep.Changes {
		if !c.Deferred {
			v.Opens++
		}
	}
	p.render(w, r, http.StatusOK, "admin_import", page{Title: "导入台账", Nav: "import", Data: v})
	return nil
}

func (p *Pages) confirmImport(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if _, err := p.act.ConfirmImport(r.Context(), mustUser(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/admin/import/"+url.PathEscape(id), errs.Text(errs.MsgImportApplied))
}

// importAccounts is the accounts sheet: each account of the import not
// handed out yet, with its one-time password, once.
func (p *Pages) importAccounts(w http.ResponseWriter, r *http.Request) error {
	accounts, err := p.act.IssueImportAccounts(r.Context(), mustUser(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := orgimport.WriteAccounts(&buf, accounts); err != nil {
		return err
	}
	name := "账号-" + time.Now().In(policy.China).Format("20060102-1504") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="accounts.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	_, err = buf.WriteTo(w)
	return err
}
