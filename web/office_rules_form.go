package web

// The rules form: every editable rule as a field named by its JSON path
// ("leave.threshold_days"), read into a copy of the rules in force, so a
// rule the form does not show (the escalation chain) is kept as it is.

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhucun/errs"
	"zhucun/policy"
)

// ruleField is one field of the form, bound to its place in a Rules.
type ruleField struct {
	Name, Label, Hint, Kind string // Kind: int, hours, days, roles, counting, bool
	Section                 string
	Roles                   []string
	ip                      *int
	dp                      *policy.Duration
	lp                      *[]policy.Duration
	sp                      *[]string
	cp                      *string
	bp                      *bool
}

var (
	townshipRoles = []string{policy.RoleTownshipCommittee, policy.RoleCountyOrgDept, policy.RoleCountyBureau, policy.RoleUnitHead}
	jointRoles    = []string{policy.RoleUnitHead, policy.RoleTownshipCommittee, policy.RoleCountyOrgDept,
		policy.RoleCountyBureau, policy.RoleCityOrgDept, policy.RoleCityBureau}
	filingRoles = []string{policy.RoleCountyOrgDept, policy.RoleCountyBureau}
)

// ruleFields binds the form to r; r's maps are copied first, so the
// rules r came from are not changed through it.
func ruleFields(r *policy.Rules) []ruleField {
	r.Leave.MaxDaysByKind = maps.Clone(r.Leave.MaxDaysByKind)
	if r.Leave.MaxDaysByKind == nil {
		r.Leave.MaxDaysByKind = map[string]int{}
	}
	personal, sick := r.Leave.MaxDaysByKind[policy.KindPersonal], r.Leave.MaxDaysByKind[policy.KindSick]
	l, a, ro := &r.Leave, &r.Absence, &r.Roster
	const lv, ab, rs, pd = "请销假（第十六条）", "离岗说明与月报（第十八条）", "人员变动备案（第十七条）", "期限"
	const ac = "通报、约谈与召回（第十八条、第二十条）"
	fs := []ruleField{
		{Name: "leave.threshold_days", Label: "乡镇审批的最长天数", Hint: "不超过此天数由乡镇批准；超过则需共同批准", Kind: "int", Section: lv, ip: &l.ThresholdDays},
		{Name: "leave.max_days", Label: "一次请假最长天数", Kind: "int", Section: lv, ip: &l.MaxDays},
		{Name: "leave.max_days_by_kind.personal", Label: "事假最长天数", Hint: "0 为不单独限制", Kind: "int", Section: lv, ip: &personal},
		{Name: "leave.max_days_by_kind.sick", Label: "病假最长天数", Hint: "0 为不单独限制", Kind: "int", Section: lv, ip: &sick},
		{Name: "leave.day_counting", Label: "天数计算", Kind: "counting", Section: lv, cp: &l.DayCounting},
		{Name: "leave.township_approvers", Label: "乡镇审批", Kind: "roles", Roles: townshipRoles, Section: lv, sp: &l.TownshipApprovers},
		{Name: "leave.joint_approvers", Label: "共同审批", Kind: "roles", Roles: jointRoles, Section: lv, sp: &l.JointApprovers},
		{Name: "leave.filing_offices", Label: "请假备案部门", Kind: "roles", Roles: filingRoles, Section: lv, sp: &l.FilingOffices},
		{Name: "leave.reminder_every", Label: "审批提醒间隔（小时）", Kind: "hours", Section: lv, dp: &l.ReminderEvery},
		{Name: "leave.escalate_after", Label: "未处理多久报上级督办（小时）", Kind: "hours", Section: lv, dp: &l.EscalateAfter},
		{Name: "leave.filing_due", Label: "备案确认期限（小时）", Kind: "hours", Section: lv, dp: &l.FilingDue},
		{Name: "leave.return_due_days", Label: "假期结束后几天内销假", Kind: "int", Section: lv, ip: &l.ReturnDueDays},
		{Name: "leave.sick_backdate_days", Label: "病假可补请的天数", Kind: "int", Section: lv, ip: &l.SickBackdateDays},
		{Name: "leave.approval_grace", Label: "补请的审批宽限（小时）", Kind: "hours", Section: lv, dp: &l.ApprovalGrace},
		{Name: "leave.consecutive_gap_days", Label: "合并计算的间隔天数", Kind: "int", Section: lv, ip: &l.ConsecutiveGapDays},
		{Name: "absence.cycle_cutoff_day", Label: "月报周期截止日", Hint: "此日以后发现的离岗计入下月", Kind: "int", Section: ab, ip: &a.CycleCutoffDay},
		{Name: "absence.due_day", Label: "说明和月报在每月几日前完成", Kind: "int", Section: ab, ip: &a.DueDay},
		{Name: "absence.remind_before", Label: "截止前几天提醒", Hint: "用逗号隔开，如 5,2,1", Kind: "days", Section: ab, lp: &a.RemindBefore},
		{Name: "absence.explain_min_days", Label: "登记较晚时至少留几天写说明", Kind: "int", Section: ab, ip: &a.ExplainMinDays},
		{Name: "roster.filing_days", Label: "变动后几天内备案", Kind: "int", Section: rs, ip: &ro.FilingDays},
		{Name: "roster.report_days", Label: "备案后几天内报市", Kind: "int", Section: rs, ip: &ro.ReportDays},
		{Name: "roster.filing_offices", Label: "变动备案部门", Kind: "roles", Roles: filingRoles, Section: rs, sp: &ro.FilingOffices},
		{Name: "roster.remind_before", Label: "截止前几天提醒", Hint: "用逗号隔开，如 2,1", Kind: "days", Section: rs, lp: &ro.RemindBefore},
		{Name: "roster.min_team_size", Label: "工作队最少人数", Kind: "int", Section: rs, ip: &ro.MinTeamSize},
		{Name: "roster.min_term_years", Label: "最短任期（年）", Kind: "int", Section: rs, ip: &ro.MinTermYears},
		{Name: "roster.backdate_days", Label: "生效日期最多早于登记日几天", Hint: "更早的由市级部门登记", Kind: "int", Section: rs, ip: &ro.BackdateDays},
		{Name: "accountability.interview_after.absences", Label: "一年离岗几次约谈", Hint: "0 为不因此约谈", Kind: "int", Section: ac, ip: &r.Accountability.InterviewAfter.Absences},
		{Name: "accountability.interview_after.missing", Label: "一年缺几次说明约谈", Hint: "0 为不因此约谈", Kind: "int", Section: ac, ip: &r.Accountability.InterviewAfter.Missing},
		{Name: "accountability.interview_within_days", Label: "几天内约谈", Kind: "int", Section: ac, ip: &r.Accountability.InterviewWithinDays},
		{Name: "accountability.replace_within_days", Label: "召回后几天内补充队员", Kind: "int", Section: ac, ip: &r.Accountability.ReplaceWithinDays},
		{Name: "accountability.circulation_days", Label: "通报起草后几天内印发", Kind: "int", Section: ac, ip: &r.Accountability.CirculationDays},
		{Name: "accountability.remind_before", Label: "约谈、补员、通报截止前几天提醒", Hint: "用逗号隔开，如 3,1", Kind: "days", Section: ac, lp: &r.Accountability.RemindBefore},
		{Name: "periods_skip_rest_days", Label: "期限最后一天遇节假日顺延", Kind: "bool", Section: pd, bp: &r.PeriodsSkipRestDays},
	}
	return fs
}

// value is the field's value as the form shows it.
func (f ruleField) value() []string {
	switch f.Kind {
	case "int":
		return []string{strconv.Itoa(*f.ip)}
	case "hours":
		return []string{strconv.Itoa(int(f.dp.D() / time.Hour))}
	case "days":
		parts := make([]string, len(*f.lp))
		for i, d := range *f.lp {
			parts[i] = strconv.Itoa(int(d.D() / (24 * time.Hour)))
		}
		return []string{strings.Join(parts, ",")}
	case "roles":
		return slices.Clone(*f.sp)
	case "counting":
		return []string{*f.cp}
	case "bool":
		if *f.bp {
			return []string{"yes"}
		}
		return nil
	}
	return nil
}

// rulesValues is r as the form's values.
func rulesValues(r policy.Rules) url.Values {
	v := url.Values{}
	for _, f := range ruleFields(&r) {
		v[f.Name] = f.value()
	}
	return v
}

// readRules reads the form into a copy of base; a value that is not a
// number is said beside its field (field → message) and the field keeps
// base's value, so the draft still validates the rest.
func readRules(base policy.Rules, form url.Values) (policy.Rules, map[string]string) {
	r := base
	fs := ruleFields(&r)
	bad := map[string]string{}
	for _, f := range fs {
		raw := strings.TrimSpace(form.Get(f.Name))
		switch f.Kind {
		case "int", "hours":
			n, err := strconv.Atoi(raw)
			if err != nil {
				bad[f.Name] = errs.Text(errs.MsgRuleInteger)
				continue
			}
			if f.Kind == "int" {
				*f.ip = n
			} else {
				*f.dp = policy.Duration(time.Duration(n) * time.Hour)
			}
		case "days":
			var ds []policy.Duration
			for _, part := range strings.FieldsFunc(raw, func(c rune) bool { return c == ',' || c == '，' || c == ' ' || c == '、' }) {
				n, err := strconv.Atoi(part)
				if err != nil {
					bad[f.Name] = errs.Text(errs.MsgRuleList)
					break
				}
				ds = append(ds, policy.Duration(time.Duration(n)*24*time.Hour))
			}
			if bad[f.Name] == "" {
				*f.lp = ds
			}
		case "roles":
			*f.sp = slices.Clone(form[f.Name])
		case "counting":
			*f.cp = raw
		case "bool":
			*f.bp = raw == "yes"
		}
	}
	// The kinds' limits went to locals: put them back, 0 as no entry.
	for _, f := range fs {
		if kind, ok := strings.CutPrefix(f.Name, "leave.max_days_by_kind."); ok {
			if *f.ip == 0 {
				delete(r.Leave.MaxDaysByKind, kind)
			} else {
				r.Leave.MaxDaysByKind[kind] = *f.ip
			}
		}
	}
	return r, bad
}
