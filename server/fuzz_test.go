package server

// Fuzz targets for every request body the API decodes and the checks each
// handler runs on it before touching the database or Temporal: decode,
// then the request type's check (requests.go), then for leaves the route.
// Invariants everywhere: no panic; every error is an *Error whose code is
// a 4xx (never internal) and which encodes as the API's error shape;
// accepted input satisfies what the handler goes on to rely on (dates
// parse and are in order, kinds and decisions are known, text fits and can
// be stored, the workflow input can be written as JSON, the route fits the
// days). scripts/fuzz-short.sh runs each briefly in CI.

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

const fuzzMaxBody = 64 << 10 // the server's default MaxBodyBytes

// fuzzNow is the clock of the checks that read one: a fixed instant, so a
// failure replays.
var fuzzNow = time.Date(2026, 11, 29, 16, 30, 0, 0, policy.China)

// fuzzMember is the member every fuzzed route resolves parties for.
var fuzzMember = store.MemberContext{MemberID: "m27", UnitID: "city-finance", TeamID: "huangbu-liuying-team",
	TownshipID: "huangbu", CountyID: "shangcai", TownshipCommitteeID: "huangbu-committee",
	CountyOrgDeptID: "shangcai-org", CountyBureauID: "shangcai-bureau", CityOrgDeptID: "zhumadian-org",
	CityBureauID: "zhumadian-bureau"}

// fuzzRequest is a POST of body as the server would hand it to a handler:
// the content type given ("" sends none) and the body size limit.
func fuzzRequest(body []byte, ctype string, limit int64) *http.Request {
	r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)
	return r
}

// decodeJSON decodes body as a JSON request into v and checks the error.
func decodeJSON(t *testing.T, body []byte, v any) error {
	t.Helper()
	err := decode(fuzzRequest(body, "application/json", fuzzMaxBody), v)
	checkAPIError(t, err, errs.Invalid, errs.TooLarge)
	return err
}

// checkAPIError fails unless err is nil or an *Error with one of codes,
// all 4xx, that the API answers as itself and that encodes as valid JSON.
func checkAPIError(t *testing.T, err error, codes ...errs.Code) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := err.(*errs.Error)
	if !ok {
		t.Fatalf("error %T is not an *Error: %v", err, err)
	}
	status := errs.Status(e.Code)
	if status < 400 || status > 499 {
		t.Fatalf("error %v has status %d", e, status)
	}
	allowed := false
	for _, c := range codes {
		allowed = allowed || e.Code == c
	}
	if !allowed {
		t.Fatalf("error %v: code %s, want one of %v", e, e.Code, codes)
	}
	if e.Message == "" {
		t.Fatalf("error without a message: %#v", e)
	}
	for k, v := range e.Fields {
		if k == "" || v == "" {
			t.Fatalf("error %v names field %q with message %q", e, k, v)
		}
	}
	if got, known := actions.Explain(err); !known || got != e {
		t.Fatalf("Explain(%v) = %v, %v", err, got, known)
	}
	w := httptest.NewRecorder()
	writeJSON(w, status, map[string]any{"error": e})
	var back struct {
		Error errs.Error `json:"error"`
	}
	if !utf8.Valid(w.Body.Bytes()) || json.Unmarshal(w.Body.Bytes(), &back) != nil || back.Error.Code != e.Code {
		t.Fatalf("error %v encodes as %q", e, w.Body.String())
	}
}

// checkStorable fails if a string anywhere in v cannot be stored in a
// PostgreSQL text column (invalid UTF-8 or NUL).
func checkStorable(t *testing.T, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.String:
			if !storable(rv.String()) {
				t.Fatalf("accepted %s = %q cannot be stored", path, rv.String())
			}
		case reflect.Struct:
			for i := 0; i < rv.NumField(); i++ {
				walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < rv.Len(); i++ {
				walk(path, rv.Index(i))
			}
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		}
	}
	walk("request", reflect.ValueOf(v))
}

// checkRedecode: an accepted request, encoded again, decodes to itself.
func checkRedecode[T any](t *testing.T, req T) {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("marshal %+v: %v", req, err)
	}
	var again T
	if err := decodeJSON(t, b, &again); err != nil || !reflect.DeepEqual(again, req) {
		t.Fatalf("%s decodes to %+v (%v), want %+v", b, again, err, req)
	}
}

// checkText: accepted text fits and, when required, is not blank.
func checkTextOK(t *testing.T, name, v string, required bool) {
	t.Helper()
	if utf8.RuneCountInString(v) > actions.MaxText || (required && strings.TrimSpace(v) == "") {
		t.Fatalf("accepted %s of %d characters: %q", name, utf8.RuneCountInString(v), v)
	}
}

// checkDate: an accepted date is the China day the text names.
func checkDate(t *testing.T, name, text string, d time.Time) {
	t.Helper()
	if p, err := policy.ParseDate(text); err != nil || !p.Equal(d) || policy.FormatDate(d) != text || !policy.DayOf(d).Equal(d) {
		t.Fatalf("accepted %s %q as %v", name, text, d)
	}
}

// checkMarshal: the instants a workflow input would carry can be written
// as JSON (Temporal's payloads are JSON).
func checkMarshal(t *testing.T, what string, v any) {
	t.Helper()
	if _, err := json.Marshal(v); err != nil {
		t.Fatalf("%s cannot be written as JSON: %v", what, err)
	}
}

// checkRoute runs the route of an accepted leave under rules and checks it
// fits the days: 1..MaxDays, township up to ThresholdDays with its filing
// offices, joint above, every approver resolved to the member's party.
func checkRoute(t *testing.T, rules policy.LeaveRules, start, end time.Time) {
	t.Helper()
	rt, err := actions.LeaveRoute(rules, nil, fuzzMember, start, end)
	checkAPIError(t, err, errs.Invalid)
	days := policy.CountDays(rules, nil, start, end)
	if _, uncovered := policy.UncoveredYear(nil, start, end); err != nil && uncovered && rules.DayCounting == policy.CountWorking {
		// Working days cannot be counted in a year whose holidays nobody
		// knows: refused, naming the date in that year.
		if e := err.(*errs.Error); e.Fields["start_date"] == "" && e.Fields["end_date"] == "" {
			t.Fatalf("%s..%s refused without naming a date: %v", policy.FormatDate(start), policy.FormatDate(end), err)
		}
		return
	}
	if err != nil {
		if e := err.(*errs.Error); e.Fields["end_date"] == "" || (days >= 1 && days <= rules.MaxDays) {
			t.Fatalf("%s..%s (%d days) refused: %v", policy.FormatDate(start), policy.FormatDate(end), days, err)
		}
		return
	}
	if rt.Days != days || days < 1 || days > rules.MaxDays {
		t.Fatalf("%s..%s: route of %d days, counted %d, max %d", policy.FormatDate(start), policy.FormatDate(end), rt.Days, days, rules.MaxDays)
	}
	approvers, filing := rules.JointApprovers, 0
	if days <= rules.ThresholdDays {
		approvers, filing = rules.TownshipApprovers, len(rules.FilingOffices)
		if rt.Route != policy.RouteTownship {
			t.Fatalf("%d days <= %d went %s", days, rules.ThresholdDays, rt.Route)
		}
	} else if rt.Route != policy.RouteJoint {
		t.Fatalf("%d days > %d went %s", days, rules.ThresholdDays, rt.Route)
	}
	if len(rt.Approvers) != len(approvers) || len(rt.FilingOffices) != filing || rt.Reason == "" {
		t.Fatalf("route %+v for %d days under %+v", rt, days, rules)
	}
	for i, p := range rt.Approvers {
		if p.Role != approvers[i] || (p.OfficeID == "" && p.UnitID == "") {
			t.Fatalf("approver %d of %+v is unresolved", i, rt)
		}
	}
	checkMarshal(t, "the leave's route and deadlines", workflows.LeaveInput{Route: rt, StartAt: start,
		EndAt: policy.EndOfDay(end), ReturnDueAt: policy.ReturnDue(rules, end)})
}

// The shapes the seeds are made of.
var (
	fuzzHostile = `'); DROP TABLE processes;-- <script>alert(1)</script> 你好`
	fuzzLeave   = `{"kind":"personal","start_date":"2027-03-01","end_date":"2027-03-03","reason":"家中有事"}`
)

// addSeeds adds each seed as a body.
func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// commonSeeds are bad bodies every target starts from.
var commonSeeds = []string{"", "{}", "null", "[]", `"x"`, "{", "{}}", "{} {}", "{}x", "\xff", `{"a":1}`,
	`{"x":"\u0000"}`, "\ufeff{}", `{"reason":"` + strings.Repeat("长", actions.MaxText+1) + `"}`}

func FuzzDecode(f *testing.F) {
	for _, c := range []struct {
		body, ctype string
		limit       uint16
	}{
		{fuzzLeave, "application/json", 0},
		{fuzzLeave, "application/json; charset=utf-8", 0},
		{fuzzLeave, "", 0},
		{fuzzLeave, "text/plain", 0},
		{fuzzLeave, "application/json;;", 0},
		{fuzzLeave, "application/json", 20},
		{`{"s":"a","s":"b"}`, "application/json", 0},
		{`{"S":"a","s":"b"}`, "application/json", 0},
		{`{"n":{"s":"\u0000"}}`, "application/json", 0},
		{`{"l":[{"s":"x"},{"s":"x","S":"y"}]}`, "application/json", 0},
		{`{"d":"24h","i":1e400}`, "application/json", 0},
		{`{"d":"1 day"}`, "application/json", 0},
		{`{"b":"true"}`, "application/json", 0},
		{`{"s":"a"}]`, "application/json", 0},
	} {
		f.Add([]byte(c.body), c.ctype, c.limit)
	}
	type inner struct {
		S string `json:"s"`
	}
	type shape struct {
		S string          `json:"s"`
		I int             `json:"i"`
		B bool            `json:"b"`
		D policy.Duration `json:"d"`
		N inner           `json:"n"`
		L []inner         `json:"l"`
		M []string        `json:"m"`
	}
	f.Fuzz(func(t *testing.T, body []byte, ctype string, limit uint16) {
		max := int64(fuzzMaxBody)
		if limit != 0 {
			max = int64(limit)
		}
		var v shape
		err := decode(fuzzRequest(body, ctype, max), &v)
		checkAPIError(t, err, errs.Invalid, errs.TooLarge, errs.Unsupported)
		e, _ := err.(*errs.Error)
		mt, _, perr := mime.ParseMediaType(ctype)
		jsonType := ctype == "" || (perr == nil && mt == "application/json")
		switch {
		case !jsonType:
			if e == nil || e.Code != errs.Unsupported {
				t.Fatalf("Content-Type %q: %v", ctype, err)
			}
		case int64(len(body)) > max:
			if e == nil || e.Code != errs.TooLarge {
				t.Fatalf("%d bytes over a limit of %d: %v", len(body), max, err)
			}
		case e != nil && e.Code != errs.Invalid:
			t.Fatalf("%q: %v", body, err)
		case err == nil:
			trimmed := bytes.TrimSpace(body)
			if !utf8.Valid(body) || !json.Valid(body) || len(trimmed) == 0 || trimmed[0] != '{' {
				t.Fatalf("accepted %q", body)
			}
			checkStorable(t, v)
			if strictStrings(body) != nil {
				t.Fatalf("accepted %q with duplicate keys or NUL", body)
			}
		}
	})
}

func FuzzLogin(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"username":"m27","password":"zhucun-demo"}`, `{"username":"","password":"x"}`,
		`{"username":27,"password":"x"}`, `{"username":"m27","password":"x","password":"zhucun-demo"}`,
		`{"Username":"a","username":"b","password":"x"}`, `{"username":"m27\u0000","password":"x"}`,
		`{"username":{"$ne":null},"password":"x"}`, `{"username":"`+fuzzHostile+`","password":"x"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.LoginRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			if req.Username == "" || req.Password == "" {
				t.Fatalf("accepted %+v", req)
			}
			checkStorable(t, req)
			checkRedecode(t, req)
		}
	})
}

func FuzzLeaveSubmit(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, fuzzLeave,
		`{"kind":"sick","start_date":"2027-03-01","end_date":"2027-03-08","reason":"住院"}`,
		`{"kind":"personal","start_date":"2027-03-01","end_date":"2027-05-29","reason":"x"}`,
		`{"kind":"personal","start_date":"2027-03-01","end_date":"2027-05-30","reason":"x"}`,
		`{"kind":"personal","start_date":"2027-03-03","end_date":"2027-03-01","reason":"x"}`,
		`{"kind":"annual","start_date":"2027-03-01","end_date":"2027-03-01","reason":" "}`,
		`{"kind":"sick","start_date":"2027-02-30","end_date":"2027-3-1","reason":"x"}`,
		`{"kind":"sick","start_date":"9999-12-30","end_date":"9999-12-31","reason":"x"}`,
		`{"kind":"sick","start_date":"0000-01-01","end_date":"0000-01-02","reason":"x"}`,
		`{"kind":"sick","start_date":"2099-12-30","end_date":"2099-12-31","reason":"x"}`,
		`{"kind":"sick","start_date":20270301,"end_date":"2027-03-01","reason":"x"}`,
		`{"kind":"sick","kind":"personal","start_date":"2027-03-01","end_date":"2027-03-01","reason":"x"}`,
		`{"kind":"sick","start_date":"2027-03-01","end_date":"2027-03-01","reason":"`+fuzzHostile+`"}`)
	working := policy.Default().Leave
	working.DayCounting = policy.CountWorking
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.LeaveRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		start, end, err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if req.Kind != "personal" && req.Kind != "sick" {
			t.Fatalf("accepted kind %q", req.Kind)
		}
		checkDate(t, "start_date", req.StartDate, start)
		checkDate(t, "end_date", req.EndDate, end)
		if end.Before(start) {
			t.Fatalf("accepted %s..%s", req.StartDate, req.EndDate)
		}
		checkTextOK(t, "reason", req.Reason, true)
		checkStorable(t, req)
		checkRedecode(t, req)
		checkRoute(t, policy.Default().Leave, start, end)
		if policy.AddDays(start, 400).After(end) { // working days: only spans the route could accept
			checkRoute(t, working, start, end)
		}
	})
}

// fuzzDecision runs a yes/no decision body through decode and check.
func fuzzDecision(f *testing.F, yes, no string) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"decision":"`+yes+`"}`, `{"decision":"`+yes+`","comment":"同意"}`, `{"decision":"`+no+`"}`,
		`{"decision":"`+no+`","comment":"  "}`, `{"decision":"`+no+`","comment":"`+fuzzHostile+`"}`,
		`{"decision":"`+no+`","decision":"`+yes+`","comment":"x"}`, `{"Decision":"`+yes+`"}`,
		`{"decision":"`+strings.ToUpper(yes)+`"}`, `{"decision":true}`, `{"decision":"`+yes+`","comment":null}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.DecisionRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := req.Check(yes, no)
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if req.Decision != yes && req.Decision != no {
			t.Fatalf("accepted decision %q", req.Decision)
		}
		checkTextOK(t, "comment", req.Comment, req.Decision == no)
		checkStorable(t, req)
		checkRedecode(t, req)
	})
}

func FuzzLeaveDecision(f *testing.F) { fuzzDecision(f, "approve", "refuse") }

func FuzzSignature(f *testing.F) { fuzzDecision(f, "sign", "return") }

// FuzzComment: the optional {"comment"} of a filing, a withdrawal or a
// roster acknowledgement, through optionalComment as the handlers call it.
func FuzzComment(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"comment":"已备案"}`, `{"comment":""}`, `{"comment":5}`, `{"comment":"`+fuzzHostile+`"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := fuzzRequest(body, "application/json", fuzzMaxBody)
		comment, err := optionalComment(r)
		checkAPIError(t, err, errs.Invalid, errs.TooLarge)
		if len(body) == 0 && (err != nil || comment != "") {
			t.Fatalf("no body: %q, %v", comment, err)
		}
		if err == nil {
			checkTextOK(t, "comment", comment, false)
			checkStorable(t, comment)
		}
	})
}

// fuzzLeaveDates is an existing leave's dates from fuzz numbers: starting
// within 2026-2033, lasting 1..90 days.
func fuzzLeaveDates(startOff uint16, span uint8) (start, end time.Time) {
	start = policy.AddDays(time.Date(2026, 1, 1, 0, 0, 0, 0, policy.China), int(startOff%2900))
	return start, policy.AddDays(start, int(span%90))
}

func FuzzExtension(f *testing.F) {
	for _, b := range append(commonSeeds, `{"end_date":"2027-03-10","reason":"病情加重"}`, `{"end_date":"2027-03-03","reason":"x"}`,
		`{"end_date":"2027-02-01","reason":"x"}`, `{"end_date":"2027-12-31","reason":"x"}`, `{"end_date":"9999-12-31","reason":"x"}`,
		`{"end_date":"2027-03-10"}`, `{"end_date":"2027-03-10","reason":"`+fuzzHostile+`"}`) {
		f.Add([]byte(b), uint16(424), uint8(2)) // a leave 2027-03-01..2027-03-03
	}
	f.Fuzz(func(t *testing.T, body []byte, startOff uint16, span uint8) {
		var req actions.ExtensionRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		lStart, lEnd := fuzzLeaveDates(startOff, span)
		start, end, err := req.Check(policy.FormatDate(lStart), policy.FormatDate(lEnd))
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		checkDate(t, "end_date", req.EndDate, end)
		if !start.Equal(lStart) || !end.After(lEnd) {
			t.Fatalf("extension of %s..%s to %s accepted as %v..%v", policy.FormatDate(lStart), policy.FormatDate(lEnd), req.EndDate, start, end)
		}
		checkTextOK(t, "reason", req.Reason, true)
		checkStorable(t, req)
		checkRedecode(t, req)
		checkRoute(t, policy.Default().Leave, start, end)
	})
}

func FuzzReturn(f *testing.F) {
	for _, b := range append(commonSeeds, `{"returned_on":"2026-11-29"}`, `{"returned_on":"2026-11-28"}`, `{"returned_on":"2026-11-30"}`,
		`{"returned_on":"2026-11-27"}`, `{"returned_on":"2026-11-26"}`, `{"returned_on":20261129}`, `{"returned_on":"2026-11-31"}`) {
		f.Add([]byte(b), uint16(329), uint8(1), int16(0)) // a leave 2026-11-26..27, now 2026-11-29
		f.Add([]byte(b), uint16(329), uint8(1), int16(-4*24))
	}
	f.Fuzz(func(t *testing.T, body []byte, startOff uint16, span uint8, nowOff int16) {
		var req actions.ReturnRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		lStart, lEnd := fuzzLeaveDates(startOff, span)
		now := fuzzNow.Add(time.Duration(nowOff) * time.Hour)
		start, on, actualEnd, err := req.Check(policy.FormatDate(lStart), policy.FormatDate(lEnd), now)
		checkAPIError(t, err, errs.Invalid, errs.Conflict)
		if e, _ := err.(*errs.Error); (e != nil && e.Code == errs.Conflict) != now.Before(lStart) {
			t.Fatalf("now %v, leave from %v: %v", now, lStart, err)
		}
		if err != nil {
			return
		}
		checkDate(t, "returned_on", req.ReturnedOn, on)
		if on.Equal(start) { // back on the first day: not taken, 0 days
			if !actualEnd.Equal(policy.AddDays(start, -1)) {
				t.Fatalf("leave %v..%v returned on its first day: actual end %v", lStart, lEnd, actualEnd)
			}
			return
		}
		if !start.Equal(lStart) || !on.After(start) || on.After(policy.DayOf(now)) ||
			actualEnd.Before(start) || actualEnd.After(lEnd) || !actualEnd.Equal(minTime(policy.AddDays(on, -1), lEnd)) {
			t.Fatalf("leave %v..%v, now %v: returned on %v, actual end %v", lStart, lEnd, now, on, actualEnd)
		}
		if n := policy.CountDays(policy.Default().Leave, nil, start, actualEnd); n < 1 {
			t.Fatalf("actual leave of %d days", n)
		}
	})
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func FuzzAbsenceRecord(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"member_id":"m28","found_at":"2026-11-29T09:30:00+08:00","method":"onsite","note":"查岗时本人不在村"}`,
		`{"member_id":"m28","found_at":"2026-11-29T09:30:00Z","method":"online","confirm":true}`,
		`{"member_id":"m28","found_at":"2026-11-30T09:30:00+08:00","method":"onsite"}`,
		`{"member_id":"m28","found_at":"2026-11-29","method":"onsite"}`,
		`{"member_id":"m28","found_at":"0000-01-01T00:00:00+01:00","method":"onsite"}`,
		`{"member_id":"m28","found_at":"2026-11-29T09:30:00+08:00","method":"phone"}`,
		`{"member_id":"","found_at":"2026-11-29T09:30:00+08:00","method":"onsite"}`,
		`{"member_id":"m28","found_at":"2026-11-29T09:30:00+08:00","method":"onsite","confirm":"yes"}`,
		`{"member_id":"m28\u0000","found_at":"2026-11-29T09:30:00+08:00","method":"onsite"}`,
		`{"member_id":"m28","found_at":"2026-11-29T09:30:00+08:00","method":"onsite","note":"`+fuzzHostile+`"}`)
	rules := policy.Default().Absence
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.AbsenceRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		found, err := req.Check(fuzzNow)
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if req.MemberID == "" || found.After(fuzzNow) || (req.Method != "online" && req.Method != "onsite") {
			t.Fatalf("accepted %+v", req)
		}
		if p, err := time.Parse(time.RFC3339, req.FoundAt); err != nil || !p.Equal(found) {
			t.Fatalf("found_at %q read as %v", req.FoundAt, found)
		}
		checkTextOK(t, "note", req.Note, false)
		checkStorable(t, req)
		checkRedecode(t, req)
		y, m := policy.CycleMonth(rules, found)
		due := policy.ExplanationDue(rules, y, m)
		if !due.After(found) {
			t.Fatalf("found %v, explanation due %v", found, due)
		}
		checkMarshal(t, "the absence's instants", workflows.AbsenceInput{AbsenceFacts: workflows.AbsenceFacts{FoundAt: found.In(policy.China)}, DueAt: due,
			RemindAt: policy.RemindersBefore(due, rules.RemindBefore)})
	})
}

func FuzzExplanation(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"text":"当天在县里参加培训"}`, `{"text":""}`, `{"text":" \n\t"}`, `{"text":["x"]}`, `{"text":"`+fuzzHostile+`"}`,
		`{"text":"a","text":"b"}`, `{"text":"a\u0000"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.ExplanationRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			checkTextOK(t, "text", req.Text, true)
			checkStorable(t, req)
			checkRedecode(t, req)
		}
	})
}

func FuzzClose(f *testing.F) {
	addSeeds(f, commonSeeds...)
	addSeeds(f, `{"reason":"系统测试"}`, `{"reason":""}`, `{"reason":1}`, `{"reason":"`+fuzzHostile+`"}`, `{"reason":"a","REASON":"b"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req actions.CloseRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := req.Check()
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			checkTextOK(t, "reason", req.Reason, true)
			checkStorable(t, req)
			checkRedecode(t, req)
		}
	})
}

func FuzzRosterChange(f *testing.F) {
	for _, b := range append(commonSeeds,
		`{"team_id":"huangbu-liuying-team","change":"join","member_id":"m27","effective_on":"2026-11-29","reason":"新派驻"}`,
		`{"team_id":"huangbu-liuying-team","change":"leave","member_id":"m27","effective_on":"2026-11-28","reason":"调回原单位"}`,
		`{"team_id":"huangbu-liuying-team","change":"replace","member_id":"m27","replaces_member_id":"m28","effective_on":"2027-11-30","reason":"x"}`,
		`{"team_id":"huangbu-liuying-team","change":"replace","member_id":"m27","replaces_member_id":"m27","effective_on":"2027-12-01","reason":"x"}`,
		`{"team_id":"huangbu-liuying-team","change":"leader","member_id":"m27","replaces_member_id":"m28","effective_on":"2026-11-29","reason":"x"}`,
		`{"team_id":"huangbu-liuying-team","change":"swap","member_id":"m27","effective_on":"2000-01-01","reason":"x"}`,
		`{"team_id":"huangbu-liuying-team","change":"join","member_id":"m27","effective_on":"0001-01-01","reason":"x"}`,
		`{"team_id":"huangbu-liuying-team","change":"join","member_id":"m27","effective_on":"2026-11-29","reason":"`+fuzzHostile+`"}`) {
		f.Add([]byte(b), uint16(332)) // today 2026-11-29
	}
	f.Fuzz(func(t *testing.T, body []byte, todayOff uint16) {
		var req actions.RosterRequest
		if decodeJSON(t, body, &req) != nil {
			return
		}
		today := policy.AddDays(time.Date(2026, 1, 1, 0, 0, 0, 0, policy.China), int(todayOff%2900))
		eff, err := req.Check(today)
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if req.TeamID == "" || req.MemberID == "" || !map[string]bool{"join": true, "leave": true, "replace": true, "leader": true}[req.Change] ||
			(req.Change == workflows.ChangeReplace) != (req.ReplacesMemberID != "") || req.ReplacesMemberID == req.MemberID ||
			eff.After(policy.AddDays(today, 366)) {
			t.Fatalf("accepted %+v on %v", req, today)
		}
		checkDate(t, "effective_on", req.EffectiveOn, eff)
		checkTextOK(t, "reason", req.Reason, true)
		checkStorable(t, req)
		checkRedecode(t, req)
		checkMarshal(t, "the roster deadlines", workflows.RosterChangeInput{
			FilingDueAt: policy.RosterFilingDue(policy.Default().Roster, eff)})
	})
}

func FuzzPolicyPut(f *testing.F) {
	def, _ := json.Marshal(map[string]any{"rules": policy.Default()})
	addSeeds(f, commonSeeds...)
	addSeeds(f, string(def),
		strings.Replace(string(def), `"threshold_days":7`, `"threshold_days":90`, 1),
		strings.Replace(string(def), `"threshold_days":7`, `"threshold_days":91`, 1),
		strings.Replace(string(def), `"max_days":90`, `"max_days":1`, 1),
		strings.Replace(string(def), `"day_counting":"calendar"`, `"day_counting":"working"`, 1),
		strings.Replace(string(def), `"reminder_every":"24h0m0s"`, `"reminder_every":"1 day"`, 1),
		strings.Replace(string(def), `"reminder_every":"24h0m0s"`, `"reminder_every":86400`, 1),
		strings.Replace(string(def), `"escalate_after":"72h0m0s"`, `"escalate_after":"-72h"`, 1),
		strings.Replace(string(def), `"township_committee"]`, `"member"]`, 1),
		strings.Replace(string(def), `"max_days":90`, `"max_days":90,"max_days":9000`, 1),
		`{"rules":{"leave":{"max_days":"90"}}}`, `{"rules":{"leave":{"max_days":1e400}}}`, `{"rules":null}`, `{"rules":[]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req struct {
			Rules policy.Rules `json:"rules"`
		}
		if decodeJSON(t, body, &req) != nil {
			return
		}
		err := actions.PolicyRequest{Rules: req.Rules}.Check()
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			for k := range err.(*errs.Error).Fields {
				if !strings.HasPrefix(k, "rules.") {
					t.Fatalf("%+v: field %q is not under rules: %v", req.Rules, k, err)
				}
			}
			return
		}
		checkStorable(t, req)
		checkRedecode(t, req)
		l := req.Rules.Leave
		start := time.Date(2027, 3, 1, 0, 0, 0, 0, policy.China)
		for days := 1; days <= l.MaxDays; days++ {
			calendar := l
			calendar.DayCounting = policy.CountCalendar
			checkRoute(t, calendar, start, policy.AddDays(start, days-1))
		}
	})
}

// FuzzRequestText: the request line and the Idempotency-Key, then the
// list filter and date parameters read from the query.
func FuzzRequestText(f *testing.F) {
	for _, c := range [][3]string{
		{"/api/v1/processes", "kind=leave&overdue=true&county=shangcai&limit=50", ""},
		{"/api/v1/processes", "due_before=2026-12-24T23:59:59%2B08:00&cursor=abc", ""},
		{"/api/v1/processes", "limit=0&overdue=maybe&kind=x&due_before=tomorrow", ""},
		{"/api/v1/processes", "status=%00", ""},
		{"/api/v1/processes", "county=%FF&%FF=1", ""},
		{"/api/v1/teams/\x00/roster", "on=2026-11-29", ""},
		{"/api/v1/teams/huangbu-liuying-team/roster", "on=9999-12-31", ""},
		{"/api/v1/leaves", "", "key-1"},
		{"/api/v1/leaves", "", "k\xff"},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, path, query, key string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		r.Header.Set("Idempotency-Key", key)
		err := checkRequestText(r)
		checkAPIError(t, err, errs.Invalid)
		if err != nil {
			return
		}
		if !storable(path) || !storable(key) {
			t.Fatalf("accepted path %q, key %q", path, key)
		}
		filter, err := actions.ProcessFilter(r.URL.Query())
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			checkStorable(t, filter)
			if filter.Limit < 0 || filter.Limit > 200 || (filter.Kind != "" && !map[string]bool{"leave": true, "absence": true, "absence_report": true, "roster_change": true}[filter.Kind]) {
				t.Fatalf("accepted filter %+v", filter)
			}
		}
		on, err := actions.DateParam(r.URL.Query(), "on", policy.DayOf(fuzzNow))
		checkAPIError(t, err, errs.Invalid)
		if err == nil {
			if on.Year() < policy.MinYear || on.Year() > policy.MaxYear || !policy.DayOf(on).Equal(on) {
				t.Fatalf("on=%q read as %v", r.URL.Query().Get("on"), on)
			}
			checkMarshal(t, "the roster day", on)
		}
	})
}
