package workflows

// The month's circulation (通报, article 18): drafted from the counties'
// monthly absence reports once they are due, reviewed and issued by the
// city bureau. One workflow per city and month, started by a scheduled
// job with the draft in its input, so the draft a history replays is the
// one the bureau reviewed.

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
	"zhucun/policy"
)

// KindCirculation is the circulation's kind in the read model.
const KindCirculation = "circulation"

// Update and query names; the step.
const (
	CirculationIssue    = "issue"
	CirculationRecorded = "recorded"
	CirculationQuery    = "circulation"
	StepIssue           = "issue"
)

// JobCirculation is the scheduled job that drafts the month's circulation
// and opens the interviews the yearly tallies call for (activities).
const JobCirculation = "accountability-circulation"

// Circulation statuses; a county's report standing in it.
const (
	CirculationDrafted = "drafted"
	CirculationIssued  = "issued"
	CountyReportedLate = "late"
	CountyNotReported  = "not_reported"
)

// CirculationWorkflowID is the business key of a city's circulation for
// month "YYYY-MM".
func CirculationWorkflowID(city, month string) string { return "circulation/" + city + "/" + month }

// CirculationProcessID is its read-model id, derived from the workflow ID.
func CirculationProcessID(city, month string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(CirculationWorkflowID(city, month))).String()
}

// CirculationItem is one absence the circulation names: the member, where
// they serve, and how their explanation stood (ItemOnTime, ItemLate,
// ItemMissing).
type CirculationItem struct {
	AbsenceID   string    `json:"absence_id"`
	MemberID    string    `json:"member_id"`
	MemberName  string    `json:"member_name"`
	UnitID      string    `json:"unit_id"`
	UnitName    string    `json:"unit_name"`
	TeamName    string    `json:"team_name"`
	CountyID    string    `json:"county_id"`
	CountyName  string    `json:"county_name"`
	FoundAt     time.Time `json:"found_at"`
	Explanation string    `json:"explanation"`
}

// CirculationCounty is a county whose monthly report was late or never sent.
type CirculationCounty struct {
	CountyID    string     `json:"county_id"`
	CountyName  string     `json:"county_name"`
	Report      string     `json:"report"` // CountyReportedLate, CountyNotReported
	SubmittedAt *time.Time `json:"submitted_at"`
}

// CirculationInput starts a circulation: the draft and whom it concerns.
type CirculationInput struct {
	ProcessID string              `json:"process_id"`
	CityID    string              `json:"city_id"`
	Month     string              `json:"month"`
	DueAt     time.Time           `json:"due_at"`
	RemindAt  []time.Time         `json:"remind_at"`
	Bureau    Party               `json:"bureau"` // the city bureau, who issues
	Offices   []Party             `json:"offices"`
	Items     []CirculationItem   `json:"items"`
	Counties  []CirculationCounty `json:"counties"`
}

// IssueArgs is the city bureau issuing, with its foreword (按语).
type IssueArgs struct {
	Actor    Actor  `json:"actor"`
	Foreword string `json:"foreword"`
}

// Circulation is the circulation resource.
type Circulation struct {
	ID       string              `json:"id"`
	CityID   string              `json:"city_id"`
	Month    string              `json:"month"`
	Status   string              `json:"status"`
	Foreword string              `json:"foreword"`
	DueAt    time.Time           `json:"due_at"`
	Overdue  bool                `json:"overdue"`
	IssuedAt *time.Time          `json:"issued_at"`
	IssuedBy string              `json:"issued_by"`
	Items    []CirculationItem   `json:"items"`
	Counties []CirculationCounty `json:"counties"`
	Steps    []Step              `json:"steps"`
}

type circulationWorkflow struct {
	core
	in    CirculationInput
	c     Circulation
	ready bool
}

// CirculationWorkflow waits for the city bureau to issue the month's
// circulation; past its due instant it is overdue, and still issuable.
func CirculationWorkflow(ctx workflow.Context, in CirculationInput) (Circulation, error) {
	if in.ProcessID == "" || in.CityID == "" || in.Month == "" || in.Bureau.OfficeID == "" {
		return Circulation{}, invalid(errs.MsgAcctBadInput)
	}
	w := &circulationWorkflow{in: in}
	w.hdr = Snapshot{ProcessID: in.ProcessID, WorkflowID: CirculationWorkflowID(in.CityID, in.Month),
		Kind: KindCirculation, Subject: in.Month, OpenedAt: chinaNow(ctx)}
	w.watchers = append([]Party{}, in.Offices...)
	w.c = Circulation{ID: in.ProcessID, CityID: in.CityID, Month: in.Month, Status: CirculationDrafted,
		DueAt: in.DueAt.In(cst), Items: nonNil(in.Items), Counties: nonNil(in.Counties)}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, CirculationIssue, w.issue,
		workflow.UpdateHandlerOptions{Validator: w.validateIssue}); err != nil {
		return Circulation{}, err
	}
	if err := workflow.SetUpdateHandler(ctx, CirculationRecorded, func(ctx workflow.Context) (Circulation, error) {
		err := workflow.Await(ctx, func() bool { return w.ready })
		return w.detail(), err
	}); err != nil {
		return Circulation{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Circulation{}, err
	}
	if err := workflow.SetQueryHandler(ctx, CirculationQuery, func() (Circulation, error) { return w.detail(), nil }); err != nil {
		return Circulation{}, err
	}
	due := in.DueAt
	w.event(ctx, system, "drafted", StepIssue, fmt.Sprintf("%d", len(in.Items)))
	w.open(ctx, StepIssue, []Party{in.Bureau}, stepTimers{Due: &due, RemindAt: in.RemindAt})
	if err := w.save(ctx); err != nil {
		return Circulation{}, err
	}
	w.ready = true
	if err := w.waitLoop(ctx, w.subject(), func() bool { return w.c.Status == CirculationIssued }, w.save); err != nil {
		return Circulation{}, err
	}
	return w.detail(), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (w *circulationWorkflow) subject() string {
	return w.in.Month + " 驻村工作队缺岗情况通报"
}

func (w *circulationWorkflow) detail() Circulation {
	c := w.c
	c.Steps = w.publishedSteps()
	c.Overdue = w.overdue()
	return c
}

func (w *circulationWorkflow) validateIssue(ctx workflow.Context, a IssueArgs) error {
	if a.Actor.Party.Key() != w.in.Bureau.Key() {
		return forbidden(errs.MsgCirculationCityOnly)
	}
	if w.c.Status == CirculationIssued {
		return conflict(errs.MsgCirculationIssued)
	}
	return nil
}

// issue sends the circulation to every county office, and tells each named
// member and the head of their unit.
func (w *circulationWorkflow) issue(ctx workflow.Context, a IssueArgs) (Circulation, error) {
	if err := workflow.Await(ctx, func() bool { return w.ready }); err != nil {
		return Circulation{}, err
	}
	if w.c.Status == CirculationIssued {
		return w.detail(), conflict(errs.MsgCirculationIssued)
	}
	now := chinaNow(ctx)
	s := w.step(StepIssue)
	s.Decisions = append(s.Decisions, decisionOf(a.Actor, "issued", a.Foreword, now))
	w.close(ctx, s)
	w.c.Status, w.c.Foreword, w.c.IssuedAt, w.c.IssuedBy = CirculationIssued, trimmed(a.Foreword), ptr(now), a.Actor.Name
	w.closedAt = ptr(now)
	w.event(ctx, a.Actor, "issued", StepIssue, a.Foreword)
	w.notify(w.in.Offices, "已印发：「"+w.subject()+"」，请下载查阅")
	var named []Party
	for _, it := range w.c.Items {
		named = appendParty(named, Party{Role: policy.RoleMember, MemberID: it.MemberID})
		named = appendParty(named, Party{Role: policy.RoleUnitHead, UnitID: it.UnitID})
	}
	w.notify(named, "通报：「"+w.subject()+"」点名了您或您单位的驻村队员，请查阅")
	return w.detail(), w.save(ctx)
}

func (w *circulationWorkflow) save(ctx workflow.Context) error {
	return w.record(ctx, w.c.Status, w.detail())
}
