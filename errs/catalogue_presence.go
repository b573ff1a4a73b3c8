package errs

// Article 13 (presence): spot checks, trips, the monthly statement and
// its shortfall items, check-ins.

const (
	MsgTripBadInput        Msg = "presence.trip_bad_input"
	MsgTripNotYours        Msg = "presence.trip_not_yours"
	MsgTripDecided         Msg = "presence.trip_decided"
	MsgTripDecision        Msg = "presence.trip_decision"
	MsgTripMembersOnly     Msg = "presence.trip_members_only"
	MsgTripNotOnTeam       Msg = "presence.trip_not_on_team"
	MsgTripTooEarly        Msg = "presence.trip_too_early"
	MsgTripTooLong         Msg = "presence.trip_too_long"
	MsgTripOverlap         Msg = "presence.trip_overlap"
	MsgTripOutOfScope      Msg = "presence.trip_out_of_scope"
	MsgStatementBadInput   Msg = "presence.statement_bad_input"
	MsgShortfallBureau     Msg = "presence.shortfall_bureau"
	MsgShortfallUnknown    Msg = "presence.shortfall_unknown"
	MsgShortfallDecided    Msg = "presence.shortfall_decided"
	MsgShortfallReason     Msg = "presence.shortfall_reason"
	MsgShortfallDecision   Msg = "presence.shortfall_decision"
	MsgStatementOutOfScope Msg = "presence.statement_out_of_scope"
	MsgStatementNotEnded   Msg = "presence.statement_not_ended"
	MsgStatementClosed     Msg = "presence.statement_closed"
	MsgSpotCheckRecorders  Msg = "presence.spot_check_recorders"
	MsgSpotCheckWho        Msg = "presence.spot_check_who"
	MsgSpotCheckChannel    Msg = "presence.spot_check_channel"
	MsgSpotCheckResult     Msg = "presence.spot_check_result"
	MsgSpotCheckCover      Msg = "presence.spot_check_cover"
	MsgSpotCheckNoCover    Msg = "presence.spot_check_no_cover"
	MsgSpotCheckTooMany    Msg = "presence.spot_check_too_many"
	MsgSpotCheckTeam       Msg = "presence.spot_check_team"
	MsgPresenceScope       Msg = "presence.scope"
	MsgCheckinOff          Msg = "presence.checkin_off"
	MsgCheckinMembersOnly  Msg = "presence.checkin_members_only"
	MsgCheckinPoint        Msg = "presence.checkin_point"
	MsgCheckinDone         Msg = "presence.checkin_done"
	MsgTripReportedFlash   Msg = "presence.trip_reported_flash"
	MsgSpotCheckSavedFlash Msg = "presence.spot_check_saved_flash"
	MsgDecidedFlash        Msg = "presence.decided_flash"
)

func init() {
	for k, v := range map[Msg]string{
		MsgTripBadInput:        "外出报备的内容不完整（id、member_id、approvers）",
		MsgTripNotYours:        "这项外出报备不由您审批（decision）",
		MsgTripDecided:         "这项外出报备已处理，当前状态：%s",
		MsgTripDecision:        "decision 应为 approve（批准）或 refuse（不批准）",
		MsgTripMembersOnly:     "只有驻村工作队员本人可以报备外出",
		MsgTripNotOnTeam:       "start_date 那天您不在任何驻村工作队，无需报备",
		MsgTripTooEarly:        "start_date 不能早于 %s（外出后补报最多 %d 天）",
		MsgTripTooLong:         "end_date 与 start_date 相隔不能超过 %d 天",
		MsgTripOverlap:         "start_date 至 end_date 与已报备的外出（%s 至 %s）重叠",
		MsgTripOutOfScope:      "找不到这项外出报备，或您无权查看（id）",
		MsgStatementBadInput:   "在岗月度统计的内容不完整（id、county_id、month、bureau）",
		MsgShortfallBureau:     "只有本县乡村振兴局可以处理在岗天数不足的事项",
		MsgShortfallUnknown:    "member_id 不在本月在岗天数不足的名单中",
		MsgShortfallDecided:    "该队员的在岗天数不足事项已处理（member_id）",
		MsgShortfallReason:     "请填写不予追究的理由（reason）",
		MsgShortfallDecision:   "decision 应为 excuse（说明理由，不予追究）或 explain（要求写情况说明）",
		MsgStatementOutOfScope: "找不到这份在岗月度统计，或您无权查看（id）",
		MsgStatementNotEnded:   "month 应为已经结束的月份，%s 还没有结束",
		MsgStatementClosed:     "这份在岗月度统计已全部处理完毕（%s）",
		MsgSpotCheckRecorders:  "只有市、县乡村振兴局可以登记查岗",
		MsgSpotCheckWho:        "请填写 member_id（一名队员）或 team_id（整个工作队），二者选一",
		MsgSpotCheckChannel:    "channel 应为 video、phone、on_site 或 online 之一",
		MsgSpotCheckResult:     "result 应为 present（在岗）、absent（不在岗）或 excused（请假或外出）之一",
		MsgSpotCheckCover:      "result 为 excused 时请填写 cover_kind（leave 或 trip），其他结果不填",
		MsgSpotCheckNoCover:    "checked_at 那天没有经批准的%s覆盖该队员（cover_kind）",
		MsgSpotCheckTooMany:    "results 最多 %d 项",
		MsgSpotCheckTeam:       "team_id 在 checked_at 那天没有队员",
		MsgPresenceScope:       "您无权查看该范围的在岗情况（county）",
		MsgCheckinOff:          "本县未开启自愿签到（checkin_enabled）",
		MsgCheckinMembersOnly:  "只有驻村工作队员本人可以签到",
		MsgCheckinPoint:        "lat、lng 应一起填写，且为有效的经纬度（可不填）",
		MsgCheckinDone:         "今天已经签到过了（每天一次）",
		MsgTripReportedFlash:   "已报备外出",
		MsgSpotCheckSavedFlash: "已登记查岗",
		MsgDecidedFlash:        "已办理",
	} {
		catalogue[k] = v
	}
	statusNames["reviewing"] = "待审核"
	statusNames["done"] = "已处理"
}
