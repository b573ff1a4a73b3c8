package orgimport

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/store"
)

// WriteTemplate writes the empty 台账 template: one sheet per kind of row,
// Chinese headers, an example row in each, and the notes sheet that says
// what each column means.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		head, example := make([]any, len(s.cols)), make([]any, len(s.cols))
		for j, c := range s.cols {
			head[j], example[j] = c.header, c.example
		}
		if err := f.SetSheetRow(s.name, "A1", &head); err != nil {
			return err
		}
		if err := f.SetSheetRow(s.name, "A2", &example); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(s.cols))
		if err := f.SetCellStyle(s.name, "A1", last+"1", bold); err != nil {
			return err
		}
		if err := f.SetColWidth(s.name, "A", last, 18); err != nil {
			return err
		}
	}
	if err := writeNotes(f, bold); err != nil {
		return err
	}
	return f.Write(w)
}

// notesIntro is the top of the notes sheet.
var notesIntro = []string{
	"驻村工作队台账导入模板",
	"每张表第一行是表头，请勿修改；第二行是示例，请替换或删除。",
	"导入命令：zhucun import org 台账.xlsx --dry-run（先检查，不写入），无误后去掉 --dry-run 再导入；也可由管理员在“导入台账”页面上传。",
	"有任何一处错误，整个文件都不会写入；错误会指明表、行、列和原因。",
	"再次导入同一文件不会改变任何数据；姓名、电话、一把手的变化会直接更新；人员进出工作队、更换队长会由县级乡村振兴部门发起动态备案（第十七条）。",
	"导入会为每名队员、每个派出单位的一把手、每个县乡办公室创建账号；用 zhucun accounts issue --county 县区编号 > 账号.xlsx 领取一次性密码，首次登录须修改密码。",
	"",
}

func writeNotes(f *excelize.File, bold int) error {
	if _, err := f.NewSheet(SheetNotes); err != nil {
		return err
	}
	row := 1
	put := func(style int, vals ...any) error {
		ref, _ := excelize.CoordinatesToCellName(1, row)
		row++
		if err := f.SetSheetRow(SheetNotes, ref, &vals); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(SheetNotes, ref, ref, style)
		}
		return nil
	}
	for i, s := range notesIntro {
		style := 0
		if i == 0 {
			style = bold
		}
		if err := put(style, s); err != nil {
			return err
		}
	}
	if err := put(bold, "表", "列", "必填", "含义"); err != nil {
		return err
	}
	for _, s := range sheets {
		for _, c := range s.cols {
			req := "否"
			if c.required {
				req = "是"
			}
			if err := put(0, s.name, c.header, req, c.means); err != nil {
				return err
			}
		}
	}
	return f.SetColWidth(SheetNotes, "D", "D", 80)
}

// Write writes o as a workbook in the template's layout, streaming, so a
// whole country's roster fits. Odd members' dates are Excel date cells,
// even ones text (2025年3月1日), as real files mix both.
func Write(w io.Writer, o *store.OrgImport) error {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	rowsOf := map[string]func(yield func([]any) bool){
		SheetCounties: func(yield func([]any) bool) {
			for _, c := range o.Counties {
				if !yield([]any{c.ID, c.Name, c.CityID, c.City}) {
					return
				}
			}
		},
		SheetTownships: func(yield func([]any) bool) {
			for _, t := range o.Townships {
				if !yield([]any{t.ID, t.Name, t.CountyID}) {
					return
				}
			}
		},
		SheetVillages: func(yield func([]any) bool) {
			for _, v := range o.Villages {
				if !yield([]any{v.ID, v.Name, v.TownshipID}) {
					return
				}
			}
		},
		SheetUnits: func(yield func([]any) bool) {
			for _, u := range o.Units {
				level := map[string]string{"city": "市级", "county": "县级"}[u.Level]
				if !yield([]any{u.ID, u.Name, level, u.CountyID, u.HeadName, u.HeadPhone}) {
					return
				}
			}
		},
		SheetTeams: func(yield func([]any) bool) {
			for i, m := range o.Members {
				var joined any = fmt.Sprintf("%d年%d月%d日", m.Joined.Year(), m.Joined.Month(), m.Joined.Day())
				if i%2 == 0 {
					joined = excelize.Cell{StyleID: dateStyle, Value: excelSerial(m.Joined)}
				}
				if !yield([]any{m.TeamID, m.TeamName, m.VillageID, m.ID, m.Name, m.UnitID, roleName(m), joined, m.Phone}) {
					return
				}
			}
		},
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := streamSheet(f, s, rowsOf[s.name]); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func streamSheet(f *excelize.File, s sheet, rows func(yield func([]any) bool)) error {
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	head := make([]any, len(s.cols))
	for j, c := range s.cols {
		head[j] = c.header
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 2
	for vals := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, n)
		if err = sw.SetRow(ref, vals); err != nil {
			return err
		}
		n++
	}
	return sw.Flush()
}

func excelSerial(t time.Time) float64 { return float64(t.Sub(excelEpoch) / (24 * time.Hour)) }

func roleName(m store.ImportMember) string {
	switch {
	case m.Leader && m.FirstSecretary:
		return "第一书记兼队长"
	case m.Leader:
		return "队长"
	case m.FirstSecretary:
		return "第一书记"
	}
	return "队员"
}
