package policy

import (
	"strings"
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02T15:04", s, China)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Rule 17: a period counted in days whose last day is a statutory rest
// day ends at the end of the next working day; with the rule off, it ends
// where it falls.
func TestPeriodsEndOnWorkingDay(t *testing.T) {
	skip := Periods{SkipRestDays: true}
	keep := Periods{}
	for _, tc := range []struct {
		from      string
		n         int
		skip, raw string // the last day with and without the rule
	}{
		{"2026-12-01", 3, "2026-12-04", "2026-12-04"}, // Tuesday + 3 = Friday, a working day
		{"2026-12-02", 3, "2026-12-07", "2026-12-05"}, // + 3 = Saturday: runs to Monday
		{"2026-09-28", 3, "2026-10-08", "2026-10-01"}, // National Day is 10-01..10-07
		{"2026-10-07", 3, "2026-10-10", "2026-10-10"}, // 10-10 is a make-up Saturday: it works
		{"2026-12-30", 2, "2027-01-04", "2027-01-01"}, // New Year's Day, then the weekend
	} {
		if got := FormatDate(skip.LastDay(day(t, tc.from), tc.n)); got != tc.skip {
			t.Errorf("%s + %d with rest days skipped: last day %s, want %s", tc.from, tc.n, got, tc.skip)
		}
		if got := FormatDate(keep.LastDay(day(t, tc.from), tc.n)); got != tc.raw {
			t.Errorf("%s + %d kept: last day %s, want %s", tc.from, tc.n, got, tc.raw)
		}
	}
	if end := skip.End(day(t, "2026-12-02"), 3); !end.Equal(day(t, "2026-12-08")) {
		t.Errorf("End = %v, want the first instant of 2026-12-08", end)
	}
	// The report back after a leave ending on Thursday 2026-12-03 is due
	// the day after, Friday; after one ending Friday, on Monday.
	l := Default().Leave
	if due := ReturnDueIn(l, skip, day(t, "2026-12-03")); !due.Equal(day(t, "2026-12-05")) {
		t.Errorf("report back after Thursday due %v", due)
	}
	if due := ReturnDueIn(l, skip, day(t, "2026-12-04")); !due.Equal(day(t, "2026-12-08")) {
		t.Errorf("report back after Friday due %v, want end of Monday", due)
	}
	if due := ReturnDueIn(l, keep, day(t, "2026-12-04")); !due.Equal(ReturnDue(l, day(t, "2026-12-04"))) {
		t.Errorf("without the rule the report back is due %v", due)
	}
	// Roster: effective Wednesday 2026-12-02, filing within 3 days.
	ro := Default().Roster
	if due := RosterFilingDueIn(ro, skip, day(t, "2026-12-02")); !due.Equal(day(t, "2026-12-08")) {
		t.Errorf("roster filing due %v, want end of Monday 12-07", due)
	}
	if due := RosterReportDueIn(ro, skip, instant(t, "2026-12-02T15:00")); !due.Equal(day(t, "2026-12-08")) {
		t.Errorf("ledger report due %v", due)
	}
}

// A written-out calendar (a workflow's input) answers as the calendar it
// was written from, over its stretch.
func TestRestDaysWrittenOut(t *testing.T) {
	cal := NewCalendar(map[string]bool{"2026-12-09": false})
	from := day(t, "2026-09-01")
	rd := RestDaysOf(cal, from, 200)
	fixed := rd.Calendar()
	for i := 0; i < 200; i++ {
		d := AddDays(from, i)
		if fixed.IsWorkday(d) != cal.IsWorkday(d) {
			t.Errorf("%s: written out %v, calendar %v", FormatDate(d), fixed.IsWorkday(d), cal.IsWorkday(d))
		}
	}
	if !strings.Contains(strings.Join(rd.Holidays, ","), "2026-12-09") || !strings.Contains(strings.Join(rd.Workdays, ","), "2026-10-10") {
		t.Errorf("written out %+v", rd)
	}
	p := Periods{Cal: fixed, SkipRestDays: true}
	if got := FormatDate(p.LastDay(day(t, "2026-12-08"), 1)); got != "2026-12-10" {
		t.Errorf("a period ending on the local holiday 12-09 ends %s", got)
	}
}

// Rule 9: a year the calendar does not cover is named; a loaded year is
// covered and decided by its schedule alone.
func TestHolidaysMustBeKnown(t *testing.T) {
	cal := NewCalendar(nil)
	if y, ok := UncoveredYear(cal, day(t, "2027-12-30"), day(t, "2028-01-03")); !ok || y != 2028 {
		t.Fatalf("UncoveredYear over 2027-2028 = %d, %v; want 2028 (lunar-go stops at 2027)", y, ok)
	}
	if _, ok := UncoveredYear(cal, day(t, "2026-12-01"), day(t, "2027-01-05")); ok {
		t.Errorf("2026-2027 reported uncovered")
	}
	loaded := NewCalendarWithYears(nil, map[int]YearSchedule{2028: {
		Holidays: []string{"2028-01-01", "2028-01-03"}, Workdays: []string{"2028-01-08"},
	}})
	if _, ok := UncoveredYear(loaded, day(t, "2027-12-30"), day(t, "2028-01-10")); ok {
		t.Errorf("loaded 2028 still uncovered")
	}
	for d, want := range map[string]bool{
		"2028-01-01": false, // listed holiday (a Saturday anyway)
		"2028-01-03": false, // listed holiday, a Monday
		"2028-01-04": true,  // Tuesday
		"2028-01-08": true,  // listed make-up Saturday
		"2028-01-09": false, // Sunday
	} {
		if got := loaded.IsWorkday(day(t, d)); got != want {
			t.Errorf("loaded 2028: %s workday %v, want %v", d, got, want)
		}
	}
	// Counting in the loaded year: Mon 01-03 .. Sun 01-09 has four
	// working days (Tue-Fri) plus the make-up Saturday.
	r := Default().Leave
	r.DayCounting = CountWorking
	if n := CountDays(r, loaded, day(t, "2028-01-03"), day(t, "2028-01-09")); n != 5 {
		t.Errorf("working days 2028-01-03..09 = %d, want 5", n)
	}
	// A loaded year overrides lunar-go even where lunar-go knows it.
	over := NewCalendarWithYears(nil, map[int]YearSchedule{2026: {Holidays: []string{"2026-12-01"}}})
	if over.IsWorkday(day(t, "2026-10-01")) != true || over.IsWorkday(day(t, "2026-12-01")) != false {
		t.Errorf("a loaded 2026 should decide alone: 10-01 %v, 12-01 %v", over.IsWorkday(day(t, "2026-10-01")), over.IsWorkday(day(t, "2026-12-01")))
	}
}

func TestValidateYearSchedule(t *testing.T) {
	ok := YearSchedule{Holidays: []string{"2028-01-01"}, Workdays: []string{"2028-01-08"}}
	if bad := ValidateYearSchedule(2028, ok); bad != nil {
		t.Fatalf("valid schedule refused: %v", bad)
	}
	bad := ValidateYearSchedule(2028, YearSchedule{
		Holidays: []string{"2028-01-01", "2027-12-31", "2028-1-2", "2028-01-01"},
		Workdays: []string{"2028-01-01"},
	})
	for _, f := range []string{"holidays[1]", "holidays[2]", "holidays[3]", "workdays[0]"} {
		if bad[f] == "" {
			t.Errorf("no problem named for %s: %v", f, bad)
		}
	}
	if bad["holidays[0]"] != "" {
		t.Errorf("the first of a repeated day is fine: %v", bad)
	}
	if bad := ValidateYearSchedule(2028, YearSchedule{}); bad["holidays"] == "" {
		t.Errorf("an empty schedule: %v", bad)
	}
}

// Rule 2: back-dating and the approval grace.
func TestBackdatedSickLeave(t *testing.T) {
	r := Default().Leave
	now := instant(t, "2026-12-10T09:30")
	if got := FormatDate(EarliestStart(r, KindSick, now)); got != "2026-12-07" {
		t.Errorf("sick leave may start from %s, want 2026-12-07", got)
	}
	if got := FormatDate(EarliestStart(r, KindPersonal, now)); got != "2026-12-10" {
		t.Errorf("personal leave may start from %s, want today", got)
	}
	// Back-dated: due 72 h after submission, not at its (past) start.
	if due := ApprovalDue(r, day(t, "2026-12-08"), now); !due.Equal(now.Add(72 * time.Hour)) {
		t.Errorf("back-dated approval due %v", due)
	}
	// Starting today (already begun): the same grace.
	if due := ApprovalDue(r, day(t, "2026-12-10"), now); !due.Equal(now.Add(72 * time.Hour)) {
		t.Errorf("same-day approval due %v", due)
	}
	// Starting later: due when it starts.
	if due := ApprovalDue(r, day(t, "2026-12-11"), now); !due.Equal(day(t, "2026-12-11")) {
		t.Errorf("future approval due %v", due)
	}
}

// Rule 3: the gap between two leaves, counted as the policy counts days.
func TestConsecutiveLeavesCountTogether(t *testing.T) {
	cal := r17cal()
	r := Default().Leave
	// Calendar days: ends Friday 12-04, next starts Sunday 12-06: one day between.
	if g := GapDays(r, cal, day(t, "2026-12-04"), day(t, "2026-12-06")); g != 1 {
		t.Errorf("calendar gap Fri..Sun = %d, want 1", g)
	}
	if g := GapDays(r, cal, day(t, "2026-12-04"), day(t, "2026-12-05")); g != 0 {
		t.Errorf("the next day: gap %d, want 0", g)
	}
	if g := GapDays(r, cal, day(t, "2026-12-04"), day(t, "2026-12-07")); g != 2 {
		t.Errorf("calendar gap Fri..Mon = %d, want 2", g)
	}
	if g := GapDays(r, cal, day(t, "2026-12-04"), day(t, "2026-12-04")); g != -1 {
		t.Errorf("overlapping: %d, want -1", g)
	}
	// Working days: Friday to Monday has none between.
	r.DayCounting = CountWorking
	if g := GapDays(r, cal, day(t, "2026-12-04"), day(t, "2026-12-07")); g != 0 {
		t.Errorf("working gap Fri..Mon = %d, want 0", g)
	}
}

func r17cal() Calendar { return NewCalendar(nil) }

// Rule 10: each kind's own limit, or the bound on every leave.
func TestLongestLeavePerKind(t *testing.T) {
	r := Default().Leave
	if n := KindMaxDays(r, KindPersonal); n != 30 {
		t.Errorf("personal: %d, want 30", n)
	}
	if n := KindMaxDays(r, KindSick); n != r.MaxDays {
		t.Errorf("sick: %d, want no limit of its own (%d)", n, r.MaxDays)
	}
	r.MaxDaysByKind = map[string]int{KindPersonal: 0, KindSick: 60}
	if KindMaxDays(r, KindPersonal) != r.MaxDays || KindMaxDays(r, KindSick) != 60 {
		t.Errorf("changed limits: personal %d sick %d", KindMaxDays(r, KindPersonal), KindMaxDays(r, KindSick))
	}
}

// Rules 11 and 12: when a report opens, and an absence recorded late.
func TestLateRecordingFairDeadline(t *testing.T) {
	a := Default().Absence
	if o := ReportOpens(a, 2026, time.December); !o.Equal(day(t, "2026-12-21")) {
		t.Errorf("December's report opens %v, want 2026-12-21", o)
	}
	p := Periods{SkipRestDays: true}
	// Found and recorded early in the cycle: the fixed deadline.
	due, y, m, late := AbsenceDue(a, p, instant(t, "2026-12-01T10:00"), instant(t, "2026-12-01T11:00"))
	if late || CycleKey(y, m) != "2026-12" || !due.Equal(day(t, "2026-12-25")) {
		t.Errorf("early: due %v cycle %s late %v", due, CycleKey(y, m), late)
	}
	// Found 12-18, recorded Tuesday 12-22: two days left is fewer than
	// three, so due end of Friday 12-25 (the 22nd + 3), in January's
	// report (the 25th is after the cutoff).
	due, y, m, late = AbsenceDue(a, p, instant(t, "2026-12-18T10:00"), instant(t, "2026-12-22T16:00"))
	if !late || CycleKey(y, m) != "2027-01" || !due.Equal(day(t, "2026-12-26")) {
		t.Errorf("late recorded: due %v cycle %s late %v", due, CycleKey(y, m), late)
	}
	// Found in November, recorded 12-02 (Wednesday): after November's
	// deadline; due 12-05 is a Saturday, so end of Monday 12-07, in
	// December's report.
	due, y, m, late = AbsenceDue(a, p, instant(t, "2026-11-18T10:00"), instant(t, "2026-12-02T09:00"))
	if !late || CycleKey(y, m) != "2026-12" || !due.Equal(day(t, "2026-12-08")) {
		t.Errorf("recorded after the deadline: due %v cycle %s late %v", due, CycleKey(y, m), late)
	}
	// Exactly three days left is enough.
	due, _, _, late = AbsenceDue(a, p, instant(t, "2026-12-20T10:00"), instant(t, "2026-12-22T00:00"))
	if late || !due.Equal(day(t, "2026-12-25")) {
		t.Errorf("three days left: due %v late %v", due, late)
	}
}
