package errs

import (
	"fmt"
	"strings"
)

// Msg is a stable key into the catalogue: what a person reads is the
// catalogue's Chinese text for it, filled with its arguments (fmt verbs).
// Keys never change meaning; a new wording keeps its key.
type Msg string

// Text is m's Chinese text filled with args; an unknown key (a test
// catches every one) reads as the key itself rather than as nothing.
func Text(m Msg, args ...any) string {
	t, ok := catalogue[m]
	if !ok {
		return string(m)
	}
	if len(args) == 0 {
		return t
	}
	return fmt.Sprintf(t, args...)
}

// Known reports whether m is in the catalogue.
func Known(m Msg) bool {
	_, ok := catalogue[m]
	return ok
}

// What each code says when nothing more precise is known.
var codeMessages = map[Code]Msg{
	Invalid: MsgInvalidFields, Unauthenticated: MsgUnauthenticated, Forbidden: MsgForbidden,
	NotFound: MsgNotFound, Conflict: MsgConflict, TooLarge: MsgTooLarge, Unsupported: MsgUnsupported,
	RateLimited: MsgRateLimited, Unavailable: MsgUnavailable, Internal: MsgInternal,
	MethodNotAllowed: MsgMethodNotAllowed,
}

// CodeMessage is the key of a code's own message.
func CodeMessage(c Code) (Msg, bool) {
	m, ok := codeMessages[c]
	return m, ok
}

// The keys. Grouped by where they arise; the test in this package parses
// this file and fails on a key without Chinese text.
const (
	// Codes' own messages.
	MsgInvalidFields    Msg = "invalid_fields"
	MsgUnauthenticated  Msg = "unauthenticated"
	MsgForbidden        Msg = "forbidden"
	MsgNotFound         Msg = "not_found"
	MsgConflict         Msg = "conflict"
	MsgTooLarge         Msg = "too_large"
	MsgUnsupported      Msg = "unsupported"
	MsgRateLimited      Msg = "rate_limited"
	MsgUnavailable      Msg = "unavailable"
	MsgInternal         Msg = "internal"
	MsgMethodNotAllowed Msg = "method_not_allowed"

	// Reading a request.
	MsgBodyTooLarge     Msg = "body.too_large"
	MsgBodyUnreadable   Msg = "body.unreadable"
	MsgBodyNotUTF8      Msg = "body.not_utf8"
	MsgBodyEmpty        Msg = "body.empty"
	MsgBodyNotObject    Msg = "body.not_object"
	MsgBodyNotJSON      Msg = "body.not_json"
	MsgBodyOneObject    Msg = "body.one_object"
	MsgBodyEmptyKey     Msg = "body.empty_key"
	MsgFieldUnknown     Msg = "field.unknown"
	MsgFieldDuplicate   Msg = "field.duplicate"
	MsgFieldType        Msg = "field.type"
	MsgTypeString       Msg = "type.string"
	MsgTypeNumber       Msg = "type.number"
	MsgTypeBool         Msg = "type.bool"
	MsgTypeArray        Msg = "type.array"
	MsgTypeObject       Msg = "type.object"
	MsgTextNotStorable  Msg = "text.not_storable"
	MsgQueryUnknown     Msg = "query.unknown"
	MsgQueryRepeated    Msg = "query.repeated"
	MsgNoRoute          Msg = "route.none"
	MsgIdemKeyTooLong   Msg = "idempotency.too_long"
	MsgIdemFirstFailed  Msg = "idempotency.first_failed"
	MsgIdemInProgress   Msg = "idempotency.in_progress"
	MsgCursorInvalid    Msg = "cursor.invalid"
	MsgUpdateAccepted   Msg = "update.accepted_not_recorded"
	MsgUpdateUnknown    Msg = "update.not_confirmed"
	MsgAlreadyStarted   Msg = "process.already_started"
	MsgPostgresDown     Msg = "ready.postgres"
	MsgTemporalDown     Msg = "ready.temporal"
	MsgProcessOutOfView Msg = "process.out_of_scope"

	// Common field checks.
	MsgRequired       Msg = "field.required"
	MsgTextTooLong    Msg = "field.too_long"
	MsgDate           Msg = "field.date"
	MsgInstant        Msg = "field.instant"
	MsgMonth          Msg = "field.month"
	MsgYear           Msg = "field.year"
	MsgBool           Msg = "field.bool"
	MsgOneOf          Msg = "field.one_of"
	MsgLimit          Msg = "field.limit"
	MsgNotFuture      Msg = "field.not_future"
	MsgNotBeforeYear  Msg = "field.not_before_year"
	MsgEndBeforeStart Msg = "field.end_before_start"
	MsgUnknownMember  Msg = "field.unknown_member"
	MsgUnknownTeam    Msg = "field.unknown_team"
	MsgUnknownCounty  Msg = "field.unknown_county"

	// Accounts.
	MsgNoToken          Msg = "auth.no_token"
	MsgBadToken         Msg = "auth.bad_token"
	MsgBadCredentials   Msg = "auth.bad_credentials"
	MsgTooManyLogins    Msg = "auth.too_many_logins"
	MsgSessionEnded     Msg = "auth.session_ended"
	MsgPasswordShort    Msg = "password.short"
	MsgPasswordUsername Msg = "password.username"
	MsgPasswordCommon   Msg = "password.common"
	MsgPasswordRepeat   Msg = "password.repeat"
	MsgPasswordWrong    Msg = "password.wrong"
	MsgCrossSite        Msg = "auth.cross_site"

	// Leave (article 16).
	MsgLeaveMembersOnly      Msg = "leave.members_only"
	MsgLeaveOverlap          Msg = "leave.overlap"
	MsgLeaveExtensionOverlap Msg = "leave.extension_overlap"
	MsgLeaveTooLong          Msg = "leave.too_long"
	MsgLeaveNoWorkingDay     Msg = "leave.no_working_day"
	MsgLeaveOutOfScope       Msg = "leave.out_of_scope"
	MsgLeaveNotOwn           Msg = "leave.not_own"
	MsgLeaveClosed           Msg = "leave.closed"
	MsgLeaveExtendAfterEnd   Msg = "leave.extend_after_end"
	MsgLeaveNotStarted       Msg = "leave.not_started"
	MsgReturnAfterStart      Msg = "leave.return_after_start"
	MsgLeaveBadInput         Msg = "leave.bad_input"
	MsgLeaveNotApprover      Msg = "leave.not_approver"
	MsgLeaveNotWaiting       Msg = "leave.not_waiting"
	MsgFilingDone            Msg = "filing.done"
	MsgLeaveNotFiling        Msg = "leave.not_filing"
	MsgLeaveNotFiledWithYou  Msg = "leave.not_filed_with_you"
	MsgLeaveWithdrawOwn      Msg = "leave.withdraw_own"
	MsgLeaveWithdrawPending  Msg = "leave.withdraw_pending"
	MsgLeaveExtendOwn        Msg = "leave.extend_own"
	MsgLeaveExtendApproved   Msg = "leave.extend_approved"
	MsgLeaveExtensionWaiting Msg = "leave.extension_waiting"
	MsgLeaveEnded            Msg = "leave.ended"
	MsgLeaveExtensionNoRoute Msg = "leave.extension_no_route"
	MsgLeaveReturnOwn        Msg = "leave.return_own"
	MsgLeaveReturned         Msg = "leave.returned"
	MsgLeaveReturnApproved   Msg = "leave.return_approved"
	MsgLeaveCancelOwn        Msg = "leave.cancel_own"
	MsgLeaveCancelApproved   Msg = "leave.cancel_approved"
	MsgLeaveCancelStarted    Msg = "leave.cancel_started"
	MsgLeaveWithdrawNothing  Msg = "leave.withdraw_nothing"
	MsgLeaveRemindEscalated  Msg = "leave.remind_escalated"
	MsgLeaveFilingStep       Msg = "leave.filing_step"
	MsgReturnNotBeforeStart  Msg = "leave.return_not_before_start"
	MsgLeaveBackdatePersonal Msg = "leave.backdate_personal"
	MsgLeaveBackdateSick     Msg = "leave.backdate_sick"
	MsgLeaveBeforeJoined     Msg = "leave.before_joined"
	MsgLeaveNoTeam           Msg = "leave.no_team"
	MsgLeaveTeamLeft         Msg = "leave.team_left"
	MsgLeaveJoinNotFiled     Msg = "leave.join_not_filed"
	MsgLeaveKindTooLong      Msg = "leave.kind_too_long"
	MsgHolidaysUnknown       Msg = "leave.holidays_unknown"

	// Routes (what the member is shown before and after submitting).
	MsgRouteTownship   Msg = "route.township"
	MsgRouteJoint      Msg = "route.joint"
	MsgDaysCalendar    Msg = "route.days_calendar"
	MsgDaysWorking     Msg = "route.days_working"
	MsgRouteJoinedWith Msg = "route.joined_with"
	MsgRouteJoinedItem Msg = "route.joined_item"

	// Absence explanation (article 18).
	MsgAbsenceRecorders     Msg = "absence.recorders"
	MsgAbsenceOwnCounty     Msg = "absence.own_county"
	MsgAbsenceLeaveCovers   Msg = "absence.leave_covers"
	MsgAbsenceOutOfScope    Msg = "absence.out_of_scope"
	MsgAbsenceClosed        Msg = "absence.closed"
	MsgAbsenceBadInput      Msg = "absence.bad_input"
	MsgExplainOwn           Msg = "absence.explain_own"
	MsgExplainNotWaiting    Msg = "absence.explain_not_waiting"
	MsgSignHeadOnly         Msg = "absence.sign_head_only"
	MsgSignedAlready        Msg = "absence.signed_already"
	MsgNothingToSign        Msg = "absence.nothing_to_sign"
	MsgAbsenceIs            Msg = "absence.is"
	MsgReturnNeedsComment   Msg = "absence.return_needs_comment"
	MsgCloseCountyOnly      Msg = "absence.close_county_only"
	MsgAbsenceAlready       Msg = "absence.already"
	MsgReportOutOfScope     Msg = "report.out_of_scope"
	MsgReportBureauOnly     Msg = "report.bureau_only"
	MsgReportSubmitted      Msg = "report.submitted"
	MsgReportSubmittedMonth Msg = "report.submitted_month"
	MsgReportBadInput       Msg = "report.bad_input"
	MsgReportNotOpen        Msg = "report.not_open"
	MsgVoidCountyOnly       Msg = "absence.void_county_only"
	MsgSignPrincipalOnly    Msg = "absence.sign_principal_only"
	MsgAbsenceNotOnTeam     Msg = "absence.not_on_team"

	// Roster change and ledger (article 17).
	MsgRosterRecorders       Msg = "roster.recorders"
	MsgRosterRecorderOfTeam  Msg = "roster.recorder_of_team"
	MsgRosterReplaceNeeds    Msg = "roster.replace_needs"
	MsgRosterReplaceSame     Msg = "roster.replace_same"
	MsgRosterReplaceOnly     Msg = "roster.replace_only"
	MsgRosterWithinYear      Msg = "roster.within_year"
	MsgRosterOutOfScope      Msg = "roster.out_of_scope"
	MsgRosterClosed          Msg = "roster.closed"
	MsgRosterBadInput        Msg = "roster.bad_input"
	MsgRosterNotFiling       Msg = "roster.not_filing"
	MsgRosterNotFiledWithYou Msg = "roster.not_filed_with_you"
	MsgRosterReportBureau    Msg = "roster.report_bureau"
	MsgRosterReported        Msg = "roster.reported"
	MsgRosterLedgerConflict  Msg = "roster.ledger_conflict"
	MsgRosterNotFiled        Msg = "roster.not_filed"
	MsgRosterAwaitingFiling  Msg = "roster.awaiting_filing"
	MsgRosterOnOtherTeam     Msg = "roster.on_other_team"
	MsgRosterNotOnTeam       Msg = "roster.not_on_team"
	MsgRosterAlreadyLeaves   Msg = "roster.already_leaves"
	MsgRosterOnlyFrom        Msg = "roster.only_from"
	MsgRosterAlreadyLeads    Msg = "roster.already_leads"
	MsgRosterLeaderLater     Msg = "roster.leader_later"
	MsgRosterBackdateCity    Msg = "roster.backdate_city"
	MsgRosterCityOld         Msg = "roster.city_old"
	MsgTeamOutOfScope        Msg = "team.out_of_scope"
	MsgLedgerOffices         Msg = "ledger.offices"
	MsgRecordOutOfScope      Msg = "record.out_of_scope"

	// Policy.
	MsgPolicyOffices    Msg = "policy.offices"
	MsgPolicyCityOnly   Msg = "policy.city_only"
	MsgRuleRange        Msg = "rule.range"
	MsgRuleThreshold    Msg = "rule.threshold"
	MsgRuleCounting     Msg = "rule.counting"
	MsgRuleAtLeast      Msg = "rule.at_least"
	MsgRulePositive     Msg = "rule.positive"
	MsgRuleNotBefore    Msg = "rule.not_before"
	MsgRuleOneOf        Msg = "rule.one_of"
	MsgRuleDueDay       Msg = "rule.due_day"
	MsgRuleAfterCut     Msg = "rule.after_cutoff"
	MsgRuleNeedsRole    Msg = "rule.needs_role"
	MsgRuleRoleHere     Msg = "rule.role_here"
	MsgRuleRoleTwice    Msg = "rule.role_twice"
	MsgRuleEntry        Msg = "rule.entry"
	MsgRuleEscalateSelf Msg = "rule.escalate_self"

	// Holiday calendar.
	MsgHolidayYear    Msg = "holiday.year"
	MsgHolidayTwice   Msg = "holiday.twice"
	MsgHolidayNone    Msg = "holiday.none"
	MsgHolidayOffices Msg = "holiday.offices"
	MsgHolidayCity    Msg = "holiday.city_only"
)

var catalogue = map[Msg]string{
	MsgInvalidFields:    "请求有误，请检查标出的各项",
	MsgUnauthenticated:  "请先登录",
	MsgForbidden:        "您无权进行此操作",
	MsgNotFound:         "找不到该记录",
	MsgConflict:         "当前状态下不能进行此操作",
	MsgTooLarge:         "提交的内容过大",
	MsgUnsupported:      "请以 JSON 格式提交（Content-Type: application/json）",
	MsgRateLimited:      "操作过于频繁，请稍后再试",
	MsgUnavailable:      "服务暂时不可用，请稍后再试",
	MsgInternal:         "系统内部错误，请稍后再试；问题已记入日志",
	MsgMethodNotAllowed: "此地址不支持该请求方法",

	MsgBodyTooLarge:     "提交的内容超过 %d 字节",
	MsgBodyUnreadable:   "无法读取提交的内容",
	MsgBodyNotUTF8:      "提交的内容不是有效的 UTF-8 文本",
	MsgBodyEmpty:        "提交的内容为空，请提交一个 JSON 对象",
	MsgBodyNotObject:    "提交的内容必须是一个 JSON 对象",
	MsgBodyNotJSON:      "提交的内容不是有效的 JSON",
	MsgBodyOneObject:    "提交的内容只能包含一个 JSON 对象",
	MsgBodyEmptyKey:     "提交的内容中有名称为空的字段",
	MsgFieldUnknown:     "未知字段",
	MsgFieldDuplicate:   "字段重复出现",
	MsgFieldType:        "应为%s",
	MsgTypeString:       "文本",
	MsgTypeNumber:       "数字",
	MsgTypeBool:         "true 或 false",
	MsgTypeArray:        "列表",
	MsgTypeObject:       "对象",
	MsgTextNotStorable:  "必须是不含 NUL 字符的 UTF-8 文本",
	MsgQueryUnknown:     "未知的查询参数",
	MsgQueryRepeated:    "查询参数只能出现一次",
	MsgNoRoute:          "没有这个地址",
	MsgIdemKeyTooLong:   "不能超过 200 个字符",
	MsgIdemFirstFailed:  "使用同一 Idempotency-Key 的首次提交未成功，请重新提交",
	MsgIdemInProgress:   "使用同一 Idempotency-Key 的首次提交仍在处理中，请稍后再试",
	MsgCursorInvalid:    "不是本系统给出的翻页游标",
	MsgUpdateAccepted:   "已受理，但尚未记录：后台服务缓慢或中断，恢复后即生效；再次提交前请先查看",
	MsgUpdateUnknown:    "未能及时确认：后台服务缓慢或中断；再次提交前请先查看",
	MsgAlreadyStarted:   "该流程已经开始",
	MsgPostgresDown:     "数据库（PostgreSQL）无响应",
	MsgTemporalDown:     "流程引擎（Temporal）无响应",
	MsgProcessOutOfView: "该流程不在您的查看范围内",

	MsgRequired:       "必填",
	MsgTextTooLong:    "不能超过 %d 个字",
	MsgDate:           "应为日期，格式 YYYY-MM-DD",
	MsgInstant:        "应为带时区的时间（RFC 3339），如 2026-12-01T09:30:00+08:00",
	MsgMonth:          "应为月份，格式 YYYY-MM",
	MsgYear:           "应为年份，如 2026",
	MsgBool:           "应为 true 或 false",
	MsgOneOf:          "应为以下之一：%s",
	MsgLimit:          "应为 1 到 %d",
	MsgNotFuture:      "不能晚于现在",
	MsgNotBeforeYear:  "不能早于 %d 年",
	MsgEndBeforeStart: "不能早于开始日期",
	MsgUnknownMember:  "没有这名队员",
	MsgUnknownTeam:    "没有这个工作队",
	MsgUnknownCounty:  "没有这个县（区）",

	MsgNoToken:          "请先登录（缺少登录令牌；POST /api/v1/login）",
	MsgBadToken:         "登录已失效（令牌未知、过期或已注销），请重新登录",
	MsgBadCredentials:   "用户名或密码错误",
	MsgTooManyLogins:    "登录尝试过多，请一分钟后再试",
	MsgSessionEnded:     "登录已过期，请重新登录",
	MsgPasswordShort:    "至少 8 个字符",
	MsgPasswordUsername: "不能与用户名相同",
	MsgPasswordCommon:   "这个密码太常见，请换一个",
	MsgPasswordRepeat:   "两次输入的新密码不一致",
	MsgPasswordWrong:    "当前密码不正确",
	MsgCrossSite:        "拒绝来自其他网站的提交",

	MsgLeaveMembersOnly:      "只有驻村队员可以请假",
	MsgLeaveOverlap:          "与您另一条待批或已批准的请假日期重叠",
	MsgLeaveExtensionOverlap: "续假日期与您另一条请假重叠",
	MsgLeaveTooLong:          "请假%d天，超过最长%d天",
	MsgLeaveNoWorkingDay:     "所选日期内没有工作日",
	MsgLeaveOutOfScope:       "该请假不在您的查看范围内",
	MsgLeaveNotOwn:           "只能对本人的请假进行此操作",
	MsgLeaveClosed:           "该请假已结束",
	MsgLeaveExtendAfterEnd:   "应晚于当前结束日期 %s",
	MsgLeaveNotStarted:       "请假尚未开始，如不再需要请撤回",
	MsgReturnAfterStart:      "应晚于请假开始日期 %s",
	MsgLeaveBadInput:         "请假流程的输入不完整",
	MsgLeaveNotApprover:      "您不是该请假的审批人",
	MsgLeaveNotWaiting:       "该请假没有在等待您的审批：已经审批过，或已不在审批中",
	MsgFilingDone:            "您已确认过该备案",
	MsgLeaveNotFiling:        "该请假不在备案环节",
	MsgLeaveNotFiledWithYou:  "该请假不需要向您的单位备案",
	MsgLeaveWithdrawOwn:      "只有请假人本人可以撤回",
	MsgLeaveWithdrawPending:  "只有审批中的请假可以撤回；该请假当前为：%s",
	MsgLeaveExtendOwn:        "只有请假人本人可以续假",
	MsgLeaveExtendApproved:   "只有已批准且未销假的请假可以续假；该请假当前为：%s",
	MsgLeaveExtensionWaiting: "已有一条续假在等待审批",
	MsgLeaveEnded:            "请假已结束；续假须在最后一天结束前提出",
	MsgLeaveExtensionNoRoute: "续假没有审批人",
	MsgLeaveReturnOwn:        "只有请假人本人可以销假",
	MsgLeaveReturned:         "已经销假",
	MsgLeaveReturnApproved:   "只有已批准的请假可以销假；该请假当前为：%s",
	MsgLeaveCancelOwn:        "只有请假人本人可以撤销",
	MsgLeaveCancelApproved:   "只有已批准、尚未开始的请假可以撤销（审批中的请撤回）；该请假当前为：%s",
	MsgLeaveCancelStarted:    "请假已于 %s 开始，不能再撤销；请销假（在开始当天销假即记为未休）",
	MsgLeaveWithdrawNothing:  "只有审批中的请假或续假可以撤回；该请假当前为：%s",
	MsgLeaveRemindEscalated:  "只有该请假督办到的部门可以催办",
	MsgLeaveFilingStep:       "没有等待您确认的这个备案环节：%s",
	MsgReturnNotBeforeStart:  "不能早于请假开始日期 %s",
	MsgLeaveBackdatePersonal: "事假不能补请：开始日期不能早于今天（%s）",
	MsgLeaveBackdateSick:     "病假最多补请%d天：开始日期不能早于 %s",
	MsgLeaveBeforeJoined:     "不能早于您加入工作队的日期 %s",
	MsgLeaveNoTeam:           "您目前不在任何驻村工作队，不能请假",
	MsgLeaveTeamLeft:         "您已于 %s 离开%s，目前不在任何驻村工作队，不能请假",
	MsgLeaveJoinNotFiled:     "您加入%s的变动（%s 起）尚待县委组织部和县乡村振兴局备案，备案后才能请假",
	MsgLeaveKindTooLong:      "%s最长%d天，本次%d天",
	MsgHolidaysUnknown:       "%d年的法定节假日安排尚未录入，无法按工作日计算天数；请市级部门先录入该年节假日（PUT /holidays/%d）",

	MsgRouteTownship:   "%s，未超过%d天，由%s审批，报%s备案",
	MsgRouteJoint:      "%s，超过%d天，需%s共同批准",
	MsgDaysCalendar:    "%d天",
	MsgDaysWorking:     "%d个工作日",
	MsgRouteJoinedWith: "与%s的请假连续，合计%s",
	MsgRouteJoinedItem: "%s至%s（%s）",

	MsgAbsenceRecorders:     "只有市乡村振兴局或县乡村振兴局可以登记查岗发现的离岗",
	MsgAbsenceOwnCounty:     "县乡村振兴局只能登记本县队员的离岗",
	MsgAbsenceLeaveCovers:   "该时间在已批准的请假（%s 至 %s，%s）之内，队员并非无故离岗；如仍要登记，请确认（\"confirm\": true）",
	MsgAbsenceOutOfScope:    "该离岗记录不在您的查看范围内",
	MsgAbsenceClosed:        "该离岗记录已是“%s”，不能再操作",
	MsgAbsenceBadInput:      "离岗流程的输入不完整",
	MsgExplainOwn:           "只有被通报的队员本人可以写情况说明",
	MsgExplainNotWaiting:    "该离岗记录不在等待情况说明；当前为：%s",
	MsgSignHeadOnly:         "只有队员所在派出单位的负责人可以签字",
	MsgSignedAlready:        "该情况说明已经签字",
	MsgNothingToSign:        "还没有可签字的情况说明",
	MsgAbsenceIs:            "该离岗记录当前为：%s",
	MsgReturnNeedsComment:   "退回时必须填写意见",
	MsgCloseCountyOnly:      "只有队员所在县的县级部门可以关闭离岗记录",
	MsgAbsenceAlready:       "该离岗记录已经是：%s",
	MsgReportOutOfScope:     "%s的月度汇总只对本县县级部门和市级部门开放",
	MsgReportBureauOnly:     "只有%s乡村振兴局可以报送本县的月度汇总",
	MsgReportSubmitted:      "该月度汇总已经报送",
	MsgReportSubmittedMonth: "%s的%s月度汇总已经报送",
	MsgReportBadInput:       "月度汇总流程的输入不完整",
	MsgReportNotOpen:        "%s的月度汇总须在该周期结束后报送：%s 起可以报送",
	MsgVoidCountyOnly:       "只有队员所在县的县级部门可以作废离岗记录",
	MsgSignPrincipalOnly:    "只有派出单位的主要负责人（一把手）本人可以签字",
	MsgAbsenceNotOnTeam:     "该队员在 %s 不在任何驻村工作队，不能登记离岗",

	MsgRosterRecorders:       "人员变动由县乡村振兴局或队员的派出单位登记",
	MsgRosterRecorderOfTeam:  "%s的人员变动由其所在县的乡村振兴局或队员的派出单位登记",
	MsgRosterReplaceNeeds:    "替换时必填：离队的队员",
	MsgRosterReplaceSame:     "不能与 member_id 相同",
	MsgRosterReplaceOnly:     "仅替换时填写",
	MsgRosterWithinYear:      "应在今天起一年以内",
	MsgRosterOutOfScope:      "该人员变动不在您的查看范围内",
	MsgRosterClosed:          "该人员变动已结束",
	MsgRosterBadInput:        "人员变动流程的输入不完整",
	MsgRosterNotFiling:       "该人员变动不在备案环节",
	MsgRosterNotFiledWithYou: "该人员变动不需要向您的单位备案",
	MsgRosterReportBureau:    "只有县乡村振兴局向市里上报台账",
	MsgRosterReported:        "台账已经上报",
	MsgRosterLedgerConflict:  "这次变动未能更新台账（与台账冲突）；请登记一条更正变动",
	MsgRosterNotFiled:        "该变动尚未备案：须县委组织部和县乡村振兴局都确认后才能上报",
	MsgRosterAwaitingFiling:  "%s有一条人员变动尚待备案（%s），备案后才能登记新的变动",
	MsgRosterOnOtherTeam:     "%s（%s）在%s，自%s起%s；一名队员同时只能在一个工作队，请先登记其离队",
	MsgRosterNotOnTeam:       "%[1]s（%[2]s）%[4]s不在%[3]s",
	MsgRosterAlreadyLeaves:   "%s（%s）已登记离开%s：其在队截至%s",
	MsgRosterOnlyFrom:        "%[1]s（%[2]s）自%[4]s起才在%[3]s，变动的生效日期须晚于此",
	MsgRosterAlreadyLeads:    "%s（%s）已是%s的队长",
	MsgRosterLeaderLater:     "%s自%s起已有队长，晚于%s；请按日期顺序登记变动",
	MsgRosterBackdateCity:    "生效日期 %s 早于登记日%d天以上；这样的变动须由市级部门登记",
	MsgRosterCityOld:         "市级部门只登记生效日期早于%d天以前的变动；其他变动由县乡村振兴局或队员的派出单位登记",
	MsgTeamOutOfScope:        "%s的名册不在您的查看范围内",
	MsgLedgerOffices:         "台账只对县级和市级部门开放，各在其范围内",
	MsgRecordOutOfScope:      "该队员的年度记录不在您的查看范围内",

	MsgPolicyOffices:    "规则只对各级部门开放",
	MsgPolicyCityOnly:   "只有市级部门可以修改规则",
	MsgRuleRange:        "应在 %d 到 %d 之间，现为 %d",
	MsgRuleThreshold:    "应在 1 到最长天数（%d）之间，现为 %d",
	MsgRuleCounting:     "应为 %q 或 %q，现为 %q",
	MsgRuleAtLeast:      "至少为 %s，现为 %s",
	MsgRulePositive:     "应大于零，现为 %s",
	MsgRuleNotBefore:    "不能短于提醒间隔（%s），现为 %s",
	MsgRuleOneOf:        "应为以下之一：%s，现为 %q",
	MsgRuleDueDay:       "应在 2 到 28 之间，现为 %d",
	MsgRuleAfterCut:     "应晚于周期截止日（%d），现为 %d",
	MsgRuleNeedsRole:    "至少要有以下之一：%s",
	MsgRuleRoleHere:     "这里不能用 %q；可用：%s",
	MsgRuleRoleTwice:    "%q 重复出现",
	MsgRuleEntry:        "第 %d 项应大于零，现为 %s",
	MsgRuleEscalateSelf: "不能升级给自己（%q）；应为其上级部门",

	MsgHolidayYear:    "应为%d年内的日期",
	MsgHolidayTwice:   "与 %s 重复",
	MsgHolidayNone:    "至少要列出一天法定节假日",
	MsgHolidayOffices: "节假日安排只对各级部门开放",
	MsgHolidayCity:    "只有市级部门可以录入节假日安排",
}

// Role names as people read them.
var roleNames = map[string]string{
	"member":             "驻村队员",
	"unit_head":          "派出单位",
	"township_committee": "乡镇党委",
	"county_org_dept":    "县委组织部",
	"county_bureau":      "县乡村振兴局",
	"city_org_dept":      "市委组织部",
	"city_bureau":        "市乡村振兴局",
	"admin":              "系统管理员",
}

// RoleName is a role as people read it; an unknown role reads as itself.
func RoleName(role string) string {
	if n, ok := roleNames[role]; ok {
		return n
	}
	return role
}

// RoleList names roles as a Chinese list: "甲", "甲和乙", "甲、乙和丙".
func RoleList(roles []string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = RoleName(r)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], "、") + "和" + names[len(names)-1]
}

// Statuses as people read them, for every kind.
var statusNames = map[string]string{
	"pending": "审批中", "approved": "已批准", "refused": "未批准", "withdrawn": "已撤回",
	"cancelled": "已撤销", "returned": "已销假",
	"awaiting_explanation": "待写情况说明", "awaiting_signature": "待签字", "signed": "已签字",
	"closed": "已关闭", "voided": "已作废",
	"awaiting_filing": "待备案", "filed": "已备案", "reported": "已上报",
	"open": "未报送", "submitted": "已报送",
}

// LeaveKindName is a kind of leave as people read it.
func LeaveKindName(kind string) string {
	switch kind {
	case "personal":
		return "事假"
	case "sick":
		return "病假"
	}
	return "请假"
}

// StatusName is a process status as people read it.
func StatusName(status string) string {
	if n, ok := statusNames[status]; ok {
		return n
	}
	return status
}

// AccountRoleName is the role of an account as its holder is called: the
// unit acts through its head.
func AccountRoleName(role string) string {
	if role == "unit_head" {
		return "派出单位负责人"
	}
	return RoleName(role)
}
