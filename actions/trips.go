package actions

// Work trips out of the village (外出报备, article 13): a member reports
// one; it counts as days in post; the township committee sees it; a trip
// longer than the policy's trip_approval_days needs its approval (a trip
// process), like a short leave.

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

// Bounds of a trip report: reported afterwards at most this many days
// after it started (a member forgot, or had no signal), at most this long.
const (
	TripBackdateDays = 31
	TripMaxDays      = 31
)

// TripRequest is a member's trip report.
type TripRequest struct {
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	Destination string `json:"destination"`
	Purpose     string `json:"purpose"`
	// IdempotencyKey is the Idempotency-Key header.
	IdempotencyKey string `json:"-"`
}

// Check validates the request's own fields at now.
func (req TripRequest) Check(now time.Time) (start, end time.Time, err error) {
	f := errs.Fields{}
	start, serr := policy.ParseDate(req.StartDate)
	f.Check(serr == nil, "start_date", errs.MsgDate)
	end, eerr := policy.ParseDate(req.EndDate)
	f.Check(eerr == nil, "end_date", errs.MsgDate)
	if serr == nil && eerr == nil {
		f.Check(!end.Before(start), "end_date", errs.MsgEndBeforeStart)
		f.Check(!end.After(policy.AddDays(start, TripMaxDays-1)), "end_date", errs.MsgTripTooLong, TripMaxDays-1)
		earliest := policy.AddDays(policy.DayOf(now), -TripBackdateDays)
		f.Check(!start.Before(earliest), "start_date", errs.MsgTripTooEarly, policy.FormatDate(earliest), TripBackdateDays)
	}
	checkText(f, "destination", req.Destination, true)
	checkText(f, "purpose", req.Purpose, true)
	return start, end, f.Err()
}

// ReportTrip records a member's trip; a long one starts its approval.
func (a *Actions) ReportTrip(ctx context.Context, u User, req TripRequest) (Created, error) {
	if u.Role != policy.RoleMember || u.MemberID == "" {
		return Created{}, errs.New(errs.Forbidden, errs.MsgTripMembersOnly)
	}
	start, end, err := req.Check(a.now())
	if err != nil {
		return Created{}, err
	}
	mc, err := a.store.MemberContext(ctx, u.MemberID, start)
	if err != nil {
		return Created{}, err
	}
	if st, err := a.store.MemberStanding(ctx, u.MemberID, start); err != nil {
		return Created{}, err
	} else if st.TeamID == "" {
		return Created{}, errs.Field("start_date", errs.MsgTripNotOnTeam)
	}
	pol, err := a.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		return Created{}, err
	}
	id := uuid.NewString()
	days := int(end.Sub(start).Hours()/24+0.5) + 1
	row := store.TripRow{TripFacts: workflows.TripFacts{ID: id, MemberID: mc.MemberID, MemberName: mc.MemberName,
		UnitID: mc.UnitID, TeamID: mc.TeamID, TownshipID: mc.TownshipID, CountyID: mc.CountyID,
		StartDate: policy.FormatDate(start), EndDate: policy.FormatDate(end), Days: days,
		Destination: req.Destination, Purpose: req.Purpose},
		Status: workflows.TripReported, ReportedAt: a.now().Truncate(time.Millisecond).In(policy.China)}
	row.NeedsApproval = days > pol.Rules.Presence.TripApprovalDays
	if row.NeedsApproval {
		row.Status = workflows.TripPending
	}
	key := req.IdempotencyKey
	return a.create(ctx, id, creation{user: u, scope: "trips", key: key, workflowID: workflows.TripWorkflowID(id),
		reserve: func(ctx context.Context) (string, error) {
			if key != "" {
				if existing, err := a.store.ClaimIdempotency(ctx, u.ID, key, "trips", id); err != nil || existing != "" {
					return existing, err
				}
			}
			err := a.store.InsertTrip(ctx, row)
			if err != nil {
				a.releaseKey(ctx, u, key) // nothing was recorded under it
			}
			var ov *store.ErrTripOverlap
			if errors.As(err, &ov) {
				return "", errs.New(errs.Conflict, errs.MsgTripOverlap, ov.StartDate, ov.EndDate)
			}
			return "", err
		},
		start: func(ctx context.Context) (any, error) {
			if !row.NeedsApproval {
				return tripOf(row), nil
			}
			return a.startTrip(ctx, a.tripInput(u, row, mc, pol))
		},
		release: func(ctx context.Context) error {
			a.releaseKey(ctx, u, key)
			return a.store.DeleteTrip(ctx, id)
		},
	})
}

func (a *Actions) releaseKey(ctx context.Context, u User, key string) {
	if key != "" {
		_ = a.store.ReleaseIdempotency(context.WithoutCancel(ctx), u.ID, key, "trips")
	}
}

// tripInput: approved by the member's township approvers, due like a
// short leave's approval, reminded and escalated by the leave rules.
func (a *Actions) tripInput(u User, row store.TripRow, mc store.MemberContext, pol policy.Policy) workflows.TripInput {
	rules := pol.Rules.Leave
	var approvers []workflows.Party
	for _, role := range rules.TownshipApprovers {
		approvers = append(approvers, resolveParty(role, mc))
	}
	start, _ := policy.ParseDate(row.StartDate)
	return workflows.TripInput{TripFacts: row.TripFacts, Approvers: approvers,
		DueAt:       policy.ApprovalDue(rules, start, row.ReportedAt),
		RemindEvery: rules.ReminderEvery, EscalateAfter: rules.EscalateAfter, Escalation: escalationOf(rules, mc),
		PolicyVersion: pol.Ref(), ReportedBy: actorOf(u)}
}

func (a *Actions) startTrip(ctx context.Context, in workflows.TripInput) (workflows.Trip, error) {
	var t workflows.Trip
	err := a.startWith(ctx, client.StartWorkflowOptions{ID: workflows.TripWorkflowID(in.ID)},
		workflows.TripWorkflow, in, workflows.TripRecorded, nil, &t)
	return t, err
}

// tripOf is a trip without approval as the API shows it.
func tripOf(r store.TripRow) workflows.Trip {
	return workflows.Trip{TripFacts: r.TripFacts, Status: r.Status, NeedsApproval: r.NeedsApproval,
		ReportedAt: r.ReportedAt.In(policy.China), Steps: []workflows.Step{}}
}

// tripFor loads a trip the caller may see: from its process when it has
// one (steps, due), else from its row.
func (a *Actions) tripFor(ctx context.Context, u User, id string) (workflows.Trip, error) {
	row, err := a.store.Trip(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.Trip{}, errs.New(errs.NotFound, errs.MsgTripOutOfScope)
	}
	if err == nil && !canSee(u, Target{CountyID: row.CountyID, TownshipID: row.TownshipID, UnitID: row.UnitID, MemberID: row.MemberID}) {
		return workflows.Trip{}, errs.New(errs.Forbidden, errs.MsgTripOutOfScope)
	}
	if err != nil || !row.NeedsApproval {
		return tripOf(row), err
	}
	var t workflows.Trip
	p, err := a.loadProcess(ctx, id, workflows.KindTrip)
	if errors.Is(err, store.ErrNotFound) {
		return tripOf(row), nil // its first record is on its way
	}
	if err == nil {
		err = json.Unmarshal(p.Detail, &t)
	}
	return t, err
}

// GetTrip is one trip, for those who may see it.
func (a *Actions) GetTrip(ctx context.Context, u User, id string) (workflows.Trip, error) {
	return a.tripFor(ctx, u, id)
}

// ListTrips: a member's own, a township committee's township, a county
// office's county, a unit head's unit members', a city office's all;
// from/to (dates) narrow it.
func (a *Actions) ListTrips(ctx context.Context, u User, q Query) (List[workflows.Trip], error) {
	f := store.TripFilter{From: q.Get("from"), To: q.Get("to")}
	fe := errs.Fields{}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" {
			_, err := policy.ParseDate(v)
			fe.Check(err == nil, k, errs.MsgDate)
		}
	}
	if err := fe.Err(); err != nil {
		return List[workflows.Trip]{}, err
	}
	switch u.Role {
	case policy.RoleMember:
		f.MemberID = u.MemberID
	case policy.RoleTownshipCommittee:
		f.TownshipID = u.TownshipID
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		f.CountyID = u.CountyID
	case policy.RoleUnitHead, policy.RoleAdmin, policy.RoleCityOrgDept, policy.RoleCityBureau:
		f.CountyID = q.Get("county")
	default:
		return List[workflows.Trip]{}, errs.New(errs.Forbidden, errs.MsgTripOutOfScope)
	}
	rows, err := a.store.ListTrips(ctx, f)
	out := List[workflows.Trip]{Items: []workflows.Trip{}}
	for _, r := range rows {
		if u.Role == policy.RoleUnitHead && r.UnitID != u.UnitID {
			continue
		}
		out.Items = append(out.Items, tripOf(r))
	}
	return out, err
}

// DecideTrip is the township committee's approval or refusal.
func (a *Actions) DecideTrip(ctx context.Context, u User, req DecisionRequest) (workflows.Trip, error) {
	t, err := a.tripFor(ctx, u, req.ID)
	if err == nil {
		err = req.Check("approve", "refuse")
	}
	if err == nil && !t.NeedsApproval {
		err = errs.New(errs.Conflict, errs.MsgTripDecided, errs.StatusName(t.Status))
	}
	if err != nil {
		return t, err
	}
	var out workflows.Trip
	err = a.send(ctx, workflows.TripWorkflowID(t.ID), workflows.TripDecide,
		workflows.DecideArgs{Actor: actorOf(u), Decision: req.Decision, Comment: req.Comment}, &out,
		closed(errs.MsgTripDecided, errs.StatusName(t.Status)))
	return out, err
}
