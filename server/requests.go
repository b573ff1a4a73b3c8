package server

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"zhucun/policy"
)

// The checks of request bodies, pure functions of the decoded request (and
// of the process or the clock where the handler has them), so the fuzz
// tests run exactly what the handlers run. Each returns nil or an *Error
// naming the fields at fault.

func (req loginRequest) check() error {
	f := fields{}
	f.check(req.Username != "", "username", "required")
	f.check(req.Password != "", "password", "required")
	return f.err()
}

// check validates a new leave and returns its dates as China days.
func (req leaveRequest) check() (start, end time.Time, err error) {
	f := fields{}
	f.check(req.Kind == "personal" || req.Kind == "sick", "kind", "must be personal or sick")
	start, end = parseDates(f, req.StartDate, req.EndDate)
	checkText(f, "reason", req.Reason, true)
	return start, end, f.err()
}

// check validates a decision that is yes or no; a no needs a comment.
func (req decisionRequest) check(yes, no string) error {
	f := fields{}
	f.check(req.Decision == yes || req.Decision == no, "decision", "must be "+yes+" or "+no)
	checkText(f, "comment", req.Comment, req.Decision == no)
	return f.err()
}

func (req commentRequest) check() error {
	f := fields{}
	checkText(f, "comment", req.Comment, false)
	return f.err()
}

// check validates an extension of the leave from startDate to endDate and
// returns the leave's start and its new end.
func (req extensionRequest) check(startDate, endDate string) (start, end time.Time, err error) {
	f := fields{}
	start, end = parseDates(f, startDate, req.EndDate)
	checkText(f, "reason", req.Reason, true)
	if len(f) == 0 {
		f.check(policy.FormatDate(end) > endDate, "end_date", "must be after the current end date "+endDate)
	}
	return start, end, f.err()
}

// check validates a report back (销假) of the leave from startDate to
// endDate at now: the day returned on and the leave's actual last day.
func (req returnRequest) check(startDate, endDate string, now time.Time) (start, on, actualEnd time.Time, err error) {
	start, _ = policy.ParseDate(startDate)
	if now.Before(start) {
		return start, on, actualEnd, errf(CodeConflict, "the leave has not started yet; withdraw it instead")
	}
	f := fields{}
	on, perr := policy.ParseDate(req.ReturnedOn)
	f.check(perr == nil, "returned_on", "must be a date YYYY-MM-DD")
	end, _ := policy.ParseDate(endDate)
	if len(f) == 0 {
		f.check(on.After(start), "returned_on", "must be after start_date "+startDate)
		f.check(!on.After(policy.DayOf(now)), "returned_on", "must not be in the future")
	}
	if err := f.err(); err != nil {
		return start, on, actualEnd, err
	}
	actualEnd = policy.AddDays(on, -1)
	if actualEnd.After(end) {
		actualEnd = end
	}
	return start, on, actualEnd, nil
}

func (req explanationRequest) check() error {
	f := fields{}
	checkText(f, "text", req.Text, true)
	return f.err()
}

func (req closeRequest) check() error {
	f := fields{}
	checkText(f, "reason", req.Reason, true)
	return f.err()
}

// checkRules validates a policy's rules, naming fields as "rules.<path>".
func checkRules(r policy.Rules) error {
	bad := r.Validate()
	if len(bad) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range bad {
		out["rules."+k] = v
	}
	return fieldErr(out)
}

// storable: text a PostgreSQL text column can hold and compare.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// checkRequestText names the first part of the request line or the
// Idempotency-Key that is not storable text: such a value matches no row,
// and PostgreSQL would fail the query rather than find none.
func checkRequestText(r *http.Request) error {
	const msg = "must be UTF-8 text without NUL characters"
	if !storable(r.URL.Path) {
		return fieldErr(map[string]string{"path": msg})
	}
	if !storable(r.Header.Get("Idempotency-Key")) {
		return fieldErr(map[string]string{"Idempotency-Key": msg})
	}
	for k, vs := range r.URL.Query() {
		if !storable(k) {
			return fieldErr(map[string]string{"query": msg})
		}
		for _, v := range vs {
			if !storable(v) {
				if k == "" {
					k = "query"
				}
				return fieldErr(map[string]string{k: msg})
			}
		}
	}
	return nil
}

// requestText is the middleware of checkRequestText.
func (s *Server) requestText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestText(r); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
