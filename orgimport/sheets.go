// Package orgimport reads a county's 台账 workbook into zhucun: the
// template people fill in, the streaming reader that checks every row and
// says what is wrong by sheet, row and column in Chinese, and the
// generator of big workbooks for tests and the benchmark. Writing to the
// database is store's (ApplyImport); deciding who may import is actions'.
package orgimport

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"
)

// Sheet names, as the template writes them and the reader looks for them.
const (
	SheetCounties  = "县区"
	SheetTownships = "乡镇（街道）"
	SheetVillages  = "村"
	SheetUnits     = "派出单位"
	SheetTeams     = "驻村工作队及队员"
	SheetNotes     = "说明"
)

// column is a column of a sheet: its header, what it means (for the notes
// sheet), an example value, and whether it must be filled.
type column struct {
	header, means, example string
	required               bool
}

// sheet is one sheet of the template, in order.
type sheet struct {
	name string
	cols []column
}

// Column headers the reader needs by name.
const (
	colCountyID   = "县区编号"
	colCountyName = "县区名称"
	colCityID     = "市编号"
	colCityName   = "市名称"
	colTownshipID = "乡镇编号"
	colTownship   = "乡镇名称"
	colVillageID  = "村编号"
	colVillage    = "村名称"
	colUnitID     = "单位编号"
	colUnitName   = "单位名称"
	colLevel      = "级别"
	colHead       = "一把手"
	colHeadPhone  = "一把手电话"
	colTeamID     = "工作队编号"
	colTeamName   = "工作队名称"
	colMemberID   = "队员编号"
	colName       = "姓名"
	colUnitOf     = "派出单位编号"
	colRole       = "职务"
	colJoined     = "入队日期"
	colPhone      = "手机号"
)

var sheets = []sheet{
	{SheetCounties, []column{
		{colCountyID, "县区的编号，字母、数字和连字符，全市唯一；也是县级账号名的前缀", "xiping", true},
		{colCountyName, "县区全称", "西平县", true},
		{colCityID, "所属市的编号", "zhumadian", true},
		{colCityName, "所属市全称", "驻马店市", true},
	}},
	{SheetTownships, []column{
		{colTownshipID, "乡镇（街道）编号，唯一；乡镇党委账号名为“编号-committee”", "zhuantan", true},
		{colTownship, "乡镇（街道）全称", "专探乡", true},
		{colCountyID, "所属县区编号，须在“县区”表或系统中", "xiping", true},
		robotKindCol, robotURLCol, robotSecretCol,
	}},
	{SheetVillages, []column{
		{colVillageID, "村编号，唯一", "zhuantan-zhaolou", true},
		{colVillage, "村名", "赵楼村", true},
		{colTownshipID, "所属乡镇编号，须在“乡镇（街道）”表或系统中", "zhuantan", true},
	}},
	{SheetUnits, []column{
		{colUnitID, "派出单位编号，唯一；一把手账号名为“编号-head”", "xiping-edu", true},
		{colUnitName, "单位全称", "西平县教育局", true},
		{colLevel, "市级 或 县级", "县级", true},
		{colCountyID, "县级单位所属县区编号；市级单位留空", "xiping", false},
		{colHead, "单位主要负责人（一把手）姓名，必填", "陈国庆", true},
		{colHeadPhone, "一把手手机号", "13800000000", false},
		robotKindCol, robotURLCol, robotSecretCol,
	}},
	{SheetTeams, []column{
		{colTeamID, "工作队编号，唯一，一村一队", "zhuantan-zhaolou-team", true},
		{colTeamName, "工作队名称", "赵楼村驻村工作队", true},
		{colVillageID, "所驻村编号，须在“村”表或系统中", "zhuantan-zhaolou", true},
		{colMemberID, "队员编号，全市唯一；也是队员的账号名", "m05", true},
		{colName, "队员姓名", "陈静", true},
		{colUnitOf, "派出单位编号，须在“派出单位”表或系统中", "xiping-edu", true},
		{colRole, "队长、第一书记、第一书记兼队长 或 队员；每队恰有一名队长", "第一书记兼队长", true},
		{colJoined, "入队日期，如 2025-03-01、2025/3/1、2025年3月1日，或 Excel 日期", "2025-03-01", true},
		{colPhone, "队员手机号", "13900000000", false},
		robotKindCol, robotURLCol, robotSecretCol,
	}},
}

// cell is a column's letter (A, B, ...) for messages.
func cell(col int) string {
	name, _ := excelize.ColumnNumberToName(col + 1)
	return name
}

// Problem is one thing wrong with a workbook: where, and why in Chinese.
// Row is the sheet's row number as Excel shows it; Column its letter and
// header. A problem of the whole file has no sheet.
type Problem struct {
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	Header string `json:"header,omitempty"`
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	switch {
	case p.Sheet == "":
		return p.Reason
	case p.Row == 0:
		return fmt.Sprintf("“%s”表：%s", p.Sheet, p.Reason)
	case p.Column == "":
		return fmt.Sprintf("“%s”表第 %d 行：%s", p.Sheet, p.Row, p.Reason)
	}
	return fmt.Sprintf("“%s”表第 %d 行 %s 列（%s）：%s", p.Sheet, p.Row, p.Column, p.Header, p.Reason)
}

// sortProblems orders problems as the workbook is read: by sheet, then row.
func sortProblems(ps []Problem) {
	order := map[string]int{}
	for i, s := range sheets {
		order[s.name] = i + 1
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := cmp.Compare(order[a.Sheet], order[b.Sheet]); c != 0 {
			return c
		}
		return cmp.Compare(a.Row, b.Row)
	})
}
