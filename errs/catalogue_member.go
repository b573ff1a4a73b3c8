package errs

// The member's pages (请假, a leave's page, 情况说明): the notices after a
// step, the words for kinds, decisions and timeline events, and the names
// of the offices a step waits on.
const (
	// Notices after a step (the flash on the page the browser is sent to).
	MsgFlashLeaveSubmitted  Msg = "member.flash.leave_submitted"
	MsgFlashLeaveRepeated   Msg = "member.flash.leave_repeated"
	MsgFlashLeaveWithdrawn  Msg = "member.flash.leave_withdrawn"
	MsgFlashExtension       Msg = "member.flash.extension"
	MsgFlashLeaveReturned   Msg = "member.flash.leave_returned"
	MsgFlashLeaveApproved   Msg = "member.flash.leave_approved"
	MsgFlashLeaveRefused    Msg = "member.flash.leave_refused"
	MsgFlashLeaveFiled      Msg = "member.flash.leave_filed"
	MsgFlashExplained       Msg = "member.flash.explained"
	MsgFlashSigned          Msg = "member.flash.signed"
	MsgFlashSentBack        Msg = "member.flash.sent_back"
	MsgCheckFields          Msg = "member.check_fields"
	MsgDecidedBy            Msg = "member.decided_by"
	MsgDecidedByNowStatus   Msg = "member.decided_by_now"
	MsgLeaveCountsCalendar  Msg = "member.counts_calendar"
	MsgLeaveCountsWorking   Msg = "member.counts_working"
	MsgEarlierLeavesSummary Msg = "member.earlier_summary"
	MsgPolicyCityVersion    Msg = "member.policy.city"
	MsgPolicyCountyVersion  Msg = "member.policy.county"

	// Kinds of leave, routes, ways of checking.
	MsgKindPersonal      Msg = "member.kind.personal"
	MsgKindSick          Msg = "member.kind.sick"
	MsgRouteTownshipName Msg = "member.route.township"
	MsgRouteJointName    Msg = "member.route.joint"
	MsgMethodOnline      Msg = "member.method.online"
	MsgMethodOnsite      Msg = "member.method.onsite"

	// What a party did at a step.
	MsgDidApprove  Msg = "member.did.approve"
	MsgDidRefuse   Msg = "member.did.refuse"
	MsgDidFile     Msg = "member.did.filed"
	MsgDidReturn   Msg = "member.did.returned"
	MsgDidExplain  Msg = "member.did.explained"
	MsgDidSign     Msg = "member.did.sign"
	MsgDidSendBack Msg = "member.did.return"
	MsgDidClose    Msg = "member.did.closed"

	// Timeline events.
	MsgEvSubmitted Msg = "member.event.submitted"
	MsgEvApproved  Msg = "member.event.approved"
	MsgEvRefused   Msg = "member.event.refused"
	MsgEvFiled     Msg = "member.event.filed"
	MsgEvWithdrawn Msg = "member.event.withdrawn"
	MsgEvExtension Msg = "member.event.extension_requested"
	MsgEvReturned  Msg = "member.event.returned"
	MsgEvReminded  Msg = "member.event.reminded"
	MsgEvEscalated Msg = "member.event.escalated"
	MsgEvOverdue   Msg = "member.event.overdue"
	MsgEvRecorded  Msg = "member.event.recorded"
	MsgEvExplained Msg = "member.event.explained"
	MsgEvSentBack  Msg = "member.event.sent_back"
	MsgEvSigned    Msg = "member.event.signed"
	MsgEvForwarded Msg = "member.event.forwarded"
	MsgEvClosed    Msg = "member.event.closed"

	// The offices a step waits on, named from the member's place.
	MsgPartyTownship  Msg = "member.party.township"
	MsgPartyCountyOrg Msg = "member.party.county_org"
	MsgPartyCountyBur Msg = "member.party.county_bureau"
	MsgPartyUnitHead  Msg = "member.party.unit_head"
	MsgPartyMember    Msg = "member.party.member"
	MsgPartySystem    Msg = "member.party.system"
)

func init() {
	for k, v := range map[Msg]string{
		MsgFlashLeaveSubmitted:  "请假已提交。%s",
		MsgFlashLeaveRepeated:   "这条请假已经提交过，下面是它现在的情况",
		MsgFlashLeaveWithdrawn:  "请假已撤回",
		MsgFlashExtension:       "续假申请已提交，等待审批；批准前原结束日期不变",
		MsgFlashLeaveReturned:   "已销假，欢迎返岗",
		MsgFlashLeaveApproved:   "您已批准这条请假",
		MsgFlashLeaveRefused:    "您已不批准这条请假，意见已告知队员",
		MsgFlashLeaveFiled:      "已确认备案",
		MsgFlashExplained:       "情况说明已提交，等待派出单位负责人签字",
		MsgFlashSigned:          "已签字，情况说明已报送县委组织部和县乡村振兴局",
		MsgFlashSentBack:        "已退回，等待队员重写",
		MsgCheckFields:          "没有提交：请按标出的提示修改后再提交",
		MsgDecidedBy:            "已由 %s 于 %s %s",
		MsgDecidedByNowStatus:   "%s，您这次的操作没有生效。这条%s现在是“%s”，以下是它的最新情况。",
		MsgLeaveCountsCalendar:  "按自然日计算，含开始和结束当天",
		MsgLeaveCountsWorking:   "按工作日计算，不含周末和法定节假日",
		MsgEarlierLeavesSummary: "除这一条外，%d年已批准的请假 %d 次，共 %d 天",
		MsgPolicyCityVersion:    "全市统一规则 第%s版（%s）",
		MsgPolicyCountyVersion:  "%s规则 第%s版（%s）",

		MsgKindPersonal:      "事假",
		MsgKindSick:          "病假",
		MsgRouteTownshipName: "乡镇审批",
		MsgRouteJointName:    "联合审批（会签）",
		MsgMethodOnline:      "线上查岗",
		MsgMethodOnsite:      "实地查岗",

		MsgDidApprove:  "批准",
		MsgDidRefuse:   "不批准",
		MsgDidFile:     "确认备案",
		MsgDidReturn:   "销假",
		MsgDidExplain:  "提交情况说明",
		MsgDidSign:     "签字",
		MsgDidSendBack: "退回重写",
		MsgDidClose:    "关闭",

		MsgEvSubmitted: "提交请假",
		MsgEvApproved:  "批准",
		MsgEvRefused:   "不批准",
		MsgEvFiled:     "确认备案",
		MsgEvWithdrawn: "撤回请假",
		MsgEvExtension: "申请续假",
		MsgEvReturned:  "销假",
		MsgEvReminded:  "系统提醒",
		MsgEvEscalated: "超时督办",
		MsgEvOverdue:   "已逾期",
		MsgEvRecorded:  "查岗登记离岗",
		MsgEvExplained: "提交情况说明",
		MsgEvSentBack:  "退回重写",
		MsgEvSigned:    "签字",
		MsgEvForwarded: "报送县委组织部和县乡村振兴局",
		MsgEvClosed:    "关闭",

		MsgPartyTownship:  "%s党委",
		MsgPartyCountyOrg: "%s委组织部",
		MsgPartyCountyBur: "%s乡村振兴局",
		MsgPartyUnitHead:  "%s负责人",
		MsgPartyMember:    "队员本人",
		MsgPartySystem:    "系统",
	} {
		catalogue[k] = v
	}
}
