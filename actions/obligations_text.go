package actions

import (
	"strings"

	"zhucun/errs"
	"zhucun/policy"
)

// obligationsText is the yearly duties' rules in words (articles 11, 19, 23).
func obligationsText(o policy.ObligationRules, add func(key, section, format string, args ...any)) {
	const training, assess, support = "教育培训（第十一条）", "年度考核（第十九条）", "派出单位支持（第二十三条）"
	add("obligations.training", training, "每年%s前至少参加一次%s及以上组织的培训，每次不少于%d天",
		md(o.TrainingDue), errs.TrainingLevelName(o.TrainingMinLevel), o.TrainingMinDays)
	add("obligations.training_remind", training, "%s起提醒尚未参训的队员和县乡村振兴局，截止前%s再提醒",
		md(o.TrainingRemindFrom), dursText(o.RemindBefore))
	add("obligations.assessment", assess, "派出单位负责人须在每年%s前登记队员年度考核结果，县乡村振兴局在%d天内确认收到",
		md(o.AssessmentDue), o.AssessmentAckDays)
	if len(o.HearingDue) == 2 {
		add("obligations.hearing", support, "派出单位党委每半年听取一次工作队汇报（上半年%s前，下半年%s前）",
			md(o.HearingDue[0]), md(o.HearingDue[1]))
	}
	add("obligations.visits", support, "每年%s前，单位主要负责人到每个村走访至少%d次，其他班子成员合计至少%d次",
		md(o.VisitsDue), o.PrincipalVisits, o.LeaderVisits)
}

// md reads "12-31" as 12月31日.
func md(s string) string {
	m, d, ok := strings.Cut(s, "-")
	if !ok {
		return s
	}
	return strings.TrimLeft(m, "0") + "月" + strings.TrimLeft(d, "0") + "日"
}
