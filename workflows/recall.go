package workflows

// The recall (召回, article 20) of a member unfit for the work: the
// dispatching unit's head (or the county bureau) records the reason, the
// action opens the roster change that takes the member off the team, and
// this workflow holds the team short until someone new joins it, due
// within the county's days. Whether someone joined is the roster
// ledger's to say: the workflow asks it (an activity) once a day and
// whenever the roster tells it a change was applied to the team.

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
)

// KindRecall is the recall's kind in the read model.
const KindRecall = "recall"

// Names: the step, the update answering the first record, the signal
// that asks for a check now, the activity that checks.
const (
	StepReplacement       = "replacement"
	RecallRecorded        = "recorded"
	RecallSignalCheck     = "check"
	ActivityReplacementOf = "ReplacementOf"
)

// Recall statuses.
const (
	RecallShort    = "short"
	RecallReplaced = "replaced"
)

// RecallCheckEvery is how often a short team's roster is read again.
const RecallCheckEvery = 24 * time.Hour

// RecallWorkflowID is a recall's key: the roster change it opened.
func RecallWorkflowID(rosterChangeID string) string { return "recall/" + rosterChangeID }

// RecallInput starts a recall.
type RecallInput struct {
	ProcessID      string      `json:"process_id"`
	RosterChangeID string      `json:"roster_change_id"`
	MemberID       string      `json:"member_id"`
	MemberName     string      `json:"member_name"`
	UnitID         string      `json:"unit_id"`
	UnitName       string      `json:"unit_name"`
	TeamID         string      `json:"team_id"`
	TeamName       string      `json:"team_name"`
	TownshipID     string      `json:"township_id"`
	CountyID       string      `json:"county_id"`
	Reason         string      `json:"reason"`
	RecalledOn     string      `json:"recalled_on"` // YYYY-MM-DD, the member's last day on the team
	By             Actor       `json:"by"`
	DueAt          time.Time   `json:"due_at"`
	RemindAt       []time.Time `json:"remind_at"`
	PolicyVersion  string      `json:"policy_version"`
	Bureau         Party       `json:"bureau"`
	UnitHead       Party       `json:"unit_head"`
}

// ReplacementArgs asks the ledger who joined TeamID after Since other
// than the recalled member.
type ReplacementArgs struct {
	TeamID   string `json:"team_id"`
	MemberID string `json:"member_id"`
	Since    string `json:"since"`
}

// Replacement is who joined, if anyone ("" MemberID: no one yet).
type Replacement struct {
	MemberID   string `json:"member_id"`
	MemberName string `json:"member_name"`
	JoinedOn   string `json:"joined_on"`
}

// Recall is the recall resource. TeamShort flags the team while no one
// has joined in the member's place.
type Recall struct {
	ID             string       `json:"id"`
	RosterChangeID string       `json:"roster_change_id"`
	MemberID       string       `json:"member_id"`
	MemberName     string       `json:"member_name"`
	UnitID         string       `json:"unit_id"`
	UnitName       string       `json:"unit_name"`
	TeamID         string       `json:"team_id"`
	TeamName       string       `json:"team_name"`
	CountyID       string       `json:"county_id"`
	Reason         string       `json:"reason"`
	RecalledOn     string       `json:"recalled_on"`
	RecalledBy     string       `json:"recalled_by"`
	Status         string       `json:"status"`
	TeamShort      bool         `json:"team_short"`
	DueAt          time.Time    `json:"due_at"`
	Overdue        bool         `json:"overdue"`
	Replacement    *Replacement `json:"replacement"`
	ReplacedLate   bool         `json:"replaced_late"`
	PolicyVersion  string       `json:"policy_version"`
	Steps          []Step       `json:"steps"`
}

type recallWorkflow struct {
	core
	in    RecallInput
	rc    Recall
	ready bool
	busy  bool // the replacement is being recorded
}

// RecallWorkflow holds the team short until a replacement joins.
func RecallWorkflow(ctx workflow.Context, in RecallInput) (Recall, error) {
	if in.ProcessID == "" || in.TeamID == "" || in.MemberID == "" || in.CountyID == "" || in.Bureau.OfficeID == "" {
		return Recall{}, invalid(errs.MsgAcctBadInput)
	}
	w := &recallWorkflow{in: in}
	w.stepIDs = true
	w.hdr = Snapshot{ProcessID: in.ProcessID, WorkflowID: RecallWorkflowID(in.RosterChangeID), Kind: KindRecall,
		Subject: in.MemberID, MemberID: in.MemberID, CountyID: in.CountyID, TownshipID: in.TownshipID,
		UnitID: in.UnitID, OpenedAt: chinaNow(ctx)}
	w.watchers = []Party{in.Bureau}
	w.rc = Recall{ID: in.ProcessID, RosterChangeID: in.RosterChangeID, MemberID: in.MemberID, MemberName: in.MemberName,
		UnitID: in.UnitID, UnitName: in.UnitName, TeamID: in.TeamID, TeamName: in.TeamName, CountyID: in.CountyID,
		Reason: in.Reason, RecalledOn: in.RecalledOn, RecalledBy: in.By.Name, Status: RecallShort, TeamShort: true,
		DueAt: in.DueAt.In(cst), PolicyVersion: in.PolicyVersion}
	if err := workflow.SetUpdateHandler(ctx, RecallRecorded, func(ctx workflow.Context) (Recall, error) {
		err := workflow.Await(ctx, func() bool { return w.ready })
		return w.detail(), err
	}); err != nil {
		return Recall{}, err
	}
	if err := w.registerUrge(ctx, w.subject, w.save); err != nil {
		return Recall{}, err
	}
	due := in.DueAt
	w.event(ctx, in.By, "recalled", StepReplacement, in.Reason)
	w.open(ctx, StepReplacement, []Party{in.UnitHead}, stepTimers{Due: &due, RemindAt: in.RemindAt})
	w.notify([]Party{in.UnitHead, in.Bureau}, "召回：「"+w.subject()+"」，工作队缺员，请按期补充队员")
	if err := w.save(ctx); err != nil {
		return Recall{}, err
	}
	w.ready = true
	workflow.Go(ctx, w.watchRoster)
	if err := w.waitLoop(ctx, w.subject(), func() bool { return w.rc.Status == RecallReplaced && !w.busy }, w.save); err != nil {
		return Recall{}, err
	}
	return w.detail(), nil
}

func (w *recallWorkflow) subject() string {
	return w.in.TeamName + "召回" + w.in.MemberName + "后补充队员"
}

func (w *recallWorkflow) detail() Recall {
	rc := w.rc
	rc.Steps = w.publishedSteps()
	rc.Overdue = w.overdue()
	return rc
}

// watchRoster asks the ledger once a day, and at each check signal, until
// someone has joined.
func (w *recallWorkflow) watchRoster(ctx workflow.Context) {
	checks := workflow.GetSignalChannel(ctx, RecallSignalCheck)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, RetryPolicy: recordRetry,
	})
	args := ReplacementArgs{TeamID: w.in.TeamID, MemberID: w.in.MemberID, Since: w.in.RecalledOn}
	for w.rc.Status != RecallReplaced {
		var r Replacement
		if err := workflow.ExecuteActivity(actx, ActivityReplacementOf, args).Get(ctx, &r); err != nil {
			return // cancelled
		}
		if r.MemberID != "" {
			w.replaced(ctx, r)
			return
		}
		timer := workflow.NewTimer(ctx, RecallCheckEvery)
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(timer, func(workflow.Future) {})
		sel.AddReceive(checks, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.Select(ctx)
		if ctx.Err() != nil {
			return
		}
	}
}

func (w *recallWorkflow) replaced(ctx workflow.Context, r Replacement) {
	w.busy = true
	defer func() { w.busy = false; w.changed++ }()
	s := w.openSteps()[0]
	w.rc.ReplacedLate = s.Overdue
	w.close(ctx, s)
	w.rc.Status, w.rc.TeamShort, w.rc.Replacement = RecallReplaced, false, &r
	w.closedAt = ptr(chinaNow(ctx))
	w.event(ctx, system, "replaced", StepReplacement, r.MemberName)
	w.notify([]Party{w.in.Bureau}, "已补充队员：「"+w.subject()+"」"+r.MemberName)
	_ = w.save(ctx) // fails only when the workflow is cancelled
}

func (w *recallWorkflow) save(ctx workflow.Context) error {
	return w.record(ctx, w.rc.Status, w.detail())
}
