package errs

// Importing an organisation and handing out its accounts.
const (
	MsgImportRecorders     Msg = "import.recorders"
	MsgImportFile          Msg = "import.file"
	MsgImportNeedsTemporal Msg = "import.needs_temporal"
	MsgImportNotChecked    Msg = "import.not_checked"
	MsgImportApplied       Msg = "import.applied"
	MsgImportReason        Msg = "import.reason"
	MsgAccountsAdmins      Msg = "accounts.admins"
	MsgMustChangePassword  Msg = "accounts.must_change"
	MsgNoBureauAccount     Msg = "import.no_bureau"
	MsgMustChangeOnPage    Msg = "accounts.must_change_page"
)

func init() {
	for k, v := range map[Msg]string{
		MsgImportRecorders:     "只有系统管理员和市级乡村振兴部门可以导入台账",
		MsgImportFile:          "台账文件有误：%s",
		MsgImportNeedsTemporal: "台账中有人员进出工作队或更换队长，须通过动态备案流程：请在 zhucun serve 运行时于“导入台账”页面上传，或设置 TEMPORAL_ADDRESS 后再导入",
		MsgImportNotChecked:    "这份台账已经导入过，或不是您上传的",
		MsgImportApplied:       "台账已导入",
		MsgImportReason:        "依据导入的台账（%s）",
		MsgAccountsAdmins:      "只有系统管理员和市级乡村振兴部门可以管理账号",
		MsgMustChangePassword:  "首次登录（或密码被重置后）须先修改密码：请用 POST /api/v1/password 或“修改密码”页面设置新密码",
		MsgMustChangeOnPage:    "首次登录（或密码被重置后）须先设置自己的密码：输入收到的一次性密码和新密码",
		MsgNoBureauAccount:     "县区“%s”没有县级乡村振兴部门的账号，无法发起动态备案",
	} {
		catalogue[k] = v
	}
}
