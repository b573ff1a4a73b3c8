package actions

// The recall (召回, article 20): the member's unit head, or the county
// bureau, takes an unfit member off the team. The recall is two processes
// on purpose: the roster change (article 17's filing, as any departure)
// and the recall itself, which holds the team short until someone joins.

import (
	"context"
	"encoding/json"
	"slices"

	"go.temporal.io/sdk/client"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// RecallRequest recalls a member, for a reason.
type RecallRequest struct {
	MemberID string `json:"member_id"`
	Reason   string `json:"reason"`
	// IdempotencyKey is the Idempotency-Key header; required, as the
	// roster change it opens is keyed by it.
	IdempotencyKey string `json:"-"`
}

// RecallMember records the recall, opens the roster change that takes the
// member off the team today, and starts the wait for a replacement.
func (a *Actions) RecallMember(ctx context.Context, u User, req RecallRequest) (Created, error) {
	if u.Role != policy.RoleUnitHead && u.Role != policy.RoleCountyBureau {
		return Created{}, errs.New(errs.Forbidden, errs.MsgRecallRecorders)
	}
	f := errs.Fields{}
	f.Check(req.MemberID != "", "member_id", errs.MsgRequired)
	f.Check(req.IdempotencyKey != "", "Idempotency-Key", errs.MsgRequired)
	checkText(f, "reason", req.Reason, true)
	if err := f.Err(); err != nil {
		return Created{}, err
	}
	today := policy.DayOf(a.now())
	mc, err := a.store.MemberContext(ctx, req.MemberID, today)
	if err != nil {
		return Created{}, notFoundField(err, "member_id", errs.MsgUnknownMember)
	}
	if (u.Role == policy.RoleUnitHead && u.UnitID != mc.UnitID) || (u.Role == policy.RoleCountyBureau && u.CountyID != mc.CountyID) {
		return Created{}, errs.New(errs.Forbidden, errs.MsgRecallScope)
	}
	roster, err := a.store.Roster(ctx, mc.TeamID, today)
	if err != nil {
		return Created{}, err
	}
	if mc.TeamID == "" || !slices.ContainsFunc(roster, func(e store.RosterEntry) bool { return e.MemberID == mc.MemberID }) {
		return Created{}, errs.New(errs.Conflict, errs.MsgRecallNotOnTeam)
	}
	change, err := a.RecordRosterChange(ctx, u, RosterRequest{TeamID: mc.TeamID, Change: workflows.ChangeLeave,
		MemberID: mc.MemberID, EffectiveOn: policy.FormatDate(today), Reason: "召回：" + req.Reason, IdempotencyKey: req.IdempotencyKey})
	if err != nil {
		return Created{}, err
	}
	pol, err := a.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		return Created{}, err
	}
	in := workflows.NewRecallInput(workflows.RecallInput{RosterChangeID: change.ID, MemberID: mc.MemberID,
		MemberName: mc.MemberName, UnitID: mc.UnitID, UnitName: mc.UnitName, TeamID: mc.TeamID, TeamName: mc.TeamName,
		TownshipID: mc.TownshipID, CountyID: mc.CountyID, Reason: req.Reason, By: actorOf(u),
		Bureau:   workflows.Party{Role: policy.RoleCountyBureau, OfficeID: mc.CountyBureauID},
		UnitHead: workflows.Party{Role: policy.RoleUnitHead, UnitID: mc.UnitID}}, a.now(), pol)
	var rc workflows.Recall
	err = a.startWith(ctx, client.StartWorkflowOptions{ID: workflows.RecallWorkflowID(change.ID)}, workflows.RecallWorkflow, in,
		workflows.RecallRecorded, nil, &rc)
	return Created{ID: rc.ID, Resource: rc, Repeated: change.Repeated}, err
}

// GetRecall is one recall.
func (a *Actions) GetRecall(ctx context.Context, u User, id string) (workflows.Recall, error) {
	var rc workflows.Recall
	p, err := a.processOf(ctx, u, id, workflows.KindRecall, errs.MsgRecallScope)
	if err == nil {
		err = json.Unmarshal(p.Detail, &rc)
	}
	return rc, err
}

// ListRecalls is the recalls in scope (status=short: the teams still short).
func (a *Actions) ListRecalls(ctx context.Context, u User, q Query) (List[json.RawMessage], error) {
	return a.listKind(ctx, u, q, workflows.KindRecall)
}
