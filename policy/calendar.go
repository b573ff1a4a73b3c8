package policy

import (
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Calendar says which China dates are working days. Counties that count
// leave in working days need statutory holidays and make-up workdays (调休)
// handled properly, not just weekends.
type Calendar interface {
	// IsWorkday reports whether the China date containing day is a workday.
	IsWorkday(day time.Time) bool
	// Covers reports whether the calendar knows the official holiday
	// schedule of year. When it does not, IsWorkday falls back to
	// Monday-Friday and callers should warn that holidays are missing
	// (the State Council publishes each year's schedule only in autumn).
	Covers(year int) bool
}

// NewCalendar returns a Calendar layered as: overrides first (key
// "YYYY-MM-DD"; true = make-up workday, false = holiday), then lunar-go's
// statutory holiday table (holidays are not workdays; its make-up workdays
// are workdays even on a weekend), then Monday-Friday. Overrides let an
// administrator fix a year before the library is updated, or add a local
// holiday. Keys that are not strict dates are ignored; use
// ValidateOverrides to reject them at input time.
func NewCalendar(overrides map[string]bool) Calendar {
	c := &calendar{overrides: make(map[string]bool, len(overrides)), years: map[int]bool{}}
	for k, v := range overrides {
		t, err := ParseDate(k)
		if err != nil {
			continue
		}
		c.overrides[k] = v
		c.years[t.Year()] = true
	}
	return c
}

// ValidateOverrides returns key → message for every override key that is
// not a strict "YYYY-MM-DD" date (nil when all are valid).
func ValidateOverrides(overrides map[string]bool) map[string]string {
	var bad map[string]string
	for k := range overrides {
		if _, err := ParseDate(k); err != nil {
			if bad == nil {
				bad = map[string]string{}
			}
			bad[k] = "must be a date YYYY-MM-DD"
		}
	}
	return bad
}

// calendar is immutable after construction, so it is safe to share between
// goroutines and deterministic inside workflow code.
type calendar struct {
	overrides map[string]bool
	years     map[int]bool
	// loaded years (NewCalendarWithYears): their schedule alone decides.
	loaded     map[int]bool
	loadedDays map[string]bool
}

func (c *calendar) IsWorkday(day time.Time) bool {
	key := FormatDate(day)
	if c.loaded[day.In(China).Year()] {
		if v, ok := c.loadedDays[key]; ok {
			return v
		}
		return weekday(day)
	}
	if v, ok := c.overrides[key]; ok {
		return v
	}
	if h := HolidayUtil.GetHoliday(key); h != nil {
		return h.IsWork()
	}
	return weekday(day)
}

// weekday: Monday to Friday work.
func weekday(day time.Time) bool {
	switch day.In(China).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return true
}

func (c *calendar) Covers(year int) bool {
	if c.years[year] || c.loaded[year] {
		return true
	}
	if year < 1 || year > 9999 {
		return false
	}
	return HolidayUtil.GetHolidaysByYear(year).Len() > 0
}

// defaultCalendar serves working-day counts when a caller passes no
// calendar: better lunar-go's table than a silent weekends-only count.
var defaultCalendar = NewCalendar(nil)
