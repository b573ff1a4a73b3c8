package policy

import (
	"testing"
	"time"
)

func TestQuietEnd(t *testing.T) {
	at := func(d, hm string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", d+" "+hm, China)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	def := NoticeRules{}
	for _, c := range []struct {
		rules NoticeRules
		now   time.Time
		quiet bool
		end   time.Time
	}{
		{def, at("2026-03-02", "19:59"), false, time.Time{}},
		{def, at("2026-03-02", "20:00"), true, at("2026-03-03", "08:00")},
		{def, at("2026-03-02", "23:30"), true, at("2026-03-03", "08:00")},
		{def, at("2026-03-03", "02:00"), true, at("2026-03-03", "08:00")},
		{def, at("2026-03-03", "07:59"), true, at("2026-03-03", "08:00")},
		{def, at("2026-03-03", "08:00"), false, time.Time{}},
		{NoticeRules{"12:00", "14:00"}, at("2026-03-03", "13:00"), true, at("2026-03-03", "14:00")},
		{NoticeRules{"12:00", "14:00"}, at("2026-03-03", "21:00"), false, time.Time{}},
		{NoticeRules{"00:00", "00:00"}, at("2026-03-03", "23:00"), false, time.Time{}},
		// The instant in UTC is read in China time.
		{def, time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC), true, at("2026-03-03", "08:00")},
	} {
		end, quiet := c.rules.QuietEnd(c.now)
		if quiet != c.quiet || !end.Equal(c.end) {
			t.Errorf("%+v at %v: QuietEnd = %v, %v; want %v, %v", c.rules, c.now, end, quiet, c.end, c.quiet)
		}
	}
}

func TestValidateQuietHours(t *testing.T) {
	r := Default()
	r.Notices = NoticeRules{QuietFrom: "25:00", QuietUntil: "8:00"}
	p := r.Validate()
	if p["notices.quiet_from"] == "" || p["notices.quiet_until"] == "" {
		t.Errorf("problems = %v, want both quiet fields named", p)
	}
	r.Notices = NoticeRules{QuietFrom: "21:00"}
	if p := r.Validate(); p["notices.quiet_until"] == "" {
		t.Errorf("one quiet field alone accepted: %v", p)
	}
	r.Notices = NoticeRules{}
	if p := r.Validate(); p != nil {
		t.Errorf("empty quiet hours (the default) refused: %v", p)
	}
}
