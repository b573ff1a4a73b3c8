package workflows

// The interview (约谈, article 18) of a dispatching unit's principal: opened
// when a member's yearly tally crosses the county's threshold, or when a
// county or city office decides so; the county bureau schedules it and
// records that it was held, within the county's days. Overdue if not held
// by then: a state the lists show, not an error.

import (
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
)

// KindInterview is the interview's kind in the read model.
const KindInterview = "interview"

// Update names and the step.
const (
	InterviewSchedule = "schedule"
	InterviewHold     = "held"
	InterviewRecorded = "recorded"
	StepInterview     = "interview"
)

// Interview statuses and triggers.
const (
	InterviewAwaiting  = "awaiting_schedule"
	InterviewScheduled = "scheduled"
	InterviewHeld      = "held"
	// TriggerAbsences: the member's absences this year reached the
	// threshold; TriggerMissing: their missing explanations did;
	// TriggerDecided: an office decided.
	TriggerAbsences = "absences"
	TriggerMissing  = "missing"
	TriggerDecided  = "decided"
)

// InterviewWorkflowID is the key of an interview the threshold opened: one
// per member, year and threshold, so the check may run again harmlessly.
func InterviewWorkflowID(member string, year int, trigger string) string {
	return "interview/" + member + "/" + strconv.Itoa(year) + "/" + trigger
}

// DecidedInterviewWorkflowID is the key of an interview an office decided.
func DecidedInterviewWorkflowID(id string) string { return "interview/decided/" + id }

// ProcessIDOf derives a process's read-model id from its workflow ID, so
// every starter agrees on it.
func ProcessIDOf(workflowID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(workflowID)).String()
}

// InterviewInput opens an interview.
type InterviewInput struct {
	ProcessID     string      `json:"process_id"`
	WorkflowID    string      `json:"workflow_id"`
	CountyID      string      `json:"county_id"`
	UnitID        string      `json:"unit_id"`
	UnitName      string      `json:"unit_name"`
	Principal     string      `json:"principal"` // the unit head's name, as the unit records it
	MemberID      string      `json:"member_id,omitempty"`
	MemberName    string      `json:"member_name,omitempty"`
	Year          int         `json:"year"`
	Trigger       string      `json:"trigger"`
	Reason        string      `json:"reason"`
	OpenedBy      Actor       `json:"opened_by"`
	DueAt         time.Time   `json:"due_at"`
	RemindAt      []time.Time `json:"remind_at"`
	PolicyVersion string      `json:"policy_version"`
	Bureau        Party       `json:"bureau"`
	UnitHead      Party       `json:"unit_head"`
}

// ScheduleArgs is the county bureau fixing the interview's date and place.
type ScheduleArgs struct {
	Actor Actor  `json:"actor"`
	Date  string `json:"date"` // YYYY-MM-DD, checked by the action
	Place string `json:"place"`
}

// Interview is the interview resource.
type Interview struct {
	ID            string     `json:"id"`
	WorkflowID    string     `json:"workflow_id"`
	CountyID      string     `json:"county_id"`
	UnitID        string     `json:"unit_id"`
	UnitName      string     `json:"unit_name"`
	Principal     string     `json:"principal"`
	MemberID      string     `json:"member_id,omitempty"`
	MemberName    string     `json:"member_name,omitempty"`
	Year          int        `json:"year"`
	Trigger       string     `json:"trigger"`
	Reason        string     `json:"reason"`
	OpenedBy      string     `json:"opened_by"`
	Status        string     `json:"status"`
	DueAt         time.Time  `json:"due_at"`
	Overdue       bool       `json:"overdue"`
	Date          string     `json:"date"`
	Place         string     `json:"place"`
	HeldAt        *time.Time `json:"held_at"`
	HeldLate      bool       `json:"held_late"`
	Note          string     `json:"note"`
	PolicyVersion string     `json:"policy_version"`
	Steps         []Step     `json:"steps"`
}

type interviewWorkflow struct {
	core
	in    InterviewInput
	iv    Interview
	ready bool
}

// InterviewWorkflow runs one interview until it is recorded as held.
func InterviewWorkflow(ctx workflow.Context, in InterviewInput) (Interview, error) {
	if in.ProcessID == "" || in.CountyID == "" || in.UnitID == "" || in.Bureau.OfficeID == "" {
		return Interview{}, invalid(errs.MsgAcctBadInput)
	}
	w := &interviewWorkflow{in: in}
	w.stepIDs = true
	w.hdr = Snapshot{ProcessID: in.ProcessID, WorkflowID: in.WorkflowID, Kind: KindInterview,
		Subject: in.UnitName, CountyID: in.CountyID, UnitID: in.UnitID, OpenedAt: chinaNow(ctx)}
	w.watchers = []Party{in.UnitHead}
	w.iv = Interview{ID: in.ProcessID, WorkflowID: in.WorkflowID, CountyID: in.CountyID, UnitID: in.UnitID, UnitName: in.UnitName,
		Principal: in.Principal, MemberID: in.MemberID, MemberName: in.MemberName, Year: in.Year,
		Trigger: in.Trigger, Reason: in.Reason, OpenedBy: in.OpenedBy.Name, Status: InterviewAwaiting,
		DueAt: in.DueAt.In(cst), PolicyVersion: in.PolicyVersion}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, InterviewSchedule, w.schedule,
		workflow.UpdateHandlerOptions{Validator: w.validateSchedule}); err != nil {
		return Interview{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, InterviewHold, w.hold,
		workflow.UpdateHandlerOptions{Validator: w.validateHold}); err != nil {
		return Interview{}, err
	}
	if err := workflow.SetUpdateHandler(ctx, InterviewRecorded, func(ctx workflow.Context) (Interview, error) {
		err := workflow.Await(ctx, func() bool { return w.ready })
		return w.detail(), err
	}); err != nil {
		return Interview{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Interview{}, err
	}
	due := in.DueAt
	w.event(ctx, in.OpenedBy, "opened", StepInterview, in.Reason)
	w.open(ctx, StepInterview, []Party{in.Bureau}, stepTimers{Due: &due, RemindAt: in.RemindAt})
	w.notify([]Party{in.Bureau}, "请安排约谈：「"+w.subject()+"」")
	w.notify([]Party{in.UnitHead}, "约谈通知：「"+w.subject()+"」，县乡村振兴局将安排时间地点")
	if err := w.save(ctx); err != nil {
		return Interview{}, err
	}
	w.ready = true
	if err := w.waitLoop(ctx, w.subject(), func() bool { return w.iv.Status == InterviewHeld }, w.save); err != nil {
		return Interview{}, err
	}
	return w.detail(), nil
}

func (w *interviewWorkflow) subject() string { return "约谈" + w.in.UnitName + "主要负责人" }

func (w *interviewWorkflow) detail() Interview {
	iv := w.iv
	iv.Steps = w.publishedSteps()
	iv.Overdue = w.overdue()
	return iv
}

// validateBureau: the county bureau of the interview's county, before it
// was held.
func (w *interviewWorkflow) validateBureau(a Actor) error {
	if a.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgInterviewBureauOnly, w.in.CountyID)
	}
	if w.iv.Status == InterviewHeld {
		return conflict(errs.MsgInterviewHeld)
	}
	return nil
}

func (w *interviewWorkflow) validateSchedule(_ workflow.Context, a ScheduleArgs) error {
	if err := w.validateBureau(a.Actor); err != nil {
		return err
	}
	if trimmed(a.Date) == "" || trimmed(a.Place) == "" {
		return invalid(errs.MsgInterviewNotScheduled)
	}
	return nil
}

func (w *interviewWorkflow) validateHold(_ workflow.Context, a ActorArgs) error {
	if err := w.validateBureau(a.Actor); err != nil {
		return err
	}
	if w.iv.Status != InterviewScheduled {
		return conflict(errs.MsgInterviewNotScheduled)
	}
	return nil
}

// schedule fixes (or moves) the date and place; the step stays open and
// its deadline does not move: a date past it is the bureau's to answer for.
func (w *interviewWorkflow) schedule(ctx workflow.Context, a ScheduleArgs) (Interview, error) {
	if err := workflow.Await(ctx, func() bool { return w.ready }); err != nil {
		return Interview{}, err
	}
	w.iv.Status, w.iv.Date, w.iv.Place = InterviewScheduled, trimmed(a.Date), trimmed(a.Place)
	w.event(ctx, a.Actor, "scheduled", StepInterview, w.iv.Date+" "+w.iv.Place)
	w.notify([]Party{w.in.UnitHead}, "约谈安排：「"+w.subject()+"」"+w.iv.Date+"，地点："+w.iv.Place)
	return w.detail(), w.save(ctx)
}

func (w *interviewWorkflow) hold(ctx workflow.Context, a ActorArgs) (Interview, error) {
	if w.iv.Status == InterviewHeld { // a twin accepted while waiting
		return w.detail(), conflict(errs.MsgInterviewHeld)
	}
	now := chinaNow(ctx)
	s := w.openSteps()[0]
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "held", a.Comment, now))
	w.iv.HeldLate = s.Overdue
	w.close(ctx, s)
	w.iv.Status, w.iv.HeldAt, w.iv.Note = InterviewHeld, ptr(now), trimmed(a.Comment)
	w.closedAt = ptr(now)
	w.event(ctx, a.Actor, "held", StepInterview, a.Comment)
	return w.detail(), w.save(ctx)
}

func (w *interviewWorkflow) save(ctx workflow.Context) error {
	return w.record(ctx, w.iv.Status, w.detail())
}
