// Package obligations starts the yearly duties' processes (articles 11,
// 19, 23) and asks them to recheck when a record is entered. Both the
// scheduled job (activities) and the actions that enter records use it,
// so every start is computed and signed the same way. It holds no rules
// of its own: dates and thresholds come from the county's policy, counts
// from the store, and the processes themselves from workflows.
package obligations

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"zhucun/internal/seal"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// Starter starts and rechecks obligation processes.
type Starter struct {
	Store    *store.Store
	Temporal client.Client
	Keys     *seal.Keys // nil: unsigned (tests of the store alone)
}

// TrainingInput is a member's yearly training duty (article 11).
func TrainingInput(s store.Serving, year int, pol policy.Policy) workflows.ObligationInput {
	o := pol.Rules.Obligations
	y := strconv.Itoa(year)
	wid := workflows.ObligationWorkflowID(workflows.ObligationTraining, s.MemberID, y)
	bureau := workflows.Party{Role: policy.RoleCountyBureau, OfficeID: s.BureauID}
	return workflows.ObligationInput{
		ProcessID: workflows.ObligationProcessID(wid), Type: workflows.ObligationTraining, Period: y,
		Subject:  y + "年 教育培训 " + s.MemberName,
		MemberID: s.MemberID, UnitID: s.UnitID, TeamID: s.TeamID, CountyID: s.CountyID, TownshipID: s.TownshipID,
		Check: workflows.ObligationCheck{Type: workflows.ObligationTraining, MemberID: s.MemberID,
			From: y + "-01-01", To: y + "-12-31", MinDays: o.TrainingMinDays, MinLevel: o.TrainingMinLevel},
		DueAt: policy.YearDue(year, o.TrainingDue), RemindAt: policy.TrainingReminders(o, year),
		WaitingOn:     []workflows.Party{{Role: policy.RoleMember, MemberID: s.MemberID}, bureau},
		PolicyVersion: pol.Ref(),
	}
}

// HearingInput is a unit's half-yearly hearing of a team (article 23).
func HearingInput(s store.Serving, year, half int, pol policy.Policy) workflows.ObligationInput {
	o := pol.Rules.Obligations
	y := strconv.Itoa(year)
	period := fmt.Sprintf("%d-H%d", year, half)
	from, to := y+"-01-01", y+"-06-30"
	name := "上半年"
	if half == 2 {
		from, to, name = y+"-07-01", y+"-12-31", "下半年"
	}
	wid := workflows.ObligationWorkflowID(workflows.ObligationHearing, s.UnitID+"/"+s.TeamID, period)
	due := policy.HalfDue(o, year, half)
	return unitInput(s, pol, wid, workflows.ObligationHearing, period,
		y+"年"+name+" 听取工作队汇报 "+s.UnitName+"·"+s.TeamName,
		workflows.ObligationCheck{Type: workflows.ObligationHearing, UnitID: s.UnitID, TeamID: s.TeamID, From: from, To: to},
		due, policy.RemindersBefore(due, o.RemindBefore))
}

// VisitsInput is a unit's yearly visits to a team's village (article 23).
func VisitsInput(s store.Serving, year int, pol policy.Policy) workflows.ObligationInput {
	o := pol.Rules.Obligations
	y := strconv.Itoa(year)
	wid := workflows.ObligationWorkflowID(workflows.ObligationVisits, s.UnitID+"/"+s.TeamID, y)
	due := policy.YearDue(year, o.VisitsDue)
	return unitInput(s, pol, wid, workflows.ObligationVisits, y, y+"年 单位领导走访 "+s.UnitName+"·"+s.TeamName,
		workflows.ObligationCheck{Type: workflows.ObligationVisits, UnitID: s.UnitID, TeamID: s.TeamID,
			From: y + "-01-01", To: y + "-12-31", PrincipalVisits: o.PrincipalVisits, LeaderVisits: o.LeaderVisits},
		due, policy.RemindersBefore(due, o.RemindBefore))
}

func unitInput(s store.Serving, pol policy.Policy, wid, typ, period, subject string, c workflows.ObligationCheck, due time.Time, remind []time.Time) workflows.ObligationInput {
	return workflows.ObligationInput{
		ProcessID: workflows.ObligationProcessID(wid), Type: typ, Period: period, Subject: subject,
		UnitID: s.UnitID, TeamID: s.TeamID, CountyID: s.CountyID, TownshipID: s.TownshipID, Check: c,
		DueAt: due, RemindAt: remind,
		WaitingOn:     []workflows.Party{{Role: policy.RoleUnitHead, UnitID: s.UnitID}},
		Watchers:      []workflows.Party{{Role: policy.RoleCountyBureau, OfficeID: s.BureauID}},
		PolicyVersion: pol.Ref(),
	}
}

// AssessmentInput is a member's annual assessment (article 19).
func AssessmentInput(s store.Serving, year int, pol policy.Policy) workflows.AssessmentInput {
	o := pol.Rules.Obligations
	due := policy.YearDue(year, o.AssessmentDue)
	var before []time.Duration
	for _, d := range o.RemindBefore {
		before = append(before, d.D())
	}
	return workflows.AssessmentInput{
		ProcessID: workflows.AssessmentProcessID(s.MemberID, year), MemberID: s.MemberID, MemberName: s.MemberName,
		UnitID: s.UnitID, CountyID: s.CountyID, TownshipID: s.TownshipID, Year: year,
		ResultDue: due, ResultRemind: policy.RemindersBefore(due, o.RemindBefore),
		AckDays: o.AssessmentAckDays, RemindBefore: before,
		UnitHead:      workflows.Party{Role: policy.RoleUnitHead, UnitID: s.UnitID},
		Bureau:        workflows.Party{Role: policy.RoleCountyBureau, OfficeID: s.BureauID},
		PolicyVersion: pol.Ref(),
	}
}

// start starts wf(in) under wid unless a run of it exists or existed: a
// repeat, or a duty already met, is no error. With signal set it also
// asks a running process to recheck (SignalWithStart: a start made by it
// counts at once anyway).
func (st Starter) start(ctx context.Context, wid string, wf, in any, signal bool) error {
	if !signal {
		_, err := st.Keys.StartOnce(ctx, st.Temporal, wid, wf, in)
		return err
	}
	if st.Keys != nil {
		var err error
		if ctx, err = st.Keys.SignStart(ctx, wid, in); err != nil {
			return err
		}
	}
	opts := client.StartWorkflowOptions{
		ID: wid, TaskQueue: workflows.TaskQueue,
		// A duty met (or lapsed) stays so: never a second process for it.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}
	_, err := st.Temporal.SignalWithStartWorkflow(ctx, wid, workflows.ObligationRecheck, nil, opts, wf, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

// EnsureYear starts, for one county, every process of year that does not
// exist yet: each serving member's training and assessment, and each
// unit-and-team pair's hearings and visits. It is idempotent; it returns
// how many members it saw.
func (st Starter) EnsureYear(ctx context.Context, county string, year int, day time.Time) (int, error) {
	pol, err := st.Store.CurrentPolicy(ctx, county)
	if err != nil {
		return 0, err
	}
	serving, err := st.Store.ServingOn(ctx, county, day)
	if err != nil {
		return 0, err
	}
	pairs := map[string]bool{}
	for _, s := range serving {
		if s.BureauID == "" {
			continue
		}
		tr := TrainingInput(s, year, pol)
		if err := st.start(ctx, workflows.ObligationWorkflowID(tr.Type, s.MemberID, tr.Period), workflows.ObligationWorkflow, tr, false); err != nil {
			return 0, err
		}
		as := AssessmentInput(s, year, pol)
		if err := st.start(ctx, workflows.AssessmentWorkflowID(s.MemberID, year), workflows.AssessmentWorkflow, as, false); err != nil {
			return 0, err
		}
		if pairs[s.UnitID+"/"+s.TeamID] {
			continue
		}
		pairs[s.UnitID+"/"+s.TeamID] = true
		for _, in := range []workflows.ObligationInput{HearingInput(s, year, 1, pol), HearingInput(s, year, 2, pol), VisitsInput(s, year, pol)} {
			if in.DueAt.Before(day) {
				continue // a half year that ended before the unit came
			}
			if err := st.start(ctx, workflows.ObligationWorkflowID(in.Type, s.UnitID+"/"+s.TeamID, in.Period), workflows.ObligationWorkflow, in, false); err != nil {
				return 0, err
			}
		}
	}
	return len(serving), nil
}

// Recheck asks a duty's process to count again (a record was entered),
// starting it if it does not exist yet.
func (st Starter) Recheck(ctx context.Context, in workflows.ObligationInput) error {
	key := in.MemberID
	if in.Type != workflows.ObligationTraining {
		key = in.UnitID + "/" + in.TeamID
	}
	return st.start(ctx, workflows.ObligationWorkflowID(in.Type, key, in.Period), workflows.ObligationWorkflow, in, true)
}
