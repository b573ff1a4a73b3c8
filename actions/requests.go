package actions

// The requests of the actions and their own checks: pure functions of the
// request (and of the process or the clock where the action has them), so
// the fuzz tests run exactly what the actions run. Each returns nil or an
// *errs.Error naming the fields at fault, in Chinese. JSON names are the
// API's; ids taken from the URL travel in fields the JSON never sets.

import (
	"strings"
	"time"
	"unicode/utf8"

	"zhucun/errs"
	"zhucun/policy"
)

// MaxText is the longest reason, comment or explanation, in characters.
const MaxText = 2000

func checkText(f errs.Fields, name, v string, required bool) {
	f.Check(!required || strings.TrimSpace(v) != "", name, errs.MsgRequired)
	f.Check(utf8.RuneCountInString(v) <= MaxText, name, errs.MsgTextTooLong, MaxText)
}

// parseDates checks a start/end pair and returns them as China days.
func parseDates(f errs.Fields, startS, endS string) (start, end time.Time) {
	start, serr := policy.ParseDate(startS)
	end, eerr := policy.ParseDate(endS)
	f.Check(serr == nil, "start_date", errs.MsgDate)
	f.Check(eerr == nil, "end_date", errs.MsgDate)
	if serr == nil && eerr == nil {
		f.Check(!end.Before(start), "end_date", errs.MsgEndBeforeStart)
	}
	return start, end
}

// Ref names the process a step is for; it comes from the URL (or the
// page's form), never from the JSON body.
type Ref struct {
	ID string `json:"-"`
}

// SetID sets the process the request is about, lowercased: workflow ids
// hold lowercase UUIDs, and an id typed in capitals names the same process
// (reads match it either way, so a step must too).
func (r *Ref) SetID(id string) { r.ID = strings.ToLower(id) }

// LoginRequest is POST /login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Address is the client's (throttle.Address), which the login guard
	// counts failures by; the face sets it, never the body.
	Address string `json:"-"`
}

// Check: both are required.
func (req LoginRequest) Check() error {
	f := errs.Fields{}
	f.Check(req.Username != "", "username", errs.MsgRequired)
	f.Check(req.Password != "", "password", errs.MsgRequired)
	return f.Err()
}

// LeaveRequest is a new leave (请假).
type LeaveRequest struct {
	Kind      string `json:"kind"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Reason    string `json:"reason"`
	// IdempotencyKey is the Idempotency-Key header.
	IdempotencyKey string `json:"-"`
}

// LeaveKinds are the kinds of leave a member may ask for.
var LeaveKinds = policy.LeaveKinds

// Check validates a new leave and returns its dates as China days.
func (req LeaveRequest) Check() (start, end time.Time, err error) {
	f := errs.Fields{}
	f.Check(req.Kind == "personal" || req.Kind == "sick", "kind", errs.MsgOneOf, "personal, sick")
	start, end = parseDates(f, req.StartDate, req.EndDate)
	checkText(f, "reason", req.Reason, true)
	return start, end, f.Err()
}

// DecisionRequest is a yes or no on a step: approve/refuse a leave,
// sign/return an explanation.
type DecisionRequest struct {
	Ref
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// Check validates a decision that is yes or no; a no needs a comment.
func (req DecisionRequest) Check(yes, no string) error {
	f := errs.Fields{}
	f.Check(req.Decision == yes || req.Decision == no, "decision", errs.MsgOneOf, yes+", "+no)
	checkText(f, "comment", req.Comment, req.Decision == no)
	return f.Err()
}

// CommentRequest is a step with an optional comment: a filing, a
// withdrawal, a report.
type CommentRequest struct {
	Ref
	Comment string `json:"comment"`
}

// Check: the comment fits.
func (req CommentRequest) Check() error {
	f := errs.Fields{}
	checkText(f, "comment", req.Comment, false)
	return f.Err()
}

// ExtensionRequest is a leave's extension (续假).
type ExtensionRequest struct {
	Ref
	EndDate string `json:"end_date"`
	Reason  string `json:"reason"`
}

// Check validates an extension of the leave from startDate to endDate and
// returns the leave's start and its new end.
func (req ExtensionRequest) Check(startDate, endDate string) (start, end time.Time, err error) {
	f := errs.Fields{}
	start, end = parseDates(f, startDate, req.EndDate)
	checkText(f, "reason", req.Reason, true)
	if len(f) == 0 {
		f.Check(policy.FormatDate(end) > endDate, "end_date", errs.MsgLeaveExtendAfterEnd, endDate)
	}
	return start, end, f.Err()
}

// ReturnRequest is a report back from leave (销假).
type ReturnRequest struct {
	Ref
	ReturnedOn string `json:"returned_on"`
}

// Check validates a report back of the leave from startDate to endDate at
// now: the day returned on and the leave's actual last day.
func (req ReturnRequest) Check(startDate, endDate string, now time.Time) (start, on, actualEnd time.Time, err error) {
	start, _ = policy.ParseDate(startDate)
	if now.Before(start) {
		return start, on, actualEnd, errs.New(errs.Conflict, errs.MsgLeaveNotStarted)
	}
	f := errs.Fields{}
	on, perr := policy.ParseDate(req.ReturnedOn)
	f.Check(perr == nil, "returned_on", errs.MsgDate)
	end, _ := policy.ParseDate(endDate)
	if len(f) == 0 {
		// On the first day itself: the leave was not taken (0 days).
		f.Check(!on.Before(start), "returned_on", errs.MsgReturnNotBeforeStart, startDate)
		f.Check(!on.After(policy.DayOf(now)), "returned_on", errs.MsgNotFuture)
	}
	if err := f.Err(); err != nil {
		return start, on, actualEnd, err
	}
	actualEnd = policy.AddDays(on, -1)
	if actualEnd.After(end) {
		actualEnd = end
	}
	return start, on, actualEnd, nil
}

// ExplanationRequest is a member's explanation (情况说明).
type ExplanationRequest struct {
	Ref
	Text string `json:"text"`
}

// Check: the text is given and fits.
func (req ExplanationRequest) Check() error {
	f := errs.Fields{}
	checkText(f, "text", req.Text, true)
	return f.Err()
}

// CloseRequest is a step that needs a reason: closing an absence
// unresolved, voiding one recorded wrongly, cancelling a leave.
type CloseRequest struct {
	Ref
	Reason string `json:"reason"`
}

// Check: the reason is given and fits.
func (req CloseRequest) Check() error {
	f := errs.Fields{}
	checkText(f, "reason", req.Reason, true)
	return f.Err()
}

// checkRules validates a policy's rules, naming fields as "rules.<path>".
func checkRules(r policy.Rules) error {
	bad := r.Validate()
	if len(bad) == 0 {
		return nil
	}
	f := errs.Fields{}
	for k, v := range bad {
		f["rules."+k] = v
	}
	return f.Err()
}
