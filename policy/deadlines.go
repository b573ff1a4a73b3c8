package policy

import (
	"fmt"
	"sort"
	"time"

	"zhucun/errs"
)

// ---- Leave (article 16) ----

// CountDays counts the leave days from start to end, both inclusive, in
// China dates. With DayCounting == CountWorking only cal's workdays count
// (a nil cal means the built-in lunar-go calendar); any other mode counts
// every calendar day, which is the product default. It returns 0 when end
// is before start. The count decides the approval route, so it must be the
// same number the member sees on the form.
func CountDays(r LeaveRules, cal Calendar, start, end time.Time) int {
	n := daysBetween(start, end) + 1
	if n <= 0 {
		return 0
	}
	if r.DayCounting != CountWorking {
		return n
	}
	if cal == nil {
		cal = defaultCalendar
	}
	count := 0
	day := DayOf(start)
	for i := 0; i < n; i++ {
		if cal.IsWorkday(day) {
			count++
		}
		day = AddDays(day, 1)
	}
	return count
}

// LeaveRoute returns RouteTownship for a leave of up to ThresholdDays days
// and RouteJoint for a longer one. Callers pass the new total for an
// extension, so extending a 5-day leave to 9 days goes joint.
func LeaveRoute(r LeaveRules, days int) string {
	if days <= r.ThresholdDays {
		return RouteTownship
	}
	return RouteJoint
}

// RouteReason explains the route in one Chinese sentence, for the
// member before submitting and the approver's screen, e.g. "8天，超过7天，
// 需县委组织部、县乡村振兴局和派出单位共同批准".
func RouteReason(r LeaveRules, days int) string {
	return RouteReasonCounted(r, days, DaysText(r, days))
}

// DaysText is a number of leave days as people read it: "8天", or "8个工
// 作日" when the rules count working days.
func DaysText(r LeaveRules, days int) string {
	if r.DayCounting == CountWorking {
		return errs.Text(errs.MsgDaysWorking, days)
	}
	return errs.Text(errs.MsgDaysCalendar, days)
}

// RouteReasonCounted is RouteReason with the days already put in words
// (count), e.g. for leaves routed together: "与…的请假连续，合计14天".
func RouteReasonCounted(r LeaveRules, days int, count string) string {
	if LeaveRoute(r, days) == RouteTownship {
		return errs.Text(errs.MsgRouteTownship, count, r.ThresholdDays, errs.RoleList(r.TownshipApprovers), errs.RoleList(r.FilingOffices))
	}
	return errs.Text(errs.MsgRouteJoint, count, r.ThresholdDays, errs.RoleList(r.JointApprovers))
}

// ReturnDue is when the report back (销假) is due: the end of the day
// ReturnDueDays after the leave's last day (default: end of the next day).
func ReturnDue(r LeaveRules, end time.Time) time.Time {
	return EndOfDay(AddDays(end, r.ReturnDueDays))
}

// ---- Absence (article 18) ----

// CycleMonth returns the monthly report an absence found at foundAt
// belongs to: the China month of foundAt if its day of month is at most
// CycleCutoffDay, otherwise the next month (December 21+ → January of the
// next year), leaving units time to explain before the report is due.
func CycleMonth(r AbsenceRules, foundAt time.Time) (year int, month time.Month) {
	y, m, d := foundAt.In(China).Date()
	if d <= r.CycleCutoffDay {
		return y, m
	}
	next := time.Date(y, m+1, 1, 0, 0, 0, 0, China)
	return next.Year(), next.Month()
}

// CycleKey names a monthly cycle "YYYY-MM", the key used for reports and
// workflow IDs.
func CycleKey(year int, month time.Month) string {
	return fmt.Sprintf("%04d-%02d", year, int(month))
}

// ParseCycle reads a strict "YYYY-MM" cycle key (month 01-12).
func ParseCycle(s string) (int, time.Month, error) {
	bad := fmt.Errorf("cycle %q: want YYYY-MM", s)
	if len(s) != 7 || s[4] != '-' {
		return 0, 0, bad
	}
	num := func(p string) (int, bool) {
		n := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, false
			}
			n = n*10 + int(p[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:])
	if !ok1 || !ok2 || m < 1 || m > 12 {
		return 0, 0, bad
	}
	return y, time.Month(m), nil
}

// ExplanationDue is when explanations and the monthly report of a cycle
// are due: "before the DueDay-th", i.e. 00:00 China time of day DueDay of
// the cycle month (the end of DueDay-1).
func ExplanationDue(r AbsenceRules, year int, month time.Month) time.Time {
	return time.Date(year, month, r.DueDay, 0, 0, 0, 0, China)
}

// RemindersBefore returns the instants each of before ahead of due, in
// ascending order so a workflow can sleep through them one by one.
// Non-positive and repeated durations are dropped: a reminder at or after
// the deadline is not a reminder.
func RemindersBefore(due time.Time, before []Duration) []time.Time {
	seen := map[Duration]bool{}
	out := make([]time.Time, 0, len(before))
	for _, b := range before {
		if b <= 0 || seen[b] {
			continue
		}
		seen[b] = true
		out = append(out, due.Add(-b.D()))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// ---- Roster (article 17) ----

// RosterFilingDue is when both county offices must have acknowledged a
// team change: the end of the effective date + FilingDays.
func RosterFilingDue(r RosterRules, effective time.Time) time.Time {
	return EndOfDay(AddDays(effective, r.FilingDays))
}

// RosterReportDue is when the county bureau must report the updated
// ledger to the city: the end of the filing's China date + ReportDays.
func RosterReportDue(r RosterRules, filedAt time.Time) time.Time {
	return EndOfDay(AddDays(DayOf(filedAt), r.ReportDays))
}
