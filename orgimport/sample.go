package orgimport

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// ErrorSample is a small workbook with one error of each kind the reader
// finds, each on its own row; ErrorCases lists them as sheet, row, column
// and a word of the reason. Tests read it, and so can people who want to
// see the messages.
func ErrorSample() []byte {
	f := excelize.NewFile()
	defer f.Close()
	put := func(name string, rows ...[]any) {
		if _, err := f.NewSheet(name); err != nil {
			panic(err)
		}
		var spec sheet
		for _, s := range sheets {
			if s.name == name {
				spec = s
			}
		}
		head := []any{}
		for _, c := range spec.cols {
			head = append(head, c.header)
		}
		for i, r := range append([][]any{head}, rows...) {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, ref, &r); err != nil {
				panic(err)
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
		panic(err)
	}
	return buf.Bytes()
}

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
