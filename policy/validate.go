package policy

import (
	"slices"
	"strings"
	"time"

	"zhucun/errs"
)

// Role sets the validator accepts in each place. They are deliberately
// narrower than "every Role* constant": a member never approves a leave
// (least of all their own) and admin is an operator account, not an office
// with authority under the rules.
var (
	// approverRoles may appear in joint_approvers.
	approverRoles = []string{RoleUnitHead, RoleTownshipCommittee, RoleCountyOrgDept,
		RoleCountyBureau, RoleCityOrgDept, RoleCityBureau}
	// townshipApproverRoles: the short route stays at township/county level.
	townshipApproverRoles = []string{RoleTownshipCommittee, RoleCountyOrgDept,
		RoleCountyBureau, RoleUnitHead}
	// filingOfficeRoles: filings go to the two county offices.
	filingOfficeRoles = []string{RoleCountyOrgDept, RoleCountyBureau}
	// officeRoles may receive an escalation.
	officeRoles = []string{RoleTownshipCommittee, RoleCountyOrgDept, RoleCountyBureau,
		RoleCityOrgDept, RoleCityBureau}
	// silentRoles may be left silent at a step, and so escalated from.
	silentRoles = []string{RoleUnitHead, RoleTownshipCommittee, RoleCountyOrgDept,
		RoleCountyBureau, RoleCityOrgDept, RoleCityBureau}
)

// Validate checks every field of r and returns field path → message for
// each invalid one (nil when r is valid). Paths are the JSON names, e.g.
// "leave.threshold_days", so an editing form can show each message next to
// its field; every problem is reported at once rather than the first only.
func (r Rules) Validate() map[string]string {
	p := problems{}
	l := r.Leave
	p.intRange("leave.max_days", l.MaxDays, 1, 366)
	if l.ThresholdDays < 1 || l.ThresholdDays > l.MaxDays {
		p.add("leave.threshold_days", errs.MsgRuleThreshold, l.MaxDays, l.ThresholdDays)
	}
	if l.DayCounting != CountCalendar && l.DayCounting != CountWorking {
		p.add("leave.day_counting", errs.MsgRuleCounting, CountCalendar, CountWorking, l.DayCounting)
	}
	p.roles("leave.township_approvers", l.TownshipApprovers, townshipApproverRoles)
	p.roles("leave.joint_approvers", l.JointApprovers, approverRoles)
	p.roles("leave.filing_offices", l.FilingOffices, filingOfficeRoles)
	if l.ReminderEvery < Duration(time.Hour) {
		p.add("leave.reminder_every", errs.MsgRuleAtLeast, "1h", l.ReminderEvery.D())
	}
	if l.EscalateAfter <= 0 {
		p.add("leave.escalate_after", errs.MsgRulePositive, l.EscalateAfter.D())
	} else if l.EscalateAfter < l.ReminderEvery {
		p.add("leave.escalate_after", errs.MsgRuleNotBefore, l.ReminderEvery.D(), l.EscalateAfter.D())
	}
	p.escalation("leave.escalation", l.Escalation)
	p.copyTo("leave.copy_to", l.CopyTo)
	if l.FilingDue <= 0 {
		p.add("leave.filing_due", errs.MsgRulePositive, l.FilingDue.D())
	}
	p.intRange("leave.return_due_days", l.ReturnDueDays, 0, 30)
	p.kindLimits("leave.max_days_by_kind", l.MaxDaysByKind, l.MaxDays)
	p.intRange("leave.sick_backdate_days", l.SickBackdateDays, 0, 30)
	if l.ApprovalGrace < Duration(time.Hour) {
		p.add("leave.approval_grace", errs.MsgRuleAtLeast, "1h", l.ApprovalGrace.D())
	}
	p.intRange("leave.consecutive_gap_days", l.ConsecutiveGapDays, 0, 30)

	a := r.Absence
	// Capped at 28 so every month, February included, has the day.
	p.intRange("absence.cycle_cutoff_day", a.CycleCutoffDay, 1, 28)
	if a.DueDay < 2 || a.DueDay > 28 {
		p.add("absence.due_day", errs.MsgRuleDueDay, a.DueDay)
	} else if a.DueDay <= a.CycleCutoffDay {
		p.add("absence.due_day", errs.MsgRuleAfterCut, a.CycleCutoffDay, a.DueDay)
	}
	p.positive("absence.remind_before", a.RemindBefore)
	p.intRange("absence.explain_min_days", a.ExplainMinDays, 0, 28)

	ro := r.Roster
	p.intRange("roster.filing_days", ro.FilingDays, 1, 60)
	p.intRange("roster.report_days", ro.ReportDays, 1, 60)
	p.roles("roster.filing_offices", ro.FilingOffices, filingOfficeRoles)
	p.positive("roster.remind_before", ro.RemindBefore)
	p.intRange("roster.min_team_size", ro.MinTeamSize, 1, 50)
	p.intRange("roster.min_term_years", ro.MinTermYears, 0, 10)
	p.intRange("roster.backdate_days", ro.BackdateDays, 0, 366)

	c := r.Creation
	p.intRange("creation.per_minute", c.PerMinute, 1, 1000)
	p.intRange("creation.per_day", c.PerDay, max(c.PerMinute, 1), 100000)
	r.Presence.validate(p)

	n := r.Notices
	if (n.QuietFrom == "") != (n.QuietUntil == "") {
		p.add("notices.quiet_until", errs.MsgRuleQuietBoth)
	}
	for path, v := range map[string]string{"notices.quiet_from": n.QuietFrom, "notices.quiet_until": n.QuietUntil} {
		if _, ok := clockMinutes(v); v != "" && !ok {
			p.add(path, errs.MsgRuleQuietTime, v)
		}
	}
	r.Obligations.validate(p)

	ac := r.Accountability
	p.intRange("accountability.interview_after.absences", ac.InterviewAfter.Absences, 0, 50)
	p.intRange("accountability.interview_after.missing", ac.InterviewAfter.Missing, 0, 50)
	p.intRange("accountability.interview_within_days", ac.InterviewWithinDays, 1, 90)
	p.intRange("accountability.replace_within_days", ac.ReplaceWithinDays, 1, 180)
	p.intRange("accountability.circulation_days", ac.CirculationDays, 1, 30)
	p.positive("accountability.remind_before", ac.RemindBefore)

	if len(p) == 0 {
		return nil
	}
	return p
}

// problems collects path → message; the first problem found for a path wins.
type problems map[string]string

func (p problems) add(path string, m errs.Msg, args ...any) {
	if _, ok := p[path]; !ok {
		p[path] = errs.Text(m, args...)
	}
}

func (p problems) intRange(path string, v, lo, hi int) {
	if v < lo || v > hi {
		p.add(path, errs.MsgRuleRange, lo, hi, v)
	}
}

// roles requires a non-empty list of distinct roles drawn from allowed.
func (p problems) roles(path string, list, allowed []string) {
	if len(list) == 0 {
		p.add(path, errs.MsgRuleNeedsRole, strings.Join(allowed, ", "))
		return
	}
	seen := map[string]bool{}
	for _, role := range list {
		switch {
		case !slices.Contains(allowed, role):
			p.add(path, errs.MsgRuleRoleHere, role, strings.Join(allowed, ", "))
		case seen[role]:
			p.add(path, errs.MsgRuleRoleTwice, role)
		}
		seen[role] = true
	}
}

// escalation requires each silent role to go up to another office.
func (p problems) escalation(path string, m map[string]string) {
	for _, from := range sortedKeys(m) {
		to := m[from]
		switch {
		case !slices.Contains(silentRoles, from):
			p.add(path, errs.MsgRuleRoleHere, from, strings.Join(silentRoles, ", "))
		case !slices.Contains(officeRoles, to):
			p.add(path+"."+from, errs.MsgRuleOneOf, strings.Join(officeRoles, ", "), to)
		case to == from:
			p.add(path+"."+from, errs.MsgRuleEscalateSelf, from)
		}
	}
}

// kindLimits requires known kinds, each limited to 0 (none) .. max.
func (p problems) kindLimits(path string, m map[string]int, max int) {
	if max < 1 || max > 366 { // reported as max_days itself
		max = 366
	}
	for _, kind := range sortedKeys(m) {
		if !slices.Contains(LeaveKinds, kind) {
			p.add(path, errs.MsgRuleRoleHere, kind, strings.Join(LeaveKinds, ", "))
			continue
		}
		p.intRange(path+"."+kind, m[kind], 0, max)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (p problems) positive(path string, list []Duration) {
	for i, d := range list {
		if d <= 0 {
			p.add(path, errs.MsgRuleEntry, i+1, d.D())
		}
	}
}

// copyTo: each 抄送 recipient known and named once; none is fine.
func (p problems) copyTo(path string, list []string) {
	seen := map[string]bool{}
	for _, c := range list {
		if (c != CopyTeamLeader && c != CopyUnitHead) || seen[c] {
			p.add(path, errs.MsgCopyTo)
		}
		seen[c] = true
	}
}
