package errs

// The yearly duties (articles 11, 19, 23) and team make-up (article 8):
// their own messages.

const (
	MsgRuleMonthDay       Msg = "rule.month_day"
	MsgRuleRemindAfterDue Msg = "rule.remind_after_due"
	MsgRuleTwoHalves      Msg = "rule.two_halves"

	MsgTrainingOffices Msg = "training.offices"
	MsgTrainingLevel   Msg = "training.level"
	MsgTrainingTitle   Msg = "training.title"
	MsgTrainingDates   Msg = "training.dates"
	MsgTrainingDays    Msg = "training.days"
	MsgTrainingMembers Msg = "training.members"
	MsgTrainingNotMine Msg = "training.not_in_county"
	MsgAssessResult    Msg = "assessment.result"
	MsgAssessUnitHead  Msg = "assessment.unit_head"
	MsgAssessRecorded  Msg = "assessment.recorded"
	MsgAssessBureau    Msg = "assessment.bureau"
	MsgAssessNoResult  Msg = "assessment.no_result"
	MsgAssessAcked     Msg = "assessment.acked"
	MsgAssessYear      Msg = "assessment.year"
	MsgAssessNotFound  Msg = "assessment.not_found"
	MsgSupportUnitHead Msg = "support.unit_head"
	MsgSupportTeam     Msg = "support.team"
	MsgSupportDate     Msg = "support.date"
	MsgSupportWho      Msg = "support.who"
	MsgSupportName     Msg = "support.name"
	MsgObligationBadIn Msg = "obligation.bad_input"
	MsgFlagsOffices    Msg = "flags.offices"
	MsgFlagsCounty     Msg = "flags.county"
	MsgAssessBadInput  Msg = "assessment.bad_input"
)

func init() {
	for k, v := range map[Msg]string{
		MsgRuleMonthDay:       "应为“月-日”（如 12-31），现为 %q",
		MsgRuleRemindAfterDue: "提醒开始日不能晚于截止日 %s，现为 %s",
		MsgRuleTwoHalves:      "应为上半年（6月内）和下半年（12月内）两个截止日，现有 %d 个",
		MsgTrainingOffices:    "培训记录只能由县乡村振兴局登记",
		MsgTrainingLevel:      "组织层级 level 应为以下之一：%s",
		MsgTrainingTitle:      "培训名称 title 不能为空，且不超过200字",
		MsgTrainingDates:      "培训日期 from/to 应为 YYYY-MM-DD，且结束日不早于开始日",
		MsgTrainingDays:       "培训天数 days 应在 1 到 %d 之间，且不超过起止日期的天数",
		MsgTrainingMembers:    "参训队员 member_ids 至少一人，最多500人，且不能重复",
		MsgTrainingNotMine:    "参训队员 %s 不在本县的工作队",
		MsgAssessResult:       "考核结果 result 应为 优秀、称职、基本称职、不称职 之一",
		MsgAssessUnitHead:     "只有该队员派出单位的负责人可以登记年度考核结果",
		MsgAssessRecorded:     "该年度考核结果已登记，不能重复登记",
		MsgAssessBureau:       "只有本县乡村振兴局可以确认收到考核结果",
		MsgAssessNoResult:     "派出单位尚未登记考核结果，暂不能确认收到",
		MsgAssessAcked:        "已确认收到该考核结果",
		MsgAssessYear:         "年度 year 应为 %d 到 %d 之间的年份",
		MsgAssessNotFound:     "找不到该队员该年度的考核",
		MsgSupportUnitHead:    "只有派出单位负责人可以登记本单位的听取汇报和走访",
		MsgSupportTeam:        "工作队 team_id 应为本单位有队员在的工作队",
		MsgSupportDate:        "日期 on 应为 YYYY-MM-DD，且不晚于今天",
		MsgSupportWho:         "走访人 who 应为 principal（主要负责人）或 leader（其他班子成员）",
		MsgSupportName:        "走访人姓名 name 不能为空，且不超过50字",
		MsgObligationBadIn:    "年度履职事项的参数不完整",
		MsgFlagsOffices:       "队伍构成提示只对县、市两级组织部和乡村振兴局开放",
		MsgFlagsCounty:        "只能查看本县的队伍构成提示",
		MsgAssessBadInput:     "年度考核的参数不完整",
	} {
		catalogue[k] = v
	}
}

// TrainingLevelName is a training organiser level in Chinese.
func TrainingLevelName(level string) string {
	switch level {
	case "township":
		return "乡镇级"
	case "county":
		return "县级"
	case "city":
		return "市级"
	case "province":
		return "省级"
	case "national":
		return "国家级"
	}
	return level
}

// Flash notices of the duties' pages.
const (
	MsgTrainingSavedFlash Msg = "obligations.training_saved"
	MsgSupportSavedFlash  Msg = "obligations.support_saved"
	MsgAssessSavedFlash   Msg = "obligations.assessment_saved"
	MsgTeamsCheckedFlash  Msg = "obligations.teams_checked"
)

func init() {
	for k, v := range map[Msg]string{
		MsgTrainingSavedFlash: "已登记培训，参训队员的年度培训情况已更新",
		MsgSupportSavedFlash:  "已登记，本单位的年度履职情况已更新",
		MsgAssessSavedFlash:   "已保存年度考核",
		MsgTeamsCheckedFlash:  "已重新检查队伍构成，现有 %d 项提示",
	} {
		catalogue[k] = v
	}
	for k, v := range map[string]string{
		"satisfied": "已完成", "lapsed": "逾期未完成",
		"awaiting_result": "待登记考核结果", "awaiting_ack": "待确认收到", "acknowledged": "已确认收到",
	} {
		if _, ok := statusNames[k]; !ok {
			statusNames[k] = v
		}
	}
}

// TeamFlagName is an article-8 flag as the county bureau reads it.
func TeamFlagName(flag string) string {
	switch flag {
	case "too_few":
		return "队员少于3人"
	case "no_leader":
		return "没有队长"
	case "leader_not_secretary":
		return "队长不是第一书记（也未登记为可任队长的干部）"
	case "term_over":
		return "队员驻村已满任期，未登记延期"
	}
	return flag
}
