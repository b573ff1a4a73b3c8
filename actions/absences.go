package actions

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// AbsenceRequest records what a spot check (查岗) found.
type AbsenceRequest struct {
	MemberID string `json:"member_id"`
	FoundAt  string `json:"found_at"`
	Method   string `json:"method"`
	Note     string `json:"note"`
	// Confirm goes on although an approved leave covers found_at.
	Confirm bool `json:"confirm"`
	// IdempotencyKey is the Idempotency-Key header.
	IdempotencyKey string `json:"-"`
}

// RecordAbsence records what a spot check (查岗) found and circulates it:
// the member is asked for an explanation before the cycle's deadline.
func (a *Actions) RecordAbsence(ctx context.Context, u User, req AbsenceRequest) (Created, error) {
	if u.Role != policy.RoleCityBureau && u.Role != policy.RoleCountyBureau {
		return Created{}, errs.New(errs.Forbidden, errs.MsgAbsenceRecorders)
	}
	found, err := req.Check(a.now())
	if err != nil {
		return Created{}, err
	}
	in, err := a.absenceInput(ctx, u, req, found)
	if err != nil {
		return Created{}, err
	}
	key := req.IdempotencyKey
	return a.create(ctx, in.ID, creation{user: u, scope: "absences", key: key, workflowID: workflows.AbsenceWorkflowID(in.ID),
		reserve: func(ctx context.Context) (string, error) {
			if key == "" {
				return "", nil
			}
			return a.store.ClaimIdempotency(ctx, u.ID, key, "absences", in.ID)
		},
		start: func(ctx context.Context) (any, error) { return a.startAbsence(ctx, in) },
		release: func(ctx context.Context) error {
			if key == "" {
				return nil
			}
			return a.store.ReleaseIdempotency(ctx, u.ID, key, "absences")
		},
	})
}

// Check validates the request's own fields at now and returns the moment
// found.
func (req AbsenceRequest) Check(now time.Time) (time.Time, error) {
	f := errs.Fields{}
	f.Check(req.MemberID != "", "member_id", errs.MsgRequired)
	found, err := time.Parse(time.RFC3339, req.FoundAt)
	f.Check(err == nil, "found_at", errs.MsgInstant)
	if err == nil {
		f.Check(!found.After(now), "found_at", errs.MsgNotFuture)
		f.Check(found.In(policy.China).Year() >= policy.MinYear, "found_at", errs.MsgNotBeforeYear, policy.MinYear)
	}
	f.Check(req.Method == "online" || req.Method == "onsite", "method", errs.MsgOneOf, "online, onsite")
	checkText(f, "note", req.Note, false)
	return found, f.Err()
}

// absenceInput resolves the member, the offices, the leave check and the
// deadlines under the policy in force.
func (a *Actions) absenceInput(ctx context.Context, u User, req AbsenceRequest, found time.Time) (workflows.AbsenceInput, error) {
	mc, err := a.store.MemberContext(ctx, req.MemberID, found)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.AbsenceInput{}, errs.Field("member_id", errs.MsgUnknownMember)
	}
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	if mc.CountyID == "" { // never on a team
		return workflows.AbsenceInput{}, errs.New(errs.Conflict, errs.MsgAbsenceNotOnTeam, found.In(policy.China).Format("2006-01-02 15:04"))
	}
	if u.Role == policy.RoleCountyBureau && u.CountyID != mc.CountyID {
		return workflows.AbsenceInput{}, errs.New(errs.Forbidden, errs.MsgAbsenceOwnCounty)
	}
	// Only someone on a team at the moment found can be absent from it.
	if st, err := a.store.MemberStanding(ctx, mc.MemberID, found); err != nil {
		return workflows.AbsenceInput{}, err
	} else if st.TeamID == "" {
		return workflows.AbsenceInput{}, errs.New(errs.Conflict, errs.MsgAbsenceNotOnTeam, found.In(policy.China).Format("2006-01-02 15:04"))
	}
	conflict, err := a.leaveConflict(ctx, mc.MemberID, found, req.Confirm)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	var pending *workflows.LeaveConflict
	if conflict == nil {
		// A leave still waiting for approval is mentioned, not a 409.
		if c, err := a.store.LeavePendingCovering(ctx, mc.MemberID, found); err != nil {
			return workflows.AbsenceInput{}, err
		} else if c != nil {
			pending = &workflows.LeaveConflict{LeaveID: c.LeaveID, StartDate: c.StartDate, EndDate: c.EndDate, Status: c.Status}
		}
	}
	pol, err := a.currentPolicy(ctx, mc.CountyID)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	rules := pol.Rules.Absence
	// Recorded late, or with too few days left: a fair deadline of its
	// own, in the report of the month it falls in.
	fy, fm := policy.CycleMonth(rules, found)
	due, y, m, lateRecorded := policy.AbsenceDue(rules, policy.PeriodsOf(pol.Rules, cal), found, a.now())
	return workflows.AbsenceInput{
		AbsenceFacts: workflows.AbsenceFacts{
			ID: uuid.NewString(), MemberID: mc.MemberID, MemberName: mc.MemberName, UnitID: mc.UnitID,
			UnitName: mc.UnitName, TeamID: mc.TeamID, TeamName: mc.TeamName, VillageName: mc.VillageName,
			TownshipID: mc.TownshipID, TownshipName: mc.TownshipName, CountyID: mc.CountyID,
			FoundAt: found.In(policy.China), Method: req.Method, Note: req.Note,
		},
		RecordedBy: actorOf(u),
		CycleMonth: policy.CycleKey(y, m), DueAt: due, RemindAt: policy.RemindersBefore(due, rules.RemindBefore),
		PolicyVersion: pol.Ref(), Rules: rules,
		CountyOffices: []workflows.Party{
			resolveParty(policy.RoleCountyOrgDept, mc), resolveParty(policy.RoleCountyBureau, mc),
		},
		UnitHead:      resolveParty(policy.RoleUnitHead, mc),
		LeaveConflict: conflict,
		PendingLeave:  pending,
		LateRecorded:  lateRecorded,
		FoundCycle:    policy.CycleKey(fy, fm),
	}, nil
}

// leaveConflict: an approved leave covering found_at means the member was
// not absent "without reason"; the recorder must confirm to go on.
func (a *Actions) leaveConflict(ctx context.Context, member string, found time.Time, confirm bool) (*workflows.LeaveConflict, error) {
	c, err := a.store.LeaveCovering(ctx, member, found)
	if err != nil || c == nil {
		return nil, err
	}
	if !confirm {
		return nil, errs.New(errs.Conflict, errs.MsgAbsenceLeaveCovers, c.StartDate, c.EndDate, errs.StatusName(c.Status))
	}
	return &workflows.LeaveConflict{LeaveID: c.LeaveID, StartDate: c.StartDate, EndDate: c.EndDate, Status: c.Status}, nil
}

// startAbsence starts the workflow and waits for its first record, so the
// recorder can read the absence at once.
func (a *Actions) startAbsence(ctx context.Context, in workflows.AbsenceInput) (workflows.Absence, error) {
	var ab workflows.Absence
	err := a.startWith(ctx, client.StartWorkflowOptions{ID: workflows.AbsenceWorkflowID(in.ID)},
		workflows.AbsenceWorkflow, in, workflows.AbsenceRecorded, nil, &ab)
	return ab, err
}

// absenceFor loads an absence the caller may see, with the report it
// counted in (a later one when it was carried).
func (a *Actions) absenceFor(ctx context.Context, u User, id string) (workflows.Absence, error) {
	var ab workflows.Absence
	p, err := a.processOf(ctx, u, id, workflows.KindAbsence, errs.MsgAbsenceOutOfScope)
	if err != nil {
		return ab, err
	}
	if err := json.Unmarshal(p.Detail, &ab); err != nil {
		return ab, err
	}
	list := []workflows.Absence{ab}
	err = a.withReportMonths(ctx, list)
	return list[0], err
}

// withReportMonths sets each absence's report_month to the latest report
// listing it: a report that forwards a late explanation to the next month
// does so after the absence itself has ended.
func (a *Actions) withReportMonths(ctx context.Context, list []workflows.Absence) error {
	var ids, counties []string
	for _, a := range list {
		ids, counties = append(ids, a.ID), append(counties, a.CountyID)
	}
	months, err := a.store.ReportMonths(ctx, counties, ids)
	for i := range list {
		if m := months[list[i].ID]; m > list[i].ReportMonth {
			list[i].ReportMonth = m
		}
	}
	return err
}

// GetAbsence is one absence, for those who may see it.
func (a *Actions) GetAbsence(ctx context.Context, u User, id string) (workflows.Absence, error) {
	return a.absenceFor(ctx, u, id)
}

// ListAbsences is the processes' filter over absences, within scope.
func (a *Actions) ListAbsences(ctx context.Context, u User, q Query) (List[workflows.Absence], error) {
	f, err := ProcessFilter(q)
	if err != nil {
		return List[workflows.Absence]{}, err
	}
	f.Kind, f.WithDetail = workflows.KindAbsence, true
	rows, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
	if err != nil {
		return List[workflows.Absence]{}, err
	}
	list := make([]workflows.Absence, len(rows))
	for i, p := range rows {
		if err := json.Unmarshal(p.Detail, &list[i]); err != nil {
			return List[workflows.Absence]{}, err
		}
	}
	if err := a.withReportMonths(ctx, list); err != nil {
		return List[workflows.Absence]{}, err
	}
	return List[workflows.Absence]{Items: list, Next: next}, nil
}

// updateAbsence sends one update and answers with the absence after it.
func (a *Actions) updateAbsence(ctx context.Context, ab workflows.Absence, name string, args any) (workflows.Absence, error) {
	var out workflows.Absence
	err := a.send(ctx, workflows.AbsenceWorkflowID(ab.ID), name, args, &out,
		closed(errs.MsgAbsenceClosed, errs.StatusName(ab.Status)))
	return out, err
}

// ExplainAbsence is the member's explanation (情况说明), again after a
// send-back.
func (a *Actions) ExplainAbsence(ctx context.Context, u User, req ExplanationRequest) (workflows.Absence, error) {
	ab, err := a.absenceFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return ab, err
	}
	return a.updateAbsence(ctx, ab, workflows.AbsenceExplain, workflows.ExplainArgs{Actor: actorOf(u), Text: req.Text})
}

// SignAbsence is the unit head's signature, or a send-back with a comment.
func (a *Actions) SignAbsence(ctx context.Context, u User, req DecisionRequest) (workflows.Absence, error) {
	ab, err := a.absenceFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check("sign", "return")
	}
	if err != nil {
		return ab, err
	}
	// The signer: the unit's principal (一把手) acts AsPrincipal, any
	// other head does not and the workflow refuses them, unless the
	// principal named that head deputy for today (委托): then it acts
	// AsPrincipal on the principal's behalf, and the signature records both.
	act, err := a.deciderOf(ctx, u, true, a.waitingOf(ctx, ab.ID))
	if err != nil {
		return ab, err
	}
	return a.updateAbsence(ctx, ab, workflows.AbsenceSign, workflows.SignArgs{Actor: act, Decision: req.Decision, Comment: req.Comment})
}

// VoidAbsence is a county office voiding an absence recorded wrongly
// (误报), with a reason: it leaves the report and the member's tally.
func (a *Actions) VoidAbsence(ctx context.Context, u User, req CloseRequest) (workflows.Absence, error) {
	ab, err := a.absenceFor(ctx, u, req.ID)
	county := u.Role == policy.RoleCountyOrgDept || u.Role == policy.RoleCountyBureau
	if err == nil && (!county || u.CountyID != ab.CountyID) {
		// The workflow decides too; this answers the same for an absence
		// whose workflow has ended.
		err = errs.New(errs.Forbidden, errs.MsgVoidCountyOnly)
	}
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return ab, err
	}
	return a.updateAbsence(ctx, ab, workflows.AbsenceVoid, workflows.CloseArgs{Actor: actorOf(u), Reason: req.Reason})
}

// CloseAbsence is a county office closing an absence unresolved.
func (a *Actions) CloseAbsence(ctx context.Context, u User, req CloseRequest) (workflows.Absence, error) {
	ab, err := a.absenceFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return ab, err
	}
	return a.updateAbsence(ctx, ab, workflows.AbsenceClose, workflows.CloseArgs{Actor: actorOf(u), Reason: req.Reason})
}
