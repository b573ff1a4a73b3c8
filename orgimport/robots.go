package orgimport

import (
	"net/url"
	"strings"

	"zhucun/store"
)

// The group robot columns (issue 20): optional, and may be absent from a
// workbook made before they existed, which still imports.
const (
	colRobotKind   = "群机器人类型"
	colRobotURL    = "群机器人地址"
	colRobotSecret = "群机器人加签密钥"
)

var (
	robotKindCol   = column{colRobotKind, "企业微信 或 钉钉；不设群机器人则留空，通知发到全系统的机器人。此列可没有（旧表照常导入）", "", false}
	robotURLCol    = column{colRobotURL, "群机器人的 Webhook 地址（https://…）；系统加密保存，不再显示。工作队的写在该队任一队员行", "", false}
	robotSecretCol = column{colRobotSecret, "钉钉机器人的加签密钥（SEC 开头），未开启加签则留空；系统加密保存，不再显示", "", false}
	mayBeAbsent    = map[string]bool{colRobotKind: true, colRobotURL: true, colRobotSecret: true}
)

var robotKinds = map[string]string{"企业微信": "wecom", "企微": "wecom", "wecom": "wecom", "钉钉": "dingtalk", "dingtalk": "dingtalk"}

// robot reads a row's robot columns for the group (scope, id); it reports
// whether the row sets one. The URL and secret are never quoted in a
// problem: the workbook's reader may not be the one who should see them.
func (rd *reader) robot(l line, scope, id string) bool {
	raw, addr, secret := l.get(colRobotKind), l.get(colRobotURL), l.get(colRobotSecret)
	if raw == "" && addr == "" && secret == "" {
		return false
	}
	kind, ok := robotKinds[strings.ToLower(raw)]
	if !ok {
		rd.bad(l, colRobotKind, "应为“企业微信”或“钉钉”")
	}
	u, err := url.Parse(addr)
	if addr == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(addr) > 1000 {
		rd.bad(l, colRobotURL, "须是 https:// 开头的完整网址")
		ok = false
	}
	if secret != "" && (kind != "dingtalk" || len(secret) > 200 || strings.ContainsAny(secret, " \t")) {
		rd.bad(l, colRobotSecret, "加签密钥只用于钉钉机器人，至多 200 个字符，不能有空格")
		ok = false
	}
	if ok {
		rd.o.Robots = append(rd.o.Robots, store.ImportRobot{Row: l.row, Scope: scope, ID: id, Kind: kind, URL: addr, Secret: secret})
	}
	return ok
}
