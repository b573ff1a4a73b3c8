package orgimport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhucun/store"
)

// book writes a workbook with the given header row and rows per sheet.
func book(t *testing.T, sheets map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for _, name := range []string{SheetCounties, SheetTownships, SheetVillages, SheetUnits, SheetTeams} {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range sheets[name] {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, ref, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.DeleteSheet("Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func robotBook(t *testing.T, withRobots bool, unitRobot, teamRobot []any) []byte {
	rk := []any{colRobotKind, colRobotURL, colRobotSecret}
	head := func(cols ...any) []any {
		if withRobots {
			return append(cols, rk...)
		}
		return cols
	}
	return book(t, map[string][][]any{
		SheetCounties:  {{colCountyID, colCountyName, colCityID, colCityName}, {"c1", "一县", "city", "一市"}},
		SheetTownships: {head(colTownshipID, colTownship, colCountyID), {"t1", "一乡", "c1", "企业微信", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1"}},
		SheetVillages:  {{colVillageID, colVillage, colTownshipID}, {"v1", "一村", "t1"}},
		SheetUnits:     {head(colUnitID, colUnitName, colLevel, colCountyID, colHead, colHeadPhone), append([]any{"u1", "一局", "县级", "c1", "甲", ""}, unitRobot...)},
		SheetTeams: {head(colTeamID, colTeamName, colVillageID, colMemberID, colName, colUnitOf, colRole, colJoined, colPhone),
			{"team1", "一村队", "v1", "a1", "张一", "u1", "第一书记兼队长", "2025-03-01", ""},
			append([]any{"team1", "一村队", "v1", "a2", "张二", "u1", "队员", "2025-03-01", ""}, teamRobot...)},
	})
}

func TestImportRobots(t *testing.T) {
	// A workbook from before the robot columns imports as it did.
	res, err := Read(bytes.NewReader(robotBook(t, false, nil, nil)), empty(), nil)
	if err != nil || len(res.Problems) > 0 || res.Import == nil || len(res.Import.Robots) != 0 {
		t.Fatalf("old workbook: %v, problems %v", err, res.Problems)
	}

	res, err = Read(bytes.NewReader(robotBook(t, true, []any{"", "", ""},
		[]any{"钉钉", "https://oapi.dingtalk.com/robot/send?access_token=T1", "SECabc"})), empty(), nil)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("robots: %v, problems %v", err, res.Problems)
	}
	want := []store.ImportRobot{
		{Row: 2, Scope: store.RobotOffice, ID: "t1-committee", Kind: "wecom", URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1"},
		{Row: 3, Scope: store.RobotTeam, ID: "team1", Kind: "dingtalk", URL: "https://oapi.dingtalk.com/robot/send?access_token=T1", Secret: "SECabc"},
	}
	if got := res.Import.Robots; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("robots = %+v\nwant %+v", got, want)
	}

	// Bad cells are named, and the URL and secret are never quoted.
	res, err = Read(bytes.NewReader(robotBook(t, true, []any{"飞书", "ftp://x/?key=LEAK", ""},
		[]any{"企业微信", "https://qyapi.weixin.qq.com/?key=K", "SECLEAK"})), empty(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds, urls, secrets int
	for _, p := range res.Problems {
		switch p.Header {
		case colRobotKind:
			kinds++
		case colRobotURL:
			urls++
		case colRobotSecret:
			secrets++
		}
		if strings.Contains(p.String(), "LEAK") {
			t.Errorf("problem quotes a robot's key or secret: %s", p)
		}
	}
	if kinds != 1 || urls != 1 || secrets != 1 || res.Import != nil {
		t.Errorf("problems %v: want one each for kind, URL and secret, and nothing to import", res.Problems)
	}
}
