package orgimport

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

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

func TestOneErrorOfEachKind(t *testing.T) {
	res, err := Read(bytes.NewReader(ErrorSample()), empty(), nil)
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
