package orgimport

// A fast reader of a worksheet's rows. excelize's Rows decodes every cell
// through encoding/xml (a token, a struct, a map per cell): for a whole
// country's roster (560,000 rows, 150 MB of XML) that was three quarters
// of the import's reading time. This scanner reads the same XML as bytes,
// in one pass, and yields each row's raw cell values (shared strings
// looked up, numbers and dates as stored), which is what excelize answers
// with RawCellValue. Anything it does not expect (CDATA, a missing part)
// makes it step aside: the sheet is then read through excelize.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"path"
	"strconv"
	"strings"
)

// errNotFast: the workbook has a form the scanner leaves to excelize.
var errNotFast = errors.New("orgimport: sheet left to excelize")

// fastBook is a workbook opened for the scanner: its parts and, per sheet
// name, the path of the sheet's XML.
type fastBook struct {
	zr     *zip.Reader
	sheets map[string]string
	shared []string
}

// openFast opens b for the scanner, or answers errNotFast. The parts'
// sizes were checked by excelize already (MaxUnzipped); each part read
// here is limited again, and archive/zip refuses a part longer than it
// declares.
func openFast(b []byte) (*fastBook, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errNotFast
	}
	fb := &fastBook{zr: zr, sheets: map[string]string{}}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Type   string `xml:"Type,attr"`
		} `xml:"Relationship"`
	}
	if fb.unmarshal("xl/workbook.xml", &wb) != nil || fb.unmarshal("xl/_rels/workbook.xml.rels", &rels) != nil {
		return nil, errNotFast
	}
	target := map[string]string{}
	sharedPath := ""
	for _, r := range rels.Rels {
		p := r.Target
		if strings.HasPrefix(p, "/") {
			p = strings.TrimPrefix(p, "/")
		} else {
			p = path.Join("xl", p)
		}
		target[r.ID] = p
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sharedPath = p
		}
	}
	for _, s := range wb.Sheets {
		if p := target[s.RID]; p != "" {
			fb.sheets[s.Name] = p
		}
	}
	if sharedPath != "" {
		if fb.shared, err = fb.sharedStrings(sharedPath); err != nil {
			return nil, err
		}
	}
	return fb, nil
}

func (fb *fastBook) open(name string) (io.ReadCloser, error) {
	for _, f := range fb.zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, errNotFast
			}
			return struct {
				io.Reader
				io.Closer
			}{io.LimitReader(rc, MaxUnzipped), rc}, nil
		}
	}
	return nil, errNotFast
}

func (fb *fastBook) unmarshal(name string, v any) error {
	rc, err := fb.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// sharedStrings reads the shared string table: each <si>'s text, its
// runs' texts joined, phonetic runs (<rPh>) left out.
func (fb *fastBook) sharedStrings(name string) ([]string, error) {
	rc, err := fb.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	x := newScan(rc)
	var out []string
	var cur []byte
	inSI, inRPh := false, false
	for x.next() {
		name, end, self := x.name()
		switch {
		case name == "si" && !end && !self:
			inSI, cur = true, cur[:0]
		case name == "si" && self:
			out = append(out, "")
		case name == "si" && end:
			out, inSI = append(out, unescape(cur)), false
		case name == "rPh":
			inRPh = !end && !self
		case name == "t" && end && inSI && !inRPh:
			cur = append(cur, x.text...)
		}
	}
	return out, x.error()
}

// rows streams the sheet's rows to fn: the row's number and its cells by
// column (A = 0), raw values as excelize's RawCellValue gives them.
func (fb *fastBook) rows(sheet string, fn func(row int, cells []string) error) error {
	p, ok := fb.sheets[sheet]
	if !ok {
		return errNotFast
	}
	rc, err := fb.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	x := newScan(rc)
	var (
		cells         []string
		row, col      int
		typ           []byte
		val, inline   []byte
		inCell, inRPh bool
		hasV          bool
	)
	for x.next() {
		name, end, self := x.name()
		switch name {
		case "row":
			switch {
			case !end:
				if r, err := strconv.Atoi(string(x.attr("r"))); err == nil && r > 0 {
					row = r
				} else {
					row++
				}
				cells, col = cells[:0], -1
				if self {
					if err := fn(row, cells); err != nil {
						return err
					}
				}
			default:
				if err := fn(row, cells); err != nil {
					return err
				}
			}
		case "c":
			if end {
				if inCell {
					cells = setCell(cells, col, cellValue(typ, val, inline, hasV, fb.shared))
				}
				inCell = false
				continue
			}
			col = colIndex(x.attr("r"), col+1)
			typ = append(typ[:0], x.attr("t")...)
			val, inline, hasV = val[:0], inline[:0], false
			inCell = !self
			if self {
				cells = setCell(cells, col, "")
			}
		case "v":
			if end && inCell {
				val, hasV = append(val, x.text...), true
			}
		case "rPh":
			inRPh = !end && !self
		case "t":
			if end && inCell && !inRPh {
				inline = append(inline, x.text...)
			}
		case "sheetData":
			if end {
				return nil
			}
		}
	}
	return x.error()
}

// cellValue is a cell's raw value by its type.
func cellValue(typ, val, inline []byte, hasV bool, shared []string) string {
	switch string(typ) {
	case "s":
		if !hasV {
			return ""
		}
		i, err := strconv.Atoi(strings.TrimSpace(string(val)))
		if err != nil || i < 0 || i >= len(shared) {
			return ""
		}
		return shared[i]
	case "inlineStr":
		if len(inline) > 0 || !hasV {
			return unescape(inline)
		}
	}
	return unescape(val)
}

func setCell(cells []string, col int, v string) []string {
	for len(cells) < col {
		cells = append(cells, "")
	}
	if col < len(cells) {
		cells[col] = v
		return cells
	}
	return append(cells, v)
}

// colIndex is the column of a cell reference ("C12" → 2), or next if the
// cell has none.
func colIndex(ref []byte, next int) int {
	n := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		default:
			if n > 0 {
				return n - 1
			}
			return next
		}
	}
	if n > 0 {
		return n - 1
	}
	return next
}

func unescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	return html.UnescapeString(string(b))
}

// scan walks XML tag by tag: after next, tag is what stood between < and
// > and text what came before it.
type scan struct {
	br        *bufio.Reader
	text, tag []byte
	err       error
}

func newScan(r io.Reader) *scan { return &scan{br: bufio.NewReaderSize(r, 1<<16)} }

func (x *scan) next() bool {
	var ok bool
	if x.text, ok = x.until('<', x.text[:0]); !ok {
		return false
	}
	if x.tag, ok = x.until('>', x.tag[:0]); !ok {
		return false
	}
	if bytes.HasPrefix(x.tag, []byte("![CDATA[")) {
		x.err = errNotFast
		return false
	}
	return true
}

// until appends to buf the bytes up to delim, which it drops.
func (x *scan) until(delim byte, buf []byte) ([]byte, bool) {
	for {
		b, err := x.br.ReadSlice(delim)
		buf = append(buf, b...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err != io.EOF {
				x.err = err
			}
			return buf, false
		}
		return buf[:len(buf)-1], true
	}
}

func (x *scan) error() error { return x.err }

// name is the tag's local name (any prefix dropped), whether it closes
// an element and whether it is empty (<c/>).
func (x *scan) name() (name string, end, self bool) {
	t := x.tag
	if len(t) > 0 && t[0] == '/' {
		end, t = true, t[1:]
	}
	if len(t) > 0 && t[len(t)-1] == '/' {
		self, t = true, t[:len(t)-1]
	}
	if i := bytes.IndexAny(t, " \t\r\n"); i >= 0 {
		t = t[:i]
	}
	if i := bytes.LastIndexByte(t, ':'); i >= 0 {
		t = t[i+1:]
	}
	switch string(t) { // no allocation: the compiler compares in place
	case "row":
		return "row", end, self
	case "c":
		return "c", end, self
	case "v":
		return "v", end, self
	case "t":
		return "t", end, self
	case "si":
		return "si", end, self
	case "rPh":
		return "rPh", end, self
	case "sheetData":
		return "sheetData", end, self
	}
	return "", end, self
}

// attr is the value of the tag's attribute key, unprefixed, or nil.
func (x *scan) attr(key string) []byte {
	t := x.tag
	for {
		i := bytes.Index(t, []byte(key))
		if i < 0 {
			return nil
		}
		before := byte(' ')
		if i > 0 {
			before = t[i-1]
		}
		rest := t[i+len(key):]
		if (before == ' ' || before == '\t' || before == '\n' || before == '\r') && len(rest) > 1 && rest[0] == '=' && (rest[1] == '"' || rest[1] == '\'') {
			q := rest[1]
			rest = rest[2:]
			if j := bytes.IndexByte(rest, q); j >= 0 {
				return rest[:j]
			}
			return nil
		}
		t = t[i+len(key):]
	}
}
