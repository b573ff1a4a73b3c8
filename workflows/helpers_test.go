package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/policy"
	"zhucun/workflows"
)

// cst builds China instants in tests; the workflow itself only ever sees
// absolute instants computed before it starts.
var cst = time.FixedZone("CST", 8*3600)

// midnight is the first instant of a China date "YYYY-MM-DD".
func midnight(t testing.TB, date string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", date, cst)
	if err != nil {
		t.Fatalf("bad date %q: %v", date, err)
	}
	return d
}

// at is a China wall-clock instant, "2026-12-01T09:00".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02T15:04", s, cst)
	if err != nil {
		t.Fatalf("bad instant %q: %v", s, err)
	}
	return d
}

func addDays(t testing.TB, date string, n int) string {
	return midnight(t, date).AddDate(0, 0, n).Format("2006-01-02")
}

// Parties and actors of the Xiping county fixture.
var (
	committee      = workflows.Party{Role: policy.RoleTownshipCommittee, OfficeID: "zhuantan-committee"}
	otherCommittee = workflows.Party{Role: policy.RoleTownshipCommittee, OfficeID: "baiyun-committee"}
	orgDept        = workflows.Party{Role: policy.RoleCountyOrgDept, OfficeID: "xiping-org"}
	bureau         = workflows.Party{Role: policy.RoleCountyBureau, OfficeID: "xiping-bureau"}
	unitHead       = workflows.Party{Role: policy.RoleUnitHead, UnitID: "xiping-edu"}
	memberParty    = workflows.Party{Role: policy.RoleMember, MemberID: "m-li"}

	committeeActor      = workflows.Actor{UserID: "u-zhuantan", Name: "镇党委王书记", Party: committee}
	otherCommitteeActor = workflows.Actor{UserID: "u-baiyun", Name: "白云镇党委", Party: otherCommittee}
	orgDeptActor        = workflows.Actor{UserID: "u-org", Name: "县委组织部", Party: orgDept}
	bureauActor         = workflows.Actor{UserID: "u-bureau", Name: "县乡村振兴局", Party: bureau}
	unitHeadActor       = workflows.Actor{UserID: "u-edu-head", Name: "教育局局长", Party: unitHead, AsPrincipal: true}
	deputyHeadActor     = workflows.Actor{UserID: "u-edu-deputy", Name: "教育局副局长", Party: unitHead}
	memberActor         = workflows.Actor{UserID: "u-li", Name: "李明", Party: memberParty}
	otherMemberActor    = workflows.Actor{UserID: "u-zhao", Name: "赵强", Party: workflows.Party{Role: policy.RoleMember, MemberID: "m-zhao"}}

	jointActors = []workflows.Actor{orgDeptActor, bureauActor, unitHeadActor}
)

// route resolves who approves a leave of that many days, the way the
// server does with the default rules.
func route(days int) workflows.Route {
	rules := policy.Default().Leave
	if days <= rules.ThresholdDays {
		return workflows.Route{
			Days: days, Route: policy.RouteTownship, Reason: fmt.Sprintf("%d days <= %d", days, rules.ThresholdDays),
			Approvers:     []workflows.Party{committee},
			FilingOffices: []workflows.Party{orgDept, bureau},
		}
	}
	return workflows.Route{
		Days: days, Route: policy.RouteJoint, Reason: fmt.Sprintf("%d days > %d", days, rules.ThresholdDays),
		Approvers:     []workflows.Party{orgDept, bureau, unitHead},
		FilingOffices: []workflows.Party{},
	}
}

// calendarDays counts start..end inclusive.
func calendarDays(t testing.TB, start, end string) int {
	return int(midnight(t, end).Sub(midnight(t, start)).Hours()/24) + 1
}

// leaveInput builds a LeaveInput for start..end (inclusive) as the server will.
func leaveInput(t testing.TB, start, end string) workflows.LeaveInput {
	t.Helper()
	days := calendarDays(t, start, end)
	return workflows.LeaveInput{
		ID: "lv-1", MemberID: memberParty.MemberID, MemberName: memberActor.Name,
		UnitID: "xiping-edu", TeamID: "team-zhuantan-1", TownshipID: "zhuantan", CountyID: "xiping",
		Kind: "personal", StartDate: start, EndDate: end, Reason: "家中有事",
		Route: route(days), PolicyVersion: "city@1", Rules: policy.Default().Leave,
		EscalateTo:  bureau,
		StartAt:     midnight(t, start),
		EndAt:       midnight(t, addDays(t, end, 1)),
		ReturnDueAt: midnight(t, addDays(t, end, 2)),
		SubmittedBy: memberActor,
	}
}

// extendArgs ask to move the end of a leave starting on start to newEnd.
func extendArgs(t testing.TB, start, newEnd string) workflows.ExtendArgs {
	return workflows.ExtendArgs{
		Actor: memberActor, EndDate: newEnd, Reason: "病情未愈",
		Route:       route(calendarDays(t, start, newEnd)),
		EndAt:       midnight(t, addDays(t, newEnd, 1)),
		ReturnDueAt: midnight(t, addDays(t, newEnd, 2)),
	}
}

func approve(a workflows.Actor) workflows.DecideArgs {
	return workflows.DecideArgs{Actor: a, Decision: "approve", Comment: "同意"}
}

func refuse(a workflows.Actor) workflows.DecideArgs {
	return workflows.DecideArgs{Actor: a, Decision: "refuse", Comment: "工作紧张，不同意"}
}

func fileBy(a workflows.Actor) workflows.ActorArgs {
	return workflows.ActorArgs{Actor: a, Comment: "已备案"}
}

func returnOn(on, actualEnd string, days int) workflows.ReturnArgs {
	return workflows.ReturnArgs{Actor: memberActor, ReturnedOn: on, ActualEndDate: actualEnd, ActualDays: days}
}

// harness runs one leave workflow in the test environment, with an
// in-memory read model and updates scheduled at chosen instants.
// recording holds what a test's fake recorder received; both process
// harnesses read it the same way.
type recording struct {
	t     *testing.T
	mu    sync.Mutex
	snaps []workflows.Snapshot
}

type harness struct {
	recording
	suite testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	start time.Time

	nextID  int
	pending map[string]string // update id -> description, until its outcome arrives
}

func newHarness(t *testing.T, submittedAt time.Time) *harness {
	h := &harness{recording: recording{t: t}, start: submittedAt, pending: map[string]string{}}
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(submittedAt)
	h.env.RegisterWorkflow(workflows.LeaveWorkflow)
	h.env.RegisterActivityWithOptions(h.record, activity.RegisterOptions{Name: workflows.ActivityRecord})
	return h
}

// record is the read model: it keeps every snapshot in arrival order.
func (h *harness) record(_ context.Context, s workflows.Snapshot) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.snaps = append(h.snaps, s)
	return nil
}

// do runs fn at the given instant of workflow time.
func (h *harness) do(when time.Time, fn func()) {
	d := when.Sub(h.start)
	if d <= 0 {
		h.t.Fatalf("callback at %v is not after the start %v", when, h.start)
	}
	h.env.RegisterDelayedCallback(fn, d)
}

// cancelAt cancels the workflow at that instant (tests that stop mid-way).
func (h *harness) cancelAt(when time.Time) { h.do(when, h.env.CancelWorkflow) }

// send sends an update now (call it inside a callback). want is "" for an
// update that must be accepted and succeed, else the ApplicationError type
// the validator must reject it with. then, if set, sees the update's result.
func (h *harness) send(name string, args any, want string, then func(workflows.Leave)) {
	h.nextID++
	id := fmt.Sprintf("%s-%d", name, h.nextID)
	desc := fmt.Sprintf("update %s %+v at %v", id, args, h.env.Now().In(cst))
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
			if want == "" {
				h.t.Errorf("%s: rejected: %v", desc, err)
				return
			}
			var ae *temporal.ApplicationError
			if !errors.As(err, &ae) {
				h.t.Errorf("%s: rejected with %T %v, want an ApplicationError %q", desc, err, err, want)
				return
			}
			if ae.Type() != want {
				h.t.Errorf("%s: rejected with type %q (%v), want %q", desc, ae.Type(), err, want)
			}
		},
		OnComplete: func(res any, err error) {
			if want != "" {
				return // already reported in OnAccept
			}
			delete(h.pending, id)
			if err != nil {
				h.t.Errorf("%s: failed: %v", desc, err)
				return
			}
			if then != nil {
				l, err := decodeLeave(res)
				if err != nil {
					h.t.Errorf("%s: result %T: %v", desc, res, err)
					return
				}
				then(l)
			}
		},
	}, args)
}

// ok schedules an update that must succeed; reject one that must be
// rejected with an ApplicationError of type want.
func (h *harness) ok(when time.Time, name string, args any) {
	h.do(when, func() { h.send(name, args, "", nil) })
}

func (h *harness) okThen(when time.Time, name string, args any, then func(workflows.Leave)) {
	h.do(when, func() { h.send(name, args, "", then) })
}

func (h *harness) reject(when time.Time, name string, args any, want string) {
	h.do(when, func() { h.send(name, args, want, nil) })
}

// query reads the leave now (call it inside a callback).
func (h *harness) query() workflows.Leave {
	h.t.Helper()
	var l workflows.Leave
	v, err := h.env.QueryWorkflow(workflows.LeaveQuery)
	if err == nil {
		err = v.Get(&l)
	}
	if err != nil {
		h.t.Errorf("query at %v: %v", h.env.Now(), err)
	}
	return l
}

// check runs assertions on the queried leave at that instant.
func (h *harness) check(when time.Time, fn func(workflows.Leave)) {
	h.do(when, func() { fn(h.query()) })
}

// run executes the workflow to its end (completion or cancellation) and
// checks that every scheduled update got its outcome and that the read
// model saw strictly increasing versions.
func (h *harness) run(in workflows.LeaveInput) {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.LeaveWorkflow, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatalf("workflow did not finish")
	}
	for _, desc := range h.pending {
		h.t.Errorf("%s: no outcome before the workflow ended", desc)
	}
	h.checkRecorded(workflows.KindLeave, workflows.LeaveWorkflowID(in.ID))
}

// checkRecorded asserts what every run must leave in the read model:
// versions 1, 2, 3... of one kind (and workflow, unless empty), and every
// event once, in sequence.
func (h *recording) checkRecorded(kind, workflowID string) {
	h.t.Helper()
	snaps := h.snapshots()
	if len(snaps) == 0 {
		h.t.Fatalf("nothing recorded")
	}
	// Two updates taken in one workflow task each save, and their local
	// activities run side by side: the writes may arrive in either order
	// (the store keeps only what is newer, and events by seq). What must
	// hold is the set: every version once, no gaps, each event once.
	slices.SortStableFunc(snaps, func(a, b workflows.Snapshot) int { return a.Version - b.Version })
	for i, s := range snaps {
		if s.Version != i+1 {
			h.t.Errorf("snapshot %d has version %d, want %d (strictly increasing from 1)", i, s.Version, i+1)
		}
		if s.Kind != kind || (workflowID != "" && s.WorkflowID != workflowID) {
			h.t.Errorf("snapshot %d header: kind %q workflow %q", i, s.Kind, s.WorkflowID)
		}
		h.checkDescribed(i, s)
	}
	events := h.events()
	slices.SortStableFunc(events, func(a, b workflows.Event) int { return a.Seq - b.Seq })
	for i, e := range events {
		if e.Seq != i+1 {
			h.t.Errorf("event %d (%s) has seq %d", i, e.Action, e.Seq)
		}
	}
}

// checkDescribed asserts that the kind's description (workflows.Kinds)
// names the status and every step the workflow recorded, so the lists
// there cannot fall behind the workflows.
func (h *recording) checkDescribed(i int, s workflows.Snapshot) {
	h.t.Helper()
	k, ok := workflows.KindByName(s.Kind)
	if !ok {
		h.t.Errorf("snapshot %d: kind %q is not in workflows.Kinds()", i, s.Kind)
		return
	}
	if !slices.Contains(k.Statuses, s.Status) {
		h.t.Errorf("snapshot %d: status %q is not among kind %s's statuses %v", i, s.Status, k.Name, k.Statuses)
	}
	for _, st := range s.Steps {
		if !slices.ContainsFunc(k.Steps, func(d workflows.StepSpec) bool { return d.Name == st.Name }) {
			h.t.Errorf("snapshot %d: step %q is not among kind %s's steps", i, st.Name, k.Name)
		}
	}
}

// resultOf is a completed workflow's result; it fails the test if the
// workflow did not complete successfully.
func resultOf[T any](t *testing.T, env *testsuite.TestWorkflowEnvironment) T {
	t.Helper()
	var v T
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	if err := env.GetWorkflowResult(&v); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	return v
}

// result is the completed workflow's leave; it fails the test if the
// workflow did not complete successfully.
func (h *harness) result() workflows.Leave {
	h.t.Helper()
	return resultOf[workflows.Leave](h.t, h.env)
}

// cancelled asserts the workflow ended by the test's cancellation.
func (h *harness) cancelled() {
	h.t.Helper()
	var ce *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &ce) {
		h.t.Fatalf("workflow error %v, want cancelled", err)
	}
}

func (h *recording) snapshots() []workflows.Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]workflows.Snapshot(nil), h.snaps...)
}

// last is the newest snapshot: the highest version, whatever order the
// writes arrived in (see checkRecorded).
func (h *recording) last() workflows.Snapshot {
	s := h.snapshots()
	if len(s) == 0 {
		h.t.Fatalf("nothing recorded")
	}
	return slices.MaxFunc(s, func(a, b workflows.Snapshot) int { return a.Version - b.Version })
}

// events is the whole timeline as the read model received it.
func (h *recording) events() []workflows.Event {
	var out []workflows.Event
	for _, s := range h.snapshots() {
		out = append(out, s.Events...)
	}
	return out
}

func (h *recording) actions() []string {
	var out []string
	for _, e := range h.events() {
		out = append(out, e.Action)
	}
	return out
}

// eventsOf are the events of one action (and step, unless empty).
func (h *recording) eventsOf(action, step string) []workflows.Event {
	var out []workflows.Event
	for _, e := range h.events() {
		if e.Action == action && (step == "" || e.Step == step) {
			out = append(out, e)
		}
	}
	return out
}

func (h *recording) notices() []workflows.Notice {
	var out []workflows.Notice
	for _, s := range h.snapshots() {
		out = append(out, s.Notices...)
	}
	return out
}

// decodeLeave reads an update's result as the test environment hands it over.
func decodeLeave(res any) (workflows.Leave, error) {
	switch v := res.(type) {
	case workflows.Leave:
		return v, nil
	case *workflows.Leave:
		return *v, nil
	case interface{ Get(any) error }:
		var l workflows.Leave
		err := v.Get(&l)
		return l, err
	}
	return workflows.Leave{}, fmt.Errorf("unexpected update result type %T", res)
}

// detail decodes a snapshot's Detail (JSON-shaped after the data
// converter) back into a Leave.
func detail(t testing.TB, s workflows.Snapshot) workflows.Leave {
	t.Helper()
	b, err := json.Marshal(s.Detail)
	if err != nil {
		t.Fatalf("marshal detail: %v", err)
	}
	var l workflows.Leave
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("unmarshal detail: %v", err)
	}
	return l
}

// stepNamed returns the latest step of that name.
func stepNamed(steps []workflows.Step, name string) *workflows.Step {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Name == name {
			return &steps[i]
		}
	}
	return nil
}

func stepNames(steps []workflows.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Name)
	}
	return out
}

func partyKeys(ps []workflows.Party) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Key())
	}
	return out
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }

func minute() time.Duration { return time.Minute }

func sameTime(a time.Time, b *time.Time) bool { return b != nil && a.Equal(*b) }

func fmtTimes(ts []time.Time) []string {
	var out []string
	for _, x := range ts {
		out = append(out, x.In(cst).Format("01-02T15:04"))
	}
	return out
}

func eventTimes(es []workflows.Event) []string {
	var ts []time.Time
	for _, e := range es {
		ts = append(ts, e.At)
	}
	return fmtTimes(ts)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
