package policy

import (
	"testing"
	"time"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-02-03", "2028-02-29", "2026-02-30", "2026-2-3", " 2026-02-03", "+026-02-03", "0000-01-01", "9999-12-31", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if got := FormatDate(d); got != s {
			t.Fatalf("FormatDate(ParseDate(%q)) = %q", s, got)
		}
		if !DayOf(d).Equal(d) {
			t.Fatalf("ParseDate(%q) = %v is not the start of its China day", s, d)
		}
	})
}

func FuzzCountDays(f *testing.F) {
	f.Add(uint16(0), int16(3), false)
	f.Add(uint16(1000), int16(-5), true)
	f.Add(uint16(2000), int16(400), true)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, China)
	f.Fuzz(func(t *testing.T, offset uint16, span int16, working bool) {
		// Start within 2024-2029 at any time of day; end within about a year either side.
		start := base.Add(time.Duration(offset%2200)*24*time.Hour + time.Duration(offset)*time.Minute)
		// China has kept +08:00 since 1991, so k whole 24h periods are
		// exactly k China days: an independent check of the civil arithmetic.
		k := int(span % 400)
		end := start.Add(time.Duration(k) * 24 * time.Hour)
		r := Default().Leave
		cal := CountDays(r, nil, start, end)
		want := 0
		if k >= 0 {
			want = k + 1
		}
		if cal != want {
			t.Fatalf("calendar CountDays(%v, %v) = %d, want %d", start, end, cal, want)
		}
		if working {
			r.DayCounting = CountWorking
			w := CountDays(r, nil, start, end)
			if w < 0 || w > cal {
				t.Fatalf("working CountDays(%v, %v) = %d, calendar %d", start, end, w, cal)
			}
		}
	})
}
