package workflows

import (
	"zhucun/errs"

	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"zhucun/policy"
)

// Absence explanation (情况说明, article 18): the contract shared by server
// and worker. A spot check found a member absent; the member explains, the
// head of the member's dispatching unit signs (or sends it back), and the
// signed explanation goes to the county offices before the 25th.

// Update, query and activity names.
const (
	AbsenceExplain = "explain"
	AbsenceSign    = "sign"
	AbsenceClose   = "close"
	AbsenceVoid    = "void"
	AbsenceQuery   = "absence"
	// AbsenceRecorded is sent with the start: it answers once the absence
	// is in the read model, so the recorder can read it at once.
	AbsenceRecorded = "recorded"
	// ActivityReportAbsence tells a county's monthly report about an
	// absence (SignalWithStart); it returns the month it landed in.
	ActivityReportAbsence = "ReportAbsence"
)

// Step names.
const (
	StepExplanation = "explanation"
	StepSignature   = "signature"
)

// Absence statuses.
const (
	AbsenceAwaitingExplanation = "awaiting_explanation"
	AbsenceAwaitingSignature   = "awaiting_signature"
	AbsenceSigned              = "signed"
	AbsenceClosed              = "closed"
	// AbsenceVoided: recorded wrongly (误报); it leaves the monthly report
	// and the member's tally. Closed (never explained) still counts.
	AbsenceVoided = "voided"
)

// The reminder and overdue notices name the step; core keeps the titles.
// AbsenceWorkflowID is the business key of an absence's workflow.
func AbsenceWorkflowID(id string) string { return "absence/" + id }

// LeaveConflict is an approved leave covering the instant an absence was
// found; the recorder confirmed going on despite it.
type LeaveConflict struct {
	LeaveID   string `json:"leave_id"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Status    string `json:"status"`
}

// AbsenceFacts are what a spot check found and where the member belongs:
// given when the absence starts, shown unchanged on the resource.
type AbsenceFacts struct {
	ID           string    `json:"id"`
	MemberID     string    `json:"member_id"`
	MemberName   string    `json:"member_name"`
	UnitID       string    `json:"unit_id"`
	UnitName     string    `json:"unit_name"`
	TeamID       string    `json:"team_id"`
	TeamName     string    `json:"team_name"`
	VillageName  string    `json:"village_name"`
	TownshipID   string    `json:"township_id"`
	TownshipName string    `json:"township_name"`
	CountyID     string    `json:"county_id"`
	FoundAt      time.Time `json:"found_at"`
	Method       string    `json:"method"` // online | onsite
	Note         string    `json:"note"`
}

// AbsenceInput starts an absence. The server computes every instant from
// the policy in force (snapshotted in Rules) before the workflow starts.
type AbsenceInput struct {
	AbsenceFacts
	RecordedBy Actor `json:"recorded_by"`
	// CycleMonth "YYYY-MM" is the monthly report the absence belongs to.
	CycleMonth    string              `json:"cycle_month"`
	DueAt         time.Time           `json:"due_at"`
	RemindAt      []time.Time         `json:"remind_at"`
	PolicyVersion string              `json:"policy_version"`
	Rules         policy.AbsenceRules `json:"rules"`
	// CountyOffices receive the signed explanation (org dept, bureau).
	CountyOffices []Party        `json:"county_offices"`
	UnitHead      Party          `json:"unit_head"`
	LeaveConflict *LeaveConflict `json:"leave_conflict"`
	// PendingLeave: a leave still waiting for approval covered the moment
	// found; the recorder was told, and so is whoever reads the absence.
	PendingLeave *LeaveConflict `json:"pending_leave,omitempty"`
	// LateRecorded: recorded after its found cycle's deadline, or too
	// close to it; DueAt and CycleMonth are then the fair ones, and
	// FoundCycle the cycle of the moment found.
	LateRecorded bool   `json:"late_recorded,omitempty"`
	FoundCycle   string `json:"found_cycle,omitempty"`
}

// ExplainArgs carry the member's explanation text.
type ExplainArgs struct {
	Actor Actor  `json:"actor"`
	Text  string `json:"text"`
}

// SignArgs carry the unit head's decision: sign, or return for rewriting.
type SignArgs struct {
	Actor    Actor  `json:"actor"`
	Decision string `json:"decision"` // sign | return
	Comment  string `json:"comment"`
}

// CloseArgs: a county office closes an absence that will not be explained.
type CloseArgs struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
}

// Explanation is one text the member wrote; a returned one carries the
// head's comment.
type Explanation struct {
	Text            string     `json:"text"`
	WrittenAt       time.Time  `json:"written_at"`
	ReturnedComment string     `json:"returned_comment"`
	ReturnedAt      *time.Time `json:"returned_at"`
}

// Absence is the resource the API returns, kept by the workflow.
type Absence struct {
	AbsenceFacts
	RecordedBy    string        `json:"recorded_by"`
	RecordedAt    time.Time     `json:"recorded_at"`
	CycleMonth    string        `json:"cycle_month"`
	DueAt         time.Time     `json:"due_at"`
	PolicyVersion string        `json:"policy_version"`
	Status        string        `json:"status"`
	Overdue       bool          `json:"overdue"`
	Explanations  []Explanation `json:"explanations"`
	SignedBy      string        `json:"signed_by"`
	SignedByID    string        `json:"signed_by_id"`
	SignedAt      *time.Time    `json:"signed_at"`
	Late          bool          `json:"late"`
	ClosedBy      string        `json:"closed_by,omitempty"`
	ClosedReason  string        `json:"closed_reason,omitempty"`
	VoidedBy      string        `json:"voided_by,omitempty"`
	VoidReason    string        `json:"void_reason,omitempty"`
	// SignedFor: the principal a delegate signed for ("" when the
	// principal signed).
	SignedFor     string         `json:"signed_for,omitempty"`
	LeaveConflict *LeaveConflict `json:"leave_conflict"`
	PendingLeave  *LeaveConflict `json:"pending_leave,omitempty"`
	LateRecorded  bool           `json:"late_recorded,omitempty"`
	FoundCycle    string         `json:"found_cycle,omitempty"`
	ReportMonth   string         `json:"report_month"`
	Steps         []Step         `json:"steps"`
}

type absenceWorkflow struct {
	core
	in       AbsenceInput
	abs      Absence
	recorded bool
	// stateSeq counts status changes; reportedSeq is the last one the
	// monthly report has been told of. The workflow ends only when both
	// meet, so the report never misses the final state.
	stateSeq, reportedSeq int
}

// AbsenceWorkflow runs one absence from circulation to the signed
// explanation (or a county office closing it).
func AbsenceWorkflow(ctx workflow.Context, in AbsenceInput) (Absence, error) {
	w, err := newAbsenceWorkflow(ctx, in)
	if err != nil {
		return Absence{}, err
	}
	return w.run(ctx)
}

func newAbsenceWorkflow(ctx workflow.Context, in AbsenceInput) (*absenceWorkflow, error) {
	if in.ID == "" || in.MemberID == "" || in.UnitHead.UnitID == "" || in.CycleMonth == "" || in.DueAt.IsZero() {
		return nil, invalid(errs.MsgAbsenceBadInput)
	}
	w := &absenceWorkflow{in: in}
	w.hdr = Snapshot{
		ProcessID: in.ID, WorkflowID: AbsenceWorkflowID(in.ID), Kind: KindAbsence,
		Subject: in.MemberID, MemberID: in.MemberID, CountyID: in.CountyID,
		TownshipID: in.TownshipID, UnitID: in.UnitID, OpenedAt: chinaNow(ctx),
	}
	w.watchers = append([]Party(nil), in.CountyOffices...)
	w.abs = Absence{
		AbsenceFacts: in.AbsenceFacts, RecordedBy: in.RecordedBy.Name, RecordedAt: chinaNow(ctx), CycleMonth: in.CycleMonth,
		DueAt: in.DueAt.In(cst), PolicyVersion: in.PolicyVersion, Status: AbsenceAwaitingExplanation,
		Explanations: []Explanation{}, LeaveConflict: in.LeaveConflict, ReportMonth: in.CycleMonth,
		PendingLeave: in.PendingLeave, LateRecorded: in.LateRecorded, FoundCycle: in.FoundCycle,
	}
	w.abs.FoundAt = in.FoundAt.In(cst)
	w.opening(ctx)
	return w, w.register(ctx)
}

func (w *absenceWorkflow) register(ctx workflow.Context) error {
	handlers := []struct {
		name     string
		fn       any
		validate any
	}{
		{AbsenceExplain, w.explain, w.validateExplain},
		{AbsenceSign, w.sign, w.validateSign},
		{AbsenceClose, w.closeAbsence, w.validateClose},
		{AbsenceVoid, w.void, w.validateVoid},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.fn, workflow.UpdateHandlerOptions{Validator: h.validate}); err != nil {
			return err
		}
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, AbsenceRecorded, func(ctx workflow.Context) (Absence, error) {
		err := workflow.Await(ctx, func() bool { return w.recorded })
		return w.detail(), err
	}); err != nil {
		return err
	}
	return workflow.SetQueryHandler(ctx, AbsenceQuery, func() (Absence, error) { return w.detail(), nil })
}

func (w *absenceWorkflow) subject() string {
	return fmt.Sprintf("%s %s缺岗情况说明", w.in.MemberName, w.abs.FoundAt.Format("2006-01-02"))
}

func (w *absenceWorkflow) member() Party {
	return Party{Role: policy.RoleMember, MemberID: w.in.MemberID}
}

func (w *absenceWorkflow) timers() stepTimers {
	due := w.in.DueAt
	return stepTimers{Due: &due, RemindAt: w.in.RemindAt}
}

// opening is the absence as recorded: circulated, waiting on the
// member's explanation. It is built before the update handlers are
// registered: the SDK validates an update already waiting (one sent again
// after a restart lost the first task) as soon as its handler is there,
// and it must find the explanation step open.
func (w *absenceWorkflow) opening(ctx workflow.Context) {
	w.event(ctx, w.in.RecordedBy, "recorded", StepExplanation, w.in.Note)
	// Circulation (通报): the member, the unit head and the county offices.
	circulated := append([]Party{w.member(), w.in.UnitHead}, w.in.CountyOffices...)
	w.notify(circulated, "通报：「"+w.subject()+"」查岗发现无故不在岗，请于 "+
		w.abs.DueAt.Format("2006-01-02 15:04")+" 前提交经派出单位负责人签字的情况说明")
	w.open(ctx, StepExplanation, []Party{w.member()}, w.timers())
	w.stateSeq++
}

func (w *absenceWorkflow) run(ctx workflow.Context) (Absence, error) {
	if err := w.save(ctx); err != nil {
		return Absence{}, err
	}
	w.recorded = true
	workflow.Go(ctx, w.reporter)
	if err := w.waitLoop(ctx, w.subject(), w.done, w.save); err != nil {
		return Absence{}, err
	}
	return w.detail(), nil
}

// finished: signed, closed or voided; nothing more waits on anyone.
func (w *absenceWorkflow) finished() bool {
	return w.abs.Status == AbsenceSigned || w.abs.Status == AbsenceClosed || w.abs.Status == AbsenceVoided
}

// done: finished, and the monthly report knows the final state.
func (w *absenceWorkflow) done() bool { return w.finished() && w.reportedSeq == w.stateSeq }

func (w *absenceWorkflow) setStatus(status string) {
	w.abs.Status = status
	w.stateSeq++
}

func (w *absenceWorkflow) detail() Absence {
	a := w.abs
	a.Steps = w.publishedSteps()
	a.Explanations = append([]Explanation{}, w.abs.Explanations...)
	a.Overdue = w.overdue()
	return a
}

// ReportItemSignal is what an absence tells its monthly report (signal
// ReportSignalAbsence) each time its state changes.
type ReportItemSignal struct {
	AbsenceID  string     `json:"absence_id"`
	MemberID   string     `json:"member_id"`
	MemberName string     `json:"member_name"`
	Status     string     `json:"status"`
	SignedAt   *time.Time `json:"signed_at"`
	Late       bool       `json:"late"`
	// CarriedFrom: the month whose report was already sent when this
	// absence changed; set by the report that forwards it.
	CarriedFrom string `json:"carried_from"`
}

// ReportAbsenceArgs address a report item to a county's monthly report.
type ReportAbsenceArgs struct {
	CountyID string           `json:"county_id"`
	Month    string           `json:"month"`
	Item     ReportItemSignal `json:"item"`
}

// reporter tells the monthly report of every state change, in order, one
// at a time; retried without end, like the read model.
func (w *absenceWorkflow) reporter(ctx workflow.Context) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, RetryPolicy: recordRetry,
	})
	for {
		if err := workflow.Await(ctx, func() bool { return w.stateSeq > w.reportedSeq }); err != nil {
			return
		}
		seq := w.stateSeq
		args := ReportAbsenceArgs{CountyID: w.in.CountyID, Month: w.in.CycleMonth, Item: ReportItemSignal{
			AbsenceID: w.in.ID, MemberID: w.in.MemberID, MemberName: w.in.MemberName,
			Status: w.abs.Status, SignedAt: w.abs.SignedAt, Late: w.abs.Late,
		}}
		var month string
		if err := workflow.ExecuteActivity(actx, ActivityReportAbsence, args).Get(ctx, &month); err != nil {
			return // cancelled
		}
		if month != "" && month != w.abs.ReportMonth {
			w.abs.ReportMonth = month
			_ = w.save(ctx)
		}
		w.reportedSeq = seq
	}
}

func (w *absenceWorkflow) validateExplain(ctx workflow.Context, a ExplainArgs) error {
	if a.Actor.Party.Role != policy.RoleMember || a.Actor.Party.MemberID != w.in.MemberID {
		return forbidden(errs.MsgExplainOwn)
	}
	if w.step(StepExplanation) == nil {
		return conflict(errs.MsgExplainNotWaiting, errs.StatusName(w.abs.Status))
	}
	if trimmed(a.Text) == "" {
		return invalid(errs.MsgRequired)
	}
	return nil
}

func (w *absenceWorkflow) explain(ctx workflow.Context, a ExplainArgs) (Absence, error) {
	s := w.step(StepExplanation)
	now := chinaNow(ctx)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "explained", "", now))
	w.close(ctx, s)
	w.abs.Explanations = append(w.abs.Explanations, Explanation{Text: a.Text, WrittenAt: now})
	w.event(ctx, a.Actor, "explained", StepExplanation, a.Text)
	w.open(ctx, StepSignature, []Party{w.in.UnitHead}, w.timers())
	w.notify([]Party{w.in.UnitHead}, "待签字：「"+w.subject()+"」")
	w.setStatus(AbsenceAwaitingSignature)
	return w.detail(), w.save(ctx)
}

func (w *absenceWorkflow) validateSign(ctx workflow.Context, a SignArgs) error {
	if a.Actor.Party.Role != policy.RoleUnitHead || a.Actor.Party.UnitID != w.in.UnitHead.UnitID {
		return forbidden(errs.MsgSignHeadOnly)
	}
	// The head, not any head: the unit's principal (一把手), or one acting
	// for the principal (OnBehalfOf; delegation is a later issue).
	if !a.Actor.AsPrincipal {
		return forbidden(errs.MsgSignPrincipalOnly)
	}
	if w.step(StepSignature) == nil {
		switch w.abs.Status {
		case AbsenceSigned:
			return conflict(errs.MsgSignedAlready)
		case AbsenceAwaitingExplanation:
			return conflict(errs.MsgNothingToSign)
		}
		return conflict(errs.MsgAbsenceIs, errs.StatusName(w.abs.Status))
	}
	switch {
	case a.Decision != "sign" && a.Decision != "return":
		return invalid(errs.MsgOneOf, "sign, return")
	case a.Decision == "return" && trimmed(a.Comment) == "":
		return invalid(errs.MsgReturnNeedsComment)
	}
	return nil
}

func (w *absenceWorkflow) sign(ctx workflow.Context, a SignArgs) (Absence, error) {
	s := w.step(StepSignature)
	now := chinaNow(ctx)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, a.Decision, a.Comment, now))
	w.close(ctx, s)
	if a.Decision == "return" {
		last := &w.abs.Explanations[len(w.abs.Explanations)-1]
		last.ReturnedComment, last.ReturnedAt = a.Comment, ptr(now)
		w.event(ctx, a.Actor, "returned", StepSignature, a.Comment)
		// Rewriting does not move the deadline.
		w.open(ctx, StepExplanation, []Party{w.member()}, w.timers())
		w.notify([]Party{w.member()}, "退回重写：「"+w.subject()+"」"+a.Comment)
		w.setStatus(AbsenceAwaitingExplanation)
		return w.detail(), w.save(ctx)
	}
	w.abs.SignedBy, w.abs.SignedByID, w.abs.SignedAt = a.Actor.Name, a.Actor.UserID, ptr(now)
	w.abs.SignedFor = a.Actor.OnBehalfOf
	w.abs.Late = now.After(w.in.DueAt)
	w.event(ctx, a.Actor, "signed", StepSignature, a.Comment)
	// Signed means submitted to the county offices.
	w.event(ctx, system, "submitted", StepSignature, "")
	w.notify(w.in.CountyOffices, "情况说明已签字报送：「"+w.subject()+"」")
	w.notify([]Party{w.member()}, "您的情况说明已由单位负责人签字报送：「"+w.subject()+"」")
	w.setStatus(AbsenceSigned)
	return w.detail(), w.save(ctx)
}

func (w *absenceWorkflow) validateClose(ctx workflow.Context, a CloseArgs) error {
	if !hasParty(w.in.CountyOffices, a.Actor.Party) {
		return forbidden(errs.MsgCloseCountyOnly)
	}
	if w.finished() {
		return conflict(errs.MsgAbsenceAlready, errs.StatusName(w.abs.Status))
	}
	if trimmed(a.Reason) == "" {
		return invalid(errs.MsgRequired)
	}
	return nil
}

func (w *absenceWorkflow) closeAbsence(ctx workflow.Context, a CloseArgs) (Absence, error) {
	now := chinaNow(ctx)
	for _, s := range w.openSteps() {
		s.Decisions = append(s.Decisions, decisionOf(a.Actor, "closed", a.Reason, now))
		w.close(ctx, s)
	}
	w.abs.ClosedBy, w.abs.ClosedReason = a.Actor.Name, a.Reason
	w.event(ctx, a.Actor, "closed", "", a.Reason)
	w.notify([]Party{w.member(), w.in.UnitHead}, "已关闭：「"+w.subject()+"」"+a.Reason)
	w.setStatus(AbsenceClosed)
	return w.detail(), w.save(ctx)
}

func (w *absenceWorkflow) validateVoid(ctx workflow.Context, a CloseArgs) error {
	if !hasParty(w.in.CountyOffices, a.Actor.Party) {
		return forbidden(errs.MsgVoidCountyOnly)
	}
	if w.finished() {
		return conflict(errs.MsgAbsenceAlready, errs.StatusName(w.abs.Status))
	}
	return nil
}

// void is a county office finding the absence recorded wrongly (误报):
// nothing more is owed, and it leaves the monthly report and the tally.
func (w *absenceWorkflow) void(ctx workflow.Context, a CloseArgs) (Absence, error) {
	now := chinaNow(ctx)
	for _, s := range w.openSteps() {
		s.Decisions = append(s.Decisions, decisionOf(a.Actor, "voided", a.Reason, now))
		s.WaitingOn = []Party{}
		w.close(ctx, s)
	}
	w.abs.VoidedBy, w.abs.VoidReason = a.Actor.Name, a.Reason
	w.event(ctx, a.Actor, "voided", "", a.Reason)
	w.notify([]Party{w.member(), w.in.UnitHead}, "已作废（误报）：「"+w.subject()+"」"+a.Reason+"；无需再写情况说明")
	w.setStatus(AbsenceVoided)
	return w.detail(), w.save(ctx)
}

// save records the current state, stamping the close once it is finished.
func (w *absenceWorkflow) save(ctx workflow.Context) error {
	if w.finished() && w.closedAt == nil {
		w.closedAt = ptr(chinaNow(ctx))
	}
	return w.record(ctx, w.abs.Status, w.detail())
}

func decisionOf(a Actor, decision, comment string, at time.Time) Decision {
	return Decision{By: a.UserID, ByName: a.Name, Role: a.Party.Role, Party: a.Party.Key(),
		Decision: decision, Comment: comment, At: at}
}

func trimmed(s string) string { return strings.TrimSpace(s) }
