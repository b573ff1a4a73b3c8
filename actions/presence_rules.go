package actions

import (
	"fmt"

	"zhucun/policy"
)

// presenceText is article 13's rules in words, for RulesText.
func presenceText(p policy.PresenceRules) []RuleLine {
	const section = "在岗（第十三条）"
	leave := "经批准的请假天数计入在岗天数要求"
	if !p.LeaveExcused {
		leave = "经批准的请假天数不计入在岗天数"
	}
	checkin := "不开启自愿签到"
	if p.CheckinEnabled {
		checkin = "开启自愿签到（每天至多一次，不强制，不作为考核依据）"
	}
	return []RuleLine{
		{Key: "presence.trip", Section: section, Text: fmt.Sprintf("因公外出超过%d天须经乡镇党委批准，外出天数计为在岗", p.TripApprovalDays)},
		{Key: "presence.min", Section: section, Text: fmt.Sprintf("每月在岗不少于%d个工作日，不足的由县乡村振兴局逐人审核", p.MinDaysMonth)},
		{Key: "presence.leave", Section: section, Text: leave},
		{Key: "presence.checkin", Section: section, Text: checkin},
	}
}
