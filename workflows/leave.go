package workflows

import (
	"zhucun/errs"

	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"zhucun/policy"
)

// Leave (请销假, article 16): the contract shared by server and worker.

// Update and query names.
const (
	LeaveDecide   = "decide"
	LeaveFile     = "file"
	LeaveWithdraw = "withdraw"
	LeaveExtend   = "extend"
	LeaveReturn   = "return"
	LeaveCancel   = "cancel"
	LeaveRemind   = "remind"
	LeaveQuery    = "leave"
	// LeaveSubmitted answers once the leave is in the read model. The
	// server no longer sends it (it writes the opening itself, see
	// LeaveOpening); the handler stays for leaves started with it.
	LeaveSubmitted = "submitted"
)

// Step names.
const (
	StepApproval          = "approval"
	StepExtensionApproval = "extension_approval"
	StepFiling            = "filing"
	StepReturn            = "return"
)

// Leave statuses.
const (
	LeavePending   = "pending"
	LeaveApproved  = "approved"
	LeaveRefused   = "refused"
	LeaveWithdrawn = "withdrawn"
	LeaveReturned  = "returned"
	LeaveCancelled = "cancelled"
)

// VersionRules17 marks a process started with issue 17's rules: steps
// with their own IDs (a leave's filings tracked apart). Processes started
// before keep their old paths on replay (workflow.GetVersion).
const VersionRules17 = "rules-17"

// LeaveWorkflowID is the business key of a leave's workflow.
func LeaveWorkflowID(id string) string { return "leave/" + id }

// Route is who approves a leave (or an extension) and who gets it on file,
// resolved by the server from the policy and the member's organisation.
type Route struct {
	Days          int     `json:"days"`
	Route         string  `json:"route"`
	Reason        string  `json:"reason"`
	Approvers     []Party `json:"approvers"`
	FilingOffices []Party `json:"filing_offices"`
	// Joined: the member's leaves this one was routed together with
	// (consecutive leaves count together), and the days of all of them,
	// on which the route was taken (Days stays this leave's own).
	Joined       []string `json:"joined,omitempty"`
	CombinedDays int      `json:"combined_days,omitempty"`
}

// LeaveInput starts a leave. Every instant is computed by the policy code
// in China time before the workflow starts.
type LeaveInput struct {
	ID         string `json:"id"`
	MemberID   string `json:"member_id"`
	MemberName string `json:"member_name"`
	UnitID     string `json:"unit_id"`
	TeamID     string `json:"team_id"`
	TownshipID string `json:"township_id"`
	CountyID   string `json:"county_id"`
	Kind       string `json:"kind"`
	StartDate  string `json:"start_date"`
	EndDate    string `json:"end_date"`
	Reason     string `json:"reason"`
	Route      Route  `json:"route"`
	// PolicyVersion and Rules: the policy in force at submission, kept for
	// the life of the leave.
	PolicyVersion string            `json:"policy_version"`
	Rules         policy.LeaveRules `json:"rules"`
	EscalateTo    Party             `json:"escalate_to"`
	// Escalation: for each office that may be silent, the office above it
	// (replaces EscalateTo when set).
	Escalation []Escalation `json:"escalation,omitempty"`
	// StartAt: first instant of the start date; undecided by then is overdue.
	StartAt time.Time `json:"start_at"`
	// ApprovalDueAt: when the approval is due, when not at StartAt (a
	// leave submitted after its start: back-dated sick leave).
	ApprovalDueAt time.Time `json:"approval_due_at,omitempty"`
	// EndAt: first instant after the last day.
	EndAt       time.Time `json:"end_at"`
	ReturnDueAt time.Time `json:"return_due_at"`
	SubmittedBy Actor     `json:"submitted_by"`
	// CopyTo: who receives a copy (抄送) of the decided leave, resolved
	// from the county's rules at submission (LeaveRules.CopyTo).
	CopyTo []Party `json:"copy_to,omitempty"`
	// SubmittedAt is when the server took the request: the opening state
	// is built as of then, by server and workflow alike.
	SubmittedAt time.Time `json:"submitted_at"`
}

// DecideArgs approve or refuse a leave or its pending extension.
type DecideArgs struct {
	Actor    Actor  `json:"actor"`
	Decision string `json:"decision"` // approve | refuse
	Comment  string `json:"comment"`
}

// ActorArgs carry just who acts (filing acknowledgement, withdrawal).
type ActorArgs struct {
	Actor   Actor  `json:"actor"`
	Comment string `json:"comment"`
	// Step, for a leave's filing, names which open filing step (its ID)
	// is acknowledged; "" is the earliest waiting on the caller.
	Step string `json:"step,omitempty"`
}

// ExtendArgs ask for a later end date, routed on the new total.
type ExtendArgs struct {
	Actor       Actor     `json:"actor"`
	EndDate     string    `json:"end_date"`
	Reason      string    `json:"reason"`
	Route       Route     `json:"route"`
	EndAt       time.Time `json:"end_at"`
	ReturnDueAt time.Time `json:"return_due_at"`
}

// ReturnArgs report back (销假). ActualEndDate and ActualDays are the leave
// as taken, shortened by an early return.
type ReturnArgs struct {
	Actor         Actor  `json:"actor"`
	ReturnedOn    string `json:"returned_on"`
	ActualEndDate string `json:"actual_end_date"`
	ActualDays    int    `json:"actual_days"`
	// NotTaken: reported back on the first day; nothing was taken.
	NotTaken bool `json:"not_taken,omitempty"`
	// Late and OverstayDays: reported back after the report-back day, away
	// that many days (as the policy counts days) past the approved end.
	Late         bool `json:"late,omitempty"`
	OverstayDays int  `json:"overstay_days,omitempty"`
}

// Extension is one request to extend a leave.
type Extension struct {
	EndDate     string     `json:"end_date"`
	Days        int        `json:"days"`
	Route       string     `json:"route"`
	Reason      string     `json:"reason"`
	Status      string     `json:"status"` // pending | approved | refused | withdrawn | cancelled
	RequestedAt time.Time  `json:"requested_at"`
	DecidedAt   *time.Time `json:"decided_at"`
}

// Leave is the resource the API returns, kept by the workflow.
type Leave struct {
	ID            string      `json:"id"`
	MemberID      string      `json:"member_id"`
	MemberName    string      `json:"member_name"`
	UnitID        string      `json:"unit_id"`
	TeamID        string      `json:"team_id"`
	TownshipID    string      `json:"township_id"`
	CountyID      string      `json:"county_id"`
	Kind          string      `json:"kind"`
	StartDate     string      `json:"start_date"`
	EndDate       string      `json:"end_date"`
	Days          int         `json:"days"`
	Reason        string      `json:"reason"`
	Route         string      `json:"route"`
	RouteReason   string      `json:"route_reason"`
	Status        string      `json:"status"`
	Overdue       bool        `json:"overdue"`
	PolicyVersion string      `json:"policy_version"`
	Steps         []Step      `json:"steps"`
	Extensions    []Extension `json:"extensions"`
	ReturnedOn    *string     `json:"returned_on"`
	ActualEndDate *string     `json:"actual_end_date,omitempty"`
	ActualDays    *int        `json:"actual_days,omitempty"`
	// NotTaken: reported back on its first day, 0 days taken.
	NotTaken bool `json:"not_taken,omitempty"`
	// ReturnedLate and OverstayDays: reported back after the report-back
	// day, away that many days past the approved end.
	ReturnedLate bool `json:"returned_late"`
	OverstayDays int  `json:"overstay_days"`
	// JoinedWith and CombinedDays: the leaves this one was routed
	// together with, and their days with its own.
	JoinedWith   []string   `json:"joined_with,omitempty"`
	CombinedDays int        `json:"combined_days,omitempty"`
	SubmittedAt  time.Time  `json:"submitted_at"`
	DecidedAt    *time.Time `json:"decided_at"`
	// Cancelled: when and why the member cancelled it (撤销).
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	CancelReason string     `json:"cancel_reason,omitempty"`
	// CopiedTo: the parties (keys) a copy of the decision went to (抄送).
	CopiedTo []string `json:"copied_to,omitempty"`
}

type leaveWorkflow struct {
	core
	recorded bool
	in       LeaveInput
	leave    Leave
	// current deadlines, moved by an approved extension
	endAt, returnDueAt time.Time
	pendingExt         *ExtendArgs
	// rules17: started with issue 17's rules (VersionRules17).
	rules17 bool
	// issue20: started with hand-over and copies (VersionIssue20).
	issue20 bool
	// confirmOpening: the first record confirms the server's opening
	// rather than writing it again (VersionOpening16).
	confirmOpening bool
	// openedAt is the change count of the opening state: a record made
	// at another count is not the opening.
	openedAt int
}

// VersionOpening16 marks a leave whose first record confirms the opening
// the server wrote with its reservation (issue 16): one small statement
// and the notices, not the whole process again. Leaves started before
// keep recording it whole, and replay as they ran.
const VersionOpening16 = "opening-16"

// LeaveWorkflow runs one leave from submission to 销假.
func LeaveWorkflow(ctx workflow.Context, in LeaveInput) (Leave, error) {
	v := workflow.GetVersion(ctx, VersionRules17, workflow.DefaultVersion, 1)
	v20 := workflow.GetVersion(ctx, VersionIssue20, workflow.DefaultVersion, 1)
	w, err := newLeaveWorkflow(ctx, in, v >= 1, v20 >= 1)
	if err != nil {
		return Leave{}, err
	}
	// Histories from before SubmittedAt existed had no opening written.
	v16 := workflow.GetVersion(ctx, VersionOpening16, workflow.DefaultVersion, 1)
	w.confirmOpening = v16 >= 1 && !in.SubmittedAt.IsZero()
	return w.run(ctx)
}

// openLeave builds a leave's opening state (submitted, waiting on its
// approvers) as of now. It touches no workflow context, so the server can
// build the very snapshot the workflow records first (LeaveOpening).
func openLeave(in LeaveInput, now time.Time, rules17 bool) (*leaveWorkflow, error) {
	if in.ID == "" || in.MemberID == "" || len(in.Route.Approvers) == 0 {
		return nil, invalid(errs.MsgLeaveBadInput)
	}
	w := &leaveWorkflow{in: in, endAt: in.EndAt, returnDueAt: in.ReturnDueAt, rules17: rules17}
	w.stepIDs = rules17
	w.escalation = in.Escalation
	w.hdr = Snapshot{
		ProcessID: in.ID, WorkflowID: LeaveWorkflowID(in.ID), Kind: KindLeave,
		Subject: in.MemberID, MemberID: in.MemberID, CountyID: in.CountyID,
		TownshipID: in.TownshipID, UnitID: in.UnitID, OpenedAt: now,
	}
	w.escalateTo = in.EscalateTo
	w.leave = Leave{
		ID: in.ID, MemberID: in.MemberID, MemberName: in.MemberName, UnitID: in.UnitID,
		TeamID: in.TeamID, TownshipID: in.TownshipID, CountyID: in.CountyID, Kind: in.Kind,
		StartDate: in.StartDate, EndDate: in.EndDate, Days: in.Route.Days, Reason: in.Reason,
		Route: in.Route.Route, RouteReason: in.Route.Reason, Status: LeavePending,
		PolicyVersion: in.PolicyVersion, Extensions: []Extension{}, SubmittedAt: now,
		JoinedWith: in.Route.Joined, CombinedDays: in.Route.CombinedDays,
	}
	w.eventAt(now, in.SubmittedBy, "submitted", StepApproval, in.Reason)
	w.openApprovalAt(now, StepApproval, in.Route.Approvers)
	return w, nil
}

// LeaveOpening is the first snapshot the workflow of in records, and the
// leave it shows, built by the same code. The server writes it (made
// Provisional) before the start, so the submitter reads the leave at once
// without waiting for the workflow's first task. in.SubmittedAt must be set.
func LeaveOpening(in LeaveInput) (Snapshot, Leave, error) {
	if in.SubmittedAt.IsZero() {
		return Snapshot{}, Leave{}, invalid(errs.MsgLeaveBadInput)
	}
	w, err := openLeave(in, in.SubmittedAt.In(cst), true)
	if err != nil {
		return Snapshot{}, Leave{}, err
	}
	l := w.detail()
	return w.snapshot(w.leave.Status, l), l, nil
}

func newLeaveWorkflow(ctx workflow.Context, in LeaveInput, rules17, issue20 bool) (*leaveWorkflow, error) {
	// Histories from before SubmittedAt existed open at the first task's time.
	now := chinaNow(ctx)
	if !in.SubmittedAt.IsZero() {
		now = in.SubmittedAt.In(cst)
	}
	w, err := openLeave(in, now, rules17)
	if err != nil {
		return nil, err
	}
	w.issue20 = issue20
	w.openedAt = w.changed
	handlers := []struct {
		name     string
		fn       any
		validate any
	}{
		{LeaveDecide, w.decide, w.validateDecide},
		{LeaveFile, w.file, w.validateFile},
		{LeaveWithdraw, w.withdraw, w.validateWithdraw},
		{LeaveExtend, w.extend, w.validateExtend},
		{LeaveReturn, w.report, w.validateReturn},
		{LeaveCancel, w.cancel, w.validateCancel},
		{LeaveRemind, w.remind, w.validateRemind},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.fn, workflow.UpdateHandlerOptions{Validator: h.validate}); err != nil {
			return nil, err
		}
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return nil, err
	}
	handed := []string{StepApproval, StepExtensionApproval, StepFiling}
	if err := w.registerHandOver(ctx, issue20, handed, w.subject, w.save); err != nil {
		return nil, err
	}
	if err := workflow.SetUpdateHandler(ctx, LeaveSubmitted, func(ctx workflow.Context) (Leave, error) {
		err := workflow.Await(ctx, func() bool { return w.recorded })
		return w.detail(), err
	}); err != nil {
		return nil, err
	}
	if err := workflow.SetQueryHandler(ctx, LeaveQuery, func() (Leave, error) { return w.detail(), nil }); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *leaveWorkflow) subject() string {
	return fmt.Sprintf("%s %s至%s请假", w.in.MemberName, w.leave.StartDate, w.leave.EndDate)
}

func (w *leaveWorkflow) run(ctx workflow.Context) (Leave, error) {
	// Only the opening itself confirms: an update taken in the first task
	// may have run (and recorded) before this.
	w.confirming = w.confirmOpening && w.version == 0 && w.changed == w.openedAt
	if err := w.save(ctx); err != nil {
		return Leave{}, err
	}
	w.recorded = true
	err := w.waitLoop(ctx, w.subject(), w.done, w.save)
	if err != nil {
		return Leave{}, err
	}
	return w.detail(), nil
}

// done: refused or withdrawn ends at once; otherwise it ends once the
// member has reported back and every filing is acknowledged.
func (w *leaveWorkflow) done() bool {
	switch w.leave.Status {
	case LeaveRefused, LeaveWithdrawn, LeaveCancelled:
		return true
	case LeaveReturned:
		return len(w.openSteps()) == 0
	}
	return false
}

func (w *leaveWorkflow) detail() Leave {
	l := w.leave
	l.Steps = w.publishedSteps()
	l.Extensions = append([]Extension{}, w.leave.Extensions...)
	l.Overdue = w.overdue()
	return l
}

func (w *leaveWorkflow) openApproval(ctx workflow.Context, name string, approvers []Party) {
	w.openApprovalAt(chinaNow(ctx), name, approvers)
}

func (w *leaveWorkflow) openApprovalAt(now time.Time, name string, approvers []Party) {
	r := w.in.Rules
	due := w.in.StartAt
	if !w.in.ApprovalDueAt.IsZero() {
		due = w.in.ApprovalDueAt.In(cst)
	}
	if name == StepExtensionApproval {
		due = w.endAt
	}
	w.openAt(now, name, approvers, stepTimers{
		Due: &due, RemindEvery: r.ReminderEvery.D(), EscalateAfter: r.EscalateAfter.D(),
	})
	w.notify(approvers, "待审批：「"+w.subject()+"」")
}

func (w *leaveWorkflow) openFiling(ctx workflow.Context, offices []Party) {
	if len(offices) == 0 {
		return
	}
	r := w.in.Rules
	due := chinaNow(ctx).Add(r.FilingDue.D())
	w.open(ctx, StepFiling, offices, stepTimers{Due: &due, RemindEvery: r.ReminderEvery.D(), EscalateAfter: r.EscalateAfter.D()})
	w.notify(offices, "请备案：「"+w.subject()+"」已由乡镇党委批准")
}

func (w *leaveWorkflow) openReturn(ctx workflow.Context) {
	due := w.returnDueAt
	member := []Party{{Role: policy.RoleMember, MemberID: w.in.MemberID}}
	w.open(ctx, StepReturn, member, stepTimers{Due: &due, RemindAt: []time.Time{w.endAt}})
}

// approvalStep is the open approval or extension approval step, if any.
func (w *leaveWorkflow) approvalStep() *Step {
	if s := w.step(StepApproval); s != nil {
		return s
	}
	return w.step(StepExtensionApproval)
}

func (w *leaveWorkflow) everApprover(p Party) bool {
	for _, s := range w.steps {
		if (s.Name == StepApproval || s.Name == StepExtensionApproval) && hasParty(s.WaitingOn, p) {
			return true
		}
		for _, d := range s.Decisions {
			if d.Party == p.Key() {
				return true
			}
		}
	}
	return false
}

func (w *leaveWorkflow) validateDecide(ctx workflow.Context, a DecideArgs) error {
	if a.Decision != "approve" && a.Decision != "refuse" {
		return invalid(errs.MsgOneOf, "approve, refuse")
	}
	if s := w.approvalStep(); s != nil {
		if _, ok := s.holder(a.Actor); ok {
			return nil
		}
		if s.handedAway(a.Actor) {
			return forbidden(errs.MsgHandedOver)
		}
	}
	if w.everApprover(a.Actor.Party) {
		return conflict(errs.MsgLeaveNotWaiting)
	}
	return forbidden(errs.MsgLeaveNotApprover)
}

func (w *leaveWorkflow) decide(ctx workflow.Context, a DecideArgs) (Leave, error) {
	s := w.approvalStep()
	now := chinaNow(ctx)
	s.Decisions = append(s.Decisions, Decision{
		By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role, Party: a.Actor.Party.Key(),
		Decision: a.Decision, Comment: a.Comment, At: now,
	})
	held, _ := s.holder(a.Actor)
	s.WaitingOn = without(s.WaitingOn, held)
	action := map[string]string{"approve": "approved", "refuse": "refused"}[a.Decision]
	w.event(ctx, a.Actor, action, s.Name, a.Comment)
	member := []Party{{Role: policy.RoleMember, MemberID: w.in.MemberID}}

	if s.Name == StepExtensionApproval {
		w.decideExtension(ctx, s, a, member)
	} else if a.Decision == "refuse" {
		w.close(ctx, s)
		w.leave.Status = LeaveRefused
		w.leave.DecidedAt = ptr(now)
		w.notify(member, "您的请假「"+w.subject()+"」未获批准："+a.Comment)
		w.copyDecided(ctx, "未获批准")
	} else if len(s.WaitingOn) == 0 {
		w.close(ctx, s)
		w.leave.Status = LeaveApproved
		w.leave.DecidedAt = ptr(now)
		w.notify(member, "您的请假「"+w.subject()+"」已批准")
		w.copyDecided(ctx, "已批准")
		if w.in.Route.Route == policy.RouteTownship {
			w.openFiling(ctx, w.in.Route.FilingOffices)
		}
		w.openReturn(ctx)
	}
	return w.detail(), w.save(ctx)
}

func (w *leaveWorkflow) decideExtension(ctx workflow.Context, s *Step, a DecideArgs, member []Party) {
	ext := &w.leave.Extensions[len(w.leave.Extensions)-1]
	now := chinaNow(ctx)
	if a.Decision == "refuse" {
		w.close(ctx, s)
		ext.Status = "refused"
		ext.DecidedAt = ptr(now)
		w.pendingExt = nil
		w.notify(member, "续假未获批准，原假期不变："+a.Comment)
		return
	}
	if len(s.WaitingOn) > 0 {
		return
	}
	w.close(ctx, s)
	p := w.pendingExt
	w.pendingExt = nil
	ext.Status = "approved"
	ext.DecidedAt = ptr(now)
	w.leave.EndDate = p.EndDate
	w.leave.Days = p.Route.Days
	w.leave.Route = p.Route.Route
	w.leave.RouteReason = p.Route.Reason
	w.endAt, w.returnDueAt = p.EndAt, p.ReturnDueAt
	w.notify(member, "续假已批准，新的结束日期 "+p.EndDate)
	if p.Route.Route == policy.RouteTownship {
		w.openFiling(ctx, p.Route.FilingOffices)
	}
	// The report back moves with the new end date.
	if r := w.step(StepReturn); r != nil {
		due := w.returnDueAt
		w.retime(ctx, r, stepTimers{Due: &due, RemindAt: []time.Time{w.endAt}})
	}
}

// filingFor is the open filing step the office acknowledges: the one
// named by its ID, else the earliest waiting on it. Processes from before
// step IDs acknowledge the latest, as they always did.
func (w *leaveWorkflow) filingFor(a Actor, id string) *Step {
	if !w.rules17 {
		if s := w.step(StepFiling); s != nil {
			if _, ok := s.holder(a); ok {
				return s
			}
		}
		return nil
	}
	for i := range w.steps {
		s := &w.steps[i]
		if s.Name == StepFiling && s.Open() && (id == "" || s.ID == id) {
			if _, ok := s.holder(a); ok {
				return s
			}
		}
	}
	return nil
}

func (w *leaveWorkflow) validateFile(ctx workflow.Context, a ActorArgs) error {
	if w.filingFor(a.Actor, a.Step) != nil {
		return nil
	}
	for _, s := range w.openSteps() {
		if s.Name == StepFiling && s.handedAway(a.Actor) {
			return forbidden(errs.MsgHandedOver)
		}
	}
	if a.Step != "" && w.filingFor(a.Actor, "") != nil {
		return conflict(errs.MsgLeaveFilingStep, a.Step)
	}
	for _, st := range w.steps {
		if st.Name == StepFiling {
			for _, d := range st.Decisions {
				if d.Party == a.Actor.Party.Key() {
					return conflict(errs.MsgFilingDone)
				}
			}
		}
	}
	if hasParty(w.in.Route.FilingOffices, a.Actor.Party) {
		return conflict(errs.MsgLeaveNotFiling)
	}
	return forbidden(errs.MsgLeaveNotFiledWithYou)
}

func (w *leaveWorkflow) file(ctx workflow.Context, a ActorArgs) (Leave, error) {
	s := w.filingFor(a.Actor, a.Step)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: "filed", Comment: a.Comment, At: chinaNow(ctx)})
	held, _ := s.holder(a.Actor)
	var remaining []Party
	for _, p := range s.WaitingOn {
		if p.Key() != held.Key() {
			remaining = append(remaining, p)
		}
	}
	s.WaitingOn = remaining
	w.event(ctx, a.Actor, "filed", StepFiling, a.Comment)
	if len(remaining) == 0 {
		s.WaitingOn = []Party{}
		w.close(ctx, s)
	}
	return w.detail(), w.save(ctx)
}

func (w *leaveWorkflow) isMember(a Actor) bool {
	return a.Party.Role == policy.RoleMember && a.Party.MemberID == w.in.MemberID
}

func (w *leaveWorkflow) validateWithdraw(ctx workflow.Context, a ActorArgs) error {
	if !w.isMember(a.Actor) {
		return forbidden(errs.MsgLeaveWithdrawOwn)
	}
	if w.leave.Status == LeaveApproved && w.pendingExt != nil {
		return nil // the extension waiting is withdrawn
	}
	if w.leave.Status != LeavePending {
		return conflict(errs.MsgLeaveWithdrawNothing, errs.StatusName(w.leave.Status))
	}
	return nil
}

func (w *leaveWorkflow) withdraw(ctx workflow.Context, a ActorArgs) (Leave, error) {
	if w.leave.Status == LeaveApproved {
		return w.withdrawExtension(ctx, a)
	}
	s := w.step(StepApproval)
	notified := append([]Party(nil), s.WaitingOn...)
	w.close(ctx, s)
	w.leave.Status = LeaveWithdrawn
	w.event(ctx, a.Actor, "withdrawn", StepApproval, a.Comment)
	w.notify(notified, "请假已撤回：「"+w.subject()+"」")
	return w.detail(), w.save(ctx)
}

// withdrawExtension takes back the extension waiting: its days are free
// again, the leave stands as approved.
func (w *leaveWorkflow) withdrawExtension(ctx workflow.Context, a ActorArgs) (Leave, error) {
	s := w.step(StepExtensionApproval)
	notified := append([]Party(nil), s.WaitingOn...)
	w.close(ctx, s)
	w.leave.Extensions[len(w.leave.Extensions)-1].Status = "withdrawn"
	w.pendingExt = nil
	w.event(ctx, a.Actor, "extension_withdrawn", StepExtensionApproval, a.Comment)
	w.notify(notified, "续假已撤回：「"+w.subject()+"」")
	return w.detail(), w.save(ctx)
}

func (w *leaveWorkflow) validateExtend(ctx workflow.Context, a ExtendArgs) error {
	if !w.isMember(a.Actor) {
		return forbidden(errs.MsgLeaveExtendOwn)
	}
	if w.leave.Status != LeaveApproved {
		return conflict(errs.MsgLeaveExtendApproved, errs.StatusName(w.leave.Status))
	}
	if w.pendingExt != nil {
		return conflict(errs.MsgLeaveExtensionWaiting)
	}
	if !chinaNow(ctx).Before(w.endAt) {
		return conflict(errs.MsgLeaveEnded)
	}
	if a.EndDate <= w.leave.EndDate {
		return invalid(errs.MsgLeaveExtendAfterEnd, w.leave.EndDate)
	}
	if len(a.Route.Approvers) == 0 {
		return invalid(errs.MsgLeaveExtensionNoRoute)
	}
	return nil
}

func (w *leaveWorkflow) extend(ctx workflow.Context, a ExtendArgs) (Leave, error) {
	args := a
	w.pendingExt = &args
	w.leave.Extensions = append(w.leave.Extensions, Extension{
		EndDate: a.EndDate, Days: a.Route.Days, Route: a.Route.Route, Reason: a.Reason,
		Status: "pending", RequestedAt: chinaNow(ctx),
	})
	w.event(ctx, a.Actor, "extension_requested", StepExtensionApproval, a.Reason)
	// An extension is overdue if still undecided when the current end
	// passes (its start is long gone).
	w.openApproval(ctx, StepExtensionApproval, a.Route.Approvers)
	return w.detail(), w.save(ctx)
}

func (w *leaveWorkflow) validateReturn(ctx workflow.Context, a ReturnArgs) error {
	if !w.isMember(a.Actor) {
		return forbidden(errs.MsgLeaveReturnOwn)
	}
	if w.leave.Status == LeaveReturned {
		return conflict(errs.MsgLeaveReturned)
	}
	if w.leave.Status != LeaveApproved {
		return conflict(errs.MsgLeaveReturnApproved, errs.StatusName(w.leave.Status))
	}
	if chinaNow(ctx).Before(w.in.StartAt) {
		return conflict(errs.MsgLeaveNotStarted)
	}
	return nil
}

func (w *leaveWorkflow) report(ctx workflow.Context, a ReturnArgs) (Leave, error) {
	now := chinaNow(ctx)
	if s := w.step(StepExtensionApproval); s != nil {
		w.close(ctx, s)
		w.leave.Extensions[len(w.leave.Extensions)-1].Status = "cancelled"
		w.pendingExt = nil
	}
	s := w.step(StepReturn)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: "returned", Comment: a.ReturnedOn, At: now})
	w.close(ctx, s)
	w.leave.Status = LeaveReturned
	on := a.ReturnedOn
	w.leave.ReturnedOn = &on
	end, days := a.ActualEndDate, a.ActualDays
	w.leave.ActualDays = &days
	if end != "" {
		w.leave.ActualEndDate = &end
	}
	w.leave.NotTaken = a.NotTaken
	w.leave.ReturnedLate, w.leave.OverstayDays = a.Late, a.OverstayDays
	w.event(ctx, a.Actor, "returned", StepReturn, "returned on "+a.ReturnedOn)
	// Every office that approved records the return.
	var approvers []Party
	for _, st := range w.steps {
		for _, d := range st.Decisions {
			if d.Decision == "approve" {
				approvers = appendParty(approvers, PartyFromKey(d.Party))
			}
		}
	}
	w.notify(approvers, "已销假：「"+w.subject()+"」于 "+a.ReturnedOn+" 返岗")
	if a.NotTaken {
		// Not taken: nothing is left to file, the leave ends here.
		for _, st := range w.openSteps() {
			told := append([]Party(nil), st.WaitingOn...)
			st.Decisions = append(st.Decisions, decisionOf(a.Actor, "not_taken", a.ReturnedOn, now))
			st.WaitingOn = []Party{}
			w.close(ctx, st)
			w.notify(told, "请假未休：「"+w.subject()+"」开始当天即已销假，无需再备案")
		}
	}
	return w.detail(), w.save(ctx)
}

func (w *leaveWorkflow) validateCancel(ctx workflow.Context, a ActorArgs) error {
	if !w.isMember(a.Actor) {
		return forbidden(errs.MsgLeaveCancelOwn)
	}
	if w.leave.Status != LeaveApproved {
		return conflict(errs.MsgLeaveCancelApproved, errs.StatusName(w.leave.Status))
	}
	if !chinaNow(ctx).Before(w.in.StartAt) {
		return conflict(errs.MsgLeaveCancelStarted, w.leave.StartDate)
	}
	return nil
}

// cancel is the member's 撤销 of an approved leave before it starts: every
// open step closes, the offices that approved it or have it on file are
// told, and its dates are free again (the read model's period is no
// longer approved).
func (w *leaveWorkflow) cancel(ctx workflow.Context, a ActorArgs) (Leave, error) {
	now := chinaNow(ctx)
	if w.pendingExt != nil {
		w.leave.Extensions[len(w.leave.Extensions)-1].Status = "cancelled"
		w.pendingExt = nil
	}
	var told []Party
	for i := range w.steps {
		s := &w.steps[i]
		for _, d := range s.Decisions {
			if p := PartyFromKey(d.Party); p.Role != policy.RoleMember {
				told = appendParty(told, p)
			}
		}
		for _, p := range s.WaitingOn {
			if p.Role != policy.RoleMember {
				told = appendParty(told, p)
			}
		}
		if s.Open() {
			s.Decisions = append(s.Decisions, decisionOf(a.Actor, "cancelled", a.Comment, now))
			s.WaitingOn = []Party{}
			w.close(ctx, s)
		}
	}
	w.leave.Status = LeaveCancelled
	w.leave.CancelledAt, w.leave.CancelReason = ptr(now), a.Comment
	w.event(ctx, a.Actor, "cancelled", "", a.Comment)
	w.notify(told, "请假已撤销：「"+w.subject()+"」（"+a.Comment+"），原定日期不再占用")
	return w.detail(), w.save(ctx)
}

// validateRemind: only an office a silent step was escalated to may
// remind (催办); it never decides.
func (w *leaveWorkflow) validateRemind(ctx workflow.Context, a ActorArgs) error {
	for _, s := range w.openSteps() {
		if s.escalatedTo(a.Actor.Party) {
			return nil
		}
	}
	return forbidden(errs.MsgLeaveRemindEscalated)
}

// remind is an escalated office's 催办: the silent parties are told again,
// in its name.
func (w *leaveWorkflow) remind(ctx workflow.Context, a ActorArgs) (Leave, error) {
	for _, s := range w.openSteps() {
		if !s.escalatedTo(a.Actor.Party) {
			continue
		}
		w.event(ctx, a.Actor, "urged", s.Name, a.Comment)
		text := "催办：「" + w.subject() + "」" + StepTitle(s.Name) + "等待您处理（" + a.Actor.Name + "督办）"
		if a.Comment != "" {
			text += "：" + a.Comment
		}
		w.notify(s.WaitingOn, text)
	}
	return w.detail(), w.save(ctx)
}

// save records the current state, stamping the close once the leave is done.
func (w *leaveWorkflow) save(ctx workflow.Context) error {
	if w.done() && w.closedAt == nil {
		w.closedAt = ptr(chinaNow(ctx))
	}
	return w.record(ctx, w.leave.Status, w.detail())
}
