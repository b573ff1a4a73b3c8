package policy

import (
	"testing"
	"time"
)

func TestChinaLocation(t *testing.T) {
	if China == nil || China.String() != "Asia/Shanghai" {
		t.Fatalf("China = %v, want Asia/Shanghai", China)
	}
	_, off := time.Date(2026, 7, 1, 12, 0, 0, 0, China).Zone()
	if off != 8*3600 {
		t.Fatalf("offset = %d, want +08:00", off)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, or "" for an error
	}{
		{"2026-02-03", "2026-02-03T00:00:00+08:00"},
		{"2028-02-29", "2028-02-29T00:00:00+08:00"},
		{"2026-12-31", "2026-12-31T00:00:00+08:00"},
		{"2026-2-3", ""},
		{"2026-02-3", ""},
		{"2026-02-30", ""},
		{"2027-02-29", ""},
		{"2026-13-01", ""},
		{"2026-00-10", ""},
		{"2026-01-00", ""},
		{" 2026-02-03", ""},
		{"2026-02-03 ", ""},
		{"2026-02-03\n", ""},
		{"2026/02/03", ""},
		{"+026-02-03", ""},
		{"-026-02-03", ""},
		{"2026-+2-03", ""},
		{"2026-02-03T00:00:00Z", ""},
		{"20260203", ""},
		{"", ""},
		{"２０２６-02-03", ""},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want error", tc.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tc.in, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tc.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tc.in, s, tc.want)
		}
		if got.Location() != China {
			t.Errorf("ParseDate(%q) location = %v, want China", tc.in, got.Location())
		}
	}
}

func TestFormatDateAndDayOf(t *testing.T) {
	tests := []struct {
		instant string // RFC 3339
		want    string
	}{
		{"2026-03-20T15:59:59Z", "2026-03-20"},
		{"2026-03-20T16:00:00Z", "2026-03-21"},
		{"2026-03-20T23:30:00Z", "2026-03-21"},
		{"2026-12-31T16:00:00Z", "2027-01-01"},
		{"2026-06-01T00:00:00-07:00", "2026-06-01"},
		{"2026-06-01T10:00:00-07:00", "2026-06-02"},
	}
	for _, tc := range tests {
		in, err := time.Parse(time.RFC3339, tc.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatDate(in); got != tc.want {
			t.Errorf("FormatDate(%s) = %s, want %s", tc.instant, got, tc.want)
		}
		day := DayOf(in)
		if got := day.Format(time.RFC3339); got != tc.want+"T00:00:00+08:00" {
			t.Errorf("DayOf(%s) = %s, want %sT00:00:00+08:00", tc.instant, got, tc.want)
		}
	}
}

func TestEndOfDayAndAddDays(t *testing.T) {
	tests := []struct {
		day  string
		n    int
		add  string
		eod  string // EndOfDay(day)
		note string
	}{
		{"2026-01-31", 1, "2026-02-01", "2026-02-01", "month end"},
		{"2026-12-31", 1, "2027-01-01", "2027-01-01", "year end"},
		{"2028-02-28", 1, "2028-02-29", "2028-02-29", "leap day"},
		{"2027-02-28", 1, "2027-03-01", "2027-03-01", "no leap day"},
		{"2026-03-01", -1, "2026-02-28", "2026-03-02", "backwards"},
		{"2026-05-10", 0, "2026-05-10", "2026-05-11", "zero"},
		{"2026-01-01", 365, "2027-01-01", "2026-01-02", "a year"},
	}
	for _, tc := range tests {
		day := mustDate(t, tc.day)
		if got := FormatDate(AddDays(day, tc.n)); got != tc.add {
			t.Errorf("%s: AddDays(%s, %d) = %s, want %s", tc.note, tc.day, tc.n, got, tc.add)
		}
		eod := EndOfDay(day)
		if !eod.Equal(mustDate(t, tc.eod)) {
			t.Errorf("%s: EndOfDay(%s) = %v, want %s 00:00 China", tc.note, tc.day, eod, tc.eod)
		}
		// End of day from any instant inside the day is the same instant.
		if !EndOfDay(day.Add(23*time.Hour + 59*time.Minute)).Equal(eod) {
			t.Errorf("%s: EndOfDay of a late instant differs", tc.note)
		}
	}
}

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}
