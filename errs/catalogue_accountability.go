package errs

// Articles 18 and 20: circulation (通报), interview (约谈), recall (召回).

const (
	MsgAcctBadInput          Msg = "acct.bad_input"
	MsgCirculationCityOnly   Msg = "acct.circulation_city_only"
	MsgCirculationIssued     Msg = "acct.circulation_issued"
	MsgCirculationNone       Msg = "acct.circulation_none"
	MsgCirculationScope      Msg = "acct.circulation_scope"
	MsgInterviewBureauOnly   Msg = "acct.interview_bureau_only"
	MsgInterviewHeld         Msg = "acct.interview_held"
	MsgInterviewNotScheduled Msg = "acct.interview_not_scheduled"
	MsgInterviewOpeners      Msg = "acct.interview_openers"
	MsgInterviewScope        Msg = "acct.interview_scope"
	MsgInterviewOpen         Msg = "acct.interview_open"
	MsgRecallRecorders       Msg = "acct.recall_recorders"
	MsgRecallNotOnTeam       Msg = "acct.recall_not_on_team"
	MsgRecallScope           Msg = "acct.recall_scope"
	MsgRecallReplaced        Msg = "acct.recall_replaced"
	MsgIssuedFlash           Msg = "acct.issued_flash"
	MsgInterviewSavedFlash   Msg = "acct.interview_saved_flash"
	MsgRecallSavedFlash      Msg = "acct.recall_saved_flash"
	MsgAcctUnknownUnit       Msg = "acct.unknown_unit"
)

func init() {
	for k, v := range map[Msg]string{
		MsgAcctBadInput:          "流程参数不完整（process_id、county_id 等字段）",
		MsgCirculationCityOnly:   "只有市乡村振兴局可以审核印发通报（city_bureau）",
		MsgCirculationIssued:     "该月通报已印发，不能再次印发（status）",
		MsgCirculationNone:       "%s月的通报尚未起草（month）",
		MsgCirculationScope:      "只有县、市两级部门可以查看通报（role）",
		MsgInterviewBureauOnly:   "只有%s乡村振兴局可以安排和记录本县的约谈（county_id）",
		MsgInterviewHeld:         "该约谈已记录为已约谈（status）",
		MsgInterviewNotScheduled: "请先安排约谈的时间和地点（date）",
		MsgInterviewOpeners:      "只有县、市两级部门可以决定约谈（role）",
		MsgInterviewScope:        "该派出单位不在您的县（unit_id）",
		MsgInterviewOpen:         "该单位已有同一原因的约谈（member_id）",
		MsgRecallRecorders:       "只有队员的派出单位负责人或本县乡村振兴局可以召回队员（role）",
		MsgRecallNotOnTeam:       "该队员目前不在任何工作队（member_id）",
		MsgRecallScope:           "该队员不归您召回（member_id）",
		MsgRecallReplaced:        "该工作队已补充队员（status）",
		MsgIssuedFlash:           "已印发%s月通报，已通知各县和相关单位",
		MsgInterviewSavedFlash:   "已保存约谈记录",
		MsgRecallSavedFlash:      "已召回队员，人员变动已登记，请在期限内补充队员",
		MsgAcctUnknownUnit:       "没有这个派出单位（unit_id）",
	} {
		catalogue[k] = v
	}
	for k, v := range map[string]string{
		"drafted": "待印发", "issued": "已印发",
		"awaiting_schedule": "待安排约谈", "scheduled": "已安排", "held": "已约谈",
		"short": "缺员待补", "replaced": "已补员",
	} {
		statusNames[k] = v
	}
}
