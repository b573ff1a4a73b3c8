package errs

// 委托, 转交, 催办 by the member, and 抄送 (issue 20): their own messages.

const (
	MsgHandOverOld      Msg = "handover.old"
	MsgHandOverSelf     Msg = "handover.self"
	MsgHandOverOffice   Msg = "handover.office"
	MsgHandOverNothing  Msg = "handover.nothing"
	MsgHandedOver       Msg = "handover.handed_over"
	MsgHandOverKind     Msg = "handover.kind"
	MsgHandOverTo       Msg = "handover.to"
	MsgHandOverComment  Msg = "handover.comment"
	MsgDelegRoles       Msg = "delegation.roles"
	MsgDelegDeputy      Msg = "delegation.deputy"
	MsgDelegSelf        Msg = "delegation.self"
	MsgDelegSameOffice  Msg = "delegation.same_office"
	MsgDelegLoop        Msg = "delegation.loop"
	MsgDelegOverlap     Msg = "delegation.overlap"
	MsgDelegStartDate   Msg = "delegation.start_date"
	MsgDelegEndDate     Msg = "delegation.end_date"
	MsgDelegPast        Msg = "delegation.past"
	MsgDelegTooLong     Msg = "delegation.too_long"
	MsgDelegNotYours    Msg = "delegation.not_yours"
	MsgDelegEnded       Msg = "delegation.ended"
	MsgDelegCreated     Msg = "delegation.created"
	MsgDelegEndedNotice Msg = "delegation.ended_notice"
	MsgUrgeOwn          Msg = "urge.own"
	MsgUrgeNothing      Msg = "urge.nothing"
	MsgUrgeSelf         Msg = "urge.self"
	MsgUrgeNextAt       Msg = "urge.next_at"
	MsgUrgeSent         Msg = "urge.sent"
	MsgHandOverDone     Msg = "handover.done"
	MsgCopyTo           Msg = "policy.copy_to"
	MsgEvHandedOver     Msg = "member.event.handed_over"
	MsgEvCopied         Msg = "member.event.copied"
)

func init() {
	for k, v := range map[Msg]string{
		MsgHandOverOld:      "此事项在转交功能上线前已提交，不能转交",
		MsgHandOverSelf:     "to：不能转交给自己",
		MsgHandOverOffice:   "to：只能转交给本单位（本部门）的其他账号",
		MsgHandOverNothing:  "此事项没有等待您处理的步骤，不能转交",
		MsgHandedOver:       "此事项已转交给本单位的其他账号处理",
		MsgHandOverKind:     "目前只有请假事项可以转交",
		MsgHandOverTo:       "没有这个账号，或该账号已停用",
		MsgHandOverComment:  "请写明转交的说明",
		MsgDelegRoles:       "只有审批部门的账号和派出单位负责人可以委托他人代办",
		MsgDelegDeputy:      "没有这个账号，或该账号已停用",
		MsgDelegSelf:        "不能委托给自己",
		MsgDelegSameOffice:  "代办人须是本单位（本部门）的账号",
		MsgDelegLoop:        "代办人在此期间本人也已委托他人，或您正在代他人办理，不能形成循环委托",
		MsgDelegOverlap:     "您在此期间已有委托，请先结束原委托",
		MsgDelegStartDate:   "请填写开始日期（如 2026-12-01）",
		MsgDelegEndDate:     "结束日期须为不早于开始日期的日期（如 2026-12-07）",
		MsgDelegPast:        "结束日期不能早于今天",
		MsgDelegTooLong:     "一次委托最长 %d 天",
		MsgDelegNotYours:    "只能结束自己发起的委托",
		MsgDelegEnded:       "这项委托已经结束",
		MsgDelegCreated:     "已委托%s在 %s 至 %s 代办",
		MsgDelegEndedNotice: "委托已结束",
		MsgUrgeOwn:          "只能催办自己的事项",
		MsgUrgeNothing:      "此事项当前没有等待他人处理的步骤",
		MsgUrgeSelf:         "这一步等待您本人处理，无需催办",
		MsgUrgeNextAt:       "您已于 %s 催办过这一步，%s 之后可再次催办",
		MsgUrgeSent:         "已催办，对方已收到提醒",
		MsgHandOverDone:     "已转交，对方已收到通知",
		MsgCopyTo:           "抄送对象只能是 team_leader（队长）或 unit_head（派出单位负责人）",
		MsgEvHandedOver:     "转交",
		MsgEvCopied:         "抄送",
	} {
		catalogue[k] = v
	}
}
