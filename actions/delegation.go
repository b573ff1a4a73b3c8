package actions

// 委托 (issue 20): an approver names a deputy of the same office or unit
// for a few China days. A step waits on an office or unit, and any of its
// accounts decides it; what only one account may do is what a delegation
// passes on: a step handed over (转交) to that account, and a unit
// principal's (一把手) signature. In range, the deputy sees those in its
// 待办 and decides them, recorded as "X（代Y）".

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// MaxDelegationDays bounds one delegation: an absence, not a standing
// transfer of someone's office.
const MaxDelegationDays = 90

// DelegationRequest is POST /delegations: the deputy's username, the
// first and last day (China dates) and why.
type DelegationRequest struct {
	Deputy    string `json:"deputy"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Reason    string `json:"reason"`
}

// Check validates the request's own fields against today (a China date).
func (req DelegationRequest) Check(today time.Time) error {
	f := errs.Fields{}
	f.Check(strings.TrimSpace(req.Deputy) != "", "deputy", errs.MsgRequired)
	start, serr := policy.ParseDate(req.StartDate)
	end, eerr := policy.ParseDate(req.EndDate)
	f.Check(serr == nil, "start_date", errs.MsgDelegStartDate)
	f.Check(eerr == nil && (serr != nil || !end.Before(start)), "end_date", errs.MsgDelegEndDate)
	if serr == nil && eerr == nil && !end.Before(start) {
		f.Check(!end.Before(today), "end_date", errs.MsgDelegPast)
		f.Check(end.Sub(start) < MaxDelegationDays*24*time.Hour, "end_date", errs.MsgDelegTooLong, MaxDelegationDays)
	}
	checkText(f, "reason", req.Reason, false)
	return f.Err()
}

// mayDelegate: the approvers, offices and unit heads; not members, and
// not the administrator, who keeps the system rather than deciding.
func mayDelegate(u User) bool {
	return u.Role == policy.RoleUnitHead || (isOffice(u) && u.Role != policy.RoleAdmin)
}

// sameDesk: b is an account of a's office (or unit, for heads).
func sameDesk(a, b User) bool {
	if a.Role != b.Role {
		return false
	}
	if a.Role == policy.RoleUnitHead {
		return a.UnitID != "" && a.UnitID == b.UnitID
	}
	return a.OfficeID != "" && a.OfficeID == b.OfficeID
}

// deskmate is the enabled account named username of u's office or unit,
// other than u; field names the request field it came from.
func (a *Actions) deskmate(ctx context.Context, u User, username, field string, notFound errs.Msg) (User, error) {
	d, err := a.store.UserByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.disabled(ctx, d)) {
		return d, errs.Field(field, notFound)
	}
	if err != nil {
		return d, err
	}
	if d.ID == u.ID {
		return d, errs.Field(field, errs.MsgDelegSelf)
	}
	if !sameDesk(u, d) {
		return d, errs.Field(field, errs.MsgDelegSameOffice)
	}
	return d, nil
}

// disabled: a disabled account may be neither deputy nor handed a step.
func (a *Actions) disabled(ctx context.Context, u User) bool {
	ok, err := a.store.UserEnabled(ctx, u.ID)
	return err != nil || !ok
}

func (a *Actions) today() time.Time {
	d, _ := policy.ParseDate(policy.FormatDate(a.now().In(policy.China)))
	return d
}

// CreateDelegation names a deputy for the caller's days away.
func (a *Actions) CreateDelegation(ctx context.Context, u User, req DelegationRequest) (store.Delegation, error) {
	if !mayDelegate(u) {
		return store.Delegation{}, errs.New(errs.Forbidden, errs.MsgDelegRoles)
	}
	if err := req.Check(a.today()); err != nil {
		return store.Delegation{}, err
	}
	deputy, err := a.deskmate(ctx, u, req.Deputy, "deputy", errs.MsgDelegDeputy)
	if err != nil {
		return store.Delegation{}, err
	}
	d := store.Delegation{ID: uuid.New(), DelegatorID: u.ID, DeputyID: deputy.ID, StartDate: req.StartDate,
		EndDate: req.EndDate, Reason: req.Reason}
	err = a.store.CreateDelegation(ctx, d)
	a.caches.drop(store.ChangeDelegations) // here at once; elsewhere by the notice
	switch {
	case errors.Is(err, store.ErrDelegationOverlap):
		return d, errs.New(errs.Conflict, errs.MsgDelegOverlap)
	case errors.Is(err, store.ErrDelegationLoop):
		return d, errs.New(errs.Conflict, errs.MsgDelegLoop)
	case err != nil:
		return d, err
	}
	return a.store.Delegation(ctx, d.ID)
}

// Delegations lists the delegations the caller gave or holds.
func (a *Actions) Delegations(ctx context.Context, u User) (List[store.Delegation], error) {
	items, err := a.store.Delegations(ctx, u.ID)
	return List[store.Delegation]{Items: items}, err
}

// EndDelegation ends the caller's own delegation now (back early).
func (a *Actions) EndDelegation(ctx context.Context, u User, id string) (store.Delegation, error) {
	did, err := uuid.Parse(id)
	if err != nil {
		return store.Delegation{}, store.ErrNotFound
	}
	d, err := a.store.Delegation(ctx, did)
	if err != nil {
		return d, err
	}
	if d.DelegatorID != u.ID {
		if d.DeputyID == u.ID {
			return d, errs.New(errs.Forbidden, errs.MsgDelegNotYours)
		}
		return d, store.ErrNotFound // someone else's: not even there
	}
	ended, err := a.store.EndDelegation(ctx, did)
	a.caches.drop(store.ChangeDelegations) // here at once; elsewhere by the notice
	if err != nil {
		return d, err
	}
	if !ended {
		return d, errs.New(errs.Conflict, errs.MsgDelegEnded)
	}
	return a.store.Delegation(ctx, did)
}

// inboxParties are the waiting-index keys of what waits on u: its office
// or unit, its own account (a step handed over to it), and the accounts
// it is deputy for today.
func (a *Actions) inboxParties(ctx context.Context, u User) ([]string, error) {
	keys := []string{partyOf(u).Key()}
	if u.Role == policy.RoleMember {
		return keys, nil
	}
	keys = append(keys, "user:"+u.ID.String())
	dels, err := a.activeDelegationsTo(ctx, u.ID)
	for _, d := range dels {
		keys = append(keys, "user:"+d.DelegatorID.String())
	}
	return keys, err
}

// deciderOf is u as a workflow sees them at a process waiting on waiting:
// itself, or, when a step there waits on the account of someone u is
// deputy for today, on that one's behalf ("X（代Y）"). principal: the step
// wants the unit's principal (a signature), so a deputy of the principal
// acts as principal. Only callers holding a delegation pay the reads.
func (a *Actions) deciderOf(ctx context.Context, u User, principal bool, waiting func() ([]workflows.Party, error)) (workflows.Actor, error) {
	act := actorOf(u)
	if principal {
		act.AsPrincipal = u.Role == policy.RoleUnitHead && u.Principal
	}
	if u.Role == policy.RoleMember || act.AsPrincipal {
		return act, nil
	}
	dels, err := a.activeDelegationsTo(ctx, u.ID)
	if err != nil || len(dels) == 0 {
		return act, err
	}
	ws, err := waiting()
	if err != nil {
		return act, err
	}
	for _, w := range ws {
		if w.UserID == u.ID.String() {
			return act, nil // handed to u itself
		}
	}
	for _, d := range dels {
		mine := principal && d.Principal && u.Role == policy.RoleUnitHead
		for _, w := range ws {
			mine = mine || w.UserID == d.DelegatorID.String()
		}
		if mine {
			act.OnBehalfOf = d.DelegatorID.String()
			act.Name = u.DisplayName + "（代" + d.DelegatorName + "）"
			act.AsPrincipal = principal && d.Principal
			return act, nil
		}
	}
	return act, nil
}

// waitingOf reads who a process waits on now, from the read model.
func (a *Actions) waitingOf(ctx context.Context, id string) func() ([]workflows.Party, error) {
	return func() ([]workflows.Party, error) {
		p, err := a.store.GetProcess(ctx, id)
		if err != nil {
			return nil, err
		}
		var ws []workflows.Party
		err = json.Unmarshal(p.WaitingOn, &ws)
		return ws, err
	}
}

// NoQuery refuses any query parameter on a read that takes none.
func NoQuery(q Query) error { return checkParams(q) }
