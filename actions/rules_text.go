package actions

// A county's rules in Chinese words, the difference between two versions,
// and a preview of how a draft would route a sample leave: what offices
// read instead of JSON.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// RuleLine is one rule in words; Key stays the same across versions, so
// two versions' lines can be compared.
type RuleLine struct {
	Key     string
	Section string
	Text    string
}

// durText is a duration as people say it: "3天", "12小时".
func durText(d policy.Duration) string {
	t := d.D()
	if t > 0 && t%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d天", int(t/(24*time.Hour)))
	}
	if t%time.Hour == 0 {
		return fmt.Sprintf("%d小时", int(t/time.Hour))
	}
	return t.String()
}

func dursText(ds []policy.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = durText(d)
	}
	return strings.Join(parts, "、")
}

// RulesText is every rule of r in words, in the order of the articles.
func RulesText(r policy.Rules) []RuleLine {
	l, a, ro := r.Leave, r.Absence, r.Roster
	var out []RuleLine
	add := func(key, section, format string, args ...any) {
		out = append(out, RuleLine{Key: key, Section: section, Text: fmt.Sprintf(format, args...)})
	}
	const leave, absence, roster, days = "请销假（第十六条）", "离岗说明与月报（第十八条）", "人员变动备案（第十七条）", "期限"
	add("leave.township", leave, "请假%d天以内由%s批准，报%s备案", l.ThresholdDays, errs.RoleList(l.TownshipApprovers), errs.RoleList(l.FilingOffices))
	add("leave.joint", leave, "请假超过%d天需%s共同批准", l.ThresholdDays, errs.RoleList(l.JointApprovers))
	counting := "按日历天计算"
	if l.DayCounting == policy.CountWorking {
		counting = "按工作日计算，不含法定节假日和周末"
	}
	add("leave.counting", leave, "请假天数%s", counting)
	add("leave.max", leave, "一次请假最长%d天", l.MaxDays)
	for _, kind := range policy.LeaveKinds {
		if n := l.MaxDaysByKind[kind]; n > 0 {
			add("leave.max."+kind, leave, "%s最长%d天", errs.LeaveKindName(kind), n)
		}
	}
	add("leave.gap", leave, "与前后请假相隔不超过%d天的，合并计算天数", l.ConsecutiveGapDays)
	add("leave.sick_backdate", leave, "病假可在开始后%d天内补请；事假须事先请假", l.SickBackdateDays)
	add("leave.reminders", leave, "审批人未处理的，每%s提醒一次；%s仍未处理的，报上级督办", durText(l.ReminderEvery), durText(l.EscalateAfter))
	var esc []string
	for _, from := range sortedRoles(l.Escalation) {
		esc = append(esc, errs.RoleName(from)+"→"+errs.RoleName(l.Escalation[from]))
	}
	add("leave.escalation", leave, "督办：%s", strings.Join(esc, "；"))
	add("leave.filing_due", leave, "备案部门须在%s内确认备案", durText(l.FilingDue))
	add("leave.return", leave, "假期结束后%d天内销假", l.ReturnDueDays)
	add("leave.grace", leave, "开始日已过才提交的请假，审批期限为提交后%s", durText(l.ApprovalGrace))
	add("absence.cutoff", absence, "每月%d日以后发现的离岗计入下月", a.CycleCutoffDay)
	add("absence.due", absence, "情况说明签字和县级月报须在每月%d日前完成", a.DueDay)
	add("absence.remind", absence, "截止前%s提醒", dursText(a.RemindBefore))
	add("absence.min_days", absence, "离岗登记较晚的，至少留%d天写情况说明", a.ExplainMinDays)
	add("roster.filing", roster, "人员变动须在%d天内报%s备案", ro.FilingDays, errs.RoleList(ro.FilingOffices))
	add("roster.report", roster, "县乡村振兴局须在备案后%d天内将台账报市乡村振兴局", ro.ReportDays)
	add("roster.remind", roster, "截止前%s提醒", dursText(ro.RemindBefore))
	add("roster.size", roster, "工作队一般不少于%d人", ro.MinTeamSize)
	add("roster.term", roster, "队员任期一般不少于%d年", ro.MinTermYears)
	add("roster.backdate", roster, "生效日期早于登记日%d天以上的变动，由市级部门登记", ro.BackdateDays)
	obligationsText(r.Obligations, add)
	ac := r.Accountability
	const acct = "通报、约谈与召回（第十八条、第二十条）"
	add("accountability.interview_after", acct, "队员一年内离岗%s或情况说明缺失%s的，约谈其派出单位主要负责人",
		countText(ac.InterviewAfter.Absences, "次"), countText(ac.InterviewAfter.Missing, "次"))
	add("accountability.interview_within", acct, "约谈须在%d天内进行", ac.InterviewWithinDays)
	add("accountability.replace_within", acct, "召回队员后%d天内补充队员", ac.ReplaceWithinDays)
	add("accountability.circulation", acct, "月度通报起草后%d天内由市乡村振兴局审核印发；截止前%s提醒", ac.CirculationDays, dursText(ac.RemindBefore))
	skip := "期限最后一天遇法定节假日的，顺延至下一个工作日"
	if !r.PeriodsSkipRestDays {
		skip = "期限遇法定节假日不顺延"
	}
	add("periods.skip", days, "%s", skip)
	out = append(out, presenceText(r.Presence)...)
	return out
}

// countText is a threshold as people say it: "达2次", or "不计" for 0 (never).
func countText(n int, unit string) string {
	if n <= 0 {
		return "（不计）"
	}
	return fmt.Sprintf("达%d%s", n, unit)
}

func sortedRoles(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// RuleChange is one rule that differs between two versions; Old or New is
// "" for a rule only one of them has.
type RuleChange struct {
	Section string
	Old     string
	New     string
}

// RulesDiff is what changed from old to new, in new's order (then the
// rules old alone had).
func RulesDiff(old, new policy.Rules) []RuleChange {
	before := map[string]RuleLine{}
	for _, l := range RulesText(old) {
		before[l.Key] = l
	}
	var out []RuleChange
	for _, l := range RulesText(new) {
		o, had := before[l.Key]
		delete(before, l.Key)
		if !had || o.Text != l.Text {
			out = append(out, RuleChange{Section: l.Section, Old: o.Text, New: l.Text})
		}
	}
	for _, l := range RulesText(old) {
		if _, left := before[l.Key]; left {
			out = append(out, RuleChange{Section: l.Section, Old: l.Text})
		}
	}
	return out
}

// PreviewRequest is a draft of a county's rules and a sample leave.
type PreviewRequest struct {
	Scope string
	Rules policy.Rules
	Kind  string
	Start string
	End   string
}

// RoutePreview is how one set of rules routes the sample leave; Error is
// the refusal (too long...) when it would not take it.
type RoutePreview struct {
	Version string
	Route   workflows.Route
	Error   string
}

// RulesPreview compares the rules in force with the draft on the sample.
type RulesPreview struct {
	Current RoutePreview
	Draft   RoutePreview
	Changed bool
	Diff    []RuleChange
}

// PreviewRules routes a sample leave under the rules in force and under a
// draft, for the city offices editing a county's rules. The draft is
// checked as PutPolicy checks it; nothing is stored.
func (a *Actions) PreviewRules(ctx context.Context, u User, req PreviewRequest) (RulesPreview, error) {
	cur, err := a.Policy(ctx, u, req.Scope)
	if err != nil {
		return RulesPreview{}, err
	}
	if !isCityOffice(u) {
		return RulesPreview{}, errs.New(errs.Forbidden, errs.MsgPolicyCityOnly)
	}
	f := errs.Fields{}
	f.Check(slices.Contains(policy.LeaveKinds, req.Kind), "kind", errs.MsgPreviewKind)
	start, serr := policy.ParseDate(req.Start)
	f.Check(serr == nil, "start_date", errs.MsgDate)
	end, eerr := policy.ParseDate(req.End)
	f.Check(eerr == nil, "end_date", errs.MsgDate)
	f.Check(serr != nil || eerr != nil || !end.Before(start), "end_date", errs.MsgEndBeforeStart)
	if err := f.Err(); err != nil {
		return RulesPreview{}, err
	}
	if err := checkRules(req.Rules); err != nil {
		return RulesPreview{}, err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return RulesPreview{}, err
	}
	route := func(r policy.LeaveRules, version string) RoutePreview {
		rt, err := LeaveRouteFor(r, cal, store.MemberContext{}, req.Kind, start, end, nil)
		p := RoutePreview{Version: version, Route: rt}
		if e, ok := errs.As(err); ok {
			p.Error = e.Message
			for _, m := range e.Fields {
				p.Error = m
			}
		} else if err != nil {
			return RoutePreview{Version: version, Error: err.Error()}
		}
		return p
	}
	out := RulesPreview{Current: route(cur.Rules.Leave, cur.Ref()), Draft: route(req.Rules.Leave, "草稿"),
		Diff: RulesDiff(cur.Rules, req.Rules)}
	out.Changed = out.Current.Route.Route != out.Draft.Route.Route || out.Current.Error != out.Draft.Error
	return out, nil
}

// CountyRules is one county's rules in force, in words.
type CountyRules struct {
	County store.County
	Policy policy.Policy
	Lines  []RuleLine
}

// RulesOverview is every county's rules in force, for the offices and
// unit heads (as Policy).
func (a *Actions) RulesOverview(ctx context.Context, u User) ([]CountyRules, error) {
	if err := a.policyScope(ctx, u, policy.CityScope); err != nil {
		return nil, err
	}
	counties, err := a.store.ListCounties(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]CountyRules, 0, len(counties))
	for _, c := range counties {
		p, err := a.store.CurrentPolicy(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, CountyRules{County: c, Policy: p, Lines: RulesText(p.Rules)})
	}
	return out, nil
}

// RulesDraft is the rules in force a city office starts a new version
// from; others may read them (Policy) but not edit.
func (a *Actions) RulesDraft(ctx context.Context, u User, scope string) (policy.Policy, error) {
	p, err := a.Policy(ctx, u, scope)
	if err == nil && !isCityOffice(u) {
		err = errs.New(errs.Forbidden, errs.MsgPolicyCityOnly)
	}
	return p, err
}
