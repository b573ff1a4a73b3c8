package actions

// 催办 for every kind of process (issue 13): a county office in the
// process's county, or a city office, reminds whoever an overdue step
// waits on; the workflow checks it and writes it in the timeline.

import (
	"context"
	"encoding/json"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// RemindProcess is 催办 of an overdue process of any kind: the caller must
// see it; the workflow checks the rest (a county or city office in scope,
// an overdue open step, not this office's 催办 within 24 hours), records
// it and tells whoever the step waits on.
func (a *Actions) RemindProcess(ctx context.Context, u User, req CommentRequest) (store.Process, error) {
	if u.Role == policy.RoleMember {
		return a.urgeMember(ctx, u, req)
	}
	if !canBoard(u) || u.Role == policy.RoleAdmin { // the administrator keeps the system, not the rules
		return store.Process{}, errs.New(errs.Forbidden, errs.MsgUrgeOffices)
	}
	if err := req.Check(); err != nil {
		return store.Process{}, err
	}
	p, err := a.processOf(ctx, u, req.ID, "", errs.MsgProcessOutOfView)
	if err != nil {
		return p, err
	}
	if !Remindable(p) {
		return p, errs.New(errs.Conflict, errs.MsgUrgeNotOverdue)
	}
	wid, err := workflowIDOf(p)
	if err != nil {
		return p, err
	}
	county := ""
	if !isCityOffice(u) {
		county = u.CountyID
	}
	args := workflows.UrgeArgs{Actor: actorOf(u), CountyID: county, Comment: req.Comment}
	err = a.send(ctx, wid, workflows.ProcessUrge, args, nil, closed(errs.MsgUrgeNotOverdue))
	return p, err
}

// Remindable: 催办 is offered on an open overdue process of any kind.
func Remindable(p store.Process) bool {
	return p.Overdue && p.ClosedAt == nil
}

// workflowIDOf is a process's workflow: each kind keeps its own ID (a
// report's is its county and month, read from its resource).
func workflowIDOf(p store.Process) (string, error) {
	switch p.Kind {
	case workflows.KindLeave:
		return workflows.LeaveWorkflowID(p.ID), nil
	case workflows.KindAbsence:
		return workflows.AbsenceWorkflowID(p.ID), nil
	case workflows.KindRosterChange:
		return workflows.RosterChangeWorkflowID(p.ID), nil
	case workflows.KindAbsenceReport:
		var r struct {
			Month string `json:"month"`
		}
		if err := json.Unmarshal(p.Detail, &r); err != nil || r.Month == "" {
			return "", errs.New(errs.Internal, errs.MsgUrgeNotOverdue).WithDetail("report %s without a month: %v", p.ID, err)
		}
		return workflows.ReportWorkflowID(p.CountyID, r.Month), nil
	}
	return "", errs.New(errs.Internal, errs.MsgUrgeNotOverdue).WithDetail("process %s of kind %q", p.ID, p.Kind)
}
