package activities

// The accountability job (articles 18 and 20): once the month's reports
// are due, draft each city's circulation and open the interviews the
// yearly tallies call for. And the recall's question to the ledger.
//
// Why the interviews' threshold is checked here, and not when an absence
// is recorded: a missing explanation only exists once its deadline (the
// 25th) has passed, and this job runs just after it; checking both counts
// at one moment, over the same absences the circulation names, keeps the
// tally and the circulation in agreement. The workflow ID (member, report
// year, threshold) makes a repeated run, or a later month's, open nothing
// twice.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func init() { RegisterJob(workflows.JobCirculation, (*Activities).CirculationJob) }

func (a *Activities) registerAccountability(w worker.Registry) {
	w.RegisterActivityWithOptions(a.ReplacementOf, activity.RegisterOptions{Name: workflows.ActivityReplacementOf})
}

// ReplacementOf asks the ledger who joined a recalled member's team.
func (a *Activities) ReplacementOf(ctx context.Context, args workflows.ReplacementArgs) (workflows.Replacement, error) {
	return store.New(a.Pool).ReplacementOf(ctx, args)
}

// CirculationJob drafts the circulation of the report month of at (the
// month whose reports fell due on the 25th) for every city, and opens the
// interviews the tallies up to that month call for. Idempotent.
func (a *Activities) CirculationJob(ctx context.Context, at time.Time) error {
	if a.Temporal == nil {
		return errors.New("circulation job: no Temporal client")
	}
	st := store.New(a.Pool)
	cities, err := st.CityIDs(ctx)
	if err != nil {
		return err
	}
	month := policy.CycleKey(at.In(policy.China).Year(), at.In(policy.China).Month())
	for _, city := range cities {
		if err := a.draftCirculation(ctx, st, city, month, at); err != nil {
			return err
		}
		if err := a.openThresholdInterviews(ctx, st, city, month, at); err != nil {
			return err
		}
	}
	return nil
}

func (a *Activities) draftCirculation(ctx context.Context, st *store.Store, city, month string, at time.Time) error {
	in, err := CirculationDraft(ctx, st, city, month, at)
	if err != nil {
		return err
	}
	return a.startOnce(ctx, workflows.CirculationWorkflowID(city, month), workflows.CirculationWorkflow, in)
}

// CirculationDraft builds a city's circulation for month from the
// absences and the counties' monthly reports as they stand.
func CirculationDraft(ctx context.Context, st *store.Store, city, month string, at time.Time) (workflows.CirculationInput, error) {
	var in workflows.CirculationInput
	pol, err := st.CurrentPolicy(ctx, policy.CityScope)
	if err != nil {
		return in, err
	}
	offices, err := st.CityOffices(ctx, city)
	if err != nil {
		return in, err
	}
	var bureau workflows.Party
	var parties []workflows.Party
	for _, o := range offices {
		p := workflows.Party{Role: o.Role, OfficeID: o.ID}
		switch {
		case o.CountyID != "":
			parties = append(parties, p)
		case o.Role == policy.RoleCityBureau && bureau.OfficeID == "":
			bureau = p
		}
	}
	items, err := st.CirculationItems(ctx, city, month)
	if err != nil {
		return in, err
	}
	counties, err := lateCounties(ctx, st, city, month)
	if err != nil {
		return in, err
	}
	return workflows.NewCirculationInput(city, month, at, pol.Rules.Accountability, bureau, parties, items, counties), nil
}

// lateCounties are the counties whose report for month was sent late or
// not at all, as its read model says.
func lateCounties(ctx context.Context, st *store.Store, city, month string) ([]workflows.CirculationCounty, error) {
	counties, err := st.CityCounties(ctx, city)
	if err != nil {
		return nil, err
	}
	out := []workflows.CirculationCounty{}
	for _, c := range counties {
		var rep workflows.AbsenceReport
		p, err := st.GetProcess(ctx, workflows.ReportProcessID(c.ID, month))
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if err := json.Unmarshal(p.Detail, &rep); err != nil {
				return nil, fmt.Errorf("report %s %s: %w", c.ID, month, err)
			}
		}
		cc := workflows.CirculationCounty{CountyID: c.ID, CountyName: c.Name, SubmittedAt: rep.SubmittedAt}
		switch {
		case rep.SubmittedAt == nil:
			cc.Report = workflows.CountyNotReported
		case rep.SubmittedAt.After(rep.DueAt):
			cc.Report = workflows.CountyReportedLate
		default:
			continue
		}
		out = append(out, cc)
	}
	return out, nil
}

// openThresholdInterviews opens an interview for each member whose tally
// of the report year, up to month, reached a threshold of their county.
func (a *Activities) openThresholdInterviews(ctx context.Context, st *store.Store, city, month string, at time.Time) error {
	year, _, err := policy.ParseCycle(month)
	if err != nil {
		return err
	}
	tallies, err := st.YearTallies(ctx, city, year, month)
	if err != nil {
		return err
	}
	for _, t := range tallies {
		pol, err := st.CurrentPolicy(ctx, t.CountyID)
		if err != nil {
			return err
		}
		offices, err := st.CountyOffices(ctx, t.CountyID)
		if err != nil {
			return err
		}
		for _, trig := range policy.InterviewTriggers(pol.Rules.Accountability.InterviewAfter, t.Absences, t.Missing) {
			n := t.Absences
			if trig == workflows.TriggerMissing {
				n = t.Missing
			}
			wid := workflows.InterviewWorkflowID(t.MemberID, year, trig)
			in := workflows.NewInterviewInput(wid, workflows.InterviewParties{CountyID: t.CountyID, BureauID: offices.BureauID,
				UnitID: t.UnitID, UnitName: t.UnitName, Principal: t.Principal},
				trig, workflows.ThresholdReason(trig, t.MemberName, year, n), systemActor, at, pol)
			in.Year, in.MemberID, in.MemberName = year, t.MemberID, t.MemberName
			if err := a.startOnce(ctx, wid, workflows.InterviewWorkflow, in); err != nil {
				return err
			}
		}
	}
	return nil
}

var systemActor = workflows.Actor{UserID: "system", Name: "系统", Party: workflows.Party{Role: "system"}}

// startOnce starts a workflow signed as the API signs its starts, once
// ever per ID: running or ended, a second start is no error and no process.
func (a *Activities) startOnce(ctx context.Context, wid string, wf, in any) error {
	started, err := a.Keys.StartOnce(ctx, a.Temporal, wid, wf, in)
	if err == nil && !started {
		a.logger(ctx).Debug("already started", zap.String("workflow_id", wid))
	}
	return err
}

// tellRecalls asks the recalls holding a team short to read the ledger
// now that someone joined it, rather than at their next daily look. A
// recall missed here still finds the member at that look, so a failure
// is only logged.
func (a *Activities) tellRecalls(ctx context.Context, c workflows.RosterLedgerChange) {
	if a.Temporal == nil || (c.Change != workflows.ChangeJoin && c.Change != workflows.ChangeReplace) {
		return
	}
	ids, err := store.New(a.Pool).OpenRecalls(ctx, c.TeamID)
	for _, id := range ids {
		if err == nil {
			err = a.Temporal.SignalWorkflow(ctx, id, "", workflows.RecallSignalCheck, nil)
		}
	}
	if err != nil {
		a.logger(ctx).Warn("recalls not told of a join", zap.String("team", c.TeamID), zap.Error(err))
	}
}
