package orgimport

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// excelizeRows is every sheet's rows as excelize reads them with
// RawCellValue, trailing empty cells dropped, keyed by row number.
func excelizeRows(t *testing.T, b []byte) map[string]map[int][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = map[int][]string{}
		for n := 1; rows.Next(); n++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if c := trim(cells); len(c) > 0 {
				out[name][n] = c
			}
		}
		rows.Close()
	}
	return out
}

func trim(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func fastRows(t *testing.T, b []byte) map[string]map[int][]string {
	t.Helper()
	fb, err := openFast(b)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int][]string{}
	for name := range fb.sheets {
		out[name] = map[int][]string{}
		err := fb.rows(name, func(n int, cells []string) error {
			if c := trim(cells); len(c) > 0 {
				out[name][n] = append([]string(nil), c...)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestFastRowsReadAsExcelize: the scanner reads the template (shared
// strings, styles, a date cell), a generated workbook (inline strings)
// and a hand-made one (rich text, entities, gaps, numbers, booleans,
// rows and cells out of the ordinary) exactly as excelize does.
func TestFastRowsReadAsExcelize(t *testing.T) {
	var tpl, gen bytes.Buffer
	if err := WriteTemplate(&tpl); err != nil {
		t.Fatal(err)
	}
	if err := Write(&gen, Generate(Spec{Prefix: "f", Counties: 1, TownshipsPer: 1, VillagesPer: 2, MembersPerTeam: 3,
		UnitsPerCounty: 1, CityUnits: 1})); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	s := "Sheet1"
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue(s, "A1", "编号 & <名称> \"引号\" 'x'"))
	must(f.SetCellValue(s, "C1", 12.5))
	must(f.SetCellValue(s, "E3", true))
	must(f.SetCellValue(s, "B5", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellValue(s, "AA7", "　全角１２３　"))
	must(f.SetCellRichText(s, "B2", []excelize.RichTextRun{{Text: "第一"}, {Text: "书记", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellFormula(s, "D4", "C1*2"))
	var hand bytes.Buffer
	must(f.Write(&hand))

	for name, b := range map[string][]byte{"template": tpl.Bytes(), "generated": gen.Bytes(), "hand-made": hand.Bytes()} {
		want, got := excelizeRows(t, b), fastRows(t, b)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the scanner read\n%v\nexcelize\n%v", name, got, want)
		}
	}
}

func TestColIndex(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA7": 26, "AZ1": 51, "BA1": 52, "": 7} {
		if got := colIndex([]byte(ref), 7); got != want {
			t.Errorf("colIndex(%q) = %d, want %d", ref, got, want)
		}
	}
}
