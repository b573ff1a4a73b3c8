package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"zhucun/obligations"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

func init() { RegisterJob(workflows.JobObligations, (*Activities).ObligationsJob) }

// registerObligations registers the yearly duties' count.
func (a *Activities) registerObligations(w worker.Registry) {
	w.RegisterActivityWithOptions(a.ObligationCount, activity.RegisterOptions{Name: workflows.ActivityObligationCount})
}

// ObligationCount counts, in SQL, the records that meet a duty.
func (a *Activities) ObligationCount(ctx context.Context, c workflows.ObligationCheck) (workflows.ObligationCount, error) {
	return store.New(a.Pool).CountObligation(ctx, c)
}

// ObligationsJob is the daily job (article 8 and the yearly duties): for
// every county it starts this year's processes that do not exist yet (a
// member or unit new since January 1 gets theirs the next morning; on
// January 1 everyone does) and checks every team's make-up, opening and
// resolving flags. at is the tick's nominal time; the job is idempotent.
func (a *Activities) ObligationsJob(ctx context.Context, at time.Time) error {
	st := store.New(a.Pool)
	counties, err := st.ListCounties(ctx)
	if err != nil {
		return err
	}
	day := policy.DayOf(at)
	starter := obligations.Starter{Store: st, Temporal: a.Temporal, Keys: a.Keys}
	for _, c := range counties {
		if a.Temporal != nil {
			if _, err := starter.EnsureYear(ctx, c.ID, day.Year(), day); err != nil {
				return fmt.Errorf("obligations of %s: %w", c.ID, err)
			}
		}
		open, err := CheckTeams(ctx, st, c.ID, at)
		if err != nil {
			return err
		}
		a.logger(ctx).Info("daily obligations job", zap.String("county", c.ID), zap.Int("open_team_flags", open))
	}
	return nil
}

// CheckTeams runs article 8's check for one county with its policy.
func CheckTeams(ctx context.Context, st *store.Store, county string, at time.Time) (int, error) {
	pol, err := st.CurrentPolicy(ctx, county)
	if err != nil {
		return 0, err
	}
	r := pol.Rules.Roster
	return st.CheckTeams(ctx, county, policy.DayOf(at), at, r.MinTeamSize, r.MinTermYears)
}
