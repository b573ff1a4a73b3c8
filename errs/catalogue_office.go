package errs

// The offices' pages (月报, 台账, 记录, 规则): their own messages.

const (
	MsgReportSentFlash   Msg = "office.report_sent"
	MsgReportConfirm     Msg = "office.report_confirm"
	MsgRosterSavedFlash  Msg = "office.roster_saved"
	MsgRulesSavedFlash   Msg = "office.rules_saved"
	MsgRuleInteger       Msg = "office.rule_integer"
	MsgRuleList          Msg = "office.rule_list"
	MsgRuleNamed         Msg = "office.rule_named"
	MsgRulesUnchanged    Msg = "office.rules_unchanged"
	MsgRulesFormProblems Msg = "office.rules_problems"
	MsgPreviewKind       Msg = "office.preview_kind"
	MsgTeamNotInCounty   Msg = "office.team_not_in_county"
	MsgMemberNotInCounty Msg = "office.member_not_in_county"
)

func init() {
	for k, v := range map[Msg]string{
		MsgReportSentFlash:   "已将%s%s月的缺岗情况上报市级部门",
		MsgReportConfirm:     "请勾选“已核对无误”后再上报；上报后不能撤回",
		MsgRosterSavedFlash:  "已登记人员变动，等待备案",
		MsgRulesSavedFlash:   "已保存%s的规则，第 %d 版起用于新提交的事项",
		MsgRuleInteger:       "应为整数",
		MsgRuleList:          "应为用逗号隔开的整数，如 5,2,1",
		MsgRuleNamed:         "%s有误：%s",
		MsgRulesUnchanged:    "与现行规则相同，没有保存新版本",
		MsgRulesFormProblems: "有 %d 处需要修改，见各项下方的说明",
		MsgPreviewKind:       "应为事假或病假",
		MsgTeamNotInCounty:   "该工作队不在本县",
		MsgMemberNotInCounty: "该队员不在本县的台账中",
	} {
		catalogue[k] = v
	}
}
