package actions

// The limit on creating processes: one account may open at most so many
// leaves, absences and roster changes a minute and a day (the county's
// policy.CreationRules), so that nobody can bury the approvers' inboxes.

import (
	"context"
	"time"

	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// takeCreation counts a creating request of u against the limits of u's
// county (the city's for accounts above counties); at a limit it is a 429
// that says when to try again.
func (a *Actions) takeCreation(ctx context.Context, u User) (int64, error) {
	lim, err := a.creationLimit(ctx, u)
	if err != nil || lim == nil {
		return 0, err
	}
	slot, refused, err := a.store.TakeCreation(ctx, u.ID, lim.Now, lim.PerMinute, lim.PerDay)
	if err != nil || refused == nil {
		return slot, err
	}
	return 0, a.creationRefused(ctx, u, *lim, refused)
}

// creationLimit is u's limits on creating processes, counted from now;
// nil when they do not apply (withoutCreationLimit).
func (a *Actions) creationLimit(ctx context.Context, u User) (*store.CreationLimit, error) {
	if ctx.Value(unlimitedKey{}) != nil {
		return nil, nil
	}
	pol, err := a.currentPolicy(ctx, u.CountyID)
	if err != nil {
		return nil, err
	}
	lim := pol.Rules.Creation
	if lim.PerMinute <= 0 || lim.PerDay <= 0 {
		lim = policy.Default().Creation
	}
	return &store.CreationLimit{UserID: u.ID, Now: a.now(), PerMinute: lim.PerMinute, PerDay: lim.PerDay}, nil
}

// creationRefused is the 429 of a request at one of its limits.
func (a *Actions) creationRefused(ctx context.Context, u User, lim store.CreationLimit, refused *store.CreationRefused) error {
	at := refused.RetryAfter.In(policy.China)
	var e *errs.Error
	if refused.PerDay {
		e = errs.New(errs.RateLimited, errs.MsgCreateTooFastDay, lim.PerDay, at.Format("1月2日 15:04"))
	} else {
		e = errs.New(errs.RateLimited, errs.MsgCreateTooFastMinute, lim.PerMinute, at.Format("15:04:05"))
	}
	a.logger(ctx).Warn("creation limited", zap.String("username", u.Username), zap.Bool("per_day", refused.PerDay),
		zap.Time("retry_after", refused.RetryAfter))
	return RetryAfter(e, max(refused.RetryAfter.Sub(lim.Now), time.Second))
}

// unlimitedKey marks a context whose creations are not a person's
// requests but one bulk action already authorised as a whole (an import's
// roster changes, opened in the county bureau's name): the per-person
// limits against floods do not apply to it.
type unlimitedKey struct{}

func withoutCreationLimit(ctx context.Context) context.Context {
	return context.WithValue(ctx, unlimitedKey{}, true)
}

// giveCreationBack uncounts a creating request that started nothing.
func (a *Actions) giveCreationBack(ctx context.Context, slot int64) {
	if err := a.store.ReleaseCreation(context.WithoutCancel(ctx), slot); err != nil {
		a.logger(ctx).Warn("creation slot not given back", zap.Int64("slot", slot), zap.Error(err))
	}
}
