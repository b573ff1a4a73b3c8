package policy

// Periods counted in days, and the other fair-deadline rules of issue 17:
// a period whose last day is a rest day runs to the next working day, a
// back-dated leave is given time to be approved, a late-recorded absence
// time to be explained, a monthly report opens when its cycle closes.

import (
	"fmt"
	"sort"
	"time"

	"zhucun/errs"
)

// Periods ends periods counted in days: with SkipRestDays, one whose last
// day is a statutory rest day (weekend or holiday, as Cal says; make-up
// workdays work) ends at the end of the next working day (民法典 第二百零
// 三条). A nil Cal is the built-in calendar.
type Periods struct {
	Cal          Calendar
	SkipRestDays bool
}

// PeriodsOf is the period rule of r over cal.
func PeriodsOf(r Rules, cal Calendar) Periods {
	return Periods{Cal: cal, SkipRestDays: r.PeriodsSkipRestDays}
}

// maxRestRun bounds the walk to a working day: no run of rest days in any
// calendar is this long (the longest, Spring Festival, is 8 or 9).
const maxRestRun = 31

// LastDay is the last day of a period of n days after the China date of
// day: day+n, moved to the next working day when that is a rest day and
// SkipRestDays is set.
func (p Periods) LastDay(day time.Time, n int) time.Time {
	last := AddDays(day, n)
	if !p.SkipRestDays {
		return last
	}
	cal := p.Cal
	if cal == nil {
		cal = defaultCalendar
	}
	for i := 0; i < maxRestRun && !cal.IsWorkday(last); i++ {
		last = AddDays(last, 1)
	}
	return last
}

// End is the end of that period: the first instant after its last day.
func (p Periods) End(day time.Time, n int) time.Time {
	return EndOfDay(p.LastDay(day, n))
}

// ReturnDueIn is ReturnDue with the period rule: the report back is due at
// the end of the day ReturnDueDays after the leave's last day, a rest day
// moving it to the next working day.
func ReturnDueIn(r LeaveRules, p Periods, end time.Time) time.Time {
	return p.End(end, r.ReturnDueDays)
}

// RosterFilingDueIn is RosterFilingDue with the period rule.
func RosterFilingDueIn(r RosterRules, p Periods, effective time.Time) time.Time {
	return p.End(effective, r.FilingDays)
}

// RosterReportDueIn is RosterReportDue with the period rule.
func RosterReportDueIn(r RosterRules, p Periods, filedAt time.Time) time.Time {
	return p.End(DayOf(filedAt), r.ReportDays)
}

// ApprovalDue is when a leave's approval is due: when it starts, or, for
// one whose start has passed when it is submitted (back-dated sick leave,
// a leave starting today), ApprovalGrace after submission.
func ApprovalDue(r LeaveRules, startAt, submittedAt time.Time) time.Time {
	if startAt.After(submittedAt) {
		return startAt
	}
	return submittedAt.Add(r.ApprovalGrace.D())
}

// EarliestStart is the earliest day a leave of kind submitted at now may
// start: today for personal leave, SickBackdateDays before today for sick
// leave.
func EarliestStart(r LeaveRules, kind string, now time.Time) time.Time {
	today := DayOf(now)
	if kind == KindSick {
		return AddDays(today, -r.SickBackdateDays)
	}
	return today
}

// KindMaxDays is the longest a leave of kind may be: its own limit, or
// MaxDays when it has none.
func KindMaxDays(r LeaveRules, kind string) int {
	if n := r.MaxDaysByKind[kind]; n > 0 && n < r.MaxDays {
		return n
	}
	return r.MaxDays
}

// GapDays is the number of days strictly between the China date prevEnd
// and the later China date nextStart, counted as r counts leave days
// (calendar days, or working days of cal); 0 when nextStart is the next
// day, -1 when the two touch or overlap.
func GapDays(r LeaveRules, cal Calendar, prevEnd, nextStart time.Time) int {
	if !nextStart.After(prevEnd) {
		return -1
	}
	first, last := AddDays(prevEnd, 1), AddDays(nextStart, -1)
	if last.Before(first) {
		return 0
	}
	return CountDays(r, cal, first, last)
}

// UncoveredYear returns the first year from start to end whose statutory
// holidays cal does not know, if any: working days cannot be counted there.
func UncoveredYear(cal Calendar, start, end time.Time) (int, bool) {
	if cal == nil {
		cal = defaultCalendar
	}
	for y := start.In(China).Year(); y <= end.In(China).Year(); y++ {
		if !cal.Covers(y) {
			return y, true
		}
	}
	return 0, false
}

// ---- Absence (article 18) ----

// ReportOpens is when the county bureau may submit a cycle's monthly
// report: once the cycle has closed, at the start of the day after its
// cutoff day.
func ReportOpens(r AbsenceRules, year int, month time.Month) time.Time {
	return time.Date(year, month, r.CycleCutoffDay+1, 0, 0, 0, 0, China)
}

// AbsenceDue is an absence's explanation deadline and the cycle of the
// report it belongs to, for one found at foundAt and recorded at
// recordedAt. Normally that is the cycle of foundAt and its fixed deadline
// (before the DueDay-th). One recorded after that deadline, or with fewer
// than ExplainMinDays days left, is due ExplainMinDays days after the day
// it was recorded (a period, so a rest day moves it), belongs to the
// cycle of that last day, and lateRecorded is true.
func AbsenceDue(r AbsenceRules, p Periods, foundAt, recordedAt time.Time) (due time.Time, year int, month time.Month, lateRecorded bool) {
	year, month = CycleMonth(r, foundAt)
	due = ExplanationDue(r, year, month)
	if !recordedAt.Before(due) || due.Sub(recordedAt) < time.Duration(r.ExplainMinDays)*24*time.Hour {
		last := p.LastDay(DayOf(recordedAt), r.ExplainMinDays)
		year, month = CycleMonth(r, last)
		return EndOfDay(last), year, month, true
	}
	return due, year, month, false
}

// ---- Calendars ----

// YearSchedule is one year's statutory holidays and make-up workdays (调
// 休) as the State Council's notice lists them ("YYYY-MM-DD").
type YearSchedule struct {
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// NewCalendarWithYears is NewCalendar with whole years loaded: in a loaded
// year its schedule alone decides (listed holidays are rest days, listed
// workdays work, other days by the weekday), and the year is covered.
func NewCalendarWithYears(overrides map[string]bool, years map[int]YearSchedule) Calendar {
	c := NewCalendar(overrides).(*calendar)
	c.loaded = map[int]bool{}
	c.loadedDays = map[string]bool{}
	for y, s := range years {
		c.loaded[y] = true
		for _, d := range s.Holidays {
			c.loadedDays[d] = false
		}
		for _, d := range s.Workdays {
			c.loadedDays[d] = true
		}
	}
	return c
}

// RestDays is a calendar written out for a workflow's input: the weekday
// holidays and weekend workdays of a stretch of days, so the workflow can
// end a period deterministically without reading the database.
type RestDays struct {
	Holidays []string `json:"holidays,omitempty"` // weekdays that are rest days
	Workdays []string `json:"workdays,omitempty"` // weekend days that are workdays
}

// RestDaysOf writes out cal's exceptions from the China date of from for
// n days.
func RestDaysOf(cal Calendar, from time.Time, n int) RestDays {
	if cal == nil {
		cal = defaultCalendar
	}
	var r RestDays
	day := DayOf(from)
	for i := 0; i < n; i++ {
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		switch work := cal.IsWorkday(day); {
		case weekend && work:
			r.Workdays = append(r.Workdays, FormatDate(day))
		case !weekend && !work:
			r.Holidays = append(r.Holidays, FormatDate(day))
		}
		day = AddDays(day, 1)
	}
	return r
}

// Calendar is r as a Calendar: its days as listed, every other day by the
// weekday. It reads no table and no library, so workflows may use it.
func (r RestDays) Calendar() Calendar {
	return fixedCalendar{holidays: sortedSet(r.Holidays), workdays: sortedSet(r.Workdays)}
}

type fixedCalendar struct{ holidays, workdays []string }

func (c fixedCalendar) IsWorkday(day time.Time) bool {
	key := FormatDate(day)
	if contains(c.workdays, key) {
		return true
	}
	if contains(c.holidays, key) {
		return false
	}
	wd := day.In(China).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Covers: a written-out calendar knows only what it lists.
func (c fixedCalendar) Covers(int) bool { return true }

func sortedSet(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

func contains(sorted []string, key string) bool {
	i := sort.SearchStrings(sorted, key)
	return i < len(sorted) && sorted[i] == key
}

// ValidateYearSchedule checks a year's schedule: strict dates, all in
// year, none listed twice or in both lists, at least one holiday. It
// returns field → message ("holidays[2]") or nil.
func ValidateYearSchedule(year int, s YearSchedule) map[string]string {
	bad := map[string]string{}
	seen := map[string]string{}
	check := func(list string, dates []string) {
		for i, d := range dates {
			field := fmt.Sprintf("%s[%d]", list, i)
			t, err := ParseDate(d)
			switch {
			case err != nil:
				bad[field] = errs.Text(errs.MsgDate)
			case t.Year() != year:
				bad[field] = errs.Text(errs.MsgHolidayYear, year)
			case seen[d] != "":
				bad[field] = errs.Text(errs.MsgHolidayTwice, seen[d])
			}
			if seen[d] == "" {
				seen[d] = field
			}
		}
	}
	check("holidays", s.Holidays)
	check("workdays", s.Workdays)
	if len(s.Holidays) == 0 {
		bad["holidays"] = errs.Text(errs.MsgHolidayNone)
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}
