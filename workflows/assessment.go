package workflows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
)

// The annual assessment (article 19): the member's dispatching unit head
// records the year's result by a policy date, then the county bureau
// acknowledges receipt; both steps have due times and reminders. One
// workflow per member and year.

// Update and query names.
const (
	AssessmentRecord = "record_result"
	AssessmentAck    = "acknowledge"
	AssessmentQuery  = "assessment"
)

// Steps.
const (
	StepAssessResult = "assessment_result"
	StepAssessAck    = "assessment_ack"
)

// Statuses.
const (
	AssessmentAwaitingResult = "awaiting_result"
	AssessmentAwaitingAck    = "awaiting_ack"
	AssessmentAcknowledged   = "acknowledged"
)

// AssessmentResults are the four grades, best first.
var AssessmentResults = []string{"优秀", "称职", "基本称职", "不称职"}

// AssessmentWorkflowID is the business key: assessment/<member>/<year>.
func AssessmentWorkflowID(member string, year int) string {
	return "assessment/" + member + "/" + strconv.Itoa(year)
}

// AssessmentProcessID is the read-model id, derived from the workflow ID.
func AssessmentProcessID(member string, year int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(AssessmentWorkflowID(member, year))).String()
}

// AssessmentInput starts one member's assessment for a year.
type AssessmentInput struct {
	ProcessID     string          `json:"process_id"`
	MemberID      string          `json:"member_id"`
	MemberName    string          `json:"member_name"`
	UnitID        string          `json:"unit_id"`
	CountyID      string          `json:"county_id"`
	TownshipID    string          `json:"township_id,omitempty"`
	Year          int             `json:"year"`
	ResultDue     time.Time       `json:"result_due"`
	ResultRemind  []time.Time     `json:"result_remind"`
	AckDays       int             `json:"ack_days"`
	RemindBefore  []time.Duration `json:"remind_before"`
	UnitHead      Party           `json:"unit_head"`
	Bureau        Party           `json:"bureau"`
	PolicyVersion string          `json:"policy_version"`
}

// ResultArgs is the unit head's result.
type ResultArgs struct {
	Actor  Actor  `json:"actor"`
	Result string `json:"result"`
	Note   string `json:"note"`
}

// Assessment is the resource.
type Assessment struct {
	ID             string     `json:"id"`
	MemberID       string     `json:"member_id"`
	MemberName     string     `json:"member_name"`
	UnitID         string     `json:"unit_id"`
	CountyID       string     `json:"county_id"`
	Year           int        `json:"year"`
	Status         string     `json:"status"`
	Result         string     `json:"result"`
	Note           string     `json:"note"`
	RecordedBy     string     `json:"recorded_by"`
	RecordedAt     *time.Time `json:"recorded_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	ResultDue      time.Time  `json:"result_due"`
	AckDue         *time.Time `json:"ack_due"`
	Overdue        bool       `json:"overdue"`
	PolicyVersion  string     `json:"policy_version"`
	Steps          []Step     `json:"steps"`
}

type assessmentWorkflow struct {
	core
	in AssessmentInput
	as Assessment
}

// AssessmentWorkflow runs one assessment until the bureau acknowledges it.
func AssessmentWorkflow(ctx workflow.Context, in AssessmentInput) (Assessment, error) {
	if in.ProcessID == "" || in.MemberID == "" || in.UnitHead.UnitID == "" || in.Bureau.OfficeID == "" || in.Year == 0 {
		return Assessment{}, invalid(errs.MsgAssessBadInput)
	}
	w := &assessmentWorkflow{in: in}
	w.stepIDs = true
	w.hdr = Snapshot{
		ProcessID: in.ProcessID, WorkflowID: AssessmentWorkflowID(in.MemberID, in.Year), Kind: KindAssessment,
		Subject: w.subject(), MemberID: in.MemberID, CountyID: in.CountyID, TownshipID: in.TownshipID,
		UnitID: in.UnitID, OpenedAt: chinaNow(ctx),
	}
	w.watchers = []Party{in.Bureau}
	w.as = Assessment{ID: in.ProcessID, MemberID: in.MemberID, MemberName: in.MemberName, UnitID: in.UnitID,
		CountyID: in.CountyID, Year: in.Year, Status: AssessmentAwaitingResult, ResultDue: in.ResultDue.In(cst),
		PolicyVersion: in.PolicyVersion}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, AssessmentRecord, w.record_,
		workflow.UpdateHandlerOptions{Validator: w.validateRecord}); err != nil {
		return Assessment{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, AssessmentAck, w.ack,
		workflow.UpdateHandlerOptions{Validator: w.validateAck}); err != nil {
		return Assessment{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Assessment{}, err
	}
	if err := workflow.SetQueryHandler(ctx, AssessmentQuery, func() (Assessment, error) { return w.detail(), nil }); err != nil {
		return Assessment{}, err
	}
	due := in.ResultDue
	w.event(ctx, system, "opened", StepAssessResult, "")
	w.open(ctx, StepAssessResult, []Party{in.UnitHead}, stepTimers{Due: &due, RemindAt: in.ResultRemind})
	if err := w.save(ctx); err != nil {
		return Assessment{}, err
	}
	done := func() bool { return w.as.Status == AssessmentAcknowledged }
	if err := w.waitLoop(ctx, w.subject(), done, w.save); err != nil {
		return Assessment{}, err
	}
	return w.detail(), nil
}

func (w *assessmentWorkflow) subject() string {
	return strconv.Itoa(w.in.Year) + "年度考核 " + w.in.MemberName
}

func (w *assessmentWorkflow) validateRecord(ctx workflow.Context, a ResultArgs) error {
	if a.Actor.Party.Key() != w.in.UnitHead.Key() {
		return forbidden(errs.MsgAssessUnitHead)
	}
	if w.as.Result != "" || w.step(StepAssessResult) == nil {
		return conflict(errs.MsgAssessRecorded)
	}
	if !slices.Contains(AssessmentResults, strings.TrimSpace(a.Result)) {
		return invalid(errs.MsgAssessResult)
	}
	return nil
}

func (w *assessmentWorkflow) record_(ctx workflow.Context, a ResultArgs) (Assessment, error) {
	now := chinaNow(ctx)
	s := w.step(StepAssessResult)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "recorded", a.Result, now))
	w.close(ctx, s)
	w.as.Result, w.as.Note, w.as.RecordedBy, w.as.RecordedAt = strings.TrimSpace(a.Result), strings.TrimSpace(a.Note), a.Actor.Name, ptr(now)
	w.as.Status = AssessmentAwaitingAck
	w.event(ctx, a.Actor, "result_recorded", StepAssessResult, w.as.Result)
	// Due at the end of the China day AckDays after the result.
	y, m, d := now.In(cst).Date()
	due := time.Date(y, m, d+w.in.AckDays+1, 0, 0, 0, 0, cst)
	w.as.AckDue = ptr(due)
	var remind []time.Time
	for _, b := range w.in.RemindBefore {
		if at := due.Add(-b); at.After(now) {
			remind = append(remind, at)
		}
	}
	w.open(ctx, StepAssessAck, []Party{w.in.Bureau}, stepTimers{Due: &due, RemindAt: remind})
	w.notify([]Party{w.in.Bureau}, "待确认：「"+w.subject()+"」考核结果已登记")
	return w.detail(), w.save(ctx)
}

func (w *assessmentWorkflow) validateAck(ctx workflow.Context, a ActorArgs) error {
	if a.Actor.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgAssessBureau)
	}
	switch w.as.Status {
	case AssessmentAwaitingResult:
		return conflict(errs.MsgAssessNoResult)
	case AssessmentAcknowledged:
		return conflict(errs.MsgAssessAcked)
	}
	return nil
}

func (w *assessmentWorkflow) ack(ctx workflow.Context, a ActorArgs) (Assessment, error) {
	now := chinaNow(ctx)
	s := w.step(StepAssessAck)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "acknowledged", a.Comment, now))
	w.close(ctx, s)
	w.as.Status, w.as.AcknowledgedAt = AssessmentAcknowledged, ptr(now)
	w.closedAt = ptr(now)
	w.event(ctx, a.Actor, "acknowledged", StepAssessAck, a.Comment)
	return w.detail(), w.save(ctx)
}

func (w *assessmentWorkflow) detail() Assessment {
	a := w.as
	a.Steps = w.publishedSteps()
	a.Overdue = w.overdue()
	return a
}

func (w *assessmentWorkflow) save(ctx workflow.Context) error {
	return w.record(ctx, w.as.Status, w.detail())
}
