package policy

import (
	"fmt"
	"time"

	// Embedded zone data so Asia/Shanghai loads on hosts (containers,
	// Windows) that have no system tzdata; every deadline depends on it.
	_ "time/tzdata"
)

// China is Asia/Shanghai. All civil dates and deadlines in the rules are
// China dates, whatever zone the server or the user happens to be in.
var China *time.Location = mustLoadChina()

func mustLoadChina() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Cannot happen with time/tzdata linked in; refusing to start is
		// better than silently computing deadlines in UTC.
		panic("policy: loading Asia/Shanghai: " + err.Error())
	}
	return loc
}

// dateLayout is the only textual form of a civil date the system accepts.
const dateLayout = "2006-01-02"

// ParseDate reads a strict "YYYY-MM-DD" China date, in years MinYear to
// MaxYear, and returns its first instant (00:00 China time). Anything else — single-digit fields, signs,
// spaces, impossible days such as 2026-02-30 — is rejected, because a
// lenient parse of a leave's dates would silently change who approves it.
func ParseDate(s string) (time.Time, error) {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
		}
	}
	t, err := time.ParseInLocation(dateLayout, s, China)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %v", s, err)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, fmt.Errorf("date %q: the year must be %d to %d", s, MinYear, MaxYear)
	}
	return t, nil
}

// MinYear and MaxYear bound the dates ParseDate accepts. Far dates are
// never meant, and some would break things: the deadlines after 9999-12-30
// cannot be written as JSON, and counting working days over millennia
// takes seconds.
const (
	MinYear = 2000
	MaxYear = 2099
)

// FormatDate returns the China date ("YYYY-MM-DD") containing the instant
// t, so an instant stored in UTC still prints as the day the user saw.
func FormatDate(t time.Time) string {
	return t.In(China).Format(dateLayout)
}

// DayOf returns 00:00 China time of the China date containing t. Use it
// before any day arithmetic on an instant (a timestamp, a "found at").
func DayOf(t time.Time) time.Time {
	y, m, d := t.In(China).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, China)
}

// EndOfDay returns the end of the China date containing day, which the
// rules define as the first instant of the next day. Deadlines are
// expressed this way so "due end of the 24th" is a single instant a timer
// can fire at.
func EndOfDay(day time.Time) time.Time {
	return AddDays(day, 1)
}

// AddDays returns 00:00 China time n calendar days after the China date of
// day (n may be negative). It steps civil days rather than 24h periods, so
// it stays correct whatever the instant's own zone.
func AddDays(day time.Time, n int) time.Time {
	y, m, d := day.In(China).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, China)
}

// daysBetween is the number of civil days from the China date of a to the
// China date of b (negative if b is earlier). It goes through UTC dates so
// no zone offset change can make a day 23 or 25 hours long.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.In(China).Date()
	by, bm, bd := b.In(China).Date()
	ua := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	ub := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}
