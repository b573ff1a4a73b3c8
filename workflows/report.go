package workflows

import (
	"zhucun/errs"

	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"zhucun/policy"
)

// The county's monthly absence report (article 18): every absence of a
// cycle with its state, compiled as the absences change, and sent by the
// county bureau to the city offices before the 25th. One workflow per
// county and cycle month, started by the first absence (SignalWithStart)
// or by the bureau submitting a report with nothing in it.

// Update, query and signal names.
const (
	ReportSubmit = "submit"
	ReportQuery  = "report"
	// ReportSignalAbsence carries a ReportItemSignal.
	ReportSignalAbsence = "absence"
)

// StepSubmission waits on the county bureau to send the report.
const StepSubmission = "submission"

// Report and item statuses.
const (
	ReportOpen      = "open"
	ReportSubmitted = "submitted"
	ItemOnTime      = "on_time"
	ItemLate        = "late"
	ItemMissing     = "missing"
)

// ReportLinger is how long a submitted report keeps listening (to forward
// late explanations) before it may end once nothing is pending. A change
// after it ended still reaches the next report: the ReportAbsence activity
// skips a closed report.
const ReportLinger = 72 * time.Hour

// ReportWorkflowID is the business key of a county's monthly report.
func ReportWorkflowID(county, month string) string {
	return "monthly-report/" + county + "/" + month
}

// ReportProcessID is the report's read-model id, derived from its
// workflow ID so every starter agrees on it.
func ReportProcessID(county, month string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(ReportWorkflowID(county, month))).String()
}

// NextCycle is the month after "YYYY-MM" ("2026-12" → "2027-01").
func NextCycle(month string) (string, error) {
	y, m, err := policy.ParseCycle(month)
	if err != nil {
		return "", err
	}
	next := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	return policy.CycleKey(next.Year(), next.Month()), nil
}

// ReportOffices are the offices a county's report involves, as the store
// reads them.
type ReportOffices struct {
	CountyID      string
	CountyName    string
	OrgDeptID     string
	BureauID      string
	CityOrgDeptID string
	CityBureauID  string
}

// ReportInput starts a county's monthly report.
type ReportInput struct {
	ProcessID     string      `json:"process_id"`
	CountyID      string      `json:"county_id"`
	CountyName    string      `json:"county_name"`
	Month         string      `json:"month"`
	DueAt         time.Time   `json:"due_at"`
	RemindAt      []time.Time `json:"remind_at"`
	PolicyVersion string      `json:"policy_version"`
	Bureau        Party       `json:"bureau"`
	OrgDept       Party       `json:"org_dept"`
	CityOffices   []Party     `json:"city_offices"`
	// OpensAt: the report may be submitted once its cycle has closed
	// (zero in reports from before issue 17: any time).
	OpensAt time.Time `json:"opens_at,omitempty"`
}

// NewReportInput computes a report's input from the county's offices and
// the policy in force, the same way for every starter.
func NewReportInput(o ReportOffices, month string, pol policy.Policy) (ReportInput, error) {
	y, m, err := policy.ParseCycle(month)
	if err != nil {
		return ReportInput{}, err
	}
	due := policy.ExplanationDue(pol.Rules.Absence, y, m)
	return ReportInput{
		OpensAt:   policy.ReportOpens(pol.Rules.Absence, y, m),
		ProcessID: ReportProcessID(o.CountyID, month), CountyID: o.CountyID, CountyName: o.CountyName,
		Month: month, DueAt: due, RemindAt: policy.RemindersBefore(due, pol.Rules.Absence.RemindBefore),
		PolicyVersion: pol.Ref(),
		Bureau:        Party{Role: policy.RoleCountyBureau, OfficeID: o.BureauID},
		OrgDept:       Party{Role: policy.RoleCountyOrgDept, OfficeID: o.OrgDeptID},
		CityOffices: []Party{
			{Role: policy.RoleCityOrgDept, OfficeID: o.CityOrgDeptID},
			{Role: policy.RoleCityBureau, OfficeID: o.CityBureauID},
		},
	}, nil
}

// ReportItem is one absence in a report. Status is live while the report
// is open and frozen when it is submitted; AbsenceStatus keeps following
// the absence.
type ReportItem struct {
	AbsenceID     string     `json:"absence_id"`
	MemberID      string     `json:"member_id"`
	MemberName    string     `json:"member_name"`
	Status        string     `json:"status"`
	AbsenceStatus string     `json:"absence_status"`
	SignedAt      *time.Time `json:"signed_at"`
	Late          bool       `json:"late"`
	CarriedFrom   string     `json:"carried_from"`
	CarriedTo     string     `json:"carried_to,omitempty"`
}

// AbsenceReport is the report resource, kept by the workflow.
type AbsenceReport struct {
	ID            string       `json:"id"`
	CountyID      string       `json:"county_id"`
	CountyName    string       `json:"county_name"`
	Month         string       `json:"month"`
	Status        string       `json:"status"`
	OpensAt       *time.Time   `json:"opens_at,omitempty"`
	DueAt         time.Time    `json:"due_at"`
	Overdue       bool         `json:"overdue"`
	SubmittedAt   *time.Time   `json:"submitted_at"`
	SubmittedBy   string       `json:"submitted_by"`
	PolicyVersion string       `json:"policy_version"`
	Items         []ReportItem `json:"items"`
	Steps         []Step       `json:"steps"`
}

// classify: signed in time, signed late (after the due instant, or after
// its own report was sent and so carried here), or not signed.
func classify(it ReportItem) string {
	switch {
	case it.AbsenceStatus != AbsenceSigned:
		return ItemMissing
	case it.Late || it.CarriedFrom != "":
		return ItemLate
	}
	return ItemOnTime
}

type reportWorkflow struct {
	core
	in       ReportInput
	rep      AbsenceReport
	ready    bool
	lingered bool
	busy     bool // a signal is being handled (maybe forwarded)
	signals  workflow.ReceiveChannel
}

// ReportWorkflow runs one county's report for one cycle month.
func ReportWorkflow(ctx workflow.Context, in ReportInput) (AbsenceReport, error) {
	if in.ProcessID == "" || in.CountyID == "" || in.Month == "" || in.Bureau.OfficeID == "" {
		return AbsenceReport{}, invalid(errs.MsgReportBadInput)
	}
	w := &reportWorkflow{in: in, signals: workflow.GetSignalChannel(ctx, ReportSignalAbsence)}
	w.hdr = Snapshot{
		ProcessID: in.ProcessID, WorkflowID: ReportWorkflowID(in.CountyID, in.Month), Kind: KindAbsenceReport,
		Subject: in.CountyID, CountyID: in.CountyID, OpenedAt: chinaNow(ctx),
	}
	w.watchers = []Party{in.OrgDept}
	w.rep = AbsenceReport{
		ID: in.ProcessID, CountyID: in.CountyID, CountyName: in.CountyName, Month: in.Month,
		Status: ReportOpen, DueAt: in.DueAt.In(cst), PolicyVersion: in.PolicyVersion, Items: []ReportItem{},
	}
	if !in.OpensAt.IsZero() {
		w.rep.OpensAt = ptr(in.OpensAt.In(cst))
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, ReportSubmit, w.submit,
		workflow.UpdateHandlerOptions{Validator: w.validateSubmit}); err != nil {
		return AbsenceReport{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return AbsenceReport{}, err
	}
	if err := workflow.SetQueryHandler(ctx, ReportQuery, func() (AbsenceReport, error) { return w.detail(), nil }); err != nil {
		return AbsenceReport{}, err
	}
	return w.run(ctx)
}

func (w *reportWorkflow) subject() string {
	return fmt.Sprintf("%s %s 缺岗情况说明月度汇总", w.in.CountyName, w.in.Month)
}

func (w *reportWorkflow) run(ctx workflow.Context) (AbsenceReport, error) {
	due := w.in.DueAt
	w.event(ctx, system, "opened", StepSubmission, "")
	w.open(ctx, StepSubmission, []Party{w.in.Bureau}, stepTimers{Due: &due, RemindAt: w.in.RemindAt})
	if err := w.save(ctx); err != nil {
		return AbsenceReport{}, err
	}
	w.ready = true
	workflow.Go(ctx, w.receive)
	if err := w.waitLoop(ctx, w.subject(), w.done, w.save); err != nil {
		return AbsenceReport{}, err
	}
	return w.detail(), nil
}

// done: submitted, lingered, nothing left that could still be signed late,
// and no signal waiting or in hand.
func (w *reportWorkflow) done() bool {
	if w.rep.Status != ReportSubmitted || !w.lingered || w.busy || w.signals.Len() > 0 {
		return false
	}
	for _, it := range w.rep.Items {
		if it.AbsenceStatus != AbsenceSigned && it.AbsenceStatus != AbsenceClosed {
			return false
		}
	}
	return true
}

func (w *reportWorkflow) detail() AbsenceReport {
	r := w.rep
	r.Items = append([]ReportItem{}, w.rep.Items...)
	r.Steps = w.publishedSteps()
	r.Overdue = w.overdue()
	return r
}

// receive handles the absences' signals one at a time, in arrival order.
func (w *reportWorkflow) receive(ctx workflow.Context) {
	for {
		var sig ReportItemSignal
		w.signals.Receive(ctx, &sig)
		w.busy = true
		err := w.onAbsence(ctx, sig)
		w.busy = false
		w.changed++
		if err != nil {
			return // cancelled
		}
	}
}

func (w *reportWorkflow) item(absenceID string) *ReportItem {
	for i := range w.rep.Items {
		if w.rep.Items[i].AbsenceID == absenceID {
			return &w.rep.Items[i]
		}
	}
	return nil
}

// onAbsence files an absence's new state: live while open; once sent,
// a late signature (or an absence new to this month) goes to the next
// month's report, marked as carried from this one.
func (w *reportWorkflow) onAbsence(ctx workflow.Context, sig ReportItemSignal) error {
	it := w.item(sig.AbsenceID)
	if sig.Status == AbsenceVoided {
		// Recorded wrongly: it leaves the report, sent or not, and is
		// carried nowhere.
		if it != nil {
			w.removeItem(sig.AbsenceID)
			w.event(ctx, system, "absence_voided", StepSubmission, sig.MemberName)
			return w.save(ctx)
		}
		return nil
	}
	if w.rep.Status == ReportOpen {
		if it == nil {
			w.rep.Items = append(w.rep.Items, ReportItem{AbsenceID: sig.AbsenceID, CarriedFrom: sig.CarriedFrom})
			it = &w.rep.Items[len(w.rep.Items)-1]
		}
		it.MemberID, it.MemberName = sig.MemberID, sig.MemberName
		it.AbsenceStatus, it.SignedAt, it.Late = sig.Status, sig.SignedAt, sig.Late
		it.Status = classify(*it)
		w.event(ctx, system, "absence_"+sig.Status, StepSubmission, sig.MemberName)
		return w.save(ctx)
	}
	carriedFrom := sig.CarriedFrom
	if it != nil {
		it.AbsenceStatus, it.SignedAt, it.Late = sig.Status, sig.SignedAt, sig.Late
		if it.Status != ItemMissing || sig.Status != AbsenceSigned {
			return w.save(ctx) // nothing to carry: settled already, or still unsigned
		}
		if it.CarriedFrom != "" {
			carriedFrom = it.CarriedFrom
		}
	}
	if carriedFrom == "" {
		carriedFrom = w.in.Month
	}
	return w.forward(ctx, it, sig, carriedFrom)
}

func (w *reportWorkflow) removeItem(absenceID string) {
	kept := w.rep.Items[:0]
	for _, it := range w.rep.Items {
		if it.AbsenceID != absenceID {
			kept = append(kept, it)
		}
	}
	w.rep.Items = kept
}

func (w *reportWorkflow) forward(ctx workflow.Context, it *ReportItem, sig ReportItemSignal, carriedFrom string) error {
	next, err := NextCycle(w.in.Month)
	if err != nil {
		return err
	}
	sig.CarriedFrom = carriedFrom
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, RetryPolicy: recordRetry,
	})
	var landed string
	args := ReportAbsenceArgs{CountyID: w.in.CountyID, Month: next, Item: sig}
	if err := workflow.ExecuteActivity(actx, ActivityReportAbsence, args).Get(ctx, &landed); err != nil {
		return err
	}
	if it != nil {
		it.CarriedTo = landed
	}
	w.event(ctx, system, "carried", "", sig.MemberName+" → "+landed)
	return w.save(ctx)
}

func (w *reportWorkflow) validateSubmit(ctx workflow.Context, a ActorArgs) error {
	if a.Actor.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgReportBureauOnly, w.in.CountyID)
	}
	if w.rep.Status == ReportSubmitted {
		return conflict(errs.MsgReportSubmitted)
	}
	if !w.in.OpensAt.IsZero() && chinaNow(ctx).Before(w.in.OpensAt) {
		return conflict(errs.MsgReportNotOpen, w.in.Month, w.in.OpensAt.In(cst).Format("2006-01-02"))
	}
	return nil
}

func (w *reportWorkflow) submit(ctx workflow.Context, a ActorArgs) (AbsenceReport, error) {
	// Submitted together with the start: let run open the step first.
	if err := workflow.Await(ctx, func() bool { return w.ready }); err != nil {
		return AbsenceReport{}, err
	}
	if w.rep.Status == ReportSubmitted { // a twin accepted while waiting
		return w.detail(), conflict(errs.MsgReportSubmitted)
	}
	now := chinaNow(ctx)
	for i := range w.rep.Items {
		w.rep.Items[i].Status = classify(w.rep.Items[i])
	}
	s := w.step(StepSubmission)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "submitted", a.Comment, now))
	w.close(ctx, s)
	w.rep.Status, w.rep.SubmittedAt, w.rep.SubmittedBy = ReportSubmitted, ptr(now), a.Actor.Name
	w.event(ctx, a.Actor, "submitted", StepSubmission, a.Comment)
	for _, p := range w.in.CityOffices {
		w.watchers = appendParty(w.watchers, p)
	}
	w.notify(w.in.CityOffices, "已报送：「"+w.subject()+"」")
	workflow.Go(ctx, func(ctx workflow.Context) {
		if workflow.Sleep(ctx, ReportLinger) == nil {
			w.lingered = true
			w.changed++
		}
	})
	return w.detail(), w.save(ctx)
}

// save records the current state; a sent report waits on no one, so it is
// closed in the read model from then on.
func (w *reportWorkflow) save(ctx workflow.Context) error {
	if w.rep.Status == ReportSubmitted && w.closedAt == nil {
		w.closedAt = w.rep.SubmittedAt
	}
	return w.record(ctx, w.rep.Status, w.detail())
}
