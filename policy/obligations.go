package policy

import (
	"slices"
	"strings"
	"time"

	"zhucun/errs"
)

// The yearly duties of articles 11 (training), 19 (assessment) and 23
// (the dispatching unit's support): their due dates and thresholds, and
// the China-time instants they turn into.

// Training organiser levels, lowest first; article 11 asks for county
// level or above.
const (
	LevelTownship = "township"
	LevelCounty   = "county"
	LevelCity     = "city"
	LevelProvince = "province"
	LevelNational = "national"
)

// TrainingLevels are the organiser levels, lowest first.
var TrainingLevels = []string{LevelTownship, LevelCounty, LevelCity, LevelProvince, LevelNational}

// LevelAtLeast reports whether level is min or above.
func LevelAtLeast(level, min string) bool {
	l, m := slices.Index(TrainingLevels, level), slices.Index(TrainingLevels, min)
	return l >= 0 && m >= 0 && l >= m
}

// ObligationRules hold the yearly duties' dates ("MM-DD": due at the end
// of that China day of the year) and thresholds.
type ObligationRules struct {
	// TrainingDue: article 11's training must be done by then.
	TrainingDue string `json:"training_due"`
	// TrainingRemindFrom: the member and the county bureau are reminded
	// from this day (the last quarter), then at RemindBefore.
	TrainingRemindFrom string `json:"training_remind_from"`
	TrainingMinDays    int    `json:"training_min_days"`
	TrainingMinLevel   string `json:"training_min_level"`
	// AssessmentDue: the unit head records the year's result by then;
	// the county bureau acknowledges within AssessmentAckDays after.
	AssessmentDue     string `json:"assessment_due"`
	AssessmentAckDays int    `json:"assessment_ack_days"`
	// HearingDue: the unit's party committee hears the team's report in
	// each half year, by these days (the first half's, the second's).
	HearingDue []string `json:"hearing_due"`
	// VisitsDue: the year's visits are counted at the end of this day.
	VisitsDue string `json:"visits_due"`
	// PrincipalVisits: visits of the unit's principal to the team's
	// village a year; LeaderVisits: of its other leaders, in total.
	PrincipalVisits int `json:"principal_visits"`
	LeaderVisits    int `json:"leader_visits"`
	// RemindBefore: reminders this long before each due instant.
	RemindBefore []Duration `json:"remind_before"`
}

// DefaultObligations are the rules' own numbers.
func DefaultObligations() ObligationRules {
	day := Duration(24 * time.Hour)
	return ObligationRules{
		TrainingDue: "12-31", TrainingRemindFrom: "10-01", TrainingMinDays: 3, TrainingMinLevel: LevelCounty,
		AssessmentDue: "12-31", AssessmentAckDays: 10,
		HearingDue: []string{"06-30", "12-31"},
		VisitsDue:  "12-31", PrincipalVisits: 1, LeaderVisits: 4,
		RemindBefore: []Duration{30 * day, 7 * day},
	}
}

// YearDay is the first instant of day md ("MM-DD") of year in China; a
// bad md (never in a validated policy) reads as the year's last day.
func YearDay(year int, md string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", "2000-"+md, China)
	if err != nil || len(md) != 5 {
		return time.Date(year, 12, 31, 0, 0, 0, 0, China)
	}
	return time.Date(year, t.Month(), t.Day(), 0, 0, 0, 0, China)
}

// YearDue is the end of day md of year: when a yearly duty falls due.
func YearDue(year int, md string) time.Time { return EndOfDay(YearDay(year, md)) }

// HalfDue is when half (1 or 2) of year's hearing is due.
func HalfDue(r ObligationRules, year, half int) time.Time {
	md := "12-31"
	if half >= 1 && half <= len(r.HearingDue) {
		md = r.HearingDue[half-1]
	}
	return YearDue(year, md)
}

// TrainingReminders: the first day of the reminder period, then each of
// RemindBefore, ascending.
func TrainingReminders(r ObligationRules, year int) []time.Time {
	due := YearDue(year, r.TrainingDue)
	out := []time.Time{YearDay(year, r.TrainingRemindFrom)}
	for _, t := range RemindersBefore(due, r.RemindBefore) {
		if t.After(out[0]) {
			out = append(out, t)
		}
	}
	return out
}

// AssessmentAckDue is when the county bureau must acknowledge a result
// recorded at recorded: AssessmentAckDays later, end of day.
func AssessmentAckDue(r ObligationRules, recorded time.Time) time.Time {
	return EndOfDay(AddDays(DayOf(recorded), r.AssessmentAckDays))
}

func (p problems) monthDay(path, md string) {
	if len(md) != 5 || md[2] != '-' {
		p.add(path, errs.MsgRuleMonthDay, md)
		return
	}
	if _, err := time.Parse("2006-01-02", "2001-"+md); err != nil {
		p.add(path, errs.MsgRuleMonthDay, md)
	}
}

// validate adds o's problems under "obligations.".
func (o ObligationRules) validate(p problems) {
	p.monthDay("obligations.training_due", o.TrainingDue)
	p.monthDay("obligations.training_remind_from", o.TrainingRemindFrom)
	_, badFrom := p["obligations.training_remind_from"]
	_, badDue := p["obligations.training_due"]
	if !badFrom && !badDue && o.TrainingRemindFrom > o.TrainingDue {
		p.add("obligations.training_remind_from", errs.MsgRuleRemindAfterDue, o.TrainingDue, o.TrainingRemindFrom)
	}
	p.intRange("obligations.training_min_days", o.TrainingMinDays, 1, 60)
	if !slices.Contains(TrainingLevels, o.TrainingMinLevel) {
		p.add("obligations.training_min_level", errs.MsgRuleOneOf, strings.Join(TrainingLevels, ", "), o.TrainingMinLevel)
	}
	p.monthDay("obligations.assessment_due", o.AssessmentDue)
	p.intRange("obligations.assessment_ack_days", o.AssessmentAckDays, 1, 90)
	if len(o.HearingDue) != 2 {
		p.add("obligations.hearing_due", errs.MsgRuleTwoHalves, len(o.HearingDue))
	} else {
		p.monthDay("obligations.hearing_due", o.HearingDue[0])
		p.monthDay("obligations.hearing_due", o.HearingDue[1])
		if _, bad := p["obligations.hearing_due"]; !bad && (o.HearingDue[0] < "06-01" || o.HearingDue[0] > "06-30" || o.HearingDue[1] < "12-01") {
			p.add("obligations.hearing_due", errs.MsgRuleTwoHalves, len(o.HearingDue))
		}
	}
	p.monthDay("obligations.visits_due", o.VisitsDue)
	p.intRange("obligations.principal_visits", o.PrincipalVisits, 0, 50)
	p.intRange("obligations.leader_visits", o.LeaderVisits, 0, 200)
	p.positive("obligations.remind_before", o.RemindBefore)
}
