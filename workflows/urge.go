package workflows

// 催办 for every kind: a county office in the process's county, or a city
// office, reminds whoever an overdue step waits on, in its own name; the
// reminder is in the timeline. (A leave's older "remind" update is for the
// offices a silent step was escalated to, overdue or not; it stays.)

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
	"zhucun/policy"
)

// ProcessUrge is the 催办 update every process workflow answers.
const ProcessUrge = "urge"

// UrgeAgain: an office reminds one process at most once in this long.
const UrgeAgain = 24 * time.Hour

// UrgeArgs is a 催办: the office, its county ("" for a city office), and
// an optional comment passed on to whoever is reminded.
type UrgeArgs struct {
	Actor    Actor  `json:"actor"`
	CountyID string `json:"county_id"`
	Comment  string `json:"comment"`
}

// registerUrge adds the 催办 update. Registering a handler issues no
// command, so histories recorded before it replay unchanged.
func (c *core) registerUrge(ctx workflow.Context, subject func() string, save func(workflow.Context) error) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, ProcessUrge,
		func(ctx workflow.Context, a UrgeArgs) error {
			c.urge(ctx, a, subject())
			return save(ctx)
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a UrgeArgs) error {
			return c.validateUrge(chinaNow(ctx), a)
		}})
}

// validateUrge: an office in scope, an open overdue step, and not this
// office's own 催办 within UrgeAgain.
func (c *core) validateUrge(now time.Time, a UrgeArgs) error {
	if a.Actor.Party.Role == policy.RoleMember {
		return c.validateMemberUrge(now, a)
	}
	switch a.Actor.Party.Role {
	case policy.RoleCityOrgDept, policy.RoleCityBureau:
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		if a.CountyID == "" || a.CountyID != c.hdr.CountyID {
			return forbidden(errs.MsgUrgeScope)
		}
	default:
		return forbidden(errs.MsgUrgeOffices)
	}
	if len(c.overdueSteps()) == 0 {
		return conflict(errs.MsgUrgeNotOverdue)
	}
	for _, e := range c.events {
		if e.Action == "urged" && e.ActorID == a.Actor.UserID && now.Sub(e.At) < UrgeAgain {
			return conflict(errs.MsgUrgedRecently, e.At.In(cst).Format("2006-01-02 15:04"))
		}
	}
	return nil
}

// urge records the 催办 at each overdue step and tells whoever it waits on.
func (c *core) urge(ctx workflow.Context, a UrgeArgs, subject string) {
	if a.Actor.Party.Role == policy.RoleMember {
		c.memberUrge(ctx, a, subject)
		return
	}
	for _, s := range c.overdueSteps() {
		c.urgeStep(ctx, a, s, subject, "已逾期，请尽快处理")
	}
}

// urgeStep records one 催办 at step s and tells whoever it waits on; what
// names the step's state in the notice.
func (c *core) urgeStep(ctx workflow.Context, a UrgeArgs, s *Step, subject, what string) {
	c.event(ctx, a.Actor, "urged", s.Name, a.Comment)
	text := "催办：「" + subject + "」" + StepTitle(s.Name) + what + "（" + a.Actor.Name + "催办）"
	if a.Comment != "" {
		text += "：" + a.Comment
	}
	c.notify(s.WaitingOn, text)
}

func (c *core) overdueSteps() []*Step {
	var out []*Step
	for _, s := range c.openSteps() {
		if s.Overdue {
			out = append(out, s)
		}
	}
	return out
}

// validateMemberUrge (issue 20): the member whose process it is urges
// whoever its open steps wait on, overdue or not, at most once per step
// in UrgeAgain; the refusal says when the next one is possible.
func (c *core) validateMemberUrge(now time.Time, a UrgeArgs) error {
	if c.hdr.MemberID == "" || a.Actor.Party.MemberID != c.hdr.MemberID {
		return forbidden(errs.MsgUrgeOwn)
	}
	steps := c.othersSteps()
	if len(steps) == 0 && len(c.openSteps()) > 0 {
		// What is open waits on the member: no one else to urge, as
		// before issue 20 (a member could not urge).
		return forbidden(errs.MsgUrgeSelf)
	}
	if len(steps) == 0 {
		return conflict(errs.MsgUrgeNothing)
	}
	var last time.Time
	for _, s := range steps {
		at, ok := c.lastUrge(a.Actor.UserID, s.Name)
		if !ok || now.Sub(at) >= UrgeAgain {
			return nil // at least one step may be urged now
		}
		if at.After(last) {
			last = at
		}
	}
	return conflict(errs.MsgUrgeNextAt, last.In(cst).Format("2006-01-02 15:04"), last.Add(UrgeAgain).In(cst).Format("2006-01-02 15:04"))
}

// memberUrge records the member's 催办 at each step not urged by them in
// UrgeAgain and tells whoever it waits on at once.
func (c *core) memberUrge(ctx workflow.Context, a UrgeArgs, subject string) {
	now := chinaNow(ctx)
	for _, s := range c.othersSteps() {
		if at, ok := c.lastUrge(a.Actor.UserID, s.Name); ok && now.Sub(at) < UrgeAgain {
			continue
		}
		c.urgeStep(ctx, a, s, subject, "等待您处理")
	}
}

// othersSteps are the open steps that wait on someone other than the
// process's member (a member's own report back is not urged).
func (c *core) othersSteps() []*Step {
	var out []*Step
	for _, s := range c.openSteps() {
		for _, p := range s.WaitingOn {
			if p.Role != policy.RoleMember {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// lastUrge is when the actor last urged the step of that name.
func (c *core) lastUrge(userID, step string) (time.Time, bool) {
	var last time.Time
	found := false
	for _, e := range c.events {
		if e.Action == "urged" && e.ActorID == userID && e.Step == step {
			last, found = e.At, true
		}
	}
	return last, found
}
