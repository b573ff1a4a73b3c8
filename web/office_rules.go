package web

// 规则: every county's rules in force in words, a county's versions and
// what changed between two of them, and the city offices' form to write
// a new version, with a preview of how the draft routes a sample leave.

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
)

func (p *Pages) rulesPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := p.act.RulesOverview(r.Context(), mustUser(r))
	if err != nil {
		return err
	}
	pg := page{Title: "各县规则", Nav: "rules", Data: rows}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_rules", pg)
	return nil
}

// countyRulesData is a county's rules page.
type countyRulesData struct {
	County   string
	Current  policy.Policy
	Lines    []actions.RuleLine
	Versions []policy.Policy
	From, To *policy.Policy // the versions compared
	Diff     []actions.RuleChange
	CanEdit  bool
}

func (p *Pages) countyRulesPage(w http.ResponseWriter, r *http.Request) error {
	county := chi.URLParam(r, "county")
	u := mustUser(r)
	cur, err := p.act.Policy(r.Context(), u, county)
	if err != nil {
		return err
	}
	vs, err := p.act.PolicyVersions(r.Context(), u, county)
	if err != nil {
		return err
	}
	d := countyRulesData{County: county, Current: cur, Lines: actions.RulesText(cur.Rules), Versions: vs.Items}
	_, derr := p.act.RulesDraft(r.Context(), u, county)
	d.CanEdit = derr == nil
	d.From, d.To = pickVersions(vs.Items, r.URL.Query())
	if d.From != nil && d.To != nil {
		d.Diff = actions.RulesDiff(d.From.Rules, d.To.Rules)
	}
	pg := page{Title: p.countyName(r, county) + "规则", Nav: "rules", Data: d}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_rules_county", pg)
	return nil
}

// pickVersions are the versions ?from=&to= name (?to= alone: with the
// one before it), by default the one before the newest and the newest
// (versions come newest first).
func pickVersions(vs []policy.Policy, q url.Values) (from, to *policy.Policy) {
	find := func(s string) *policy.Policy {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil
		}
		i := slices.IndexFunc(vs, func(p policy.Policy) bool { return p.Version == n })
		if i < 0 {
			return nil
		}
		return &vs[i]
	}
	from, to = find(q.Get("from")), find(q.Get("to"))
	if from == nil && to != nil {
		// ?to= alone: compared with the version before it.
		if i := slices.IndexFunc(vs, func(p policy.Policy) bool { return p.Version < to.Version }); i >= 0 {
			from = &vs[i]
		}
	}
	if from == nil && to == nil && len(vs) >= 2 {
		from, to = &vs[1], &vs[0]
	}
	return from, to
}

// rulesFormData is the edit form: its fields by section, and a preview.
type rulesFormData struct {
	County   string
	Current  policy.Policy
	Sections []ruleSection
	Preview  *actions.RulesPreview
	Problems []string // every field's message, named, above the form
}

type ruleSection struct {
	Title  string
	Fields []ruleFieldView
}

type ruleFieldView struct {
	Name, Label, Hint, Kind, Value, Error string
	Options                               []ruleOption
}

type ruleOption struct {
	Value, Label string
	Checked      bool
}

func (p *Pages) rulesForm(w http.ResponseWriter, r *http.Request) error {
	county := chi.URLParam(r, "county")
	cur, err := p.act.RulesDraft(r.Context(), mustUser(r), county)
	if err != nil {
		return err
	}
	pg := page{Title: "修改" + p.countyName(r, county) + "规则", Nav: "rules", Form: rulesValues(cur.Rules)}
	today := policy.DayOf(p.now())
	pg.Form.Set("sample_kind", policy.KindPersonal)
	pg.Form.Set("sample_start", policy.FormatDate(policy.AddDays(today, 14)))
	pg.Form.Set("sample_end", policy.FormatDate(policy.AddDays(today, 21)))
	p.renderRulesForm(w, r, pg, county, cur, nil)
	return nil
}

func (p *Pages) renderRulesForm(w http.ResponseWriter, r *http.Request, pg page, county string, cur policy.Policy, pv *actions.RulesPreview) {
	d := rulesFormData{County: county, Current: cur, Preview: pv}
	scratch := cur.Rules
	for _, f := range ruleFields(&scratch) {
		v := ruleFieldView{Name: f.Name, Label: f.Label, Hint: f.Hint, Kind: f.Kind, Value: pg.Form.Get(f.Name)}
		if msg := pg.Errors[f.Name]; msg != "" {
			v.Error = errs.Text(errs.MsgRuleNamed, f.Label, msg)
			d.Problems = append(d.Problems, v.Error)
		}
		switch f.Kind {
		case "roles":
			for _, role := range f.Roles {
				v.Options = append(v.Options, ruleOption{Value: role, Label: errs.RoleName(role), Checked: slices.Contains(pg.Form[f.Name], role)})
			}
		case "counting":
			v.Options = []ruleOption{{Value: policy.CountCalendar, Label: "日历天"}, {Value: policy.CountWorking, Label: "工作日（不含节假日和周末）"}}
		}
		if n := len(d.Sections); n == 0 || d.Sections[n-1].Title != f.Section {
			d.Sections = append(d.Sections, ruleSection{Title: f.Section})
		}
		s := &d.Sections[len(d.Sections)-1]
		s.Fields = append(s.Fields, v)
	}
	for _, name := range slices.Sorted(maps.Keys(pg.Errors)) {
		if !slices.ContainsFunc(ruleFields(&scratch), func(f ruleField) bool { return f.Name == name }) {
			label := sampleLabels[name]
			if label == "" {
				label = name
			}
			d.Problems = append(d.Problems, errs.Text(errs.MsgRuleNamed, label, pg.Errors[name]))
		}
	}
	if len(d.Problems) > 0 {
		pg.Error = errs.Text(errs.MsgRulesFormProblems, len(d.Problems))
	}
	pg.Data = d
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_rules_edit", pg)
}

var sampleLabels = map[string]string{"sample_kind": "示例请假的类别", "sample_start": "示例请假的开始日期", "sample_end": "示例请假的结束日期"}

// saveRules previews the draft (the 预览 button) or stores it as a new
// version (保存); either way a field that is wrong is said beside it and
// everything typed is kept.
func (p *Pages) saveRules(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	county := chi.URLParam(r, "county")
	u := mustUser(r)
	cur, err := p.act.RulesDraft(r.Context(), u, county)
	if err != nil {
		return err
	}
	f := r.PostForm
	draft, bad := readRules(cur.Rules, f)
	pg := page{Title: "修改" + p.countyName(r, county) + "规则", Nav: "rules", Form: f, Errors: map[string]string{}}
	pv, err := p.act.PreviewRules(r.Context(), u, actions.PreviewRequest{Scope: county, Rules: draft,
		Kind: f.Get("sample_kind"), Start: f.Get("sample_start"), End: f.Get("sample_end")})
	if err == nil && len(bad) == 0 && f.Get("do") == "save" {
		saved, err := p.act.PutPolicy(r.Context(), u, actions.PolicyRequest{Scope: county, Rules: draft})
		if err == nil {
			return redirect(w, r, "/rules/"+url.PathEscape(county), errs.Text(errs.MsgRulesSavedFlash, p.countyName(r, county), saved.Version))
		}
		if e, ok := errs.As(err); !ok || e.Code != errs.Invalid {
			return err
		}
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		for k, v := range e.Fields {
			k = strings.TrimPrefix(k, "rules.")
			if s, ok := strings.CutPrefix(k, "leave.escalation"); ok && s != "" {
				k = "leave.escalation"
			}
			switch k {
			case "kind", "start_date", "end_date":
				k = "sample_" + strings.TrimSuffix(k, "_date")
			}
			pg.Errors[k] = v
		}
		err = nil
	}
	if err != nil {
		return err
	}
	for k, v := range bad {
		pg.Errors[k] = v
	}
	var shown *actions.RulesPreview
	if len(pg.Errors) == 0 {
		shown = &pv
	}
	p.renderRulesForm(w, r, pg, county, cur, shown)
	return nil
}

// countyName is a county's name for a title, its id if it has none.
func (p *Pages) countyName(r *http.Request, county string) string {
	rows, err := p.act.RulesOverview(r.Context(), mustUser(r))
	if err == nil {
		for _, c := range rows {
			if c.County.ID == county {
				return c.County.Name
			}
		}
	}
	return county
}
