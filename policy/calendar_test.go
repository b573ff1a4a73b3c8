package policy

import "testing"

// lunar-go v1.4.7's 2026 table (checked before asserting): New Year
// 01-01..03 off, 01-04 (Sun) worked; Spring Festival 02-15..23 off, 02-14
// (Sat) and 02-28 (Sat) worked; Mid-Autumn 09-25..27 off; National Day
// 10-01..07 off, 09-20 (Sun) and 10-10 (Sat) worked; 10-08 is an ordinary
// Thursday. 2028 has no data.
func TestIsWorkday(t *testing.T) {
	cal := NewCalendar(nil)
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-10-01", false}, // National Day, Thursday
		{"2026-10-07", false},
		{"2026-10-08", true}, // ordinary Thursday after the holiday
		{"2026-10-10", true}, // make-up Saturday
		{"2026-10-11", false},
		{"2026-09-20", true}, // make-up Sunday
		{"2026-01-04", true}, // make-up Sunday
		{"2026-02-14", true}, // make-up Saturday
		{"2026-02-16", false},
		{"2026-03-02", true}, // plain Monday
		{"2026-03-07", false},
		{"2028-03-04", false}, // Saturday in an uncovered year
		{"2028-03-06", true},
	}
	for _, tc := range tests {
		if got := cal.IsWorkday(mustDate(t, tc.day)); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestOverridesBeatLunar(t *testing.T) {
	over := map[string]bool{
		"2026-10-01": true,  // declared a workday locally
		"2026-10-10": false, // make-up Saturday cancelled
		"2026-03-04": false, // local holiday on a Wednesday
		"2028-03-04": true,  // Saturday worked in an uncovered year
		"bad-key":    true,  // ignored
	}
	cal := NewCalendar(over)
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-10-01", true},
		{"2026-10-10", false},
		{"2026-03-04", false},
		{"2028-03-04", true},
		{"2026-10-02", false},
	}
	for _, tc := range tests {
		if got := cal.IsWorkday(mustDate(t, tc.day)); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
	// The caller's map is copied: changing it later changes nothing.
	over["2026-10-02"] = true
	if cal.IsWorkday(mustDate(t, "2026-10-02")) {
		t.Error("calendar follows later edits of the overrides map")
	}
	if bad := ValidateOverrides(over); len(bad) != 1 || bad["bad-key"] == "" {
		t.Errorf("ValidateOverrides = %v, want only bad-key", bad)
	}
}

func TestCovers(t *testing.T) {
	plain := NewCalendar(nil)
	withOverride := NewCalendar(map[string]bool{"2028-01-01": false})
	tests := []struct {
		cal  Calendar
		year int
		want bool
	}{
		{plain, 2026, true},
		{plain, 2027, true},
		{plain, 2028, false},
		{plain, 1999, false},
		{plain, 0, false},
		{plain, 12026, false},
		{withOverride, 2028, true},
		{withOverride, 2029, false},
	}
	for i, tc := range tests {
		if got := tc.cal.Covers(tc.year); got != tc.want {
			t.Errorf("case %d: Covers(%d) = %v, want %v", i, tc.year, got, tc.want)
		}
	}
}
