// Package policy holds the rules a county may set (thresholds, approvers,
// day counting, every deadline) as data, and the pure China-time date
// arithmetic that turns them into absolute instants for workflows.
package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// CityScope is the policy scope of the city's default rules.
const CityScope = "city"

// Roles of approvers and offices, as they appear in policies and waiting lists.
const (
	RoleMember            = "member"
	RoleUnitHead          = "unit_head"
	RoleTownshipCommittee = "township_committee"
	RoleCountyOrgDept     = "county_org_dept"
	RoleCountyBureau      = "county_bureau"
	RoleCityOrgDept       = "city_org_dept"
	RoleCityBureau        = "city_bureau"
	RoleAdmin             = "admin"
)

// Day counting modes.
const (
	CountCalendar = "calendar"
	CountWorking  = "working"
)

// Leave kinds.
const (
	KindPersonal = "personal"
	KindSick     = "sick"
)

// LeaveKinds are the kinds of leave a member may ask for.
var LeaveKinds = []string{KindPersonal, KindSick}

// Leave routes.
const (
	RouteTownship = "township"
	RouteJoint    = "joint"
)

// Duration is a time.Duration that reads and writes JSON as "24h".
type Duration time.Duration

func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON fails with a *json.UnmarshalTypeError, to which
// encoding/json adds the field's path, so an API error can name it.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[Duration]()}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: fmt.Sprintf("string %q", s), Type: reflect.TypeFor[Duration]()}
	}
	*d = Duration(v)
	return nil
}

// Rules is one version of a county's (or the city's) policy.
type Rules struct {
	Leave   LeaveRules   `json:"leave"`
	Absence AbsenceRules `json:"absence"`
	Roster  RosterRules  `json:"roster"`
	// Creation limits how many processes one person may open.
	Creation CreationRules `json:"creation"`
	// Presence governs article 13 (presence.go).
	Presence PresenceRules `json:"presence"`
	// Obligations: the yearly duties of articles 11, 19 and 23.
	Obligations ObligationRules `json:"obligations"`
	// PeriodsSkipRestDays: a period counted in days ("within 3 days",
	// "report back the day after") whose last day is a statutory rest day
	// ends at the end of the next working day (民法典 第二百零三条).
	// Fixed dates ("before the 25th") never move.
	PeriodsSkipRestDays bool `json:"periods_skip_rest_days"`
	// Notices: when group robots keep quiet.
	Notices NoticeRules `json:"notices"`
	// Accountability governs articles 18 and 20: circulation, interview, recall.
	Accountability AccountabilityRules `json:"accountability"`
}

// AccountabilityRules govern the circulation (通报), the interview of a
// unit's principal (约谈) and the replacement after a recall (召回).
type AccountabilityRules struct {
	// InterviewAfter: a member's yearly tally that opens an interview of
	// their unit's principal; 0 never opens one on that count.
	InterviewAfter InterviewThreshold `json:"interview_after"`
	// InterviewWithinDays: the interview is held by the end of this many
	// days after it opens.
	InterviewWithinDays int `json:"interview_within_days"`
	// ReplaceWithinDays: someone joins a team in a recalled member's place
	// by the end of this many days after the recall.
	ReplaceWithinDays int `json:"replace_within_days"`
	// CirculationDays: the city bureau issues the month's circulation by
	// the end of this many days after it is drafted.
	CirculationDays int `json:"circulation_days"`
	// RemindBefore: reminders this long before each of those deadlines.
	RemindBefore []Duration `json:"remind_before"`
}

// InterviewThreshold is a yearly tally: absences found, explanations missing.
type InterviewThreshold struct {
	Absences int `json:"absences"`
	Missing  int `json:"missing"`
}

// LeaveRules govern article 16: who approves a leave and by when.
type LeaveRules struct {
	// ThresholdDays: a leave of up to this many days takes the township route.
	ThresholdDays int `json:"threshold_days"`
	// MaxDays: no leave of any kind may be longer (a bound on every
	// request, as the days counted decide the route).
	MaxDays int `json:"max_days"`
	// MaxDaysByKind: the longest leave of each kind (personal, sick); a
	// kind missing or 0 has no limit of its own, only MaxDays.
	MaxDaysByKind map[string]int `json:"max_days_by_kind"`
	DayCounting   string         `json:"day_counting"`
	// TownshipApprovers and JointApprovers are roles; each resolves to the
	// member's own office or unit of that role.
	TownshipApprovers []string `json:"township_approvers"`
	JointApprovers    []string `json:"joint_approvers"`
	// FilingOffices receive a township-route leave on file once approved.
	FilingOffices []string `json:"filing_offices"`
	ReminderEvery Duration `json:"reminder_every"`
	EscalateAfter Duration `json:"escalate_after"`
	// Escalation maps the role of an office left silent past
	// EscalateAfter to the role of the office above it, which is told
	// (督办) and may remind, but never decides. A role missing here is
	// not escalated.
	Escalation map[string]string `json:"escalation"`
	// FilingDue is how long the filing offices have to acknowledge.
	FilingDue Duration `json:"filing_due"`
	// ReturnDueDays: the report back is due at the end of this many days
	// after the leave's last day.
	ReturnDueDays int `json:"return_due_days"`
	// SickBackdateDays: sick leave may start up to this many calendar
	// days before it is submitted (补假); personal leave may not start in
	// the past.
	SickBackdateDays int `json:"sick_backdate_days"`
	// ApprovalGrace: a leave whose start has passed when it is submitted
	// is due for approval this long after submission, not at once.
	ApprovalGrace Duration `json:"approval_grace"`
	// ConsecutiveGapDays: a leave separated from another of the member's
	// (pending or approved) by at most this many days, counted as
	// DayCounting counts, is routed on their combined total.
	ConsecutiveGapDays int `json:"consecutive_gap_days"`
	// CopyTo names who receives a copy (抄送) of a decided leave: CopyTeamLeader
	// (the member's team leader), CopyUnitHead (the heads of the member's
	// unit). Empty (the city's default): no copies.
	CopyTo []string `json:"copy_to,omitempty"`
}

// 抄送 recipients a county's rules may name (LeaveRules.CopyTo).
const (
	CopyTeamLeader = "team_leader"
	CopyUnitHead   = "unit_head"
)

// AbsenceRules govern article 18: explanations and the monthly report.
type AbsenceRules struct {
	// CycleCutoffDay: an absence found after this day of the month belongs
	// to the next month's report.
	CycleCutoffDay int `json:"cycle_cutoff_day"`
	// DueDay: explanations and the report are due before this day of the
	// cycle month (end of DueDay-1).
	DueDay int `json:"due_day"`
	// RemindBefore: reminders this long before the due instant.
	RemindBefore []Duration `json:"remind_before"`
	// ExplainMinDays: an absence recorded after its cycle's deadline, or
	// with fewer days left, is due this many days after it is recorded and
	// belongs to the report of the month it is then due in.
	ExplainMinDays int `json:"explain_min_days"`
}

// RosterRules govern article 17: filing a team change and reporting the ledger.
type RosterRules struct {
	FilingDays    int        `json:"filing_days"`
	ReportDays    int        `json:"report_days"`
	FilingOffices []string   `json:"filing_offices"`
	RemindBefore  []Duration `json:"remind_before"`
	MinTeamSize   int        `json:"min_team_size"`
	MinTermYears  int        `json:"min_term_years"`
	// BackdateDays: a change may be effective at most this many days
	// before it is recorded; an older one only a city office records,
	// and it is flagged.
	BackdateDays int `json:"backdate_days"`
}

// CreationRules bound how many processes (leaves, absences, roster
// changes) one account may open, so that nobody can bury the approvers'
// inboxes: at most PerMinute in any minute and PerDay in any 24 hours.
type CreationRules struct {
	PerMinute int `json:"per_minute"`
	PerDay    int `json:"per_day"`
}

// NoticeRules: notices that fall inside quiet hours (China time) wait until
// QuietUntil, unless the deadline they are about expires before then. Both
// empty (a version stored before quiet hours existed) means the default;
// equal times mean no quiet hours.
type NoticeRules struct {
	QuietFrom  string `json:"quiet_from"`  // "20:00"
	QuietUntil string `json:"quiet_until"` // "08:00"
}

// Policy is a versioned set of rules in force for one scope.
type Policy struct {
	Scope     string    `json:"scope"`
	Version   int       `json:"version"`
	Rules     Rules     `json:"rules"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// Ref names a policy version, e.g. "city@1" or "xiping@3".
func (p Policy) Ref() string { return fmt.Sprintf("%s@%d", p.Scope, p.Version) }

// Default returns the city's rules as domain.md states them.
func Default() Rules {
	day := Duration(24 * time.Hour)
	return Rules{
		Leave: LeaveRules{
			ThresholdDays:     7,
			MaxDays:           366,
			MaxDaysByKind:     map[string]int{KindPersonal: 30},
			DayCounting:       CountCalendar,
			TownshipApprovers: []string{RoleTownshipCommittee},
			JointApprovers:    []string{RoleCountyOrgDept, RoleCountyBureau, RoleUnitHead},
			FilingOffices:     []string{RoleCountyOrgDept, RoleCountyBureau},
			ReminderEvery:     day,
			EscalateAfter:     3 * day,
			Escalation: map[string]string{
				RoleTownshipCommittee: RoleCountyBureau,
				RoleCountyBureau:      RoleCityBureau,
				RoleCountyOrgDept:     RoleCityOrgDept,
				RoleUnitHead:          RoleCountyOrgDept,
			},
			FilingDue:          3 * day,
			ReturnDueDays:      1,
			SickBackdateDays:   3,
			ApprovalGrace:      3 * day,
			ConsecutiveGapDays: 1,
		},
		Absence: AbsenceRules{
			CycleCutoffDay: 20,
			DueDay:         25,
			RemindBefore:   []Duration{5 * day, 2 * day, day},
			ExplainMinDays: 3,
		},
		Roster: RosterRules{
			FilingDays:    3,
			ReportDays:    3,
			FilingOffices: []string{RoleCountyOrgDept, RoleCountyBureau},
			RemindBefore:  []Duration{2 * day, day},
			MinTeamSize:   3,
			MinTermYears:  2,
			BackdateDays:  30,
		},
		Creation:            CreationRules{PerMinute: 30, PerDay: 300},
		Notices:             NoticeRules{QuietFrom: "20:00", QuietUntil: "08:00"},
		Presence:            DefaultPresence(),
		Obligations:         DefaultObligations(),
		PeriodsSkipRestDays: true,
		Accountability: AccountabilityRules{
			InterviewAfter:      InterviewThreshold{Absences: 2, Missing: 1},
			InterviewWithinDays: 15,
			ReplaceWithinDays:   30,
			CirculationDays:     5,
			RemindBefore:        []Duration{3 * day, day},
		},
	}
}
