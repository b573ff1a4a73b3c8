package policy

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestDefaultValidates(t *testing.T) {
	if p := Default().Validate(); len(p) != 0 {
		t.Fatalf("Default().Validate() = %v, want none", p)
	}
	// Default survives a JSON round trip (policies are stored as JSON).
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	var r Rules
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if p := r.Validate(); len(p) != 0 {
		t.Fatalf("round-tripped Default().Validate() = %v", p)
	}
	if !reflect.DeepEqual(r, Default()) {
		t.Fatalf("round trip changed rules: %+v", r)
	}
}

func TestValidateNamesEachField(t *testing.T) {
	h := Duration(time.Hour)
	tests := []struct {
		name string
		edit func(*Rules)
		want []string
	}{
		{"threshold zero", func(r *Rules) { r.Leave.ThresholdDays = 0 }, []string{"leave.threshold_days"}},
		{"threshold above max", func(r *Rules) { r.Leave.ThresholdDays = 367 }, []string{"leave.threshold_days"}},
		{"max zero", func(r *Rules) { r.Leave.MaxDays = 0 }, []string{"leave.max_days", "leave.threshold_days"}},
		{"max too big", func(r *Rules) { r.Leave.MaxDays = 367 }, []string{"leave.max_days"}},
		{"max below threshold", func(r *Rules) { r.Leave.MaxDays = 5 }, []string{"leave.threshold_days", "leave.max_days_by_kind.personal"}},
		{"day counting", func(r *Rules) { r.Leave.DayCounting = "workdays" }, []string{"leave.day_counting"}},
		{"day counting empty", func(r *Rules) { r.Leave.DayCounting = "" }, []string{"leave.day_counting"}},
		{"township empty", func(r *Rules) { r.Leave.TownshipApprovers = nil }, []string{"leave.township_approvers"}},
		{"township city role", func(r *Rules) { r.Leave.TownshipApprovers = []string{RoleCityBureau} }, []string{"leave.township_approvers"}},
		{"township member", func(r *Rules) { r.Leave.TownshipApprovers = []string{RoleMember} }, []string{"leave.township_approvers"}},
		{"joint empty", func(r *Rules) { r.Leave.JointApprovers = []string{} }, []string{"leave.joint_approvers"}},
		{"joint unknown", func(r *Rules) { r.Leave.JointApprovers = []string{RoleCountyBureau, "mayor"} }, []string{"leave.joint_approvers"}},
		{"joint admin", func(r *Rules) { r.Leave.JointApprovers = []string{RoleAdmin} }, []string{"leave.joint_approvers"}},
		{"joint twice", func(r *Rules) { r.Leave.JointApprovers = []string{RoleUnitHead, RoleUnitHead} }, []string{"leave.joint_approvers"}},
		{"leave filing empty", func(r *Rules) { r.Leave.FilingOffices = nil }, []string{"leave.filing_offices"}},
		{"leave filing township", func(r *Rules) { r.Leave.FilingOffices = []string{RoleTownshipCommittee} }, []string{"leave.filing_offices"}},
		{"reminder zero", func(r *Rules) { r.Leave.ReminderEvery = 0 }, []string{"leave.reminder_every"}},
		{"reminder too often", func(r *Rules) { r.Leave.ReminderEvery = Duration(time.Minute) }, []string{"leave.reminder_every"}},
		{"escalate zero", func(r *Rules) { r.Leave.EscalateAfter = 0 }, []string{"leave.escalate_after"}},
		{"escalate before reminder", func(r *Rules) { r.Leave.EscalateAfter = 2 * h }, []string{"leave.escalate_after"}},
		{"escalate to unknown", func(r *Rules) { r.Leave.Escalation[RoleCountyBureau] = "governor" }, []string{"leave.escalation.county_bureau"}},
		{"escalate to member", func(r *Rules) { r.Leave.Escalation[RoleUnitHead] = RoleMember }, []string{"leave.escalation.unit_head"}},
		{"escalate to itself", func(r *Rules) { r.Leave.Escalation[RoleCountyBureau] = RoleCountyBureau }, []string{"leave.escalation.county_bureau"}},
		{"escalate from a member", func(r *Rules) { r.Leave.Escalation[RoleMember] = RoleCountyBureau }, []string{"leave.escalation"}},
		{"kind limit unknown kind", func(r *Rules) { r.Leave.MaxDaysByKind["annual"] = 5 }, []string{"leave.max_days_by_kind"}},
		{"kind limit above max", func(r *Rules) { r.Leave.MaxDaysByKind[KindSick] = 367 }, []string{"leave.max_days_by_kind.sick"}},
		{"kind limit negative", func(r *Rules) { r.Leave.MaxDaysByKind[KindPersonal] = -1 }, []string{"leave.max_days_by_kind.personal"}},
		{"sick backdate negative", func(r *Rules) { r.Leave.SickBackdateDays = -1 }, []string{"leave.sick_backdate_days"}},
		{"sick backdate 31", func(r *Rules) { r.Leave.SickBackdateDays = 31 }, []string{"leave.sick_backdate_days"}},
		{"approval grace zero", func(r *Rules) { r.Leave.ApprovalGrace = 0 }, []string{"leave.approval_grace"}},
		{"gap negative", func(r *Rules) { r.Leave.ConsecutiveGapDays = -1 }, []string{"leave.consecutive_gap_days"}},
		{"explain min days 29", func(r *Rules) { r.Absence.ExplainMinDays = 29 }, []string{"absence.explain_min_days"}},
		{"roster backdate negative", func(r *Rules) { r.Roster.BackdateDays = -1 }, []string{"roster.backdate_days"}},
		{"filing due zero", func(r *Rules) { r.Leave.FilingDue = 0 }, []string{"leave.filing_due"}},
		{"return negative", func(r *Rules) { r.Leave.ReturnDueDays = -1 }, []string{"leave.return_due_days"}},
		{"return too late", func(r *Rules) { r.Leave.ReturnDueDays = 31 }, []string{"leave.return_due_days"}},
		{"cutoff zero", func(r *Rules) { r.Absence.CycleCutoffDay = 0 }, []string{"absence.cycle_cutoff_day"}},
		{"cutoff 29", func(r *Rules) { r.Absence.CycleCutoffDay = 29 }, []string{"absence.cycle_cutoff_day", "absence.due_day"}},
		{"due 1", func(r *Rules) { r.Absence.DueDay = 1 }, []string{"absence.due_day"}},
		{"due 29", func(r *Rules) { r.Absence.DueDay = 29 }, []string{"absence.due_day"}},
		{"due equals cutoff", func(r *Rules) { r.Absence.DueDay = 20 }, []string{"absence.due_day"}},
		{"absence remind negative", func(r *Rules) { r.Absence.RemindBefore = []Duration{h, -h} }, []string{"absence.remind_before"}},
		{"roster filing days 0", func(r *Rules) { r.Roster.FilingDays = 0 }, []string{"roster.filing_days"}},
		{"roster filing days 61", func(r *Rules) { r.Roster.FilingDays = 61 }, []string{"roster.filing_days"}},
		{"roster report days 0", func(r *Rules) { r.Roster.ReportDays = 0 }, []string{"roster.report_days"}},
		{"roster filing offices", func(r *Rules) { r.Roster.FilingOffices = []string{RoleCityOrgDept} }, []string{"roster.filing_offices"}},
		{"roster remind zero", func(r *Rules) { r.Roster.RemindBefore = []Duration{0} }, []string{"roster.remind_before"}},
		{"team size 0", func(r *Rules) { r.Roster.MinTeamSize = 0 }, []string{"roster.min_team_size"}},
		{"team size 51", func(r *Rules) { r.Roster.MinTeamSize = 51 }, []string{"roster.min_team_size"}},
		{"term negative", func(r *Rules) { r.Roster.MinTermYears = -1 }, []string{"roster.min_term_years"}},
		{"term 11", func(r *Rules) { r.Roster.MinTermYears = 11 }, []string{"roster.min_term_years"}},
		{"several at once", func(r *Rules) {
			r.Leave.DayCounting = "x"
			r.Absence.DueDay = 0
			r.Roster.MinTeamSize = 0
		}, []string{"absence.due_day", "leave.day_counting", "roster.min_team_size"}},
		{"zero rules", func(r *Rules) { *r = Rules{} }, []string{
			"absence.cycle_cutoff_day", "absence.due_day",
			"leave.day_counting", "leave.escalate_after", "leave.filing_due", "leave.approval_grace",
			"leave.filing_offices", "leave.joint_approvers", "leave.max_days", "leave.reminder_every",
			"leave.threshold_days", "leave.township_approvers",
			"roster.filing_days", "roster.filing_offices", "roster.min_team_size", "roster.report_days",
			"creation.per_minute", "creation.per_day", "presence.min_days_month",
			"obligations.training_due", "obligations.training_remind_from", "obligations.training_min_days",
			"obligations.training_min_level", "obligations.assessment_due", "obligations.assessment_ack_days",
			"obligations.hearing_due", "obligations.visits_due",
			"accountability.interview_within_days", "accountability.replace_within_days", "accountability.circulation_days",
		}},
		{"presence: trip approval past a month, no minimum", func(r *Rules) {
			r.Presence = PresenceRules{TripApprovalDays: 32, MinDaysMonth: 24}
		}, []string{"presence.trip_approval_days", "presence.min_days_month"}},
		{"obligations: bad dates and a reminder after the due day", func(r *Rules) {
			r.Obligations.TrainingDue = "02-30"
			r.Obligations.AssessmentDue = "12/31"
			r.Obligations.HearingDue = []string{"07-31", "12-31"}
			r.Obligations.TrainingMinLevel = "village"
		}, []string{"obligations.training_due", "obligations.assessment_due", "obligations.hearing_due", "obligations.training_min_level"}},
		{"obligations: reminders after the due day", func(r *Rules) {
			r.Obligations.TrainingRemindFrom = "12-31"
			r.Obligations.TrainingDue = "11-30"
		}, []string{"obligations.training_remind_from"}},
		{"accountability: an interview a year away, no threshold at all is fine", func(r *Rules) {
			r.Accountability.InterviewWithinDays = 91
			r.Accountability.InterviewAfter = InterviewThreshold{}
			r.Accountability.RemindBefore = []Duration{-1}
		}, []string{"accountability.interview_within_days", "accountability.remind_before"}},
		{"creation limits: a day below a minute", func(r *Rules) {
			r.Creation = CreationRules{PerMinute: 50, PerDay: 40}
		}, []string{"creation.per_day"}},
		{"creation limits: a minute past 1000", func(r *Rules) {
			r.Creation = CreationRules{PerMinute: 1001, PerDay: 2000}
		}, []string{"creation.per_minute"}},
	}
	for _, tc := range tests {
		r := Default()
		tc.edit(&r)
		p := r.Validate()
		var got []string
		for k, msg := range p {
			got = append(got, k)
			if msg == "" {
				t.Errorf("%s: empty message for %s", tc.name, k)
			}
		}
		sort.Strings(got)
		want := append([]string(nil), tc.want...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Validate() fields = %v, want %v (%v)", tc.name, got, want, p)
		}
	}
}

func TestValidateAcceptsVariants(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Rules)
	}{
		{"working days", func(r *Rules) { r.Leave.DayCounting = CountWorking }},
		{"threshold equals max", func(r *Rules) { r.Leave.ThresholdDays = 366 }},
		{"no escalation", func(r *Rules) { r.Leave.Escalation = nil }},
		{"escalate a township to the city", func(r *Rules) { r.Leave.Escalation[RoleTownshipCommittee] = RoleCityBureau }},
		{"no kind limits", func(r *Rules) { r.Leave.MaxDaysByKind = nil }},
		{"sick limited too", func(r *Rules) { r.Leave.MaxDaysByKind[KindSick] = 60 }},
		{"no back-dating, no joining", func(r *Rules) { r.Leave.SickBackdateDays, r.Leave.ConsecutiveGapDays = 0, 0 }},
		{"periods keep rest days", func(r *Rules) { r.PeriodsSkipRestDays = false }},
		{"return same day", func(r *Rules) { r.Leave.ReturnDueDays = 0 }},
		{"city joint approvers", func(r *Rules) { r.Leave.JointApprovers = []string{RoleCityOrgDept, RoleCityBureau} }},
		{"escalate equals reminder", func(r *Rules) { r.Leave.EscalateAfter = r.Leave.ReminderEvery }},
		{"no absence reminders", func(r *Rules) { r.Absence.RemindBefore = nil }},
		{"cutoff 27 due 28", func(r *Rules) { r.Absence.CycleCutoffDay, r.Absence.DueDay = 27, 28 }},
		{"no term minimum", func(r *Rules) { r.Roster.MinTermYears = 0 }},
	}
	for _, tc := range tests {
		r := Default()
		tc.edit(&r)
		if p := r.Validate(); len(p) != 0 {
			t.Errorf("%s: Validate() = %v, want none", tc.name, p)
		}
	}
}

func TestInterviewTriggers(t *testing.T) {
	def := Default().Accountability.InterviewAfter
	for _, tc := range []struct {
		th                InterviewThreshold
		absences, missing int
		want              []string
	}{
		{def, 1, 0, nil},
		{def, 2, 0, []string{"absences"}},
		{def, 1, 1, []string{"missing"}},
		{def, 3, 2, []string{"absences", "missing"}},
		{InterviewThreshold{}, 9, 9, nil},
	} {
		if got := InterviewTriggers(tc.th, tc.absences, tc.missing); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("InterviewTriggers(%+v, %d, %d) = %v, want %v", tc.th, tc.absences, tc.missing, got, tc.want)
		}
	}
}
