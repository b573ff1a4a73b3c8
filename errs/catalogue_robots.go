package errs

// Group robots per office, unit and team, and quiet hours for notices
// (issue 20, item 7).

const (
	MsgRobotBureauOnly Msg = "robot.bureau_only"
	MsgRobotCounty     Msg = "robot.county"
	MsgRobotNoGroup    Msg = "robot.no_group"
	MsgRobotScope      Msg = "robot.scope"
	MsgRobotKind       Msg = "robot.kind"
	MsgRobotURL        Msg = "robot.url"
	MsgRobotSecret     Msg = "robot.secret"
	MsgRobotSecretKind Msg = "robot.secret_kind"
	MsgRobotSaved      Msg = "robot.saved"
	MsgRobotRemoved    Msg = "robot.removed"
	MsgRobotNoKeys     Msg = "robot.no_keys"
	MsgRuleQuietTime   Msg = "rule.quiet_time"
	MsgRuleQuietBoth   Msg = "rule.quiet_both"
)

func init() {
	for k, v := range map[Msg]string{
		MsgRobotBureauOnly: "只有县级乡村振兴部门可以设置群机器人",
		MsgRobotCounty:     "只能设置本县的乡镇、单位和工作队的群机器人",
		MsgRobotNoGroup:    "没有这个%s：“%s”",
		MsgRobotScope:      "群组类别（scope）只能是 office、unit 或 team",
		MsgRobotKind:       "机器人类型（kind）只能是 wecom（企业微信）或 dingtalk（钉钉）",
		MsgRobotURL:        "机器人地址（url）须是 https:// 开头的完整网址，至多 1000 个字符",
		MsgRobotSecret:     "加签密钥（secret）至多 200 个字符，不能有空格",
		MsgRobotSecretKind: "加签密钥（secret）只用于钉钉机器人",
		MsgRobotSaved:      "群机器人已保存",
		MsgRobotRemoved:    "群机器人已删除，通知改发全系统的机器人",
		MsgRobotNoKeys:     "服务器没有加密密钥，无法保存机器人地址（url）",
		MsgRuleQuietTime:   "免打扰时间须写作“时:分”，如 20:00，当前为“%s”",
		MsgRuleQuietBoth:   "免打扰的开始（quiet_from）和结束（quiet_until）须同时填写或同时留空",
	} {
		catalogue[k] = v
	}
}
