package actions

// Per-county rules (policy): read the version in force and the history,
// and put a new version; running processes keep the one they started with.

import (
	"context"

	"zhucun/errs"
	"zhucun/policy"
)

// policyScope checks the county exists (or is "city") and that the caller
// is an office or a unit head.
func (a *Actions) policyScope(ctx context.Context, u User, scope string) error {
	if !isOffice(u) && u.Role != policy.RoleUnitHead {
		return errs.New(errs.Forbidden, errs.MsgPolicyOffices)
	}
	if scope != policy.CityScope {
		if _, _, err := a.store.County(ctx, scope); err != nil {
			return err
		}
	}
	return nil
}

// Policy is the rules in force for a county ("city" for the default).
func (a *Actions) Policy(ctx context.Context, u User, scope string) (policy.Policy, error) {
	if err := a.policyScope(ctx, u, scope); err != nil {
		return policy.Policy{}, err
	}
	return a.currentPolicy(ctx, scope)
}

// PolicyVersions is every version of a county's rules, newest first.
func (a *Actions) PolicyVersions(ctx context.Context, u User, scope string) (List[policy.Policy], error) {
	if err := a.policyScope(ctx, u, scope); err != nil {
		return List[policy.Policy]{}, err
	}
	ps, err := a.store.PolicyVersions(ctx, scope)
	return List[policy.Policy]{Items: ps}, err
}

// PolicyRequest is a new version of a county's rules.
type PolicyRequest struct {
	Scope string       `json:"-"`
	Rules policy.Rules `json:"rules"`
}

// Check validates every rule, naming each field "rules.<path>".
func (req PolicyRequest) Check() error { return checkRules(req.Rules) }

// PutPolicy stores a new version; city offices only.
func (a *Actions) PutPolicy(ctx context.Context, u User, req PolicyRequest) (policy.Policy, error) {
	if err := a.policyScope(ctx, u, req.Scope); err != nil {
		return policy.Policy{}, err
	}
	if !isCityOffice(u) {
		return policy.Policy{}, errs.New(errs.Forbidden, errs.MsgPolicyCityOnly)
	}
	if req.Rules.Creation == (policy.CreationRules{}) {
		// Written by a client that predates the limits: they keep their
		// defaults, as a stored version without them reads.
		req.Rules.Creation = policy.Default().Creation
	}
	if req.Rules.Presence == (policy.PresenceRules{}) {
		// Likewise for clients from before article 13's rules.
		req.Rules.Presence = policy.DefaultPresence()
	}
	if req.Rules.Obligations.TrainingDue == "" && req.Rules.Obligations.HearingDue == nil {
		// Likewise for the yearly duties (articles 11, 19, 23).
		req.Rules.Obligations = policy.DefaultObligations()
	}
	if err := req.Check(); err != nil {
		return policy.Policy{}, err
	}
	p, err := a.store.PutPolicy(ctx, req.Scope, req.Rules, u.Username)
	a.caches.drop("policy") // store.ChangePolicy: here at once; elsewhere by the notice
	return p, err
}
