package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/workflows"
)

// views are the page templates: layout.html and the partials (_*.html)
// around each page's own file.
type views struct {
	pages map[string]*template.Template
}

// page is what every template gets: who is looking, the page's own data,
// and for a form, what was typed and what is wrong with it.
type page struct {
	Title   string
	User    *actions.Me
	Waiting int    // items waiting on the user: the badge in the header
	Flash   string // a one-time notice after a redirect
	Nav     string // the header link to mark as current
	Styles  []string
	Data    any
	Form    url.Values        // what was typed, to show again
	Errors  map[string]string // field → Chinese message, beside the field
	Error   string            // a message for the whole form
	Now     time.Time
}

// Field is what was typed in a form field.
func (p page) Field(name string) string { return p.Form.Get(name) }

// FieldError is the message beside a field, "" when it is fine.
func (p page) FieldError(name string) string { return p.Errors[name] }

func parseViews(as *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset":      as.url,
		"when":       when,
		"status":     errs.StatusName,
		"role":       errs.RoleName,
		"steptitle":  workflows.StepTitle,
		"kindtitle":  kindTitle,
		"late":       late,
		"join":       strings.Join,
		"dict":       dict,
		"processURL": processURL,
		"kb":         kb,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	vs := &views{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, n)
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		vs.pages[name] = t
	}
	return vs, nil
}

// render writes a page with status. It renders into a buffer first, so a
// template that fails is a clean 500, not half a page.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	t, ok := p.views.pages[name]
	if !ok {
		p.log.Error("no such page template: " + name)
		http.Error(w, errs.Text(errs.MsgInternal), http.StatusInternalServerError)
		return
	}
	if u, ok := userOf(r); ok && pg.User == nil {
		me := actions.MeOf(u)
		pg.User = &me
		pg.Waiting = p.waiting(r, u)
	}
	if pg.Flash == "" {
		pg.Flash = takeFlash(w, r)
	}
	pg.Styles = p.assets.styles
	pg.Now = p.now()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", pg); err != nil {
		p.log.Error("render "+name, zapErr(err))
		http.Error(w, errs.Text(errs.MsgInternal), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// waiting counts what waits on the user, for the header's badge.
func (p *Pages) waiting(r *http.Request, u actions.User) int {
	l, err := p.act.Inbox(r.Context(), u, nil)
	if err != nil {
		return 0
	}
	return len(l.Items)
}

// when shows an instant in China time as people write it.
func when(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return fmt.Sprint(v)
	}
	return t.In(policy.China).Format("2006-01-02 15:04")
}

// late says how long past due an instant is ("逾期 2 天 3 小时"), "" when
// not yet due.
func late(due any, now time.Time) string {
	var t time.Time
	switch x := due.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return ""
	}
	d := now.Sub(t)
	if d <= 0 {
		return ""
	}
	days, hours := int(d.Hours())/24, int(d.Hours())%24
	if days > 0 {
		return fmt.Sprintf("逾期 %d 天 %d 小时", days, hours)
	}
	return fmt.Sprintf("逾期 %d 小时", max(hours, 1))
}

func kindTitle(kind string) string {
	if k, ok := workflows.KindByName(kind); ok {
		return k.Title
	}
	return kind
}

// dict builds a map for a partial template from key, value pairs.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// processURL is the page of a process.
func processURL(kind, id string) string {
	switch kind {
	case workflows.KindLeave:
		return "/leaves/" + id
	case workflows.KindAbsence:
		return "/absences/" + id
	case workflows.KindRosterChange:
		return "/roster-changes/" + id
	case workflows.KindTrip:
		return "/trips/" + id
	case workflows.KindPresenceStatement:
		return "/presence-statements/" + id
	case workflows.KindAssessment:
		return "/assessments/" + id
	}
	return "/processes/" + id
}
