package workflows

// 转交 and 委托 (issue 20). A step waits on offices and units, so any
// account of the office may decide it. Handed over (转交), the office's
// place at the step names one account (Party.UserID): from then on only
// that account, or its deputy under a delegation (委托, Actor.OnBehalfOf),
// decides; the account that handed it over is refused like anyone else.
// Which account is whose deputy is checked by the actions against the
// delegations in force and signed into the update (seal); the workflow
// reads the result from the actor.

import (
	"go.temporal.io/sdk/workflow"

	"zhucun/errs"
)

// ProcessHandOver is the 转交 update.
const ProcessHandOver = "hand_over"

// VersionIssue20 marks a leave started with issue 20's behaviour: steps
// may be handed over and a decided leave is copied (抄送) to the parties
// its rules name. Leaves started before keep neither on replay.
const VersionIssue20 = "issue-20"

// HandOverArgs pass one waiting item to another account of the same office
// or unit (To carries that account's user id and name, and its office or
// unit as Party), with a comment.
type HandOverArgs struct {
	Actor   Actor  `json:"actor"`
	To      Actor  `json:"to"`
	Step    string `json:"step,omitempty"` // a step's ID or name; "" the first the caller holds
	Comment string `json:"comment"`
}

// Office is the party without the account a hand-over named: the office
// or unit as escalation and decisions know it.
func (p Party) Office() Party {
	p.UserID = ""
	return p
}

// holder is the party at s that a acts for: its office's or unit's place,
// unless that place was handed over to another account; then only that
// account or the deputy acting on its behalf.
func (s *Step) holder(a Actor) (Party, bool) {
	for _, p := range s.WaitingOn {
		if p.Office().Key() != a.Party.Office().Key() {
			continue
		}
		if p.UserID == "" || p.UserID == a.UserID || (a.OnBehalfOf != "" && p.UserID == a.OnBehalfOf) {
			return p, true
		}
	}
	return Party{}, false
}

// handedAway reports whether a's office place at s was handed over to an
// account that is not a's (nor the one a is deputy for).
func (s *Step) handedAway(a Actor) bool {
	for _, p := range s.WaitingOn {
		if p.UserID != "" && p.Office().Key() == a.Party.Office().Key() {
			if _, ok := s.holder(a); !ok {
				return true
			}
		}
	}
	return false
}

// without is the waiting list with party p taken out.
func without(list []Party, p Party) []Party {
	out := list[:0:0]
	for _, q := range list {
		if q.Key() != p.Key() {
			out = append(out, q)
		}
	}
	return out
}

// registerHandOver adds the 转交 update for the steps named (the human
// steps of offices and units; never a member's own). enabled is false for
// processes started before VersionIssue20: they refuse it.
func (c *core) registerHandOver(ctx workflow.Context, enabled bool, steps []string, subject func() string, save func(workflow.Context) error) error {
	find := func(a HandOverArgs) (*Step, Party, error) {
		if !enabled {
			return nil, Party{}, conflict(errs.MsgHandOverOld)
		}
		if a.To.UserID == "" || a.To.UserID == a.Actor.UserID || a.To.UserID == a.Actor.OnBehalfOf {
			return nil, Party{}, invalid(errs.MsgHandOverSelf)
		}
		for _, s := range c.openSteps() {
			if a.Step != "" && s.ID != a.Step && s.Name != a.Step {
				continue
			}
			if !stepIn(s.Name, steps) {
				continue
			}
			if p, ok := s.holder(a.Actor); ok {
				if a.To.Party.Office().Key() != p.Office().Key() {
					return nil, Party{}, forbidden(errs.MsgHandOverOffice)
				}
				return s, p, nil
			}
			if s.handedAway(a.Actor) {
				return nil, Party{}, forbidden(errs.MsgHandedOver)
			}
		}
		return nil, Party{}, forbidden(errs.MsgHandOverNothing)
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, ProcessHandOver,
		func(ctx workflow.Context, a HandOverArgs) error {
			s, p, err := find(a)
			if err != nil {
				return err
			}
			to := p.Office()
			to.UserID = a.To.UserID
			s.WaitingOn = append(without(s.WaitingOn, p), to)
			c.event(ctx, a.Actor, "handed_over", s.Name, "转交给"+a.To.Name+"："+a.Comment)
			c.notify([]Party{to}, "转交：「"+subject()+"」"+StepTitle(s.Name)+"由"+a.Actor.Name+"转交给您处理："+a.Comment)
			return save(ctx)
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a HandOverArgs) error {
			_, _, err := find(a)
			return err
		}})
}

func stepIn(name string, names []string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
