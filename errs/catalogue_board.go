package errs

// The 督查 board (issue 13): its own messages.

const (
	MsgBoardOffices     Msg = "board.offices"
	MsgBoardCounty      Msg = "board.county"
	MsgBoardTownship    Msg = "board.township"
	MsgBoardSort        Msg = "board.sort"
	MsgBoardReminded    Msg = "board.reminded"
	MsgBoardTooManyRows Msg = "board.too_many_rows"
	MsgUrgeOffices      Msg = "urge.offices"
	MsgUrgeScope        Msg = "urge.scope"
	MsgUrgeNotOverdue   Msg = "urge.not_overdue"
	MsgUrgedRecently    Msg = "urge.recently"
	MsgEvUrged          Msg = "member.event.urged"
)

func init() {
	for k, v := range map[Msg]string{
		MsgBoardOffices:     "督查看板只对县、市两级组织部和乡村振兴局开放",
		MsgBoardCounty:      "只能查看本县的督查看板",
		MsgBoardTownship:    "该乡镇不在所选的县",
		MsgBoardSort:        "排序只能是 %s 之一",
		MsgBoardReminded:    "已催办，记录在办理经过中",
		MsgBoardTooManyRows: "符合条件的事项超过 %d 项，请缩小范围后再下载",
		MsgUrgeOffices:      "只有县、市两级组织部和乡村振兴局可以催办",
		MsgUrgeScope:        "只能催办本县的事项",
		MsgUrgeNotOverdue:   "只有已逾期的事项可以催办",
		MsgUrgedRecently:    "您已于 %s 催办过此事项，24小时内不能再次催办",
		MsgEvUrged:          "催办",
	} {
		catalogue[k] = v
	}
}
