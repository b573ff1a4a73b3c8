package workflows

// Inputs of the accountability processes (circulation, interview, recall),
// computed the same way by every starter: the scheduled job, and the
// actions of the offices and unit heads.

import (
	"fmt"
	"time"

	"zhucun/policy"
)

// ItemClosed: an absence the county closed with a reason, as the
// circulation shows its explanation.
const ItemClosed = "closed"

// NewCirculationInput is a city's circulation for month, drafted at now
// under the city's rules.
func NewCirculationInput(city, month string, now time.Time, r policy.AccountabilityRules, bureau Party,
	offices []Party, items []CirculationItem, counties []CirculationCounty) CirculationInput {
	due := policy.AccountabilityDue(now, r.CirculationDays)
	return CirculationInput{ProcessID: CirculationProcessID(city, month), CityID: city, Month: month,
		DueAt: due, RemindAt: policy.RemindersBefore(due, r.RemindBefore), Bureau: bureau, Offices: offices,
		Items: items, Counties: counties}
}

// InterviewParties are the unit and offices an interview involves.
type InterviewParties struct {
	CountyID, BureauID, UnitID, UnitName, Principal string
}

// NewInterviewInput opens an interview at now under the county's policy:
// wid is InterviewWorkflowID (a threshold) or DecidedInterviewWorkflowID.
func NewInterviewInput(wid string, p InterviewParties, trigger, reason string, by Actor, now time.Time, pol policy.Policy) InterviewInput {
	due := policy.AccountabilityDue(now, pol.Rules.Accountability.InterviewWithinDays)
	return InterviewInput{ProcessID: ProcessIDOf(wid), WorkflowID: wid, CountyID: p.CountyID, UnitID: p.UnitID,
		UnitName: p.UnitName, Principal: p.Principal, Year: now.In(cst).Year(), Trigger: trigger, Reason: reason,
		OpenedBy: by, DueAt: due, RemindAt: policy.RemindersBefore(due, pol.Rules.Accountability.RemindBefore),
		PolicyVersion: pol.Ref(), Bureau: Party{Role: policy.RoleCountyBureau, OfficeID: p.BureauID},
		UnitHead: Party{Role: policy.RoleUnitHead, UnitID: p.UnitID}}
}

// ThresholdReason is an interview's reason in words, for a tally.
func ThresholdReason(trigger, member string, year, n int) string {
	if trigger == TriggerMissing {
		return fmt.Sprintf("%s %d 年情况说明缺失 %d 次", member, year, n)
	}
	return fmt.Sprintf("%s %d 年被查出离岗 %d 次", member, year, n)
}

// NewRecallInput is a recall recorded at now under the county's policy,
// the member's last day on the team being now's China date.
func NewRecallInput(in RecallInput, now time.Time, pol policy.Policy) RecallInput {
	due := policy.AccountabilityDue(now, pol.Rules.Accountability.ReplaceWithinDays)
	in.ProcessID = ProcessIDOf(RecallWorkflowID(in.RosterChangeID))
	in.RecalledOn = policy.FormatDate(now)
	in.DueAt, in.RemindAt = due, policy.RemindersBefore(due, pol.Rules.Accountability.RemindBefore)
	in.PolicyVersion = pol.Ref()
	return in
}
