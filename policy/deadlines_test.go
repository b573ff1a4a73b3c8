package policy

import (
	"reflect"
	"testing"
	"time"
)

func TestCountDays(t *testing.T) {
	cal := NewCalendar(nil)
	calendarRules := Default().Leave
	workingRules := Default().Leave
	workingRules.DayCounting = CountWorking
	tests := []struct {
		name       string
		r          LeaveRules
		cal        Calendar
		start, end string
		want       int
	}{
		{"calendar month end", calendarRules, nil, "2026-01-30", "2026-02-02", 4},
		{"calendar year end", calendarRules, nil, "2026-12-30", "2027-01-02", 4},
		{"calendar leap February", calendarRules, nil, "2028-02-27", "2028-03-01", 4},
		{"calendar plain February", calendarRules, nil, "2027-02-27", "2027-03-01", 3},
		{"calendar one day", calendarRules, nil, "2026-05-01", "2026-05-01", 1},
		{"calendar end before start", calendarRules, nil, "2026-05-02", "2026-05-01", 0},
		{"calendar ignores holidays", calendarRules, cal, "2026-10-01", "2026-10-07", 7},
		// 09-28..30 Mon-Wed, 10-01..07 off, 10-08/09 Thu-Fri, 10-10 make-up Sat.
		{"working across National Day", workingRules, cal, "2026-09-28", "2026-10-11", 6},
		{"working inside National Day", workingRules, cal, "2026-10-01", "2026-10-07", 0},
		{"working nil calendar uses lunar-go", workingRules, nil, "2026-09-28", "2026-10-11", 6},
		{"working make-up Sunday weekend", workingRules, cal, "2026-09-19", "2026-09-20", 1},
		{"working New Year weekend", workingRules, cal, "2026-01-03", "2026-01-04", 1},
		// 02-13 Fri, 02-14 make-up Sat, 15..23 off, 24..27 Tue-Fri, 28 make-up Sat, 03-01 Sun.
		{"working Spring Festival", workingRules, cal, "2026-02-13", "2026-03-01", 7},
		{"working plain week", workingRules, cal, "2026-03-02", "2026-03-08", 5},
		{"working uncovered year", workingRules, cal, "2028-02-25", "2028-03-01", 4},
		{"working end before start", workingRules, cal, "2026-03-08", "2026-03-02", 0},
	}
	for _, tc := range tests {
		got := CountDays(tc.r, tc.cal, mustDate(t, tc.start), mustDate(t, tc.end))
		if got != tc.want {
			t.Errorf("%s: CountDays(%s..%s) = %d, want %d", tc.name, tc.start, tc.end, got, tc.want)
		}
	}
}

func TestCountDaysUsesChinaDates(t *testing.T) {
	// 2026-01-30T20:00Z is already the 31st in China; 2026-02-01T15:00Z is
	// still the 1st: two China days, though more than 24h apart in UTC.
	start := time.Date(2026, 1, 30, 20, 0, 0, 0, time.UTC)
	end := time.Date(2026, 2, 1, 15, 0, 0, 0, time.UTC)
	if got := CountDays(Default().Leave, nil, start, end); got != 2 {
		t.Errorf("CountDays = %d, want 2", got)
	}
}

func TestLeaveRoute(t *testing.T) {
	r := Default().Leave
	tests := []struct {
		days int
		want string
	}{
		{1, RouteTownship},
		{7, RouteTownship},
		{8, RouteJoint},
		{90, RouteJoint},
	}
	for _, tc := range tests {
		if got := LeaveRoute(r, tc.days); got != tc.want {
			t.Errorf("LeaveRoute(%d) = %s, want %s", tc.days, got, tc.want)
		}
	}
	r.ThresholdDays = 3
	if got := LeaveRoute(r, 4); got != RouteJoint {
		t.Errorf("threshold 3: LeaveRoute(4) = %s, want joint", got)
	}
}

func TestRouteReason(t *testing.T) {
	r := Default().Leave
	w := r
	w.DayCounting = CountWorking
	tests := []struct {
		r    LeaveRules
		days int
		want string
	}{
		{r, 8, "8天，超过7天，需县委组织部、县乡村振兴局和派出单位共同批准"},
		{r, 7, "7天，未超过7天，由乡镇党委审批，报县委组织部和县乡村振兴局备案"},
		{w, 1, "1个工作日，未超过7天，由乡镇党委审批，报县委组织部和县乡村振兴局备案"},
	}
	for _, tc := range tests {
		if got := RouteReason(tc.r, tc.days); got != tc.want {
			t.Errorf("RouteReason(%d) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestReturnDue(t *testing.T) {
	r := Default().Leave
	zero := r
	zero.ReturnDueDays = 0
	tests := []struct {
		r    LeaveRules
		end  string
		want string
	}{
		{r, "2026-10-07", "2026-10-09T00:00:00+08:00"}, // end of the 8th
		{r, "2026-12-31", "2027-01-02T00:00:00+08:00"},
		{r, "2028-02-28", "2028-03-01T00:00:00+08:00"},
		{zero, "2026-10-07", "2026-10-08T00:00:00+08:00"},
	}
	for _, tc := range tests {
		if got := ReturnDue(tc.r, mustDate(t, tc.end)).Format(time.RFC3339); got != tc.want {
			t.Errorf("ReturnDue(%s, +%d) = %s, want %s", tc.end, tc.r.ReturnDueDays, got, tc.want)
		}
	}
}

func TestCycleMonth(t *testing.T) {
	r := Default().Absence
	china := func(s string) time.Time { return mustDate(t, s).Add(10 * time.Hour) }
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"3rd", china("2026-03-03"), "2026-03"},
		{"20th", china("2026-03-20"), "2026-03"},
		{"21st", china("2026-03-21"), "2026-04"},
		{"month end", china("2026-01-31"), "2026-02"},
		{"Dec 20", china("2026-12-20"), "2026-12"},
		{"Dec 21", china("2026-12-21"), "2027-01"},
		{"Dec 31", china("2026-12-31"), "2027-01"},
		{"Feb 2028 20th", china("2028-02-20"), "2028-02"},
		{"Feb 2028 leap day", china("2028-02-29"), "2028-03"},
		{"UTC 20th 23:30 is China 21st", utc("2026-03-20T23:30:00Z"), "2026-04"},
		{"UTC 20th 15:59 is China 20th", utc("2026-03-20T15:59:59Z"), "2026-03"},
	}
	for _, tc := range tests {
		y, m := CycleMonth(r, tc.at)
		if got := CycleKey(y, m); got != tc.want {
			t.Errorf("%s: CycleMonth(%v) = %s, want %s", tc.name, tc.at, got, tc.want)
		}
	}
}

func TestParseCycle(t *testing.T) {
	tests := []struct {
		in    string
		year  int
		month time.Month
		ok    bool
	}{
		{"2026-04", 2026, time.April, true},
		{"2027-12", 2027, time.December, true},
		{"2026-4", 0, 0, false},
		{"2026-13", 0, 0, false},
		{"2026-00", 0, 0, false},
		{"26-04", 0, 0, false},
		{"2026-04 ", 0, 0, false},
		{"2026/04", 0, 0, false},
		{"+026-04", 0, 0, false},
		{"2026-+4", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tc := range tests {
		y, m, err := ParseCycle(tc.in)
		if (err == nil) != tc.ok || y != tc.year || m != tc.month {
			t.Errorf("ParseCycle(%q) = %d, %v, %v; want %d, %v, ok=%v", tc.in, y, m, err, tc.year, tc.month, tc.ok)
		}
		if tc.ok && CycleKey(y, m) != tc.in {
			t.Errorf("CycleKey(ParseCycle(%q)) = %q", tc.in, CycleKey(y, m))
		}
	}
}

func TestExplanationDueAndReminders(t *testing.T) {
	r := Default().Absence
	tests := []struct {
		year  int
		month time.Month
		want  string
	}{
		{2026, time.December, "2026-12-25T00:00:00+08:00"},
		{2028, time.February, "2028-02-25T00:00:00+08:00"},
	}
	for _, tc := range tests {
		if got := ExplanationDue(r, tc.year, tc.month).Format(time.RFC3339); got != tc.want {
			t.Errorf("ExplanationDue(%d-%02d) = %s, want %s", tc.year, tc.month, got, tc.want)
		}
	}
	due := ExplanationDue(r, 2026, time.December)
	day := Duration(24 * time.Hour)
	got := RemindersBefore(due, []Duration{day, 5 * day, 0, 2 * day, day})
	var gotS []string
	for _, v := range got {
		gotS = append(gotS, v.In(China).Format(time.RFC3339))
	}
	want := []string{"2026-12-20T00:00:00+08:00", "2026-12-23T00:00:00+08:00", "2026-12-24T00:00:00+08:00"}
	if !reflect.DeepEqual(gotS, want) {
		t.Errorf("RemindersBefore = %v, want %v", gotS, want)
	}
	if got := RemindersBefore(due, nil); len(got) != 0 {
		t.Errorf("RemindersBefore(nil) = %v, want none", got)
	}
}

func TestRosterDeadlines(t *testing.T) {
	r := Default().Roster
	tests := []struct {
		name string
		got  time.Time
		want string
	}{
		{"filing across year end", RosterFilingDue(r, mustDate(t, "2026-12-30")), "2027-01-03T00:00:00+08:00"},
		{"filing plain", RosterFilingDue(r, mustDate(t, "2026-05-06")), "2026-05-10T00:00:00+08:00"},
		{"filing leap", RosterFilingDue(r, mustDate(t, "2028-02-27")), "2028-03-02T00:00:00+08:00"},
		// 2026-12-31T15:00Z is 23:00 on the 31st in China.
		{"report late evening", RosterReportDue(r, time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)), "2027-01-04T00:00:00+08:00"},
		// 2026-12-31T17:00Z is already 01:00 on New Year's Day in China.
		{"report after China midnight", RosterReportDue(r, time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)), "2027-01-05T00:00:00+08:00"},
	}
	for _, tc := range tests {
		if got := tc.got.Format(time.RFC3339); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
