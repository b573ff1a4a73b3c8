package workflows

// 抄送 (issue 20): once a leave is decided, the parties the county's rules
// name (its team leader, its unit's heads) are told and find it in their
// "抄送我的" list. A copy is for reading: it adds no one to any step, so a
// recipient who tries to decide is refused as any non-approver is.

import (
	"go.temporal.io/sdk/workflow"
)

// copyDecided sends the copies of the decision (outcome reads 已批准 or
// 未获批准), once, for leaves started with VersionIssue20.
func (w *leaveWorkflow) copyDecided(ctx workflow.Context, outcome string) {
	if !w.issue20 || len(w.in.CopyTo) == 0 || len(w.leave.CopiedTo) > 0 {
		return
	}
	for _, p := range w.in.CopyTo {
		w.leave.CopiedTo = append(w.leave.CopiedTo, p.Key())
	}
	w.event(ctx, system, "copied", StepApproval, "")
	w.notify(w.in.CopyTo, "抄送：「"+w.subject()+"」"+outcome)
}
