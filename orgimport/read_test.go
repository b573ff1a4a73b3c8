package orgimport

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/store"
)

func empty() store.KnownOrg {
	return store.KnownOrg{Counties: map[string]bool{}, Townships: map[string]bool{}, Villages: map[string]bool{},
		Units: map[string]bool{}, TeamVillage: map[string]string{}, VillageTeam: map[string]string{}}
}

func TestTemplateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := Read(&buf, empty(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("the template's example rows have problems: %v", res.Problems)
	}
	o := res.Import
	if len(o.Counties) != 1 || len(o.Townships) != 1 || len(o.Villages) != 1 || len(o.Units) != 1 || len(o.Members) != 1 {
		t.Fatalf("template read as %+v", o)
	}
	m := o.Members[0]
	if m.ID != "m05" || !m.Leader || !m.FirstSecretary || m.Joined != time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("example member read as %+v", m)
	}
}

func TestGeneratedRoundTrip(t *testing.T) {
	o := Generate(Spec{Prefix: "r", Counties: 2, TownshipsPer: 2, VillagesPer: 2, MembersPerTeam: 3, UnitsPerCounty: 2, CityUnits: 1})
	var buf bytes.Buffer
	if err := Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	res, err := Read(&buf, empty(), nil)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("read: %v %v", err, res.Problems)
	}
	got := res.Import
	for i := range got.Members { // rows are not part of the generated value
		got.Members[i].Row = 0
	}
	for i := range got.Units {
		got.Units[i].Row = 0
	}
	if !reflect.DeepEqual(got.Members, o.Members) || !reflect.DeepEqual(got.Units, o.Units) {
		t.Errorf("members or units differ after a round trip:\n%+v\n%+v", got.Members[:2], o.Members[:2])
	}
}

func TestCleanAndDates(t *testing.T) {
	if got := cleanID("\u3000ｘｉｐｉｎｇ－１２ "); got != "xiping-12" {
		t.Errorf("cleanID = %q", got)
	}
	want := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2025-03-01", "2025/3/1", "２０２５年３月１日", "20250301", "45717", " 2025.3.1 ", "2025-03-01 00:00:00"} {
		if d, ok := parseDate(s); !ok || !d.Equal(want) {
			t.Errorf("parseDate(%q) = %v %v", s, d, ok)
		}
	}
	for _, s := range []string{"2025-02-30", "三月一日", "12", "", "2025-13-01"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) accepted", s)
		}
	}
}

// errorWorkbook is a valid small workbook with one error of each kind,
// each on its own row; want lists them as sheet, row, column and a word
// of the reason.
func errorWorkbook(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	put := func(sheet string, rows ...[]any) {
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
		var spec sheetSpec
		for _, s := range sheets {
			if s.name == sheet {
				spec = s
			}
		}
		head := []any{}
		for _, c := range spec.cols {
			head = append(head, c.header)
		}
		for i, r := range append([][]any{head}, rows...) {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, ref, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(SheetCounties, []any{"c1", "一县", "city", "一市"})
	put(SheetTownships, []any{"t1", "一乡", "c1"})
	put(SheetVillages, []any{"v1", "一村", "t1"}, []any{"v2", "二村", "t1"}, []any{"v3", "三村", "t1"},
		[]any{"v1", "重复村", "t1"}) // row 5: duplicate id
	put(SheetUnits, []any{"u1", "一局", "县级", "c1", "甲", ""},
		[]any{"u2", "二局", "市级", "", "", ""}) // row 3: no head
	put(SheetTeams,
		[]any{"team1", "一村队", "v1", "a1", "张一", "u1", "第一书记兼队长", "2025-03-01", ""},
		[]any{"team1", "一村队", "v1", "a2", "张二", "u1", "队员", "三月一日", ""}, // row 3: not a date
		[]any{"team2", "二村队", "v2", "a3", "张三", "u1", "第一书记兼队长", "2025-03-01", ""},
		[]any{"team2", "二村队", "v2", "a1", "张一", "u1", "队员", "2025-03-01", ""},      // row 5: a1 on two teams
		[]any{"team3", "九村队", "v9", "a4", "张四", "u1", "第一书记兼队长", "2025-03-01", ""}, // row 6: unknown village
		[]any{"team4", "三村队", "v3", "a5", "张五", "u1", "队员", "2025-03-01", ""},      // row 7: team without leader
		[]any{"team2", "二村队", "v2", "a3", "张三", "u1", "队员", "2025-03-01", ""},      // row 8: duplicate member id
	)
	f.DeleteSheet("Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type sheetSpec = sheet

// ErrorCases is each kind of error errorWorkbook holds, as Problem's
// sheet, row, column and a piece of its reason.
var ErrorCases = []Problem{
	{Sheet: SheetVillages, Row: 5, Column: "A", Reason: "重复"},
	{Sheet: SheetUnits, Row: 3, Column: "E", Reason: "没有一把手"},
	{Sheet: SheetTeams, Row: 3, Column: "H", Reason: "不是日期"},
	{Sheet: SheetTeams, Row: 5, Column: "D", Reason: "同时在两个工作队"},
	{Sheet: SheetTeams, Row: 6, Column: "C", Reason: "未知的村"},
	{Sheet: SheetTeams, Row: 7, Column: "G", Reason: "没有队长"},
	{Sheet: SheetTeams, Row: 8, Column: "D", Reason: "重复"},
}

func TestOneErrorOfEachKind(t *testing.T) {
	res, err := Read(bytes.NewReader(errorWorkbook(t)), empty(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Import != nil {
		t.Error("a workbook with problems gave rows to write")
	}
	for _, want := range ErrorCases {
		found := false
		for _, p := range res.Problems {
			if p.Sheet == want.Sheet && p.Row == want.Row && p.Column == want.Column && strings.Contains(p.Reason, want.Reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s row %d column %s (%s)", want.Sheet, want.Row, want.Column, want.Reason)
		}
	}
	if len(res.Problems) != len(ErrorCases) {
		for _, p := range res.Problems {
			t.Log(p)
		}
		t.Errorf("%d problems, want %d", len(res.Problems), len(ErrorCases))
	}
}
