package errs

// Issue 18's HTTP side: limits on creating processes, and a replacement
// that reaches into another unit.
const (
	MsgCreateTooFastMinute Msg = "create.too_fast_minute"
	MsgCreateTooFastDay    Msg = "create.too_fast_day"
	MsgRosterOtherUnit     Msg = "roster.other_unit_needs_bureau"
)

func init() {
	for k, v := range map[Msg]string{
		MsgCreateTooFastMinute: "提交过于频繁：每分钟最多提交 %d 件，请于 %s 后再试",
		MsgCreateTooFastDay:    "今天提交的事项已达上限（24 小时内最多 %d 件），请于 %s 后再试",
		MsgRosterOtherUnit:     "替换调整的是其他派出单位的队员（%s），须由县乡村振兴局登记",
	} {
		catalogue[k] = v
	}
}
