package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhucun/notify"
	"zhucun/orgimport"
)

// TestImportSetsGroupRobot: a workbook with the robot columns on its unit
// sheet gives the unit its robot, stored sealed: neither the URL's key nor
// the secret is in the table in the clear, and the app's keys open them.
func TestImportSetsGroupRobot(t *testing.T) {
	const token, secret = "IMPtoken789", "SECimport012"
	o := orgimport.Generate(orgimport.Spec{Prefix: "rb", Counties: 1, TownshipsPer: 1, VillagesPer: 1,
		MembersPerTeam: 3, UnitsPerCounty: 1, CityUnits: 0})
	f, err := excelize.OpenReader(bytes.NewReader(xlsxOf(t, o)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(orgimport.SheetUnits)
	if err != nil || len(rows) < 2 {
		t.Fatalf("units sheet: %v %v", rows, err)
	}
	unitID, n := rows[1][0], len(rows[0])
	addr := "https://oapi.dingtalk.com/robot/send?access_token=" + token
	for i, v := range []string{"群机器人类型", "群机器人地址", "群机器人加签密钥", "钉钉", addr, secret} {
		ref, _ := excelize.CoordinatesToCellName(n+1+i%3, 1+i/3)
		if err := f.SetCellStr(orgimport.SheetUnits, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	admin := pageClient(t, "admin")
	_, page := uploadPage(t, admin, "台账-机器人.xlsx", buf.Bytes())
	confirmPage(t, admin, page)

	var kind, urlSealed, secretSealed string
	if err := H.Pool.QueryRow(context.Background(), `SELECT kind, url_sealed, secret_sealed FROM robots
		WHERE scope = 'unit' AND scope_id = $1`, unitID).Scan(&kind, &urlSealed, &secretSealed); err != nil {
		t.Fatalf("unit %s has no robot after the import: %v", unitID, err)
	}
	if kind != "dingtalk" || strings.Contains(urlSealed, token) || strings.Contains(secretSealed, secret) || secretSealed == "" {
		t.Errorf("stored robot: kind %q, url %q, secret %q: want dingtalk, both sealed", kind, urlSealed, secretSealed)
	}
	if got, err := H.App.Keys.OpenText(urlSealed, notify.RobotBind("unit", unitID, "url")); err != nil || got != addr {
		t.Errorf("sealed URL opens to %q, %v", got, err)
	}
	if got, err := H.App.Keys.OpenText(secretSealed, notify.RobotBind("unit", unitID, "secret")); err != nil || got != secret {
		t.Errorf("sealed secret opens to %q, %v", got, err)
	}
}
