package policy

import (
	"zhucun/errs"

	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzRulesJSON: any JSON read into Rules (as the store reads a policy
// back) is validated without panicking, and rules Validate accepts route
// every leave of 1..MaxDays days, explain it, survive a JSON round trip
// and give deadlines after the events they follow.
func FuzzRulesJSON(f *testing.F) {
	def, err := json.Marshal(Default())
	if err != nil {
		f.Fatal(err)
	}
	d := string(def)
	for _, s := range []string{d,
		strings.Replace(d, `"threshold_days":7`, `"threshold_days":90`, 1),
		strings.Replace(d, `"threshold_days":7`, `"threshold_days":0`, 1),
		strings.Replace(d, `"max_days":366`, `"max_days":90`, 1),
		strings.Replace(d, `"max_days":366`, `"max_days":367`, 1),
		strings.Replace(d, `"personal":30`, `"personal":0,"sick":400`, 1),
		strings.Replace(d, `"unit_head":"county_org_dept"`, `"unit_head":"unit_head"`, 1),
		strings.Replace(d, `"day_counting":"calendar"`, `"day_counting":"working"`, 1),
		strings.Replace(d, `"reminder_every":"24h0m0s"`, `"reminder_every":"59m"`, 1),
		strings.Replace(d, `"escalate_after":"72h0m0s"`, `"escalate_after":"1h"`, 1),
		strings.Replace(d, `"reminder_every":"24h0m0s"`, `"reminder_every":"1 day"`, 1),
		strings.Replace(d, `"township_committee"]`, `"township_committee","township_committee"]`, 1),
		strings.Replace(d, `"cycle_cutoff_day":20`, `"cycle_cutoff_day":25`, 1),
		strings.Replace(d, `"due_day":25`, `"due_day":29`, 1),
		strings.Replace(d, `"remind_before":["120h0m0s"`, `"remind_before":["-1h"`, 1),
		strings.Replace(d, `"per_minute":30`, `"per_minute":0`, 1),
		`{}`, `null`, `[]`, `{"leave":{"max_days":1e400}}`, `{"leave":{"escalation":{"county_bureau":"admin"}}}`,
	} {
		f.Add([]byte(s), uint32(0))
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, China)
	f.Fuzz(func(t *testing.T, data []byte, at uint32) {
		var r Rules
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if bad := r.Validate(); bad != nil {
			for k, v := range bad {
				if v == "" || !(strings.HasPrefix(k, "leave.") || strings.HasPrefix(k, "absence.") || strings.HasPrefix(k, "roster.") || strings.HasPrefix(k, "creation.") || strings.HasPrefix(k, "presence.") || strings.HasPrefix(k, "obligations.") || strings.HasPrefix(k, "accountability.")) {
					t.Fatalf("problem %q: %q", k, v)
				}
			}
			return
		}
		checkAcceptedRules(t, r, base.Add(time.Duration(at)*time.Second))
	})
}

// checkAcceptedRules checks what workflows rely on in rules that Validate
// accepted, with events at the instant given (within 2026-2162).
func checkAcceptedRules(t *testing.T, r Rules, at time.Time) {
	t.Helper()
	l := r.Leave
	if l.MaxDays < 1 || l.ThresholdDays < 1 || l.ThresholdDays > l.MaxDays {
		t.Fatalf("accepted max_days %d, threshold_days %d", l.MaxDays, l.ThresholdDays)
	}
	for days := 1; days <= l.MaxDays; days++ {
		route, want := LeaveRoute(l, days), RouteJoint
		if days <= l.ThresholdDays {
			want = RouteTownship
		}
		if route != want {
			t.Fatalf("%d days (threshold %d) routed %q, want %q", days, l.ThresholdDays, route, want)
		}
		approvers := l.JointApprovers
		if route == RouteTownship {
			approvers = l.TownshipApprovers
		}
		reason := RouteReason(l, days)
		if len(approvers) == 0 || !strings.HasPrefix(reason, fmt.Sprint(days)) || !strings.Contains(reason, errs.RoleList(approvers)) {
			t.Fatalf("%d days: route %q with approvers %v, reason %q", days, route, approvers, reason)
		}
	}
	if l.ReminderEvery.D() < time.Hour || l.EscalateAfter < l.ReminderEvery || l.FilingDue <= 0 {
		t.Fatalf("accepted leave timers %+v", l)
	}
	day := DayOf(at)
	if due := ReturnDue(l, day); !due.After(day) {
		t.Fatalf("report back for a leave ending %v due %v", day, due)
	}
	periods := PeriodsOf(r, nil)
	if due := ReturnDueIn(l, periods, day); due.Before(ReturnDue(l, day)) {
		t.Fatalf("report back for a leave ending %v due %v, before the plain period", day, due)
	}
	for _, kind := range LeaveKinds {
		if n := KindMaxDays(l, kind); n < 1 || n > l.MaxDays {
			t.Fatalf("kind %s: longest %d of %d", kind, n, l.MaxDays)
		}
	}
	if due := ApprovalDue(l, day, at); !due.After(at) && !due.Equal(day) {
		t.Fatalf("approval of a leave starting %v submitted %v due %v", day, at, due)
	}

	a := r.Absence
	y, m := CycleMonth(a, at)
	if _, _, err := ParseCycle(CycleKey(y, m)); err != nil {
		t.Fatalf("cycle %s of %v: %v", CycleKey(y, m), at, err)
	}
	due := ExplanationDue(a, y, m)
	if !due.After(at) || due.Day() != a.DueDay {
		t.Fatalf("found %v: cycle %s, explanation due %v", at, CycleKey(y, m), due)
	}
	if opens := ReportOpens(a, y, m); !opens.Before(due) {
		t.Fatalf("cycle %s opens %v, due %v", CycleKey(y, m), opens, due)
	}
	fair, fy, fm, late := AbsenceDue(a, periods, at, at)
	if !fair.After(at) || (late && fair.Sub(at) < time.Duration(a.ExplainMinDays)*24*time.Hour) ||
		ExplanationDue(a, fy, fm).Before(fair) {
		t.Fatalf("found and recorded %v: due %v in cycle %s (late recorded %v)", at, fair, CycleKey(fy, fm), late)
	}
	reminders := RemindersBefore(due, a.RemindBefore)
	for i, at := range reminders {
		if !at.Before(due) || (i > 0 && !reminders[i-1].Before(at)) {
			t.Fatalf("reminders %v before %v", reminders, due)
		}
	}

	ro := r.Roster
	filing := RosterFilingDue(ro, day)
	if !filing.After(AddDays(day, ro.FilingDays)) || !RosterReportDue(ro, filing).After(filing) {
		t.Fatalf("roster change effective %v: filing due %v", day, filing)
	}

	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Rules
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, r) || back.Validate() != nil {
		t.Fatalf("rules %s read back as %+v (%v)", b, back, err)
	}
}

// FuzzParseCycle: a cycle key is read strictly and writes back the same.
func FuzzParseCycle(f *testing.F) {
	for _, s := range []string{"2026-12", "2027-01", "2026-13", "2026-00", "2026-1", "2026-012", " 2026-12",
		"+026-12", "2026/12", "0000-01", "9999-12", "２０２６-１２", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, err := ParseCycle(s)
		if err != nil {
			return
		}
		if m < 1 || m > 12 || y < 0 || y > 9999 || CycleKey(y, m) != s {
			t.Fatalf("ParseCycle(%q) = %d, %d", s, y, m)
		}
		if _, err := time.Parse("2006-01", s); err != nil {
			t.Fatalf("ParseCycle accepts %q, time.Parse does not: %v", s, err)
		}
	})
}
