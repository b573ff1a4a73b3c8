package errs

// The engine's seals (issue 18): a start or a step that did not come from
// zhucun's API with its signature.

const (
	MsgUnsigned     Msg = "seal.unsigned"
	MsgBadSignature Msg = "seal.bad_signature"
	MsgStaleSigned  Msg = "seal.stale"
)

func init() {
	for k, v := range map[Msg]string{
		MsgUnsigned:     "此操作未经本系统签名，已拒绝",
		MsgBadSignature: "此操作的签名无效，已拒绝",
		MsgStaleSigned:  "此操作的签名已过期，请重新提交",
	} {
		catalogue[k] = v
	}
}
