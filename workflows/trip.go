package workflows

import (
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
	"zhucun/policy"

	"time"
)

// Work trip (外出报备, article 13): the contract shared by server and
// worker. A member reports a work trip out of the village; it counts as
// days in post. A trip of no more than the policy's trip_approval_days is
// only recorded (no workflow); a longer one needs the township committee's
// approval, like a short leave, and is this process: reminders, escalation
// and an overdue state, never approved by silence.

// Update and query names.
const (
	TripDecide = "decide"
	TripQuery  = "trip"
	// TripRecorded is sent with the start: it answers once the trip is in
	// the read model.
	TripRecorded = "recorded"
)

// Trip statuses (the trips table's too; "reported" needs no approval).
const (
	TripReported = "reported"
	TripPending  = "pending"
	TripApproved = "approved"
	TripRefused  = "refused"
)

// TripWorkflowID is the business key of a trip's approval workflow.
func TripWorkflowID(id string) string { return "trip/" + id }

// TripFacts are the trip as reported.
type TripFacts struct {
	ID          string `json:"id"`
	MemberID    string `json:"member_id"`
	MemberName  string `json:"member_name"`
	UnitID      string `json:"unit_id"`
	TeamID      string `json:"team_id"`
	TownshipID  string `json:"township_id"`
	CountyID    string `json:"county_id"`
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	Days        int    `json:"days"`
	Destination string `json:"destination"`
	Purpose     string `json:"purpose"`
}

// TripInput starts a trip's approval; approvers, deadlines and escalation
// are resolved by the server under the policy in force.
type TripInput struct {
	TripFacts
	Approvers     []Party         `json:"approvers"`
	DueAt         time.Time       `json:"due_at"`
	RemindEvery   policy.Duration `json:"remind_every"`
	EscalateAfter policy.Duration `json:"escalate_after"`
	Escalation    []Escalation    `json:"escalation,omitempty"`
	PolicyVersion string          `json:"policy_version"`
	ReportedBy    Actor           `json:"reported_by"`
}

// Trip is the resource the API returns.
type Trip struct {
	TripFacts
	Status        string     `json:"status"`
	NeedsApproval bool       `json:"needs_approval"`
	DueAt         *time.Time `json:"due_at"`
	Overdue       bool       `json:"overdue"`
	PolicyVersion string     `json:"policy_version"`
	ReportedAt    time.Time  `json:"reported_at"`
	DecidedAt     *time.Time `json:"decided_at"`
	// DecidedLate: decided at or after its due time (it was overdue).
	DecidedLate bool   `json:"decided_late"`
	Steps       []Step `json:"steps"`
}

type tripWorkflow struct {
	core
	in       TripInput
	trip     Trip
	recorded bool
}

// TripWorkflow runs one trip's approval by the township committee.
func TripWorkflow(ctx workflow.Context, in TripInput) (Trip, error) {
	if in.ID == "" || in.MemberID == "" || len(in.Approvers) == 0 {
		return Trip{}, invalid(errs.MsgTripBadInput)
	}
	w := &tripWorkflow{in: in}
	now := chinaNow(ctx)
	w.stepIDs = true
	w.escalation = in.Escalation
	w.hdr = Snapshot{
		ProcessID: in.ID, WorkflowID: TripWorkflowID(in.ID), Kind: KindTrip, Subject: in.MemberID,
		MemberID: in.MemberID, CountyID: in.CountyID, TownshipID: in.TownshipID, UnitID: in.UnitID, OpenedAt: now,
	}
	w.trip = Trip{TripFacts: in.TripFacts, Status: TripPending, NeedsApproval: true,
		DueAt: ptr(in.DueAt.In(cst)), PolicyVersion: in.PolicyVersion, ReportedAt: now}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, TripDecide, w.decide,
		workflow.UpdateHandlerOptions{Validator: w.validateDecide}); err != nil {
		return Trip{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Trip{}, err
	}
	if err := workflow.SetUpdateHandler(ctx, TripRecorded, func(ctx workflow.Context) (Trip, error) {
		err := workflow.Await(ctx, func() bool { return w.recorded })
		return w.detail(), err
	}); err != nil {
		return Trip{}, err
	}
	if err := workflow.SetQueryHandler(ctx, TripQuery, func() (Trip, error) { return w.detail(), nil }); err != nil {
		return Trip{}, err
	}
	return w.run(ctx)
}

// subject names the trip in notices: "李明外出（县城，2026-12-03至2026-12-05）".
func (w *tripWorkflow) subject() string {
	return w.in.MemberName + "外出（" + w.in.Destination + "，" + w.in.StartDate + "至" + w.in.EndDate + "）"
}

func (w *tripWorkflow) run(ctx workflow.Context) (Trip, error) {
	w.event(ctx, w.in.ReportedBy, "reported", StepApproval, w.in.Purpose)
	due := w.in.DueAt
	w.open(ctx, StepApproval, append([]Party(nil), w.in.Approvers...), stepTimers{
		Due: &due, RemindEvery: w.in.RemindEvery.D(), EscalateAfter: w.in.EscalateAfter.D(),
	})
	w.notify(w.in.Approvers, "请审批外出报备：「"+w.subject()+"」")
	if err := w.save(ctx); err != nil {
		return Trip{}, err
	}
	w.recorded = true
	if err := w.waitLoop(ctx, w.subject(), w.done, w.save); err != nil {
		return Trip{}, err
	}
	return w.detail(), nil
}

func (w *tripWorkflow) done() bool { return w.trip.Status != TripPending }

func (w *tripWorkflow) detail() Trip {
	t := w.trip
	t.Steps = w.publishedSteps()
	t.Overdue = w.overdue()
	return t
}

func (w *tripWorkflow) save(ctx workflow.Context) error {
	if w.done() && w.closedAt == nil {
		w.closedAt = ptr(chinaNow(ctx))
	}
	return w.record(ctx, w.trip.Status, w.detail())
}

// validateDecide: only an approver the step waits on, only while it is
// pending, only approve or refuse.
func (w *tripWorkflow) validateDecide(ctx workflow.Context, a DecideArgs) error {
	if !hasParty(w.in.Approvers, a.Actor.Party) {
		return forbidden(errs.MsgTripNotYours)
	}
	if w.done() {
		return conflict(errs.MsgTripDecided, w.trip.Status)
	}
	if a.Decision != "approve" && a.Decision != "refuse" {
		return invalid(errs.MsgTripDecision)
	}
	return nil
}

func (w *tripWorkflow) decide(ctx workflow.Context, a DecideArgs) (Trip, error) {
	s := w.step(StepApproval)
	now := chinaNow(ctx)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: a.Decision, Comment: a.Comment, At: now})
	s.WaitingOn = []Party{}
	w.close(ctx, s)
	w.trip.DecidedAt = ptr(now)
	w.trip.DecidedLate = !now.Before(w.in.DueAt)
	text := "已批准"
	w.trip.Status = TripApproved
	if a.Decision == "refuse" {
		w.trip.Status, text = TripRefused, "未批准"
	}
	w.event(ctx, a.Actor, a.Decision+"d", StepApproval, a.Comment)
	w.notify([]Party{{Role: policy.RoleMember, MemberID: w.in.MemberID}}, "您的外出报备"+text+"：「"+w.subject()+"」")
	return w.detail(), w.save(ctx)
}
