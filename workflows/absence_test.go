package workflows_test

import (
	"zhucun/errs"

	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"

	"zhucun/policy"
	"zhucun/workflows"
)

// The absence fixture: 李明 (m-li) of 西平县教育局, found absent; the county
// offices, unit head and member come from helpers_test.go.
var (
	absOtherHead       = workflows.Party{Role: policy.RoleUnitHead, UnitID: "city-agri"}
	absOtherHeadActor  = workflows.Actor{UserID: "u-agri-head", Name: "农业农村局局长", Party: absOtherHead}
	absOtherBureau     = workflows.Party{Role: policy.RoleCountyBureau, OfficeID: "shangcai-bureau"}
	absOtherBureauAct  = workflows.Actor{UserID: "u-sc-bureau", Name: "上蔡县乡村振兴局", Party: absOtherBureau}
	absCityOrg         = workflows.Party{Role: policy.RoleCityOrgDept, OfficeID: "zhumadian-org"}
	absCityBureau      = workflows.Party{Role: policy.RoleCityBureau, OfficeID: "zhumadian-bureau"}
	absCityBureauActor = workflows.Actor{UserID: "u-city-bureau", Name: "市乡村振兴局", Party: absCityBureau}
)

// absenceInput builds the input the server builds for an absence found at
// found, under the default rules.
func absenceInput(t testing.TB, found time.Time) workflows.AbsenceInput {
	t.Helper()
	rules := policy.Default().Absence
	y, m := policy.CycleMonth(rules, found)
	due := policy.ExplanationDue(rules, y, m)
	return workflows.AbsenceInput{
		AbsenceFacts: workflows.AbsenceFacts{
			ID: "ab-1", MemberID: memberParty.MemberID, MemberName: memberActor.Name, UnitID: "xiping-edu",
			UnitName: "西平县教育局", TeamID: "team-zhuantan-1", TeamName: "小王庄村驻村工作队", VillageName: "小王庄村",
			TownshipID: "zhuantan", TownshipName: "专探乡", CountyID: "xiping", FoundAt: found, Method: "onsite",
			Note: "查岗未见本人",
		},
		RecordedBy: absCityBureauActor, CycleMonth: policy.CycleKey(y, m), DueAt: due,
		RemindAt: policy.RemindersBefore(due, rules.RemindBefore), PolicyVersion: "city@1", Rules: rules,
		CountyOffices: []workflows.Party{orgDept, bureau}, UnitHead: unitHead,
	}
}

// reportInput builds a xiping report for month under the default rules.
func reportInput(t testing.TB, month string) workflows.ReportInput {
	t.Helper()
	in, err := workflows.NewReportInput(workflows.ReportOffices{
		CountyID: "xiping", CountyName: "西平县", OrgDeptID: orgDept.OfficeID, BureauID: bureau.OfficeID,
		CityOrgDeptID: absCityOrg.OfficeID, CityBureauID: absCityBureau.OfficeID,
	}, month, policy.Policy{Scope: "city", Version: 1, Rules: policy.Default()})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func explain(text string) workflows.ExplainArgs {
	return workflows.ExplainArgs{Actor: memberActor, Text: text}
}

func signBy(a workflows.Actor) workflows.SignArgs {
	return workflows.SignArgs{Actor: a, Decision: "sign", Comment: "情况属实"}
}

func sendBack(comment string) workflows.SignArgs {
	return workflows.SignArgs{Actor: unitHeadActor, Decision: "return", Comment: comment}
}

// absHarness runs an absence or a report on the leave harness (its read
// model, clock and update plumbing) plus a fake ReportAbsence activity
// that records what would be signalled to the monthly reports.
type absHarness struct {
	*harness
	mu    sync.Mutex
	calls []workflows.ReportAbsenceArgs
}

func newAbsHarness(t *testing.T, start time.Time) *absHarness {
	h := &absHarness{harness: newHarness(t, start)}
	h.env.RegisterWorkflow(workflows.AbsenceWorkflow)
	h.env.RegisterWorkflow(workflows.ReportWorkflow)
	h.env.RegisterActivityWithOptions(h.reportAbsence, activity.RegisterOptions{Name: workflows.ActivityReportAbsence})
	return h
}

func (h *absHarness) reportAbsence(_ context.Context, a workflows.ReportAbsenceArgs) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, a)
	return a.Month, nil
}

func (h *absHarness) reported() []workflows.ReportAbsenceArgs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]workflows.ReportAbsenceArgs(nil), h.calls...)
}

// reportedStatuses are the absence statuses signalled, in order.
func (h *absHarness) reportedStatuses() []string {
	var out []string
	for _, c := range h.reported() {
		out = append(out, c.Item.Status)
	}
	return out
}

// signal delivers a report signal at that instant.
func (h *absHarness) signal(when time.Time, sig workflows.ReportItemSignal) {
	h.do(when, func() { h.env.SignalWorkflow(workflows.ReportSignalAbsence, sig) })
}

// queryAs reads the workflow's resource through query name into v.
func (h *absHarness) queryAs(name string, v any) {
	h.t.Helper()
	res, err := h.env.QueryWorkflow(name)
	if err == nil {
		err = res.Get(v)
	}
	if err != nil {
		h.t.Errorf("query %s at %v: %v", name, h.env.Now(), err)
	}
}

func (h *absHarness) checkAbsence(when time.Time, fn func(workflows.Absence)) {
	h.do(when, func() {
		var a workflows.Absence
		h.queryAs(workflows.AbsenceQuery, &a)
		fn(a)
	})
}

func (h *absHarness) checkReport(when time.Time, fn func(workflows.AbsenceReport)) {
	h.do(when, func() {
		var r workflows.AbsenceReport
		h.queryAs(workflows.ReportQuery, &r)
		fn(r)
	})
}

// execute runs wf to its end and checks that every update got its
// outcome and the read model saw versions 1, 2, 3... of kind.
func (h *absHarness) execute(wf any, in any, kind string) {
	h.t.Helper()
	h.env.ExecuteWorkflow(wf, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatalf("workflow did not finish")
	}
	for _, desc := range h.pending {
		h.t.Errorf("%s: no outcome before the workflow ended", desc)
	}
	h.checkRecorded(kind, "")
}

func (h *absHarness) absence() workflows.Absence {
	h.t.Helper()
	return resultOf[workflows.Absence](h.t, h.env)
}

func (h *absHarness) report() workflows.AbsenceReport {
	h.t.Helper()
	return resultOf[workflows.AbsenceReport](h.t, h.env)
}

func countPrefixed(ns []workflows.Notice, to workflows.Party, prefix string) int {
	n := 0
	for _, x := range ns {
		if x.To.Key() == to.Key() && strings.HasPrefix(x.Text, prefix) {
			n++
		}
	}
	return n
}

// Found on the 3rd, the 20th, the 21st, in December and in a leap
// February: the cycle month and the due instant (end of the 24th, i.e. the
// 25th 00:00 China time), explained and signed in time.
func TestAbsenceCycleAndDue(t *testing.T) {
	cases := []struct {
		name, found, cycle, due string
	}{
		{"3rd", "2026-03-03T10:00", "2026-03", "2026-03-25T00:00:00+08:00"},
		{"20th late evening", "2026-03-20T23:59", "2026-03", "2026-03-25T00:00:00+08:00"},
		{"21st just after midnight", "2026-03-21T00:01", "2026-04", "2026-04-25T00:00:00+08:00"},
		{"December 21st wraps to January", "2026-12-21T09:00", "2027-01", "2027-01-25T00:00:00+08:00"},
		{"December 3rd", "2026-12-03T09:00", "2026-12", "2026-12-25T00:00:00+08:00"},
		{"leap February 20th", "2028-02-20T09:00", "2028-02", "2028-02-25T00:00:00+08:00"},
		{"leap February 29th", "2028-02-29T09:00", "2028-03", "2028-03-25T00:00:00+08:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found := at(t, c.found)
			h := newAbsHarness(t, found.Add(hours(1)))
			in := absenceInput(t, found)
			if in.CycleMonth != c.cycle || in.DueAt.Format(time.RFC3339) != c.due {
				t.Fatalf("input: cycle %s due %s, want %s %s", in.CycleMonth, in.DueAt.Format(time.RFC3339), c.cycle, c.due)
			}
			h.checkAbsence(found.Add(hours(1)+minute()), func(a workflows.Absence) {
				s := stepNamed(a.Steps, workflows.StepExplanation)
				if a.Status != workflows.AbsenceAwaitingExplanation || s == nil || !s.Open() || !sameTime(in.DueAt, s.DueAt) {
					t.Errorf("after recording: status %q explanation step %+v", a.Status, s)
				}
				if a.DueAt.Format(time.RFC3339) != c.due || a.CycleMonth != c.cycle || a.ReportMonth != c.cycle {
					t.Errorf("absence due %v cycle %s report %s", a.DueAt, a.CycleMonth, a.ReportMonth)
				}
			})
			h.ok(found.Add(hours(2)), workflows.AbsenceExplain, explain("家中老人突发疾病，临时回城"))
			h.ok(found.Add(hours(3)), workflows.AbsenceSign, signBy(unitHeadActor))
			h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)

			a := h.absence()
			if a.Status != workflows.AbsenceSigned || a.Late || a.Overdue || !sameTime(found.Add(hours(3)), a.SignedAt) {
				t.Errorf("result: status %q late %v overdue %v signed %v", a.Status, a.Late, a.Overdue, a.SignedAt)
			}
			if a.SignedBy != unitHeadActor.Name || len(a.Explanations) != 1 {
				t.Errorf("signed by %q, explanations %+v", a.SignedBy, a.Explanations)
			}
			for _, s := range a.Steps {
				if !sameTime(in.DueAt, s.DueAt) {
					t.Errorf("step %s due %v, want %v", s.Name, s.DueAt, in.DueAt)
				}
			}
			calls := h.reported()
			for _, call := range calls {
				if call.Month != c.cycle || call.CountyID != "xiping" || call.Item.AbsenceID != in.ID {
					t.Errorf("report call %+v, want xiping %s", call, c.cycle)
				}
			}
			want := []string{workflows.AbsenceAwaitingExplanation, workflows.AbsenceAwaitingSignature, workflows.AbsenceSigned}
			if got := h.reportedStatuses(); !equalStrings(got, want) {
				t.Errorf("report told %v, want %v", got, want)
			}
			if last := h.last(); last.ClosedAt == nil || last.Status != workflows.AbsenceSigned {
				t.Errorf("last snapshot: status %q closed %v", last.Status, last.ClosedAt)
			}
		})
	}
}

// Circulation, send-back and rewrite: the deadline never moves.
func TestAbsenceSendBackAndRewrite(t *testing.T) {
	found := at(t, "2026-03-03T10:00")
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, found)
	h.ok(at(t, "2026-03-04T09:00"), workflows.AbsenceExplain, explain("外出办事"))
	h.reject(at(t, "2026-03-04T10:00"), workflows.AbsenceSign,
		workflows.SignArgs{Actor: unitHeadActor, Decision: "return"}, workflows.ErrInvalid)
	h.ok(at(t, "2026-03-04T11:00"), workflows.AbsenceSign, sendBack("请写明离岗时间和去向"))
	h.checkAbsence(at(t, "2026-03-04T12:00"), func(a workflows.Absence) {
		if a.Status != workflows.AbsenceAwaitingExplanation || a.Explanations[0].ReturnedComment != "请写明离岗时间和去向" {
			t.Errorf("after send-back: status %q explanations %+v", a.Status, a.Explanations)
		}
		if s := stepNamed(a.Steps, workflows.StepExplanation); !s.Open() || !sameTime(in.DueAt, s.DueAt) {
			t.Errorf("rewrite step %+v, want open and due %v", s, in.DueAt)
		}
	})
	h.reject(at(t, "2026-03-04T12:30"), workflows.AbsenceSign, signBy(unitHeadActor), workflows.ErrConflict)
	h.ok(at(t, "2026-03-05T09:00"), workflows.AbsenceExplain, explain("3月3日9时至12时赴县医院陪护家人"))
	h.ok(at(t, "2026-03-05T10:00"), workflows.AbsenceSign, signBy(unitHeadActor))
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)

	a := h.absence()
	if a.Status != workflows.AbsenceSigned || len(a.Explanations) != 2 || a.Explanations[1].ReturnedComment != "" {
		t.Errorf("result: status %q explanations %+v", a.Status, a.Explanations)
	}
	want := []string{workflows.StepExplanation, workflows.StepSignature, workflows.StepExplanation, workflows.StepSignature}
	if got := stepNames(a.Steps); !equalStrings(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	if got := h.actions(); !equalStrings(got, []string{"recorded", "explained", "returned", "explained", "signed", "submitted"}) {
		t.Errorf("timeline %v", got)
	}
	for _, p := range []workflows.Party{memberParty, unitHead, orgDept, bureau} {
		if !hasNotice(h.notices(), p, "通报") {
			t.Errorf("%s not circulated", p.Key())
		}
	}
	if !hasNotice(h.notices(), memberParty, "退回重写") {
		t.Errorf("member not told of the send-back")
	}
	for _, p := range []workflows.Party{orgDept, bureau} {
		if !hasNotice(h.notices(), p, "已签字报送") {
			t.Errorf("%s did not receive the signed explanation", p.Key())
		}
	}
}

// Only the member explains, only the unit's head signs, only a county
// office of the county closes; wrong states are conflicts.
func TestAbsenceWrongActors(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00"))
	t0 := at(t, "2026-03-03T12:00")
	h.reject(t0, workflows.AbsenceExplain, workflows.ExplainArgs{Actor: otherMemberActor, Text: "代写"}, workflows.ErrForbidden)
	h.reject(t0, workflows.AbsenceExplain, explain("  "), workflows.ErrInvalid)
	h.reject(t0, workflows.AbsenceSign, signBy(unitHeadActor), workflows.ErrConflict)
	h.reject(t0, workflows.AbsenceSign, signBy(absOtherHeadActor), workflows.ErrForbidden)
	h.reject(t0, workflows.AbsenceClose, workflows.CloseArgs{Actor: unitHeadActor, Reason: "x"}, workflows.ErrForbidden)
	h.reject(t0, workflows.AbsenceClose, workflows.CloseArgs{Actor: absOtherBureauAct, Reason: "x"}, workflows.ErrForbidden)
	h.reject(t0, workflows.AbsenceClose, workflows.CloseArgs{Actor: orgDeptActor}, workflows.ErrInvalid)
	h.ok(at(t, "2026-03-03T13:00"), workflows.AbsenceExplain, explain("外出开会"))
	h.reject(at(t, "2026-03-03T14:00"), workflows.AbsenceExplain, explain("再写一遍"), workflows.ErrConflict)
	h.reject(at(t, "2026-03-03T14:00"), workflows.AbsenceSign,
		workflows.SignArgs{Actor: unitHeadActor, Decision: "maybe"}, workflows.ErrInvalid)
	h.do(at(t, "2026-03-03T15:00"), func() {
		h.send(workflows.AbsenceSign, signBy(unitHeadActor), "", nil)
		h.send(workflows.AbsenceSign, signBy(unitHeadActor), workflows.ErrConflict, nil)
		h.send(workflows.AbsenceClose, workflows.CloseArgs{Actor: bureauActor, Reason: "x"}, workflows.ErrConflict, nil)
	})
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
	if got := h.actions(); !equalStrings(got, []string{"recorded", "explained", "signed", "submitted"}) {
		t.Errorf("timeline %v: rejected updates must write nothing", got)
	}
}

// Nobody explains: reminders to the member 5, 2 and 1 days before the
// due instant, overdue at it, still open after; a county office closes it.
func TestAbsenceNoExplanationThenClosed(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00"))
	h.checkAbsence(at(t, "2026-03-24T23:59"), func(a workflows.Absence) {
		if a.Overdue {
			t.Errorf("overdue before the due instant")
		}
	})
	h.checkAbsence(at(t, "2026-04-10T09:00"), func(a workflows.Absence) {
		s := stepNamed(a.Steps, workflows.StepExplanation)
		if a.Status != workflows.AbsenceAwaitingExplanation || !a.Overdue || !s.Open() || !s.Overdue || s.Reminders != 3 {
			t.Errorf("past due: status %q overdue %v step %+v", a.Status, a.Overdue, s)
		}
	})
	h.okThen(at(t, "2026-04-10T10:00"), workflows.AbsenceClose,
		workflows.CloseArgs{Actor: bureauActor, Reason: "本人已调离，无法补交"}, nil)
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)

	type ev struct{ action, at string }
	var got []ev
	for _, e := range h.events() {
		got = append(got, ev{e.Action, e.At.In(cst).Format("01-02T15:04")})
	}
	want := []ev{
		{"recorded", "03-03T11:00"},
		{"reminded", "03-20T00:00"}, // 5 days before
		{"reminded", "03-23T00:00"}, // 2 days before
		{"reminded", "03-24T00:00"}, // 1 day before
		{"overdue", "03-25T00:00"},  // the due instant: end of the 24th
		{"closed", "04-10T10:00"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	}
	if n := countPrefixed(h.notices(), memberParty, "提醒"); n != 3 {
		t.Errorf("%d reminders to the member, want 3", n)
	}
	a := h.absence()
	if a.Status != workflows.AbsenceClosed || a.ClosedReason == "" || a.Overdue {
		t.Errorf("result: status %q reason %q overdue %v", a.Status, a.ClosedReason, a.Overdue)
	}
	if got := h.reportedStatuses(); got[len(got)-1] != workflows.AbsenceClosed {
		t.Errorf("report told %v, want closed last", got)
	}
}

// The deadline passes with an explanation but no signature: the reminders
// went to the head, the signature step is overdue, a late signature still
// works and is marked late. Signed in time, nothing is overdue.
func TestAbsenceDeadlineAndSignature(t *testing.T) {
	t.Run("signed late", func(t *testing.T) {
		h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
		in := absenceInput(t, at(t, "2026-03-03T10:00"))
		h.ok(at(t, "2026-03-10T09:00"), workflows.AbsenceExplain, explain("外出"))
		h.checkAbsence(at(t, "2026-03-25T00:01"), func(a workflows.Absence) {
			s := stepNamed(a.Steps, workflows.StepSignature)
			if a.Status != workflows.AbsenceAwaitingSignature || !a.Overdue || !s.Overdue {
				t.Errorf("past due: status %q overdue %v", a.Status, a.Overdue)
			}
		})
		h.ok(at(t, "2026-03-26T10:00"), workflows.AbsenceSign, signBy(unitHeadActor))
		h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)

		r := h.eventsOf("reminded", workflows.StepSignature)
		if got := eventTimes(r); !equalStrings(got, []string{"03-20T00:00", "03-23T00:00", "03-24T00:00"}) {
			t.Errorf("signature reminders at %v", got)
		}
		if n := countPrefixed(h.notices(), unitHead, "提醒"); n != 3 {
			t.Errorf("%d reminders to the head, want 3", n)
		}
		if o := h.eventsOf("overdue", workflows.StepSignature); len(o) != 1 || !o[0].At.Equal(in.DueAt) {
			t.Errorf("overdue at %v, want once at %v", eventTimes(o), in.DueAt)
		}
		a := h.absence()
		if a.Status != workflows.AbsenceSigned || !a.Late || a.Overdue {
			t.Errorf("result: status %q late %v overdue %v", a.Status, a.Late, a.Overdue)
		}
		calls := h.reported()
		if last := calls[len(calls)-1]; last.Item.Status != workflows.AbsenceSigned || !last.Item.Late {
			t.Errorf("last report signal %+v, want signed late", last.Item)
		}
	})
	t.Run("signed in time", func(t *testing.T) {
		h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
		in := absenceInput(t, at(t, "2026-03-03T10:00"))
		h.ok(at(t, "2026-03-24T20:00"), workflows.AbsenceExplain, explain("外出"))
		h.ok(at(t, "2026-03-24T23:59"), workflows.AbsenceSign, signBy(unitHeadActor))
		h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)
		a := h.absence()
		if a.Status != workflows.AbsenceSigned || a.Late || a.Overdue || len(h.eventsOf("overdue", "")) != 0 {
			t.Errorf("result: status %q late %v overdue %v timeline %v", a.Status, a.Late, a.Overdue, h.actions())
		}
		// The member was reminded three times before explaining, the head never.
		if m, u := countPrefixed(h.notices(), memberParty, "提醒"), countPrefixed(h.notices(), unitHead, "提醒"); m != 3 || u != 0 {
			t.Errorf("reminders: member %d (want 3), head %d (want 0)", m, u)
		}
	})
}

func TestAbsenceInputChecked(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00"))
	in.UnitHead = workflows.Party{}
	h.env.ExecuteWorkflow(workflows.AbsenceWorkflow, in)
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), string(errs.MsgAbsenceBadInput)) {
		t.Errorf("workflow error %v, want the input refused", err)
	}
}

func absItem(id, status string, signedAt *time.Time, late bool) workflows.ReportItemSignal {
	return workflows.ReportItemSignal{AbsenceID: id, MemberID: "m-" + id, MemberName: "队员" + id,
		Status: status, SignedAt: signedAt, Late: late}
}

// The report: compiled as absences change, reminders to the bureau, only
// that bureau submits, once; the city offices are told; the items freeze;
// an explanation signed after submission is carried to next month's report.
func TestReportSubmittedAndLateCarried(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := reportInput(t, "2026-03")
	h.signal(at(t, "2026-03-03T11:01"), absItem("a1", workflows.AbsenceAwaitingExplanation, nil, false))
	h.signal(at(t, "2026-03-05T09:00"), absItem("a2", workflows.AbsenceAwaitingExplanation, nil, false))
	h.signal(at(t, "2026-03-10T09:00"), absItem("a1", workflows.AbsenceSigned, absPtr(at(t, "2026-03-10T09:00")), false))
	h.checkReport(at(t, "2026-03-10T10:00"), func(r workflows.AbsenceReport) {
		if r.Status != workflows.ReportOpen || len(r.Items) != 2 || r.Items[0].Status != workflows.ItemOnTime || r.Items[1].Status != workflows.ItemMissing {
			t.Errorf("open report: %+v", r)
		}
	})
	submit := func(a workflows.Actor) workflows.ActorArgs {
		return workflows.ActorArgs{Actor: a, Comment: "本月汇总"}
	}
	h.reject(at(t, "2026-03-24T09:00"), workflows.ReportSubmit, submit(orgDeptActor), workflows.ErrForbidden)
	h.reject(at(t, "2026-03-24T09:00"), workflows.ReportSubmit, submit(absOtherBureauAct), workflows.ErrForbidden)
	h.ok(at(t, "2026-03-24T10:00"), workflows.ReportSubmit, submit(bureauActor))
	h.reject(at(t, "2026-03-24T11:00"), workflows.ReportSubmit, submit(bureauActor), workflows.ErrConflict)
	h.signal(at(t, "2026-03-24T12:00"), absItem("a2", workflows.AbsenceAwaitingSignature, nil, false))
	h.signal(at(t, "2026-03-26T09:00"), absItem("a2", workflows.AbsenceSigned, absPtr(at(t, "2026-03-26T09:00")), true))
	h.execute(workflows.ReportWorkflow, in, workflows.KindAbsenceReport)

	r := h.report()
	if r.Status != workflows.ReportSubmitted || !sameTime(at(t, "2026-03-24T10:00"), r.SubmittedAt) || r.Overdue {
		t.Fatalf("result: status %q submitted %v overdue %v", r.Status, r.SubmittedAt, r.Overdue)
	}
	if len(r.Items) != 2 || r.Items[0].Status != workflows.ItemOnTime || r.Items[1].Status != workflows.ItemMissing {
		t.Errorf("frozen items %+v, want a1 on_time, a2 missing", r.Items)
	}
	if a2 := r.Items[1]; a2.CarriedTo != "2026-04" || a2.AbsenceStatus != workflows.AbsenceSigned {
		t.Errorf("a2 %+v, want carried to 2026-04 and now signed", a2)
	}
	calls := h.reported()
	if len(calls) != 1 {
		t.Fatalf("forwarded %+v, want a2 once", calls)
	}
	if c := calls[0]; c.Month != "2026-04" || c.CountyID != "xiping" || c.Item.AbsenceID != "a2" ||
		c.Item.CarriedFrom != "2026-03" || c.Item.Status != workflows.AbsenceSigned {
		t.Errorf("forwarded %+v", c)
	}
	if got := eventTimes(h.eventsOf("reminded", workflows.StepSubmission)); !equalStrings(got, []string{"03-20T00:00", "03-23T00:00", "03-24T00:00"}) {
		t.Errorf("report reminders at %v", got)
	}
	if n := countPrefixed(h.notices(), bureau, "提醒"); n != 3 {
		t.Errorf("%d reminders to the bureau, want 3", n)
	}
	for _, p := range []workflows.Party{absCityOrg, absCityBureau} {
		if !hasNotice(h.notices(), p, "已报送") {
			t.Errorf("%s not told of the report", p.Key())
		}
	}
	last := h.last()
	if last.Kind != workflows.KindAbsenceReport || last.Subject != "xiping" || last.ProcessID != in.ProcessID ||
		!sameTime(at(t, "2026-03-24T10:00"), last.ClosedAt) {
		t.Errorf("last snapshot: %+v", last)
	}
}

// Not submitted by the due instant: overdue at it, still submittable; an
// explanation signed after the due instant shows as late.
func TestReportOverdue(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := reportInput(t, "2026-03")
	h.signal(at(t, "2026-03-03T11:01"), absItem("a1", workflows.AbsenceAwaitingSignature, nil, false))
	h.checkReport(at(t, "2026-03-24T23:59"), func(r workflows.AbsenceReport) {
		if r.Overdue {
			t.Errorf("overdue before the due instant")
		}
	})
	h.checkReport(at(t, "2026-03-25T00:00").Add(time.Second), func(r workflows.AbsenceReport) {
		if r.Status != workflows.ReportOpen || !r.Overdue || !stepNamed(r.Steps, workflows.StepSubmission).Overdue {
			t.Errorf("at the due instant: status %q overdue %v", r.Status, r.Overdue)
		}
	})
	h.signal(at(t, "2026-03-25T12:00"), absItem("a1", workflows.AbsenceSigned, absPtr(at(t, "2026-03-25T12:00")), true))
	h.ok(at(t, "2026-03-26T09:00"), workflows.ReportSubmit, workflows.ActorArgs{Actor: bureauActor})
	h.execute(workflows.ReportWorkflow, in, workflows.KindAbsenceReport)

	if o := h.eventsOf("overdue", workflows.StepSubmission); len(o) != 1 || !o[0].At.Equal(in.DueAt) {
		t.Errorf("overdue at %v, want once at %v", eventTimes(o), in.DueAt)
	}
	if n := countPrefixed(h.notices(), bureau, "逾期"); n != 1 {
		t.Errorf("%d overdue notices to the bureau, want 1", n)
	}
	r := h.report()
	if r.Status != workflows.ReportSubmitted || len(r.Items) != 1 || r.Items[0].Status != workflows.ItemLate {
		t.Errorf("result: %+v", r)
	}
	if len(h.reported()) != 0 {
		t.Errorf("forwarded %+v, want nothing", h.reported())
	}
}

// Next month's report: a carried explanation counts as late even when
// signed before that report's due instant; December carries into January.
func TestReportCarriedItemIsLate(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-12-26T09:00"))
	in := reportInput(t, "2027-01")
	if in.DueAt.Format(time.RFC3339) != "2027-01-25T00:00:00+08:00" {
		t.Fatalf("January due %v", in.DueAt)
	}
	carried := absItem("a9", workflows.AbsenceSigned, absPtr(at(t, "2026-12-26T09:00")), false)
	carried.CarriedFrom = "2026-12"
	h.signal(at(t, "2026-12-26T09:01"), carried)
	h.checkReport(at(t, "2026-12-26T10:00"), func(r workflows.AbsenceReport) {
		if len(r.Items) != 1 || r.Items[0].Status != workflows.ItemLate || r.Items[0].CarriedFrom != "2026-12" {
			t.Errorf("items %+v, want a9 late, carried from 2026-12", r.Items)
		}
	})
	h.cancelAt(at(t, "2026-12-27T00:00"))
	h.env.ExecuteWorkflow(workflows.ReportWorkflow, in)
	h.cancelled()
	if next, _ := workflows.NextCycle("2026-12"); next != "2027-01" {
		t.Errorf("NextCycle(2026-12) = %s", next)
	}
}

// A report is started by the bureau's submission itself (nothing found
// that month): it opens, is submitted at once and ends after lingering.
func TestReportSubmittedEmpty(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-24T10:00"))
	in := reportInput(t, "2026-03")
	h.ok(at(t, "2026-03-24T10:00").Add(time.Second), workflows.ReportSubmit, workflows.ActorArgs{Actor: bureauActor})
	h.execute(workflows.ReportWorkflow, in, workflows.KindAbsenceReport)
	r := h.report()
	if r.Status != workflows.ReportSubmitted || len(r.Items) != 0 {
		t.Errorf("result %+v", r)
	}
	if end := h.env.Now(); end.Before(at(t, "2026-03-27T10:00")) {
		t.Errorf("ended at %v, before lingering %v", end, workflows.ReportLinger)
	}
}

func absPtr(t time.Time) *time.Time { return &t }
