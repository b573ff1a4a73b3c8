package server

// Fuzz targets for issue 17's request bodies: a filing naming its step,
// and a year's holiday schedule. The same invariants as fuzz_test.go.

import (
	"strings"
	"testing"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
)

func FuzzFilingStep(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"step":"filing-5"}`, `{"step":"filing-5","comment":"已备案"}`, `{"step":5}`, `{"step":"`+strings.Repeat("x", 101)+`"}`,
		`{"step":"a\u0000"}`, `{"comment":"`+fuzzHostile+`"}`, `{"step":"a","STEP":"b"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.FilingRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			checkTextOK(t, "comment", req.Comment, false)
			if len(req.Step) > 100 {
				t.Fatalf("accepted a step of %d bytes", len(req.Step))
			}
			checkStorable(t, req)
			checkRedecode(t, req)
		}
	})
}

func FuzzHolidays(f *testing.F) {
	for _, b := range append(commonSeeds,
		`{"holidays":["2028-01-01"],"workdays":["2028-01-08"],"notice":"国务院办公厅通知"}`,
		`{"holidays":[]}`, `{"holidays":["2027-12-31"]}`, `{"holidays":["2028-1-1"]}`, `{"holidays":["2028-01-01","2028-01-01"]}`,
		`{"holidays":["2028-01-01"],"workdays":["2028-01-01"]}`, `{"holidays":"2028-01-01"}`, `{"holidays":[20280101]}`,
		`{"holidays":["2028-02-30"]}`, `{"holidays":["2028-01-01"],"notice":"`+fuzzHostile+`"}`) {
		f.Add([]byte(b), "2028")
		f.Add([]byte(b), "20x8")
	}
	f.Fuzz(func(t *testing.T, body []byte, year string) {
		var req actions.HolidayRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		req.Year = year
		y, err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if y < policy.MinYear || y > policy.MaxYear || len(req.Holidays) == 0 {
			t.Fatalf("accepted year %q (%d) with holidays %v", year, y, req.Holidays)
		}
		seen := map[string]bool{}
		for _, d := range append(append([]string{}, req.Holidays...), req.Workdays...) {
			day, perr := policy.ParseDate(d)
			if perr != nil || day.Year() != y || seen[d] {
				t.Fatalf("accepted %q in a schedule for %d", d, y)
			}
			seen[d] = true
		}
		checkTextOK(t, "notice", req.Notice, false)
		checkStorable(t, req)
	})
}
