// Package workflows holds every process family as a deterministic Temporal
// workflow, with its contract (input and result types, update and query
// names, workflow-ID function) beside it, imported by both server and
// worker. Nothing here does I/O: side effects go through activities named
// by the constants below.
package workflows

import (
	"zhucun/errs"

	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the one task queue every zhucun workflow and activity runs on.
const TaskQueue = "zhucun"

// Activity names: the workflows name them so this package stays free of I/O.
const (
	ActivityRecord = "RecordProcess"
)

// Process kinds, as in the read model.
const (
	KindLeave         = "leave"
	KindAbsence       = "absence"
	KindAbsenceReport = "absence_report"
	KindRosterChange  = "roster_change"
	// Article 13 (trip.go, presence.go).
	KindTrip              = "trip"
	KindPresenceStatement = "presence_statement"
	KindObligation        = "obligation"
	KindAssessment        = "assessment"
)

// Error types carried by ApplicationErrors from update validators; the
// server maps them to HTTP statuses.
const (
	ErrForbidden = "forbidden"        // 403: not this caller's to decide
	ErrConflict  = "conflict"         // 409: not at that step, or decided already
	ErrInvalid   = "invalid_argument" // 400
)

// A refusal's message is a catalogue key and its one detail the key's
// arguments, so the person is told in Chinese (actions.Explain) while the
// workflow stays free of wording. Validators' refusals are never in a
// history; a handler's failure is, and replays whatever its text.
func forbidden(m errs.Msg, args ...string) error { return refusal(m, ErrForbidden, args) }
func conflict(m errs.Msg, args ...string) error  { return refusal(m, ErrConflict, args) }
func invalid(m errs.Msg, args ...string) error   { return refusal(m, ErrInvalid, args) }

func refusal(m errs.Msg, typ string, args []string) error {
	return temporal.NewApplicationError(string(m), typ, args)
}

// Party is someone a step can wait on: an office, a unit's head or a member.
type Party struct {
	Role     string `json:"role"`
	OfficeID string `json:"office_id,omitempty"`
	UnitID   string `json:"unit_id,omitempty"`
	MemberID string `json:"member_id,omitempty"`
	// UserID: one account of the office or unit, when a step was handed
	// over (转交) to it; only that account (or its deputy) decides.
	UserID string `json:"user_id,omitempty"`
}

// Key identifies the party in the read model's waiting index ("role:id";
// "user:id" for a step handed over to one account).
func (p Party) Key() string {
	if p.UserID != "" {
		return "user:" + p.UserID
	}
	id := p.OfficeID
	if p.UnitID != "" {
		id = p.UnitID
	}
	if p.MemberID != "" {
		id = p.MemberID
	}
	return p.Role + ":" + id
}

// PartyFromKey parses a Key back into a Party.
func PartyFromKey(key string) Party {
	role, id, _ := strings.Cut(key, ":")
	switch role {
	case "member":
		return Party{Role: role, MemberID: id}
	case "unit_head":
		return Party{Role: role, UnitID: id}
	}
	return Party{Role: role, OfficeID: id}
}

// Actor is the person carrying a decision into a workflow, as authenticated
// by the server.
type Actor struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Party  Party  `json:"party"`
	// AsPrincipal: the actor may act as their unit's principal (一把手):
	// is it, or (a later issue) was delegated by it, then OnBehalfOf
	// names the principal's user id.
	AsPrincipal bool   `json:"as_principal,omitempty"`
	OnBehalfOf  string `json:"on_behalf_of,omitempty"`
}

// Decision is what one party did at a step.
type Decision struct {
	By       string    `json:"by"`
	ByName   string    `json:"by_name,omitempty"`
	Role     string    `json:"role"`
	Party    string    `json:"party"`
	Decision string    `json:"decision"`
	Comment  string    `json:"comment,omitempty"`
	At       time.Time `json:"at"`
}

// Step is one stage of a process: whom it waits on and by when.
type Step struct {
	// ID tells apart two steps of one name (a leave's two filings); ""
	// in processes from before issue 17.
	ID        string     `json:"id,omitempty"`
	Name      string     `json:"name"`
	WaitingOn []Party    `json:"waiting_on"`
	OpenedAt  time.Time  `json:"opened_at"`
	DueAt     *time.Time `json:"due_at"`
	DoneAt    *time.Time `json:"done_at"`
	Overdue   bool       `json:"overdue"`
	Reminders int        `json:"reminders"`
	// EscalatedTo is set once silence passed the escalation interval: the
	// first office told. Escalations are all of them (the office above
	// each silent party).
	EscalatedTo *Party     `json:"escalated_to,omitempty"`
	Escalations []Party    `json:"escalations,omitempty"`
	Decisions   []Decision `json:"decisions"`
}

// Open reports whether the step still waits on someone.
func (s *Step) Open() bool { return s.DoneAt == nil }

// Event is one line of a process's timeline.
type Event struct {
	Seq     int       `json:"seq"`
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	Action  string    `json:"action"`
	Step    string    `json:"step,omitempty"`
	Comment string    `json:"comment,omitempty"`
}

// Notice is a notification for the outbox.
type Notice struct {
	To   Party  `json:"to"`
	Text string `json:"text"`
}

// Snapshot is everything the read model needs after one transition; the
// Record activity writes it idempotently, keyed by process and Version.
type Snapshot struct {
	ProcessID  string     `json:"process_id"`
	WorkflowID string     `json:"workflow_id"`
	Kind       string     `json:"kind"`
	Subject    string     `json:"subject"`
	MemberID   string     `json:"member_id,omitempty"`
	CountyID   string     `json:"county_id"`
	TownshipID string     `json:"township_id,omitempty"`
	UnitID     string     `json:"unit_id,omitempty"`
	Status     string     `json:"status"`
	Step       string     `json:"step"`
	WaitingOn  []Party    `json:"waiting_on"`
	Watchers   []Party    `json:"watchers"`
	DueAt      *time.Time `json:"due_at"`
	Overdue    bool       `json:"overdue"`
	OpenedAt   time.Time  `json:"opened_at"`
	ClosedAt   *time.Time `json:"closed_at"`
	Version    int        `json:"version"`
	Steps      []Step     `json:"steps"`
	Events     []Event    `json:"events"`
	Notices    []Notice   `json:"notices"`
	// ConfirmsOpening: this is the workflow's first record of a process
	// whose opening the server wrote (Provisional), the same state: the
	// store only raises that opening's version and queues the notices,
	// and writes the whole snapshot only if the opening is not there.
	ConfirmsOpening bool `json:"confirms_opening,omitempty"`
	// Detail is the kind's own resource (a leave, an absence...), stored as
	// JSON for single reads.
	Detail any `json:"detail"`
}

// recordRetry: the read model may be down for a while; retry without end,
// the process waits, nothing is lost.
var recordRetry = &temporal.RetryPolicy{
	InitialInterval:    time.Second,
	BackoffCoefficient: 2,
	MaximumInterval:    time.Minute,
}

// Alarm is a pending timer: a reminder, an escalation or a deadline.
type Alarm struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Step string    `json:"step"`
	// StepID: the step's own ID, when it has one.
	StepID string `json:"step_id,omitempty"`
	// Every: a recurring reminder comes back after this long.
	Every time.Duration `json:"every,omitempty"`
}

// Alarm kinds.
const (
	AlarmRemind   = "remind"
	AlarmEscalate = "escalate"
	AlarmOverdue  = "overdue"
)

// ptr returns a pointer to a copy of t.
func ptr(t time.Time) *time.Time { return &t }

// Provisional is a process's opening snapshot as the server writes it just
// before starting the workflow: version 0, so the workflow's own first
// record (version 1, the same state) replaces it, and without notices, so
// nobody is told of a process whose start then fails. A version-0 process
// that outlives its start is one whose workflow never started; the server
// finds and releases those.
func Provisional(s Snapshot) Snapshot {
	s.Version = 0
	s.Notices = nil
	return s
}
