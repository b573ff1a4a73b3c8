package actions

// Issue 17's rules where the actions decide them, as pure functions.

import (
	"strings"
	"testing"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

var rulesMember = store.MemberContext{MemberID: "m01", UnitID: "city-agri", TeamID: "t", TownshipID: "zhuantan",
	CountyID: "xiping", TownshipCommitteeID: "zhuantan-committee", CountyOrgDeptID: "xiping-org",
	CountyBureauID: "xiping-bureau", CityOrgDeptID: "zhumadian-org", CityBureauID: "zhumadian-bureau"}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := policy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fieldOf(err error) string {
	if e, ok := errs.As(err); ok {
		for k := range e.Fields {
			return k
		}
	}
	return ""
}

// Rule 2: personal leave not in the past; sick leave up to 3 days back.
func TestBackdatedSickLeave(t *testing.T) {
	r := policy.Default().Leave
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, policy.China)
	for _, tc := range []struct {
		kind, start string
		ok          bool
	}{
		{"sick", "2026-12-07", true},
		{"sick", "2026-12-06", false},
		{"personal", "2026-12-10", true},
		{"personal", "2026-12-09", false},
	} {
		err := checkLeaveStart(r, tc.kind, date(t, tc.start), now)
		if (err == nil) != tc.ok || (err != nil && fieldOf(err) != "start_date") {
			t.Errorf("%s from %s: %v, want ok %v", tc.kind, tc.start, err, tc.ok)
		}
	}
}

// Rule 3: a split 7 + 7 does not reach the township alone; the route says
// which leave it joined; a gap of two days keeps them apart.
func TestConsecutiveLeavesCountTogether(t *testing.T) {
	r := policy.Default().Leave
	first := store.NearLeave{ID: "lv-a", StartDate: date(t, "2026-12-01"), EndDate: date(t, "2026-12-07"), Days: 7, Status: "approved"}
	for _, tc := range []struct {
		name, start, end string
		joined           int
		route            string
	}{
		{"the next day", "2026-12-08", "2026-12-14", 1, policy.RouteJoint},
		{"one day between", "2026-12-09", "2026-12-15", 1, policy.RouteJoint},
		{"two days between", "2026-12-10", "2026-12-16", 0, policy.RouteTownship},
		{"before it, the day before", "2026-11-24", "2026-11-30", 1, policy.RouteJoint},
		{"one day after a week", "2026-12-08", "2026-12-08", 1, policy.RouteJoint},
	} {
		start, end := date(t, tc.start), date(t, tc.end)
		joined := JoinConsecutive(r, nil, start, end, []store.NearLeave{first})
		rt, err := LeaveRouteFor(r, nil, rulesMember, "personal", start, end, joined)
		if err != nil || len(rt.Joined) != tc.joined || rt.Route != tc.route {
			t.Errorf("%s: joined %v route %s (%v), want %d joined, %s", tc.name, rt.Joined, rt.Route, err, tc.joined, tc.route)
			continue
		}
		if tc.joined > 0 && (!strings.Contains(rt.Reason, "2026-12-01至2026-12-07") || rt.CombinedDays != 7+rt.Days) {
			t.Errorf("%s: reason %q combined %d", tc.name, rt.Reason, rt.CombinedDays)
		}
		if tc.joined == 0 && rt.CombinedDays != 0 {
			t.Errorf("%s: combined %d without a join", tc.name, rt.CombinedDays)
		}
	}
	// Three in a chain: the new one joins the middle one, and through it
	// the first.
	middle := store.NearLeave{ID: "lv-b", StartDate: date(t, "2026-12-09"), EndDate: date(t, "2026-12-10"), Days: 2}
	far := store.NearLeave{ID: "lv-c", StartDate: date(t, "2026-12-20"), EndDate: date(t, "2026-12-21"), Days: 2}
	joined := JoinConsecutive(r, nil, date(t, "2026-12-12"), date(t, "2026-12-12"), []store.NearLeave{far, middle, first})
	if len(joined) != 2 || joined[0].ID != "lv-a" || joined[1].ID != "lv-b" {
		t.Errorf("chain joined %+v, want lv-a and lv-b", joined)
	}
	// Counting working days, Friday to Monday touch.
	w := r
	w.DayCounting = policy.CountWorking
	fri := store.NearLeave{ID: "lv-f", StartDate: date(t, "2026-11-30"), EndDate: date(t, "2026-12-04"), Days: 5}
	if got := JoinConsecutive(w, nil, date(t, "2026-12-07"), date(t, "2026-12-09"), []store.NearLeave{fri}); len(got) != 1 {
		t.Errorf("working days: Friday and Monday not joined")
	}
}

// Rule 5: the map resolved for the member's offices; never to itself.
func TestEscalationGoesUp(t *testing.T) {
	r := policy.Default().Leave
	r.Escalation[policy.RoleCityBureau] = policy.RoleCityBureau // a bad map: dropped here too
	got := map[string]string{}
	for _, e := range escalationOf(r, rulesMember) {
		got[e.From.Key()] = e.To.Key()
	}
	want := map[string]string{
		"township_committee:zhuantan-committee": "county_bureau:xiping-bureau",
		"county_bureau:xiping-bureau":           "city_bureau:zhumadian-bureau",
		"county_org_dept:xiping-org":            "city_org_dept:zhumadian-org",
		"unit_head:city-agri":                   "county_org_dept:xiping-org",
	}
	if len(got) != len(want) {
		t.Fatalf("escalation %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s goes to %s, want %s", k, got[k], v)
		}
	}
}

// Rule 8: the overstay counts the days away after the approved end when
// the member reported back after the report-back day.
func TestOverstayIsRecorded(t *testing.T) {
	rules := policy.Default()
	due := date(t, "2026-12-12") // end of Friday 12-11, the day after a Thursday end
	l := workflows.Leave{EndDate: "2026-12-10", Steps: []workflows.Step{{Name: workflows.StepReturn, DueAt: &due}}}
	for _, tc := range []struct {
		on   string
		late bool
		days int
	}{
		{"2026-12-09", false, 0}, // early
		{"2026-12-11", false, 0}, // the day after: on time
		{"2026-12-12", true, 1},  // away Friday
		{"2026-12-15", true, 4},  // away Friday to Monday (calendar days)
	} {
		late, days := overstay(rules, nil, l, date(t, tc.on))
		if late != tc.late || days != tc.days {
			t.Errorf("back %s: late %v overstay %d, want %v %d", tc.on, late, days, tc.late, tc.days)
		}
	}
}

// Rule 9: working days in a year nobody loaded are refused, naming it.
func TestHolidaysMustBeKnown(t *testing.T) {
	r := policy.Default().Leave
	r.DayCounting = policy.CountWorking
	_, err := LeaveRouteFor(r, nil, rulesMember, "sick", date(t, "2027-12-30"), date(t, "2028-01-05"), nil)
	if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || !strings.Contains(e.Fields["end_date"], "2028") {
		t.Fatalf("a leave into 2028 counted in working days: %v", err)
	}
	cal := policy.NewCalendarWithYears(nil, map[int]policy.YearSchedule{2028: {Holidays: []string{"2028-01-01", "2028-01-03"}}})
	rt, err := LeaveRouteFor(r, cal, rulesMember, "sick", date(t, "2027-12-30"), date(t, "2028-01-05"), nil)
	// 12-30 Thu, 12-31 Fri, 01-04 Tue, 01-05 Wed (01-03 a holiday).
	if err != nil || rt.Days != 4 {
		t.Errorf("with 2028 loaded: %d days, %v", rt.Days, err)
	}
}

// Rule 10: personal leave at most 30 days; sick leave has no limit of its
// own.
func TestLongestLeavePerKind(t *testing.T) {
	r := policy.Default().Leave
	start := date(t, "2027-03-01")
	if _, err := LeaveRouteFor(r, nil, rulesMember, "personal", start, policy.AddDays(start, 29), nil); err != nil {
		t.Errorf("30 days personal: %v", err)
	}
	_, err := LeaveRouteFor(r, nil, rulesMember, "personal", start, policy.AddDays(start, 30), nil)
	if e, ok := errs.As(err); !ok || !strings.Contains(e.Fields["end_date"], "事假最长30天") {
		t.Errorf("31 days personal: %v", err)
	}
	if rt, err := LeaveRouteFor(r, nil, rulesMember, "sick", start, policy.AddDays(start, 89), nil); err != nil || rt.Route != policy.RouteJoint {
		t.Errorf("90 days sick: %+v %v", rt, err)
	}
}

// Rule 18: a change older than the back-date limit is a city office's to
// record, and flagged; one recorded after its filing days is flagged late.
func TestNoRewritingDistantPast(t *testing.T) {
	r := policy.Default().Roster
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, policy.China)
	county := store.User{Role: policy.RoleCountyBureau, CountyID: "xiping"}
	city := store.User{Role: policy.RoleCityBureau}
	due := func(eff time.Time) time.Time { return policy.RosterFilingDue(r, eff) }
	eff := date(t, "2026-11-09") // 31 days back
	_, err := checkBackdate(county, r, eff, due(eff), now)
	if e, ok := errs.As(err); !ok || e.Code != errs.Forbidden {
		t.Errorf("a county bureau recording 31 days back: %v", err)
	}
	notes, err := checkBackdate(city, r, eff, due(eff), now)
	if err != nil || notes[workflows.FlagBackdated] == "" || notes[workflows.FlagFiledLate] == "" {
		t.Errorf("a city office recording 31 days back: %v %v", notes, err)
	}
	eff = date(t, "2026-11-10") // 30 days back: the county may
	if notes, err := checkBackdate(county, r, eff, due(eff), now); err != nil || notes[workflows.FlagBackdated] != "" {
		t.Errorf("30 days back: %v %v", notes, err)
	}
	eff = date(t, "2026-12-08")
	if notes, err := checkBackdate(county, r, eff, due(eff), now); err != nil || len(notes) != 0 {
		t.Errorf("two days back: %v %v", notes, err)
	}
	// A recent change is the county's and the units', not the city's.
	if _, err := checkBackdate(city, r, eff, due(eff), now); err == nil {
		t.Errorf("a city office recorded a recent change")
	}
}
