package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
	"zhucun/policy"
)

// The monthly presence statement (article 13): the contract shared by
// server and worker. After a month ends one process per county works out,
// by SQL over the leave, trip and spot-check tables and the holiday
// calendar (an activity), every member's days in post; a member below the
// policy's minimum becomes a shortfall item the county bureau reviews:
// excused with a reason, or an explanation asked for (article 18's
// absence chain, linked). A person decides each; nothing is automatic.

// Names of the statement's activity, update and query.
const (
	ActivityComputeStatement = "ComputePresenceStatement"
	StatementDecide          = "decide_shortfall"
	StatementQuery           = "statement"
)

// JobMonthlyStatement is the Schedule and job that start every county's
// statement for the month before, at 00:30 on the 1st (China time).
const JobMonthlyStatement = "monthly-statement"

// StepShortfallReview is the county bureau reviewing the shortfall items.
const StepShortfallReview = "shortfall_review"

// Statement statuses.
const (
	StatementReviewing = "reviewing" // shortfall items wait on the bureau
	StatementDone      = "done"      // every item decided, or none
)

// Shortfall decisions and item statuses.
const (
	ShortfallPending     = "pending"
	ShortfallExcused     = "excused"
	ShortfallExplanation = "explanation"
)

// StatementWorkflowID is the business key: one statement per county and month.
func StatementWorkflowID(county, month string) string {
	return "presence-statement/" + county + "/" + month
}

// StatementInput starts a county's statement for a month.
type StatementInput struct {
	ID         string `json:"id"`
	CountyID   string `json:"county_id"`
	CountyName string `json:"county_name"`
	Month      string `json:"month"` // YYYY-MM
	// WorkingDays are the month's working dates (the holiday calendar),
	// written out when it starts so the count never changes under it.
	WorkingDays   []string             `json:"working_days"`
	Rules         policy.PresenceRules `json:"rules"`
	PolicyVersion string               `json:"policy_version"`
	Bureau        Party                `json:"bureau"`
	ReviewDueAt   time.Time            `json:"review_due_at"`
	RemindAt      []time.Time          `json:"remind_at"`
}

// StatementArgs is what the computing activity needs.
type StatementArgs struct {
	CountyID    string               `json:"county_id"`
	Month       string               `json:"month"`
	WorkingDays []string             `json:"working_days"`
	Rules       policy.PresenceRules `json:"rules"`
}

// StatementFigures are one member's figures for the month.
type StatementFigures struct {
	MemberID     string `json:"member_id"`
	MemberName   string `json:"member_name"`
	TeamID       string `json:"team_id"`
	TeamName     string `json:"team_name"`
	TownshipID   string `json:"township_id"`
	UnitID       string `json:"unit_id"`
	WorkingDays  int    `json:"working_days"`
	LeaveDays    int    `json:"leave_days"`
	TripDays     int    `json:"trip_days"`
	AbsentDays   int    `json:"absent_days"`
	InPostDays   int    `json:"in_post_days"`
	CountedDays  int    `json:"counted_days"`
	RequiredDays int    `json:"required_days"`
	// ShortWeeks: weeks in post fewer days than five (or the week's
	// working days, when fewer): five days / four nights.
	ShortWeeks int `json:"short_weeks"`
}

// StatementResult is what the activity found: how many members it
// counted, and those below the minimum.
type StatementResult struct {
	Members    int                `json:"members"`
	Shortfalls []StatementFigures `json:"shortfalls"`
}

// Shortfall is one item for the county bureau.
type Shortfall struct {
	StatementFigures
	Status    string     `json:"status"`
	Reason    string     `json:"reason,omitempty"`
	AbsenceID string     `json:"absence_id,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// Statement is the resource the API returns.
type Statement struct {
	ID            string     `json:"id"`
	CountyID      string     `json:"county_id"`
	Month         string     `json:"month"`
	Status        string     `json:"status"`
	Members       int        `json:"members"`
	WorkingDays   int        `json:"working_days"`
	MinDays       int        `json:"min_days"`
	LeaveExcused  bool       `json:"leave_excused"`
	PolicyVersion string     `json:"policy_version"`
	ComputedAt    *time.Time `json:"computed_at"`
	ReviewDueAt   time.Time  `json:"review_due_at"`
	Overdue       bool       `json:"overdue"`
	// ReviewedLate: the last item was decided at or after ReviewDueAt.
	ReviewedLate bool        `json:"reviewed_late"`
	Shortfalls   []Shortfall `json:"shortfalls"`
	Steps        []Step      `json:"steps"`
}

// ShortfallArgs is the bureau's decision on one item: excuse (with a
// reason) or explain (AbsenceID: the absence the server opens for it).
type ShortfallArgs struct {
	Actor     Actor  `json:"actor"`
	MemberID  string `json:"member_id"`
	Decision  string `json:"decision"` // excuse | explain
	Reason    string `json:"reason"`
	AbsenceID string `json:"absence_id,omitempty"`
}

type statementWorkflow struct {
	core
	in StatementInput
	st Statement
}

// StatementWorkflow computes one county's month and holds its shortfall
// items until the bureau has decided each.
func StatementWorkflow(ctx workflow.Context, in StatementInput) (Statement, error) {
	if in.ID == "" || in.CountyID == "" || in.Month == "" || in.Bureau.Role == "" {
		return Statement{}, invalid(errs.MsgStatementBadInput)
	}
	w := &statementWorkflow{in: in}
	w.stepIDs = true
	w.hdr = Snapshot{ProcessID: in.ID, WorkflowID: StatementWorkflowID(in.CountyID, in.Month),
		Kind: KindPresenceStatement, Subject: in.CountyID, CountyID: in.CountyID, OpenedAt: chinaNow(ctx)}
	w.st = Statement{ID: in.ID, CountyID: in.CountyID, Month: in.Month, Status: StatementReviewing,
		WorkingDays: len(in.WorkingDays), MinDays: in.Rules.MinDaysMonth, LeaveExcused: in.Rules.LeaveExcused,
		PolicyVersion: in.PolicyVersion, ReviewDueAt: in.ReviewDueAt.In(cst), Shortfalls: []Shortfall{}}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, StatementDecide, w.decide,
		workflow.UpdateHandlerOptions{Validator: w.validateDecide}); err != nil {
		return Statement{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Statement{}, err
	}
	if err := workflow.SetQueryHandler(ctx, StatementQuery, func() (Statement, error) { return w.detail(), nil }); err != nil {
		return Statement{}, err
	}
	return w.run(ctx)
}

func (w *statementWorkflow) subject() string {
	return w.in.CountyName + w.in.Month + "在岗情况"
}

func (w *statementWorkflow) run(ctx workflow.Context) (Statement, error) {
	var res StatementResult
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: recordRetry.InitialInterval,
			BackoffCoefficient: recordRetry.BackoffCoefficient, MaximumInterval: recordRetry.MaximumInterval},
	})
	args := StatementArgs{CountyID: w.in.CountyID, Month: w.in.Month, WorkingDays: w.in.WorkingDays, Rules: w.in.Rules}
	if err := workflow.ExecuteActivity(actx, ActivityComputeStatement, args).Get(ctx, &res); err != nil {
		return Statement{}, err
	}
	w.st.Members = res.Members
	w.st.ComputedAt = ptr(chinaNow(ctx))
	for _, f := range res.Shortfalls {
		w.st.Shortfalls = append(w.st.Shortfalls, Shortfall{StatementFigures: f, Status: ShortfallPending})
	}
	w.event(ctx, system, "computed", StepShortfallReview, "")
	if len(w.st.Shortfalls) == 0 {
		w.st.Status = StatementDone
		return w.detail(), w.save(ctx)
	}
	due := w.in.ReviewDueAt
	w.open(ctx, StepShortfallReview, []Party{w.in.Bureau}, stepTimers{Due: &due, RemindAt: w.in.RemindAt})
	w.notify([]Party{w.in.Bureau}, "请审核：「"+w.subject()+"」有在岗天数不足的队员，请逐人处理")
	if err := w.save(ctx); err != nil {
		return Statement{}, err
	}
	if err := w.waitLoop(ctx, w.subject(), w.done, w.save); err != nil {
		return Statement{}, err
	}
	return w.detail(), nil
}

func (w *statementWorkflow) done() bool { return w.st.Status == StatementDone }

func (w *statementWorkflow) detail() Statement {
	st := w.st
	st.Shortfalls = append([]Shortfall{}, w.st.Shortfalls...)
	st.Steps = w.publishedSteps()
	if st.Steps == nil {
		st.Steps = []Step{}
	}
	st.Overdue = w.overdue()
	return st
}

func (w *statementWorkflow) save(ctx workflow.Context) error {
	if w.done() && w.closedAt == nil {
		w.closedAt = ptr(chinaNow(ctx))
	}
	return w.record(ctx, w.st.Status, w.detail())
}

func (w *statementWorkflow) item(member string) *Shortfall {
	for i := range w.st.Shortfalls {
		if w.st.Shortfalls[i].MemberID == member {
			return &w.st.Shortfalls[i]
		}
	}
	return nil
}

// validateDecide: the county bureau only, an item of this statement not
// decided yet, excuse with a reason or explain with the absence opened.
func (w *statementWorkflow) validateDecide(ctx workflow.Context, a ShortfallArgs) error {
	if a.Actor.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgShortfallBureau)
	}
	it := w.item(a.MemberID)
	switch {
	case it == nil:
		return invalid(errs.MsgShortfallUnknown)
	case it.Status != ShortfallPending:
		return conflict(errs.MsgShortfallDecided)
	case a.Decision == "excuse" && a.Reason == "":
		return invalid(errs.MsgShortfallReason)
	case a.Decision == "explain" && a.AbsenceID == "":
		return invalid(errs.MsgShortfallDecision)
	case a.Decision != "excuse" && a.Decision != "explain":
		return invalid(errs.MsgShortfallDecision)
	}
	return nil
}

func (w *statementWorkflow) decide(ctx workflow.Context, a ShortfallArgs) (Statement, error) {
	it := w.item(a.MemberID)
	now := chinaNow(ctx)
	it.Reason, it.DecidedBy, it.DecidedAt = a.Reason, a.Actor.Name, ptr(now)
	it.Status = ShortfallExcused
	if a.Decision == "explain" {
		it.Status, it.AbsenceID = ShortfallExplanation, a.AbsenceID
	}
	s := w.step(StepShortfallReview)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: a.Decision, Comment: it.MemberName + "：" + a.Reason, At: now})
	w.event(ctx, a.Actor, a.Decision, StepShortfallReview, it.MemberName+"："+a.Reason)
	if w.pending() == 0 {
		s.WaitingOn = []Party{}
		w.close(ctx, s)
		w.st.Status = StatementDone
		w.st.ReviewedLate = !now.Before(w.in.ReviewDueAt)
	}
	return w.detail(), w.save(ctx)
}

func (w *statementWorkflow) pending() int {
	n := 0
	for _, it := range w.st.Shortfalls {
		if it.Status == ShortfallPending {
			n++
		}
	}
	return n
}
