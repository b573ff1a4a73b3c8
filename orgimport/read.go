package orgimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhucun/store"
)

// Limits of what is read. MaxUnzipped bounds the workbook's parts
// unzipped: a zip bomb (a few megabytes that unzip to gigabytes) is
// refused before it is inflated. Worksheets bigger than MaxXMLInMemory
// are unzipped to a temporary file and read from there, so a whole
// country's roster does not sit in memory as XML.
var (
	MaxUnzipped    int64 = 1 << 30
	MaxXMLInMemory int64 = 16 << 20
)

// MaxProblems is how many problems are listed; the rest are counted.
const MaxProblems = 500

// FileError is a workbook that cannot be read at all (not an xlsx, too
// big unzipped), in Chinese.
type FileError struct{ Reason string }

func (e *FileError) Error() string { return e.Reason }

// Progress is told, now and then, how many rows of a sheet were read.
type Progress func(sheet string, rows int)

// Result is a read workbook: its rows, if it had no problem, or its
// problems (at most MaxProblems, More counting the rest).
type Result struct {
	Import   *store.OrgImport
	Problems []Problem
	More     int
}

// Read reads and checks a workbook. known is what the database holds
// already (a later file may refer to villages and units imported before).
// A workbook with problems has no Import: nothing of it is to be written.
func Read(r io.Reader, known store.KnownOrg, progress Progress) (Result, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Result{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxXMLInMemory})
	if err != nil {
		return Result{}, openError(err)
	}
	defer f.Close()
	rd := &reader{f: f, known: known, progress: progress, o: &store.OrgImport{}}
	if fb, err := openFast(b); err == nil {
		rd.fast = fb
	}
	rd.init()
	for _, s := range []struct {
		name string
		row  func(line) bool
	}{{SheetCounties, rd.county}, {SheetTownships, rd.township}, {SheetVillages, rd.village},
		{SheetUnits, rd.unit}, {SheetTeams, rd.member}} {
		if err := rd.sheet(s.name, s.row); err != nil {
			return Result{}, err
		}
	}
	rd.teamChecks()
	res := Result{Problems: rd.problems, More: rd.more}
	if len(rd.problems) == 0 {
		res.Import = rd.o
	}
	return res, nil
}

// openError says in Chinese why a file is no workbook to read.
func openError(err error) error {
	if strings.Contains(err.Error(), "unzip size") || strings.Contains(err.Error(), "size limit") {
		return &FileError{fmt.Sprintf("文件解压后超过 %d MB，已拒绝读取（可能是压缩炸弹）", MaxUnzipped>>20)}
	}
	if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
		return &FileError{"文件不是有效的 Excel 工作簿（.xlsx）"}
	}
	return &FileError{"无法读取工作簿：" + err.Error()}
}

// line is one row of a sheet: its number and its cells by header.
type line struct {
	sheet string
	row   int
	cells []string
	cols  map[string]int
}

// get is the cell under header, cleaned.
func (l line) get(header string) string {
	i, ok := l.cols[header]
	if !ok || i >= len(l.cells) {
		return ""
	}
	return clean(l.cells[i])
}

// raw is the cell under header as read.
func (l line) raw(header string) string {
	i, ok := l.cols[header]
	if !ok || i >= len(l.cells) {
		return ""
	}
	return l.cells[i]
}

type reader struct {
	f        *excelize.File
	fast     *fastBook // nil: every sheet read through excelize
	known    store.KnownOrg
	progress Progress
	o        *store.OrgImport
	problems []Problem
	more     int

	counties, townships, villages, units map[string]int // id → row
	cityName                             map[string]string
	teams                                map[string]*team
	villageTeam                          map[string]string
	memberRow                            map[string]int32 // → index in o.Members
	cols                                 map[string]map[string]int
}

// team is what the rows of one team said, for the checks across them.
type team struct {
	first                int
	id, name, villageID  string
	leaders, firstLeader int
	robot                bool
}

func (rd *reader) init() {
	rd.counties, rd.townships, rd.villages, rd.units = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	rd.cityName, rd.teams, rd.villageTeam = map[string]string{}, map[string]*team{}, map[string]string{}
	rd.memberRow, rd.cols = map[string]int32{}, map[string]map[string]int{}
}

func (rd *reader) add(p Problem) {
	if len(rd.problems) >= MaxProblems {
		rd.more++
		return
	}
	rd.problems = append(rd.problems, p)
}

// bad records a problem with a cell of l.
func (rd *reader) bad(l line, header, reason string, args ...any) {
	col := ""
	if i, ok := l.cols[header]; ok {
		col = cell(i)
	}
	rd.add(Problem{Sheet: l.sheet, Row: l.row, Column: col, Header: header, Reason: fmt.Sprintf(reason, args...)})
}

// sheet streams a sheet's rows to row, after checking its header row:
// through the fast scanner when it can, else through excelize.
func (rd *reader) sheet(name string, row func(line) bool) error {
	var spec sheet
	for _, s := range sheets {
		if s.name == name {
			spec = s
		}
	}
	if idx, _ := rd.f.GetSheetIndex(name); idx < 0 {
		rd.add(Problem{Sheet: name, Reason: "工作簿里没有这张表；请用 zhucun import template 生成的模板"})
		return nil
	}
	st := &sheetState{rd: rd, spec: spec, row: row, l: line{sheet: name, cols: map[string]int{}}}
	if rd.fast != nil {
		err := rd.fast.rows(name, st.handle)
		if !errors.Is(err, errNotFast) {
			return st.finish(err)
		}
		if st.seen {
			return &FileError{"工作表“" + name + "”的 XML 含有无法读取的内容（CDATA）"}
		}
	}
	rows, err := rd.f.Rows(name)
	if err != nil {
		return openError(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return openError(err)
		}
		if err := st.handle(n, cells); err != nil {
			return st.finish(err)
		}
	}
	return st.finish(rows.Error())
}

// errStop ends a sheet whose header row is wrong.
var errStop = errors.New("stop")

// sheetState is a sheet being read: its header, then each row in turn.
type sheetState struct {
	rd   *reader
	spec sheet
	row  func(line) bool
	l    line
	seen bool
}

// handle takes the sheet's row n (from 1): the header first, then rows.
func (st *sheetState) handle(n int, cells []string) error {
	rd, l := st.rd, &st.l
	if !st.seen {
		st.seen = true
		l.row = n
		if n != 1 {
			cells = nil // no header row: each column is reported missing
		}
		if !rd.header(l, st.spec, cells) {
			return errStop
		}
		if n == 1 {
			return nil
		}
	}
	l.row = n
	if blank(cells) {
		return nil
	}
	l.cells = cells
	st.row(*l)
	if rd.progress != nil && n%10000 == 0 {
		rd.progress(l.sheet, n-1)
	}
	return nil
}

// finish reports the sheet's last progress, and its error if any.
func (st *sheetState) finish(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	if err != nil {
		return openError(err)
	}
	if st.rd.progress != nil {
		st.rd.progress(st.l.sheet, max(st.l.row-1, 0))
	}
	return nil
}

// header maps each column's header to its position; a missing one is a
// problem of the sheet's first row.
func (rd *reader) header(l *line, spec sheet, cells []string) bool {
	for i, c := range cells {
		l.cols[clean(c)] = i
	}
	rd.cols[l.sheet] = l.cols
	ok := true
	for _, c := range spec.cols {
		if _, found := l.cols[c.header]; !found && !mayBeAbsent[c.header] {
			rd.add(Problem{Sheet: l.sheet, Row: 1, Header: c.header, Reason: fmt.Sprintf("缺少“%s”列", c.header)})
			ok = false
		}
	}
	return ok
}

func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}
