package policy

import (
	"fmt"
	"time"
)

// clockMinutes reads "HH:MM" (00:00-23:59) as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// QuietEnd reports whether t falls inside the quiet hours of n (the
// default's when n is empty) and, if so, when they end: the next
// QuietUntil in China time. Quiet hours may cross midnight (20:00-08:00)
// or not (12:00-14:00); equal times mean none.
func (n NoticeRules) QuietEnd(t time.Time) (time.Time, bool) {
	if n.QuietFrom == "" && n.QuietUntil == "" {
		n = Default().Notices
	}
	from, ok1 := clockMinutes(n.QuietFrom)
	until, ok2 := clockMinutes(n.QuietUntil)
	if !ok1 || !ok2 || from == until {
		return time.Time{}, false
	}
	c := t.In(China)
	now := c.Hour()*60 + c.Minute()
	var inside bool
	if from < until {
		inside = now >= from && now < until
	} else {
		inside = now >= from || now < until
	}
	if !inside {
		return time.Time{}, false
	}
	end := time.Date(c.Year(), c.Month(), c.Day(), until/60, until%60, 0, 0, China)
	if !end.After(c) {
		end = end.AddDate(0, 0, 1)
	}
	return end, true
}
