package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/policy"
	"zhucun/workflows"
)

// The roster fixture: xiping's 焦庄村 team, where 徐明 (m11) replaces
// 朱红 (m14); the county offices and unit head come from helpers_test.go.
var (
	cityBureau      = workflows.Party{Role: policy.RoleCityBureau, OfficeID: "zhumadian-bureau"}
	cityBureauActor = workflows.Actor{UserID: "u-city", Name: "市乡村振兴局", Party: cityBureau}
)

// rosterInput is a replacement effective on that China date, as the server
// builds it under the default rules.
func rosterInput(t testing.TB, effective string) workflows.RosterChangeInput {
	rules := policy.Default().Roster
	return workflows.RosterChangeInput{
		RosterFacts: workflows.RosterFacts{
			ID: "rc-1", TeamID: "chushan-jiaozhuang-team", TeamName: "焦庄村驻村工作队",
			TownshipID: "chushan", CountyID: "xiping", Change: workflows.ChangeReplace,
			MemberID: "m11", MemberName: "徐明", UnitID: "city-agri",
			ReplacesMemberID: "m14", ReplacesMemberName: "朱红", EffectiveOn: effective, Reason: "工作调整",
		},
		Flags: []string{}, FlagNotes: map[string]string{}, PolicyVersion: "city@0", Rules: rules,
		FilingOffices: []workflows.Party{orgDept, bureau}, Bureau: bureau, CityBureau: cityBureau,
		FilingDueAt: policy.RosterFilingDue(rules, midnight(t, effective)), RecordedBy: bureauActor,
	}
}

// rosterHarness runs one roster change in the test environment with an
// in-memory read model and ledger.
type rosterHarness struct {
	recording
	suite testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	start time.Time

	applied []workflows.RosterLedgerChange
	calls   int
	// applyErr, if set, answers the n-th (1-based) ledger call.
	applyErr func(n int) error

	nextID  int
	pending map[string]string
}

func newRosterHarness(t *testing.T, recordedAt time.Time) *rosterHarness {
	h := &rosterHarness{recording: recording{t: t}, start: recordedAt, pending: map[string]string{}}
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(recordedAt)
	h.env.RegisterWorkflow(workflows.RosterChangeWorkflow)
	h.env.RegisterActivityWithOptions(h.record, activity.RegisterOptions{Name: workflows.ActivityRecord})
	h.env.RegisterActivityWithOptions(h.apply, activity.RegisterOptions{Name: workflows.ActivityApplyRoster})
	return h
}

func (h *rosterHarness) record(_ context.Context, s workflows.Snapshot) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.snaps = append(h.snaps, s)
	return nil
}

func (h *rosterHarness) apply(_ context.Context, c workflows.RosterLedgerChange) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	if h.applyErr != nil {
		if err := h.applyErr(h.calls); err != nil {
			return err
		}
	}
	h.applied = append(h.applied, c)
	return nil
}

func (h *rosterHarness) do(when time.Time, fn func()) {
	d := when.Sub(h.start)
	if d <= 0 {
		h.t.Fatalf("callback at %v is not after the start %v", when, h.start)
	}
	h.env.RegisterDelayedCallback(fn, d)
}

// send sends an update now: want "" must succeed, else the validator must
// reject it with that ApplicationError type.
func (h *rosterHarness) send(name string, args workflows.ActorArgs, want string, then func(workflows.RosterChange)) {
	h.nextID++
	id := fmt.Sprintf("%s-%d", name, h.nextID)
	desc := fmt.Sprintf("update %s by %s at %v", id, args.Actor.Party.Key(), h.env.Now().In(cst))
	h.pending[id] = desc
	h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
		OnAccept: func() {
			if want != "" {
				delete(h.pending, id)
				h.t.Errorf("%s: accepted, want rejection %q", desc, want)
			}
		},
		OnReject: func(err error) {
			delete(h.pending, id)
			var ae *temporal.ApplicationError
			switch {
			case want == "":
				h.t.Errorf("%s: rejected: %v", desc, err)
			case !errors.As(err, &ae) || ae.Type() != want:
				h.t.Errorf("%s: rejected with %v, want an ApplicationError %q", desc, err, want)
			}
		},
		OnComplete: func(res any, err error) {
			if want != "" {
				return
			}
			delete(h.pending, id)
			if err != nil {
				h.t.Errorf("%s: failed: %v", desc, err)
				return
			}
			if then != nil {
				then(decodeRoster(h.t, res))
			}
		},
	}, args)
}

func (h *rosterHarness) ok(when time.Time, name string, a workflows.Actor) {
	h.do(when, func() { h.send(name, fileBy(a), "", nil) })
}

func (h *rosterHarness) okThen(when time.Time, name string, a workflows.Actor, then func(workflows.RosterChange)) {
	h.do(when, func() { h.send(name, fileBy(a), "", then) })
}

func (h *rosterHarness) reject(when time.Time, name string, a workflows.Actor, want string) {
	h.do(when, func() { h.send(name, fileBy(a), want, nil) })
}

func (h *rosterHarness) check(when time.Time, fn func(workflows.RosterChange)) {
	h.do(when, func() {
		var rc workflows.RosterChange
		v, err := h.env.QueryWorkflow(workflows.RosterQuery)
		if err == nil {
			err = v.Get(&rc)
		}
		if err != nil {
			h.t.Errorf("query at %v: %v", h.env.Now(), err)
		}
		fn(rc)
	})
}

// run executes the workflow to its end and checks what every run must:
// each update answered, versions strictly increasing, events in sequence.
func (h *rosterHarness) run(in workflows.RosterChangeInput) {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.RosterChangeWorkflow, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatalf("workflow did not finish")
	}
	for _, desc := range h.pending {
		h.t.Errorf("%s: no outcome before the workflow ended", desc)
	}
	h.checkRecorded(workflows.KindRosterChange, workflows.RosterChangeWorkflowID(in.ID))
}

func (h *rosterHarness) result() workflows.RosterChange {
	h.t.Helper()
	return resultOf[workflows.RosterChange](h.t, h.env)
}

func (h *rosterHarness) ledger() []workflows.RosterLedgerChange {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]workflows.RosterLedgerChange(nil), h.applied...)
}

func decodeRoster(t testing.TB, res any) workflows.RosterChange {
	switch v := res.(type) {
	case workflows.RosterChange:
		return v
	case *workflows.RosterChange:
		return *v
	case interface{ Get(any) error }:
		var rc workflows.RosterChange
		if err := v.Get(&rc); err != nil {
			t.Errorf("update result: %v", err)
		}
		return rc
	}
	t.Errorf("unexpected update result type %T", res)
	return workflows.RosterChange{}
}

// rosterDetail decodes a snapshot's Detail into a RosterChange.
func rosterDetail(t testing.TB, s workflows.Snapshot) workflows.RosterChange {
	t.Helper()
	b, err := json.Marshal(s.Detail)
	if err != nil {
		t.Fatal(err)
	}
	var rc workflows.RosterChange
	if err := json.Unmarshal(b, &rc); err != nil {
		t.Fatal(err)
	}
	return rc
}

// countNotices counts notices to p whose text starts with prefix.
func countNotices(ns []workflows.Notice, p workflows.Party, prefix string) int {
	n := 0
	for _, x := range ns {
		if x.To.Key() == p.Key() && strings.HasPrefix(x.Text, prefix) {
			n++
		}
	}
	return n
}

// 1. Both offices acknowledge in time: the ledger is updated once, the
// bureau reports, the city bureau is told, the process ends.
func TestRosterFiledOnTime(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	if want := at(t, "2026-12-05T00:00"); !in.FilingDueAt.Equal(want) {
		t.Fatalf("filing due %v, want %v", in.FilingDueAt, want)
	}
	h.check(at(t, "2026-12-01T10:00"), func(rc workflows.RosterChange) {
		s := stepNamed(rc.Steps, workflows.StepFiling)
		if rc.Status != workflows.RosterAwaitingFiling || s == nil || !s.Open() || !sameTime(in.FilingDueAt, s.DueAt) ||
			!equalStrings(partyKeys(s.WaitingOn), []string{orgDept.Key(), bureau.Key()}) || rc.ReportDueAt != nil {
			t.Errorf("after record: status %q filing step %+v report due %v", rc.Status, s, rc.ReportDueAt)
		}
	})
	h.reject(at(t, "2026-12-01T11:00"), workflows.RosterFile, unitHeadActor, workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T11:00"), workflows.RosterFile, otherCommitteeActor, workflows.ErrForbidden)
	h.reject(at(t, "2026-12-01T11:00"), workflows.RosterReport, bureauActor, workflows.ErrConflict)
	h.reject(at(t, "2026-12-01T11:00"), workflows.RosterReport, orgDeptActor, workflows.ErrForbidden)
	h.okThen(at(t, "2026-12-02T10:00"), workflows.RosterFile, orgDeptActor, func(rc workflows.RosterChange) {
		s := stepNamed(rc.Steps, workflows.StepFiling)
		if rc.Status != workflows.RosterAwaitingFiling || !equalStrings(partyKeys(s.WaitingOn), []string{bureau.Key()}) {
			t.Errorf("after the first filing: status %q waiting %v", rc.Status, partyKeys(s.WaitingOn))
		}
		if len(h.ledger()) != 0 {
			t.Errorf("ledger updated before both offices filed")
		}
	})
	h.reject(at(t, "2026-12-02T10:30"), workflows.RosterFile, orgDeptActor, workflows.ErrConflict)
	h.okThen(at(t, "2026-12-02T11:00"), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
		r := stepNamed(rc.Steps, workflows.StepReport)
		if rc.Status != workflows.RosterFiled || !sameTime(at(t, "2026-12-02T11:00"), rc.FiledAt) || rc.LedgerUpdatedAt == nil || rc.FiledLate {
			t.Errorf("after both filings: status %q filed %v ledger %v late %v", rc.Status, rc.FiledAt, rc.LedgerUpdatedAt, rc.FiledLate)
		}
		// Report due: end of the filing date + 3 days.
		if r == nil || !r.Open() || !sameTime(at(t, "2026-12-06T00:00"), r.DueAt) || !sameTime(at(t, "2026-12-06T00:00"), rc.ReportDueAt) ||
			!equalStrings(partyKeys(r.WaitingOn), []string{bureau.Key()}) {
			t.Errorf("report step %+v, report due %v", r, rc.ReportDueAt)
		}
		want := workflows.RosterLedgerChange{ID: "rc-1", TeamID: in.TeamID, Change: "replace", MemberID: "m11", ReplacesMemberID: "m14", EffectiveOn: "2026-12-01"}
		if l := h.ledger(); len(l) != 1 || l[0] != want {
			t.Errorf("ledger calls %+v, want once %+v", l, want)
		}
	})
	h.reject(at(t, "2026-12-02T12:00"), workflows.RosterFile, bureauActor, workflows.ErrConflict)
	h.reject(at(t, "2026-12-02T12:00"), workflows.RosterReport, cityBureauActor, workflows.ErrForbidden)
	h.ok(at(t, "2026-12-03T09:00"), workflows.RosterReport, bureauActor)
	h.run(in)

	rc := h.result()
	if rc.Status != workflows.RosterReported || rc.Overdue || rc.FiledLate || rc.ReportedLate || !sameTime(at(t, "2026-12-03T09:00"), rc.ReportedAt) {
		t.Errorf("result: status %q overdue %v late %v/%v reported %v", rc.Status, rc.Overdue, rc.FiledLate, rc.ReportedLate, rc.ReportedAt)
	}
	if want := []string{"recorded", "filed", "filed", "ledger_updated", "reported"}; !equalStrings(h.actions(), want) {
		t.Errorf("timeline %v, want %v", h.actions(), want)
	}
	ns := h.notices()
	if countNotices(ns, orgDept, "请备案") != 1 || countNotices(ns, bureau, "请备案") != 1 ||
		countNotices(ns, bureau, "请上报台账") != 1 || countNotices(ns, cityBureau, "台账更新报告") != 1 {
		t.Errorf("notices %+v", ns)
	}
	last := h.last()
	if last.Status != workflows.RosterReported || !sameTime(at(t, "2026-12-03T09:00"), last.ClosedAt) || len(last.WaitingOn) != 0 {
		t.Errorf("last snapshot: status %q closed %v waiting %v", last.Status, last.ClosedAt, last.WaitingOn)
	}
	if first := h.snapshots()[0]; first.Step != workflows.StepFiling || !sameTime(in.FilingDueAt, first.DueAt) ||
		first.Subject != "m11" || first.CountyID != "xiping" || first.UnitID != "city-agri" {
		t.Errorf("first snapshot header %+v", first)
	}
}

// 2. One office late: reminders go to it alone, the change is overdue at
// the end of effective date + 3, and the late filing still completes it.
func TestRosterOneOfficeLate(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	h.ok(at(t, "2026-12-01T15:00"), workflows.RosterFile, orgDeptActor)
	h.check(at(t, "2026-12-04T23:59"), func(rc workflows.RosterChange) {
		if rc.Overdue {
			t.Errorf("overdue a minute before the deadline")
		}
	})
	h.check(at(t, "2026-12-05T00:01"), func(rc workflows.RosterChange) {
		s := stepNamed(rc.Steps, workflows.StepFiling)
		if !rc.Overdue || !s.Overdue || rc.Status != workflows.RosterAwaitingFiling {
			t.Errorf("after the deadline: overdue %v/%v status %q", rc.Overdue, s.Overdue, rc.Status)
		}
	})
	h.okThen(at(t, "2026-12-06T10:00"), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
		if rc.Status != workflows.RosterFiled || rc.Overdue || !rc.FiledLate || !sameTime(at(t, "2026-12-10T00:00"), rc.ReportDueAt) {
			t.Errorf("after the late filing: status %q overdue %v late %v report due %v", rc.Status, rc.Overdue, rc.FiledLate, rc.ReportDueAt)
		}
		if s := stepNamed(rc.Steps, workflows.StepFiling); s.Open() || !s.Overdue {
			t.Errorf("filing step keeps no record of being late: %+v", s)
		}
	})
	h.ok(at(t, "2026-12-07T09:00"), workflows.RosterReport, bureauActor)
	h.run(in)

	if rc := h.result(); rc.Status != workflows.RosterReported || !rc.FiledLate || rc.ReportedLate {
		t.Errorf("result: status %q late %v/%v", rc.Status, rc.FiledLate, rc.ReportedLate)
	}
	if r := eventTimes(h.eventsOf("reminded", workflows.StepFiling)); !equalStrings(r, []string{"12-03T00:00", "12-04T00:00"}) {
		t.Errorf("filing reminders at %v, want 48 h and 24 h before the deadline", r)
	}
	if o := eventTimes(h.eventsOf("overdue", workflows.StepFiling)); !equalStrings(o, []string{"12-05T00:00"}) {
		t.Errorf("overdue at %v", o)
	}
	ns := h.notices()
	if countNotices(ns, bureau, "提醒") != 2 || countNotices(ns, orgDept, "提醒") != 0 ||
		countNotices(ns, bureau, "逾期") != 1 || countNotices(ns, orgDept, "逾期") != 0 {
		t.Errorf("reminders and overdue notices: %+v", ns)
	}
}

// 3. Both offices late: both are reminded and the change is overdue until
// the second acknowledgement.
func TestRosterBothLate(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	h.check(at(t, "2026-12-07T12:00"), func(rc workflows.RosterChange) {
		s := stepNamed(rc.Steps, workflows.StepFiling)
		if !rc.Overdue || !s.Overdue || len(s.WaitingOn) != 2 || len(h.ledger()) != 0 {
			t.Errorf("both silent: overdue %v waiting %v ledger %v", rc.Overdue, partyKeys(s.WaitingOn), h.ledger())
		}
	})
	h.okThen(at(t, "2026-12-08T09:00"), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
		if !rc.Overdue || rc.Status != workflows.RosterAwaitingFiling {
			t.Errorf("one of two late filings: overdue %v status %q", rc.Overdue, rc.Status)
		}
	})
	h.okThen(at(t, "2026-12-08T10:00"), workflows.RosterFile, orgDeptActor, func(rc workflows.RosterChange) {
		if rc.Overdue || !rc.FiledLate || rc.Status != workflows.RosterFiled || len(h.ledger()) != 1 {
			t.Errorf("after both late filings: overdue %v late %v status %q", rc.Overdue, rc.FiledLate, rc.Status)
		}
	})
	h.ok(at(t, "2026-12-09T10:00"), workflows.RosterReport, bureauActor)
	h.run(in)

	h.result()
	ns := h.notices()
	for _, p := range []workflows.Party{orgDept, bureau} {
		if countNotices(ns, p, "提醒") != 2 || countNotices(ns, p, "逾期") != 1 {
			t.Errorf("%s: %d reminders, %d overdue notices; want 2 and 1", p.Key(), countNotices(ns, p, "提醒"), countNotices(ns, p, "逾期"))
		}
	}
	// The snapshot that carries the overdue event shows the change overdue.
	for _, s := range h.snapshots() {
		for _, e := range s.Events {
			if e.Action == "overdue" && (!s.Overdue || !rosterDetail(t, s).Overdue || s.Step != workflows.StepFiling) {
				t.Errorf("snapshot v%d with the overdue event: overdue %v step %q", s.Version, s.Overdue, s.Step)
			}
		}
	}
}

// 4. Effective dates at a month end and a year end: the deadline is the
// end of effective date + 3 in China time, across the month or year.
func TestRosterDeadlinesAtMonthAndYearEnd(t *testing.T) {
	for _, tc := range []struct{ effective, filingDue, reportDue string }{
		{"2026-11-30", "2026-12-04T00:00", "2026-12-08T00:00"},
		{"2026-12-30", "2027-01-03T00:00", "2027-01-07T00:00"},
		{"2026-12-31", "2027-01-04T00:00", "2027-01-08T00:00"},
		{"2028-02-28", "2028-03-03T00:00", "2028-03-07T00:00"}, // leap year
	} {
		t.Run(tc.effective, func(t *testing.T) {
			in := rosterInput(t, tc.effective)
			due := at(t, tc.filingDue)
			if !in.FilingDueAt.Equal(due) {
				t.Fatalf("policy.RosterFilingDue(%s) = %v, want %v", tc.effective, in.FilingDueAt, due)
			}
			h := newRosterHarness(t, midnight(t, tc.effective).Add(10*time.Hour))
			h.check(due.Add(-minute()), func(rc workflows.RosterChange) {
				if rc.Overdue {
					t.Errorf("overdue a minute before %v", due)
				}
			})
			h.check(due.Add(minute()), func(rc workflows.RosterChange) {
				if !rc.Overdue {
					t.Errorf("not overdue a minute after %v", due)
				}
			})
			h.ok(due.Add(2*time.Hour), workflows.RosterFile, orgDeptActor)
			h.okThen(due.Add(2*time.Hour+minute()), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
				if !sameTime(at(t, tc.reportDue), rc.ReportDueAt) {
					t.Errorf("report due %v, want %s", rc.ReportDueAt, tc.reportDue)
				}
			})
			h.ok(due.Add(3*time.Hour), workflows.RosterReport, bureauActor)
			h.run(in)
			h.result()
			if o := h.eventsOf("overdue", workflows.StepFiling); len(o) != 1 || !o[0].At.Equal(due) {
				t.Errorf("overdue at %v, want once at %v", eventTimes(o), due)
			}
			want := fmtTimes([]time.Time{due.Add(-hours(48)), due.Add(-hours(24))})
			if r := eventTimes(h.eventsOf("reminded", workflows.StepFiling)); !equalStrings(r, want) {
				t.Errorf("reminders at %v, want %v", r, want)
			}
			if o := h.eventsOf("overdue", workflows.StepFiling)[0].At; o.Format(time.RFC3339) != due.Format(time.RFC3339) {
				t.Errorf("overdue instant %s", o.Format(time.RFC3339))
			}
		})
	}
}

// 5. The ledger report overdue: reminders to the bureau, overdue at the
// end of the filing date + 3, the late report still closes the change.
func TestRosterReportOverdue(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	h.ok(at(t, "2026-12-02T10:00"), workflows.RosterFile, orgDeptActor)
	h.ok(at(t, "2026-12-02T11:00"), workflows.RosterFile, bureauActor)
	h.check(at(t, "2026-12-05T23:59"), func(rc workflows.RosterChange) {
		if rc.Overdue || rc.Status != workflows.RosterFiled {
			t.Errorf("before the report deadline: overdue %v status %q", rc.Overdue, rc.Status)
		}
	})
	h.check(at(t, "2026-12-06T00:01"), func(rc workflows.RosterChange) {
		r := stepNamed(rc.Steps, workflows.StepReport)
		if !rc.Overdue || !r.Overdue || !r.Open() || rc.Status != workflows.RosterFiled {
			t.Errorf("after the report deadline: overdue %v step %+v status %q", rc.Overdue, r, rc.Status)
		}
	})
	h.okThen(at(t, "2026-12-07T09:00"), workflows.RosterReport, bureauActor, func(rc workflows.RosterChange) {
		if rc.Status != workflows.RosterReported || rc.Overdue || !rc.ReportedLate {
			t.Errorf("after the late report: status %q overdue %v late %v", rc.Status, rc.Overdue, rc.ReportedLate)
		}
	})
	h.run(in)

	h.result()
	if r := eventTimes(h.eventsOf("reminded", workflows.StepReport)); !equalStrings(r, []string{"12-04T00:00", "12-05T00:00"}) {
		t.Errorf("report reminders at %v", r)
	}
	if o := eventTimes(h.eventsOf("overdue", "")); !equalStrings(o, []string{"12-06T00:00"}) {
		t.Errorf("overdue events at %v, want only the report's", o)
	}
	found := false
	for _, s := range h.snapshots() {
		for _, e := range s.Events {
			if e.Action == "overdue" {
				found = true
				if !s.Overdue || s.Step != workflows.StepReport || s.Status != workflows.RosterFiled ||
					!equalStrings(partyKeys(s.WaitingOn), []string{bureau.Key()}) {
					t.Errorf("snapshot v%d: overdue %v step %q status %q waiting %v", s.Version, s.Overdue, s.Step, s.Status, partyKeys(s.WaitingOn))
				}
			}
		}
	}
	if !found || countNotices(h.notices(), bureau, "逾期") != 1 {
		t.Errorf("no overdue snapshot or notice to the bureau")
	}
	if last := h.last(); last.Overdue || !sameTime(at(t, "2026-12-07T09:00"), last.ClosedAt) {
		t.Errorf("last snapshot: overdue %v closed %v", last.Overdue, last.ClosedAt)
	}
}

// 6. Article 8 flags found at record time are carried, with their notes,
// into the resource from the first record to the result.
func TestRosterFlagsCarried(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	in.Change, in.ReplacesMemberID, in.ReplacesMemberName = workflows.ChangeLeave, "", ""
	in.Flags = []string{workflows.FlagTeamBelowMin, workflows.FlagLeftBeforeTerm, workflows.FlagTeamWithoutLeader}
	in.FlagNotes = map[string]string{workflows.FlagTeamBelowMin: "变更后2人，少于3人", workflows.FlagLeftBeforeTerm: "在队不满2年"}
	same := func(where string, rc workflows.RosterChange) {
		if !equalStrings(rc.Flags, in.Flags) || rc.FlagNotes[workflows.FlagTeamBelowMin] != "变更后2人，少于3人" || len(rc.FlagNotes) != 2 {
			t.Errorf("%s: flags %v notes %v", where, rc.Flags, rc.FlagNotes)
		}
	}
	h.check(at(t, "2026-12-01T10:00"), func(rc workflows.RosterChange) { same("query", rc) })
	h.ok(at(t, "2026-12-01T11:00"), workflows.RosterFile, orgDeptActor)
	h.ok(at(t, "2026-12-01T12:00"), workflows.RosterFile, bureauActor)
	h.ok(at(t, "2026-12-01T13:00"), workflows.RosterReport, bureauActor)
	h.run(in)
	same("result", h.result())
	for _, s := range h.snapshots() {
		same(fmt.Sprintf("snapshot v%d", s.Version), rosterDetail(t, s))
	}
	if l := h.ledger(); len(l) != 1 || l[0].Change != workflows.ChangeLeave || l[0].ReplacesMemberID != "" {
		t.Errorf("ledger %+v", l)
	}
}

// 7. The ledger refuses the change (it moved since the change was
// recorded): flagged, the process ends without a report step.
func TestRosterLedgerConflict(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	h.applyErr = func(int) error {
		return temporal.NewNonRetryableApplicationError("徐明 is on 杨庄村驻村工作队 from 2025-03-01", workflows.ErrConflict, nil)
	}
	h.ok(at(t, "2026-12-01T10:00"), workflows.RosterFile, orgDeptActor)
	h.okThen(at(t, "2026-12-01T11:00"), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
		if rc.Status != workflows.RosterFiled || rc.LedgerUpdatedAt != nil || stepNamed(rc.Steps, workflows.StepReport) != nil {
			t.Errorf("status %q ledger %v steps %v", rc.Status, rc.LedgerUpdatedAt, stepNames(rc.Steps))
		}
		if !equalStrings(rc.Flags, []string{workflows.FlagLedgerConflict}) || !strings.Contains(rc.FlagNotes[workflows.FlagLedgerConflict], "杨庄村") {
			t.Errorf("flags %v notes %v", rc.Flags, rc.FlagNotes)
		}
	})
	h.run(in)
	h.result()
	if want := []string{"recorded", "filed", "filed", "ledger_conflict"}; !equalStrings(h.actions(), want) {
		t.Errorf("timeline %v, want %v", h.actions(), want)
	}
	if last := h.last(); last.ClosedAt == nil || countNotices(h.notices(), bureau, "台账未更新") != 1 {
		t.Errorf("closed %v, notices %+v", last.ClosedAt, h.notices())
	}
}

// 8. A ledger write that fails for a while is retried, not lost; the
// change is applied once it succeeds.
func TestRosterLedgerRetried(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	h.applyErr = func(n int) error {
		if n < 3 {
			return errors.New("database unavailable")
		}
		return nil
	}
	h.ok(at(t, "2026-12-01T10:00"), workflows.RosterFile, orgDeptActor)
	h.okThen(at(t, "2026-12-01T11:00"), workflows.RosterFile, bureauActor, func(rc workflows.RosterChange) {
		if rc.Status != workflows.RosterFiled || rc.LedgerUpdatedAt == nil || len(h.ledger()) != 1 {
			t.Errorf("status %q ledger %v applied %v", rc.Status, rc.LedgerUpdatedAt, h.ledger())
		}
	})
	h.ok(at(t, "2026-12-02T11:00"), workflows.RosterReport, bureauActor)
	h.run(in)
	if rc := h.result(); rc.Status != workflows.RosterReported || h.calls != 3 {
		t.Errorf("status %q after %d ledger calls", rc.Status, h.calls)
	}
}

// 9. A start without the offices to file with is refused.
func TestRosterInputChecked(t *testing.T) {
	h := newRosterHarness(t, at(t, "2026-12-01T09:00"))
	in := rosterInput(t, "2026-12-01")
	in.FilingOffices = nil
	h.env.ExecuteWorkflow(workflows.RosterChangeWorkflow, in)
	var ae *temporal.ApplicationError
	if err := h.env.GetWorkflowError(); !errors.As(err, &ae) || ae.Type() != workflows.ErrInvalid {
		t.Errorf("workflow error %v, want %s", err, workflows.ErrInvalid)
	}
}
