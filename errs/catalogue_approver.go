package errs

// The approvers' pages (待办, 已办, 备案, 登记离岗): their own messages.

const (
	MsgFilingsOffices      Msg = "approver.filings_offices"
	MsgFilingsPick         Msg = "approver.filings_pick"
	MsgFilingsTooMany      Msg = "approver.filings_too_many"
	MsgFilingsNotFiling    Msg = "approver.filings_not_filing"
	MsgFilingsDone         Msg = "approver.filings_done"
	MsgFilingsFailed       Msg = "approver.filings_failed"
	MsgFilingsMore         Msg = "approver.filings_more"
	MsgSearchTooLong       Msg = "approver.search_too_long"
	MsgPickMember          Msg = "approver.pick_member"
	MsgFoundAtFormat       Msg = "approver.found_at_format"
	MsgAbsenceRecorded     Msg = "approver.absence_recorded"
	MsgAbsenceCoversNotice Msg = "approver.absence_covers_notice"
)

func init() {
	for k, v := range map[Msg]string{
		MsgFilingsOffices:      "备案只对县委组织部和县乡村振兴局开放",
		MsgFilingsPick:         "请至少勾选一项备案",
		MsgFilingsTooMany:      "一次最多确认 %d 项",
		MsgFilingsNotFiling:    "不是请假或人员变动，无需备案",
		MsgFilingsDone:         "已确认 %d 项备案",
		MsgFilingsFailed:       "%d 项未能确认",
		MsgFilingsMore:         "另有 %d 项未能确认，请在列表中逐项查看",
		MsgSearchTooLong:       "最多 %d 个字",
		MsgPickMember:          "请先搜索并选择队员",
		MsgFoundAtFormat:       "请填写发现的日期和时间",
		MsgAbsenceRecorded:     "已登记%s的离岗，已通知其写情况说明",
		MsgAbsenceCoversNotice: "如核实后仍要登记，请勾选下面的“仍要登记”再提交。",
	} {
		catalogue[k] = v
	}
}
