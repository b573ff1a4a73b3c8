package errs

// Issue 20's attachments (附件) and printable leave form (请假审批表).
const (
	MsgAttachMissing   Msg = "attach.missing"
	MsgAttachType      Msg = "attach.type"
	MsgAttachTooBig    Msg = "attach.too_big"
	MsgAttachTooMany   Msg = "attach.too_many"
	MsgAttachEmpty     Msg = "attach.empty"
	MsgAttachNotYours  Msg = "attach.not_yours"
	MsgAttachKind      Msg = "attach.kind"
	MsgAttachClosed    Msg = "attach.closed"
	MsgAttachForm      Msg = "attach.form"
	MsgFlashAttached   Msg = "flash.attached"
	MsgLeaveFormFont   Msg = "leave_form.font_missing"
	MsgLeaveFormFailed Msg = "leave_form.failed"
)

func init() {
	for k, v := range map[Msg]string{
		MsgAttachMissing:   "file：请选择要上传的文件",
		MsgAttachType:      "file：“%s”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，改扩展名无效）",
		MsgAttachTooBig:    "file：“%s”超过 %d MB，请压缩或分页后再传",
		MsgAttachTooMany:   "file：每件事项最多 %d 个附件，这件已有 %d 个，本次又选了 %d 个",
		MsgAttachEmpty:     "file：“%s”是空文件",
		MsgAttachNotYours:  "只有这件事项的提交人（请假、情况说明是队员本人，人员变动是县乡村振兴局或派出单位）可以添加附件",
		MsgAttachKind:      "月度报告不能添加附件",
		MsgAttachClosed:    "这件事项已撤回、撤销或作废，不能再添加附件",
		MsgAttachForm:      "file：上传的表单无法读取，请重新选择文件后提交",
		MsgFlashAttached:   "已上传 %d 个附件",
		MsgLeaveFormFont:   "无法生成请假审批表：服务器缺少中文字体（%s），请管理员安装 fonts-arphic-gbsn00lp 或设置 ZHUCUN_PDF_FONT",
		MsgLeaveFormFailed: "无法生成请假审批表，请稍后再试",
	} {
		catalogue[k] = v
	}
}
