package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
)

// Yearly and half-yearly obligations (articles 11 and 23): one workflow
// family parameterised by type. It holds a due instant, reminders and the
// overdue state; whether the duty is met is never carried in by signals:
// a record entered (a training, a hearing, a visit) only asks the process
// to recheck, and the ObligationCount activity counts in SQL. A process
// lives a year or more, so it continues as new before its history grows
// large, carrying its state.

// Obligation types.
const (
	ObligationTraining = "training" // article 11, per member and year
	ObligationHearing  = "hearing"  // article 23, per unit, team and half year
	ObligationVisits   = "visits"   // article 23, per unit, team and year
)

// Steps: what each type waits for.
const (
	StepTraining = "training"
	StepHearing  = "hearing"
	StepVisits   = "visits"
)

// Obligation statuses.
const (
	ObligationOpen      = "open"
	ObligationSatisfied = "satisfied"
	ObligationOverdue   = "overdue"
	// ObligationLapsed: still not met ObligationLinger after it fell due;
	// the process ends, overdue for good.
	ObligationLapsed = "lapsed"
)

// Signal, query and activity names.
const (
	ObligationRecheck       = "recheck"
	ObligationQuery         = "obligation"
	ActivityObligationCount = "ObligationCount"
)

// JobObligations is the daily job (activities.ObligationsJob).
const JobObligations = "daily-obligations"

// ObligationLinger is how long past due a late record still satisfies
// an obligation (marked late) before the process ends.
const ObligationLinger = 90 * 24 * time.Hour

// ObligationMaxEvents: a run continues as new past this many history
// events (or when Temporal suggests it).
const ObligationMaxEvents = 1000

// ObligationWorkflowID is the business key: type/key/period, e.g.
// "training/m01/2026", "hearing/xiping-edu/team-1/2026-H1".
func ObligationWorkflowID(typ, key, period string) string { return typ + "/" + key + "/" + period }

// ObligationProcessID is the read-model id, derived from the workflow ID.
func ObligationProcessID(wid string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(wid)).String()
}

// ObligationCheck is what the count activity counts: records of the type
// for the member or the unit and team, dated From..To ("YYYY-MM-DD").
type ObligationCheck struct {
	Type     string `json:"type"`
	MemberID string `json:"member_id,omitempty"`
	UnitID   string `json:"unit_id,omitempty"`
	TeamID   string `json:"team_id,omitempty"`
	From     string `json:"from"`
	To       string `json:"to"`
	// Training: at least MinDays, organised at MinLevel or above.
	MinDays  int    `json:"min_days,omitempty"`
	MinLevel string `json:"min_level,omitempty"`
	// Visits: the principal's and the other leaders' in total.
	PrincipalVisits int `json:"principal_visits,omitempty"`
	LeaderVisits    int `json:"leader_visits,omitempty"`
}

// ObligationCount is what the count found.
type ObligationCount struct {
	Satisfied bool `json:"satisfied"`
	// Records: qualifying trainings or hearings; Principal, Leaders: visits.
	Records   int `json:"records"`
	Principal int `json:"principal,omitempty"`
	Leaders   int `json:"leaders,omitempty"`
}

// ObligationInput starts one obligation.
type ObligationInput struct {
	ProcessID     string          `json:"process_id"`
	Type          string          `json:"type"`
	Period        string          `json:"period"`
	Subject       string          `json:"subject"`
	MemberID      string          `json:"member_id,omitempty"`
	UnitID        string          `json:"unit_id,omitempty"`
	TeamID        string          `json:"team_id,omitempty"`
	CountyID      string          `json:"county_id"`
	TownshipID    string          `json:"township_id,omitempty"`
	Check         ObligationCheck `json:"check"`
	DueAt         time.Time       `json:"due_at"`
	RemindAt      []time.Time     `json:"remind_at"`
	WaitingOn     []Party         `json:"waiting_on"`
	Watchers      []Party         `json:"watchers"`
	PolicyVersion string          `json:"policy_version"`
	// MaxEvents overrides ObligationMaxEvents (tests); 0: the default.
	MaxEvents int `json:"max_events,omitempty"`
	// Carry is the state of the run this one continues; nil at first.
	Carry *ObligationCarry `json:"carry,omitempty"`
}

// ObligationCarry is what a run hands to its continuation.
type ObligationCarry struct {
	Version  int        `json:"version"`
	Steps    []Step     `json:"steps"`
	Events   []Event    `json:"events"`
	Watchers []Party    `json:"watchers"`
	Alarms   []Alarm    `json:"alarms"`
	OpenedAt time.Time  `json:"opened_at"`
	State    Obligation `json:"state"`
	// Recheck: a record arrived that the last run had not counted yet.
	Recheck bool `json:"recheck"`
}

// Obligation is the resource: where the duty stands.
type Obligation struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Period        string          `json:"period"`
	Subject       string          `json:"subject"`
	MemberID      string          `json:"member_id,omitempty"`
	UnitID        string          `json:"unit_id,omitempty"`
	TeamID        string          `json:"team_id,omitempty"`
	CountyID      string          `json:"county_id"`
	Status        string          `json:"status"`
	DueAt         time.Time       `json:"due_at"`
	Overdue       bool            `json:"overdue"`
	SatisfiedAt   *time.Time      `json:"satisfied_at"`
	Late          bool            `json:"late"`
	Count         ObligationCount `json:"count"`
	Checks        int             `json:"checks"`
	Runs          int             `json:"runs"`
	PolicyVersion string          `json:"policy_version"`
	Steps         []Step          `json:"steps"`
}

type obligationWorkflow struct {
	core
	in      ObligationInput
	st      Obligation
	recheck workflow.ReceiveChannel
	pending bool
}

func obligationStep(typ string) string {
	switch typ {
	case ObligationTraining:
		return StepTraining
	case ObligationHearing:
		return StepHearing
	}
	return StepVisits
}

// ObligationWorkflow runs one obligation until it is met, or has lapsed.
func ObligationWorkflow(ctx workflow.Context, in ObligationInput) (Obligation, error) {
	if in.ProcessID == "" || in.Type == "" || in.Period == "" || in.CountyID == "" || len(in.WaitingOn) == 0 {
		return Obligation{}, invalid(errs.MsgObligationBadIn)
	}
	w := &obligationWorkflow{in: in, recheck: workflow.GetSignalChannel(ctx, ObligationRecheck)}
	w.stepIDs = true
	w.hdr = Snapshot{
		ProcessID: in.ProcessID, WorkflowID: ObligationWorkflowID(in.Type, obligationKey(in), in.Period),
		Kind: KindObligation, Subject: in.Subject, MemberID: in.MemberID, CountyID: in.CountyID,
		TownshipID: in.TownshipID, UnitID: in.UnitID, OpenedAt: chinaNow(ctx),
	}
	if err := workflow.SetQueryHandler(ctx, ObligationQuery, func() (Obligation, error) { return w.detail(), nil }); err != nil {
		return Obligation{}, err
	}
	if err := w.registerUrge(ctx, func() string { return in.Subject }, w.save); err != nil {
		return Obligation{}, err
	}
	if c := in.Carry; c != nil {
		w.resume(c)
		// The read model shows the run it is in (and the checks so far).
		if err := w.save(ctx); err != nil {
			return Obligation{}, err
		}
	} else {
		w.st = Obligation{
			ID: in.ProcessID, Type: in.Type, Period: in.Period, Subject: in.Subject, MemberID: in.MemberID,
			UnitID: in.UnitID, TeamID: in.TeamID, CountyID: in.CountyID, Status: ObligationOpen,
			DueAt: in.DueAt.In(cst), PolicyVersion: in.PolicyVersion, Runs: 1,
		}
		w.watchers = append([]Party{}, in.Watchers...)
		w.event(ctx, system, "opened", obligationStep(in.Type), "")
		due := in.DueAt
		w.open(ctx, obligationStep(in.Type), in.WaitingOn, stepTimers{Due: &due, RemindAt: in.RemindAt})
		w.pending = true // a record may predate the process
	}
	return w.run(ctx)
}

// obligationKey is the member, or the unit and team, an obligation is of.
func obligationKey(in ObligationInput) string {
	if in.Type == ObligationTraining {
		return in.MemberID
	}
	return in.UnitID + "/" + in.TeamID
}

func (w *obligationWorkflow) resume(c *ObligationCarry) {
	w.version, w.steps, w.events, w.flushed = c.Version, c.Steps, c.Events, len(c.Events)
	w.watchers, w.alarms, w.hdr.OpenedAt = c.Watchers, c.Alarms, c.OpenedAt
	w.st = c.State
	w.st.Runs++
	w.pending = c.Recheck
}

func (w *obligationWorkflow) done() bool {
	return w.st.Status == ObligationSatisfied || w.st.Status == ObligationLapsed
}

func (w *obligationWorkflow) run(ctx workflow.Context) (Obligation, error) {
	lapse := w.in.DueAt.Add(ObligationLinger)
	for !w.done() {
		if w.pending {
			if err := w.count(ctx); err != nil {
				return Obligation{}, err
			}
			continue
		}
		if w.tooLong(ctx) {
			return Obligation{}, w.continueAsNew(ctx)
		}
		if !chinaNow(ctx).Before(lapse) {
			w.st.Status = ObligationLapsed
			w.closedAt = ptr(chinaNow(ctx))
			w.event(ctx, system, "lapsed", obligationStep(w.in.Type), "")
			if err := w.save(ctx); err != nil {
				return Obligation{}, err
			}
			break
		}
		next, ok := w.nextAlarm()
		if !ok || next.After(lapse) {
			next = lapse
		}
		seen := w.changed
		if d := next.Sub(chinaNow(ctx)); d > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, d, func() bool { return w.recheck.Len() > 0 || w.changed != seen }); err != nil {
				return Obligation{}, err
			}
		}
		for w.recheck.ReceiveAsync(nil) {
			w.pending = true
		}
		if w.fire(ctx, w.in.Subject) {
			if w.overdue() && w.st.Status == ObligationOpen {
				w.st.Status = ObligationOverdue
			}
			if err := w.save(ctx); err != nil {
				return Obligation{}, err
			}
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return Obligation{}, err
	}
	return w.detail(), nil
}

// count asks SQL whether the duty is met now; met, the step closes.
func (w *obligationWorkflow) count(ctx workflow.Context) error {
	w.pending = false
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, RetryPolicy: recordRetry,
	})
	var got ObligationCount
	if err := workflow.ExecuteActivity(actx, ActivityObligationCount, w.in.Check).Get(ctx, &got); err != nil {
		return err
	}
	w.st.Checks++
	changed := got != w.st.Count
	w.st.Count = got
	if got.Satisfied {
		now := chinaNow(ctx)
		s := w.step(obligationStep(w.in.Type))
		if s != nil {
			w.close(ctx, s)
		}
		w.st.Status, w.st.SatisfiedAt, w.st.Late = ObligationSatisfied, ptr(now), !now.Before(w.in.DueAt)
		w.closedAt = ptr(now)
		w.event(ctx, system, "satisfied", obligationStep(w.in.Type), "")
		w.notify(w.in.WaitingOn, "已完成：「"+w.in.Subject+"」")
		return w.save(ctx)
	}
	if changed || w.version == 0 {
		return w.save(ctx)
	}
	return nil
}

// tooLong: time to continue as new, before the history grows large.
func (w *obligationWorkflow) tooLong(ctx workflow.Context) bool {
	max := w.in.MaxEvents
	if max <= 0 {
		max = ObligationMaxEvents
	}
	info := workflow.GetInfo(ctx)
	return info.GetCurrentHistoryLength() > max || info.GetContinueAsNewSuggested()
}

// continueAsNew hands the state to a fresh run, with every record not yet
// counted flagged for it.
func (w *obligationWorkflow) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	for w.recheck.ReceiveAsync(nil) {
		w.pending = true
	}
	in := w.in
	in.Carry = &ObligationCarry{
		Version: w.version, Steps: w.steps, Events: w.events, Watchers: w.watchers, Alarms: w.alarms,
		OpenedAt: w.hdr.OpenedAt, State: w.st, Recheck: w.pending,
	}
	return workflow.NewContinueAsNewError(ctx, ObligationWorkflow, in)
}

func (w *obligationWorkflow) detail() Obligation {
	o := w.st
	o.Steps = w.publishedSteps()
	o.Overdue = w.overdue() || (o.Status == ObligationSatisfied && o.Late) || o.Status == ObligationLapsed
	return o
}

func (w *obligationWorkflow) save(ctx workflow.Context) error {
	return w.record(ctx, w.st.Status, w.detail())
}
