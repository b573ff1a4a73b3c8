package workflows

import (
	"zhucun/errs"

	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"zhucun/policy"
)

// Roster change (动态备案, article 17): the contract shared by server and
// worker. A change to a team is filed with both county offices within the
// policy's days of its effective date; once both have acknowledged, the
// ledger (台账) is updated and the county bureau reports it to the city
// bureau. Article 8's rules are checked by the server when the change is
// recorded and carried here as flags: flagged, never refused.

// Update and query names.
const (
	RosterFile   = "file"
	RosterReport = "report"
	RosterQuery  = "roster_change"
	// RosterRecorded is sent with the start: it answers once the change is
	// in the read model, so the recorder can read it at once.
	RosterRecorded = "recorded"
)

// ActivityApplyRoster writes a filed change into the ledger, idempotently
// (keyed by the change id).
const ActivityApplyRoster = "ApplyRosterChange"

// StepReport is the county bureau reporting the updated ledger to the city.
const StepReport = "report"

// Roster change statuses.
const (
	RosterAwaitingFiling = "awaiting_filing"
	RosterFiled          = "filed"
	RosterReported       = "reported"
)

// Change kinds.
const (
	ChangeJoin    = "join"
	ChangeLeave   = "leave"
	ChangeReplace = "replace"
	ChangeLeader  = "leader"
)

// Flags: article 8 findings (flagged, not refused) and what the ledger said.
const (
	// FlagTeamBelowMin: the team is left with fewer than the policy's
	// MinTeamSize members (3 by default, hence the name clients know).
	FlagTeamBelowMin            = "team_below_3"
	FlagLeaderNotFirstSecretary = "leader_not_first_secretary"
	FlagLeftBeforeTerm          = "left_before_term"
	FlagTeamWithoutLeader       = "team_without_leader"
	// FlagLedgerConflict: the ledger changed between recording and filing
	// so the change could not be applied; a new change must correct it.
	FlagLedgerConflict = "ledger_conflict"
	// FlagBackdated: effective further back than the policy lets a county
	// record; a city office recorded it.
	FlagBackdated = "backdated"
	// FlagFiledLate: the unit recorded (filed) the change after the days
	// the rules give it.
	FlagFiledLate = "filed_late"
)

// RosterChangeWorkflowID is the business key of a roster change's workflow.
func RosterChangeWorkflowID(id string) string { return "roster-change/" + id }

// RosterFacts are the change as recorded: given when it starts, shown
// unchanged on the resource.
type RosterFacts struct {
	ID                 string `json:"id"`
	TeamID             string `json:"team_id"`
	TeamName           string `json:"team_name"`
	TownshipID         string `json:"township_id"`
	CountyID           string `json:"county_id"`
	Change             string `json:"change"`
	MemberID           string `json:"member_id"`
	MemberName         string `json:"member_name"`
	UnitID             string `json:"unit_id"`
	ReplacesMemberID   string `json:"replaces_member_id"`
	ReplacesMemberName string `json:"replaces_member_name"`
	ReplacesUnitID     string `json:"replaces_unit_id"`
	EffectiveOn        string `json:"effective_on"`
	Reason             string `json:"reason"`
}

// RosterChangeInput starts a roster change. Offices are resolved and
// deadlines computed by the server before the workflow starts.
type RosterChangeInput struct {
	RosterFacts
	// Flags and FlagNotes: article 8 findings at record time.
	Flags     []string          `json:"flags"`
	FlagNotes map[string]string `json:"flag_notes"`
	// PolicyVersion and Rules: the policy in force when recorded.
	PolicyVersion string             `json:"policy_version"`
	Rules         policy.RosterRules `json:"rules"`
	FilingOffices []Party            `json:"filing_offices"`
	// Bureau reports the ledger; CityBureau receives it.
	Bureau      Party     `json:"bureau"`
	CityBureau  Party     `json:"city_bureau"`
	FilingDueAt time.Time `json:"filing_due_at"`
	RecordedBy  Actor     `json:"recorded_by"`
	// AckDueAt: when the county offices must have acknowledged, counted
	// from the recording (their own step, tracked apart from the unit's
	// filing); zero in changes from before issue 17 (FilingDueAt).
	AckDueAt time.Time `json:"ack_due_at,omitempty"`
	// SkipRestDays and RestDays: the period rule and the calendar for the
	// ledger report's deadline, written out at recording.
	SkipRestDays bool            `json:"skip_rest_days,omitempty"`
	RestDays     policy.RestDays `json:"rest_days,omitempty"`
}

// RosterLedgerChange is what the ledger activity needs.
type RosterLedgerChange struct {
	ID               string `json:"id"`
	TeamID           string `json:"team_id"`
	Change           string `json:"change"`
	MemberID         string `json:"member_id"`
	ReplacesMemberID string `json:"replaces_member_id,omitempty"`
	EffectiveOn      string `json:"effective_on"`
}

// RosterChange is the resource the API returns, kept by the workflow.
type RosterChange struct {
	RosterFacts
	Status      string     `json:"status"`
	FilingDueAt time.Time  `json:"filing_due_at"`
	ReportDueAt *time.Time `json:"report_due_at"`
	Overdue     bool       `json:"overdue"`
	// FiledLate: the unit filed (recorded) the change after FilingDueAt.
	// AckDueAt and AcknowledgedLate: the county offices' own deadline for
	// acknowledging it, and whether they missed it.
	FiledLate        bool              `json:"filed_late"`
	AckDueAt         *time.Time        `json:"acknowledge_due_at,omitempty"`
	AcknowledgedLate bool              `json:"acknowledged_late"`
	ReportedLate     bool              `json:"reported_late"`
	Flags            []string          `json:"flags"`
	FlagNotes        map[string]string `json:"flag_notes"`
	PolicyVersion    string            `json:"policy_version"`
	Steps            []Step            `json:"steps"`
	RecordedBy       Actor             `json:"recorded_by"`
	RecordedAt       time.Time         `json:"recorded_at"`
	FiledAt          *time.Time        `json:"filed_at"`
	LedgerUpdatedAt  *time.Time        `json:"ledger_updated_at"`
	ReportedAt       *time.Time        `json:"reported_at"`
}

type rosterWorkflow struct {
	core
	recorded bool
	// ended: the ledger refused the change; nothing is left to wait for.
	ended bool
	in    RosterChangeInput
	rc    RosterChange
	// rules17: started with issue 17's rules (VersionRules17): filed on
	// time is the unit's recording; acknowledging is the offices' step.
	rules17 bool
}

// RosterChangeWorkflow runs one roster change from record to ledger report.
func RosterChangeWorkflow(ctx workflow.Context, in RosterChangeInput) (RosterChange, error) {
	v := workflow.GetVersion(ctx, VersionRules17, workflow.DefaultVersion, 1)
	w, err := newRosterWorkflow(ctx, in)
	if err != nil {
		return RosterChange{}, err
	}
	w.rules17 = v >= 1 && !in.AckDueAt.IsZero()
	return w.run(ctx)
}

func newRosterWorkflow(ctx workflow.Context, in RosterChangeInput) (*rosterWorkflow, error) {
	if in.ID == "" || in.TeamID == "" || in.MemberID == "" || len(in.FilingOffices) == 0 || in.Bureau.Role == "" {
		return nil, invalid(errs.MsgRosterBadInput)
	}
	w := &rosterWorkflow{in: in}
	w.hdr = Snapshot{
		ProcessID: in.ID, WorkflowID: RosterChangeWorkflowID(in.ID), Kind: KindRosterChange,
		Subject: in.MemberID, MemberID: in.MemberID, CountyID: in.CountyID,
		TownshipID: in.TownshipID, UnitID: in.UnitID, OpenedAt: chinaNow(ctx),
	}
	flags := append([]string{}, in.Flags...)
	notes := map[string]string{}
	//workflowcheck:ignore copying a map into an empty one: the order of the range cannot change the result
	for k, v := range in.FlagNotes {
		notes[k] = v
	}
	w.rc = RosterChange{
		RosterFacts: in.RosterFacts, Status: RosterAwaitingFiling,
		FilingDueAt: in.FilingDueAt, Flags: flags, FlagNotes: notes, PolicyVersion: in.PolicyVersion,
		RecordedBy: in.RecordedBy, RecordedAt: chinaNow(ctx),
	}
	for _, h := range []struct {
		name     string
		fn       any
		validate any
	}{
		{RosterFile, w.file, w.validateFile},
		{RosterReport, w.report, w.validateReport},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.fn, workflow.UpdateHandlerOptions{Validator: h.validate}); err != nil {
			return nil, err
		}
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return nil, err
	}
	if err := workflow.SetUpdateHandler(ctx, RosterRecorded, func(ctx workflow.Context) (RosterChange, error) {
		err := workflow.Await(ctx, func() bool { return w.recorded })
		return w.detail(), err
	}); err != nil {
		return nil, err
	}
	if err := workflow.SetQueryHandler(ctx, RosterQuery, func() (RosterChange, error) { return w.detail(), nil }); err != nil {
		return nil, err
	}
	return w, nil
}

// subject names the change in notices, e.g. "马超接替朱红（焦庄村驻村工作队，2026-11-30起）".
func (w *rosterWorkflow) subject() string {
	in := w.in
	var what string
	switch in.Change {
	case ChangeJoin:
		what = in.MemberName + "加入" + in.TeamName
	case ChangeLeave:
		what = in.MemberName + "离开" + in.TeamName
	case ChangeReplace:
		what = in.MemberName + "接替" + in.ReplacesMemberName + "（" + in.TeamName + "）"
	case ChangeLeader:
		what = in.MemberName + "任" + in.TeamName + "队长"
	default:
		what = in.TeamName + "人员变动"
	}
	return what + "，" + in.EffectiveOn + "起"
}

func (w *rosterWorkflow) run(ctx workflow.Context) (RosterChange, error) {
	w.event(ctx, w.in.RecordedBy, "recorded", StepFiling, w.in.Reason)
	due := w.in.FilingDueAt
	if w.rules17 {
		// The unit filed when it recorded; the offices' acknowledgement
		// is their own step, due from then.
		due = w.in.AckDueAt
		w.rc.AckDueAt = ptr(due.In(cst))
		w.rc.FiledLate = !w.rc.RecordedAt.Before(w.in.FilingDueAt)
	}
	w.open(ctx, StepFiling, append([]Party(nil), w.in.FilingOffices...), stepTimers{
		Due: &due, RemindAt: policy.RemindersBefore(due, w.in.Rules.RemindBefore),
	})
	w.notify(w.in.FilingOffices, "请备案：「"+w.subject()+"」")
	if err := w.save(ctx); err != nil {
		return RosterChange{}, err
	}
	w.recorded = true
	if err := w.waitLoop(ctx, w.subject(), w.done, w.save); err != nil {
		return RosterChange{}, err
	}
	return w.detail(), nil
}

// done: reported, or stopped because the ledger refused the change.
func (w *rosterWorkflow) done() bool { return w.rc.Status == RosterReported || w.ended }

func (w *rosterWorkflow) detail() RosterChange {
	rc := w.rc
	rc.Steps = w.publishedSteps()
	rc.Flags = append([]string{}, w.rc.Flags...)
	rc.Overdue = w.overdue()
	return rc
}

func (w *rosterWorkflow) save(ctx workflow.Context) error {
	if w.done() && w.closedAt == nil {
		w.closedAt = ptr(chinaNow(ctx))
	}
	return w.record(ctx, w.rc.Status, w.detail())
}

// decided reports whether party already acted at a step of that name.
func (w *rosterWorkflow) decided(step string, p Party) bool {
	for _, s := range w.steps {
		if s.Name != step {
			continue
		}
		for _, d := range s.Decisions {
			if d.Party == p.Key() {
				return true
			}
		}
	}
	return false
}

func (w *rosterWorkflow) validateFile(ctx workflow.Context, a ActorArgs) error {
	if s := w.step(StepFiling); s != nil && hasParty(s.WaitingOn, a.Actor.Party) {
		return nil
	}
	if w.decided(StepFiling, a.Actor.Party) {
		return conflict(errs.MsgFilingDone)
	}
	if hasParty(w.in.FilingOffices, a.Actor.Party) {
		return conflict(errs.MsgRosterNotFiling)
	}
	return forbidden(errs.MsgRosterNotFiledWithYou)
}

// file records one office's acknowledgement; the last one applies the
// change to the ledger before answering, so the caller reads the updated
// roster at once, then opens the report to the city.
func (w *rosterWorkflow) file(ctx workflow.Context, a ActorArgs) (RosterChange, error) {
	s := w.step(StepFiling)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: "filed", Comment: a.Comment, At: chinaNow(ctx)})
	remaining := []Party{}
	for _, p := range s.WaitingOn {
		if p.Key() != a.Actor.Party.Key() {
			remaining = append(remaining, p)
		}
	}
	s.WaitingOn = remaining
	w.event(ctx, a.Actor, "filed", StepFiling, a.Comment)
	if len(remaining) > 0 {
		return w.detail(), w.save(ctx)
	}
	w.close(ctx, s)
	now := chinaNow(ctx)
	w.rc.Status = RosterFiled
	w.rc.FiledAt = ptr(now)
	if w.rules17 {
		w.rc.AcknowledgedLate = !now.Before(w.in.AckDueAt)
	} else {
		w.rc.FiledLate = !now.Before(w.in.FilingDueAt)
	}
	if err := w.applyLedger(ctx); err != nil {
		return RosterChange{}, err
	}
	if !w.ended {
		w.openReport(ctx, now)
	}
	return w.detail(), w.save(ctx)
}

// applyLedger runs the ledger activity. Transient failures retry without
// end (the process waits, nothing is lost); a contradiction with the
// ledger ends the process with a flag, since history is never rewritten
// and a correction is a new change.
func (w *rosterWorkflow) applyLedger(ctx workflow.Context) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: recordRetry.InitialInterval, BackoffCoefficient: recordRetry.BackoffCoefficient,
			MaximumInterval: recordRetry.MaximumInterval, NonRetryableErrorTypes: []string{ErrConflict, ErrInvalid},
		},
	})
	ch := RosterLedgerChange{ID: w.in.ID, TeamID: w.in.TeamID, Change: w.in.Change, MemberID: w.in.MemberID,
		ReplacesMemberID: w.in.ReplacesMemberID, EffectiveOn: w.in.EffectiveOn}
	err := workflow.ExecuteActivity(actx, ActivityApplyRoster, ch).Get(ctx, nil)
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && (ae.Type() == ErrConflict || ae.Type() == ErrInvalid) {
		w.ended = true
		w.rc.Flags = append(w.rc.Flags, FlagLedgerConflict)
		w.rc.FlagNotes[FlagLedgerConflict] = ae.Message()
		w.event(ctx, system, "ledger_conflict", StepFiling, ae.Message())
		w.notify(appendParty([]Party{w.in.Bureau}, w.in.RecordedBy.Party), "台账未更新：「"+w.subject()+"」与台账不符："+ae.Message())
		return nil
	}
	if err != nil {
		return err
	}
	w.rc.LedgerUpdatedAt = ptr(chinaNow(ctx))
	w.event(ctx, system, "ledger_updated", StepFiling, "")
	return nil
}

func (w *rosterWorkflow) openReport(ctx workflow.Context, filedAt time.Time) {
	due := policy.RosterReportDue(w.in.Rules, filedAt)
	if w.rules17 {
		p := policy.Periods{Cal: w.in.RestDays.Calendar(), SkipRestDays: w.in.SkipRestDays}
		due = policy.RosterReportDueIn(w.in.Rules, p, filedAt)
	}
	w.rc.ReportDueAt = &due
	w.open(ctx, StepReport, []Party{w.in.Bureau}, stepTimers{
		Due: &due, RemindAt: policy.RemindersBefore(due, w.in.Rules.RemindBefore),
	})
	w.notify([]Party{w.in.Bureau}, "请上报台账：「"+w.subject()+"」已备案，台账已更新")
}

func (w *rosterWorkflow) validateReport(ctx workflow.Context, a ActorArgs) error {
	if a.Actor.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgRosterReportBureau)
	}
	switch {
	case w.step(StepReport) != nil:
		return nil
	case w.rc.Status == RosterReported:
		return conflict(errs.MsgRosterReported)
	case w.ended:
		return conflict(errs.MsgRosterLedgerConflict)
	}
	return conflict(errs.MsgRosterNotFiled)
}

func (w *rosterWorkflow) report(ctx workflow.Context, a ActorArgs) (RosterChange, error) {
	s := w.step(StepReport)
	now := chinaNow(ctx)
	s.Decisions = append(s.Decisions, Decision{By: a.Actor.UserID, ByName: a.Actor.Name, Role: a.Actor.Party.Role,
		Party: a.Actor.Party.Key(), Decision: "reported", Comment: a.Comment, At: now})
	s.WaitingOn = []Party{}
	w.close(ctx, s)
	w.rc.Status = RosterReported
	w.rc.ReportedAt = ptr(now)
	w.rc.ReportedLate = w.rc.ReportDueAt != nil && !now.Before(*w.rc.ReportDueAt)
	w.event(ctx, a.Actor, "reported", StepReport, a.Comment)
	if w.in.CityBureau.Role != "" {
		w.notify([]Party{w.in.CityBureau}, "台账更新报告：「"+w.subject()+"」")
	}
	return w.detail(), w.save(ctx)
}
