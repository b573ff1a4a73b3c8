package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"zhucun/workflows"
)

// Races and repeats: many identical submissions, double clicks, and two
// people acting on one leave at the same instant. Members m15..m22
// (shangcai) are this file's; each run takes fresh dates, so -count=N works.

// raceHTTP is a client that keeps enough connections open for the
// concurrent requests below.
var raceHTTP = &http.Client{
	Timeout:   90 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 300, MaxIdleConnsPerHost: 300, IdleConnTimeout: time.Minute},
}

// raceNextDay hands out day offsets no other leave of these tests uses.
var raceNextDay atomic.Int64

// raceDays reserves n consecutive days and returns the offset of the first.
func raceDays(n int) int {
	return 1000 + int(raceNextDay.Add(int64(n))) - n
}

// apiAt is a logged-in user of a server (the harness's or another one),
// usable from many goroutines: do reports errors instead of failing.
type apiAt struct {
	base, token, user string
	me                map[string]any
}

func raceAPI(c *Client) *apiAt {
	return &apiAt{base: H.URL, token: c.Token, user: c.Username, me: c.User}
}

// do sends one request; headers come in key, value pairs.
func (a *apiAt) do(method, path string, body any, headers ...string) (int, []byte, error) {
	status, _, out, err := request(raceHTTP, a.base, method, path, a.token, body, headers...)
	return status, out, err
}

// must sends one request and fails the test unless the status is want.
func (a *apiAt) must(t testing.TB, method, path string, body any, want int) map[string]any {
	t.Helper()
	status, out, err := a.do(method, path, body)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, a.user, err)
	}
	if status != want {
		t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, a.user, status, want, out)
	}
	m := map[string]any{}
	if len(out) > 0 {
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s %s: not a JSON object: %s", method, path, out)
		}
	}
	return m
}

// raceResult is one answer of a concurrent request.
type raceResult struct {
	status int
	body   []byte
	err    error
}

func (r raceResult) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %s", r.status, r.body)
}

// atOnce runs every function at the same instant (as near as goroutines
// allow) and returns their results in order.
func raceAtOnce(fns ...func() raceResult) []raceResult {
	out := make([]raceResult, len(fns))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, fn := range fns {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = fn()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

func raceCall(a *apiAt, method, path string, body any) func() raceResult {
	return func() raceResult {
		st, b, err := a.do(method, path, body)
		return raceResult{st, b, err}
	}
}

// leaveViews is a leave as Temporal, the read model and the timeline see it.
type leaveViews struct {
	temporal workflows.Leave
	read     workflows.Leave
	actions  []string
}

func (v leaveViews) count(action string) int {
	n := 0
	for _, a := range v.actions {
		if a == action {
			n++
		}
	}
	return n
}

func raceViews(t *testing.T, as *apiAt, id string) leaveViews {
	t.Helper()
	var v leaveViews
	q, err := H.Temporal.QueryWorkflow(context.Background(), workflows.LeaveWorkflowID(id), "", workflows.LeaveQuery)
	if err != nil {
		t.Fatalf("query %s: %v", id, err)
	}
	if err := q.Get(&v.temporal); err != nil {
		t.Fatal(err)
	}
	status, body, err := as.do("GET", "/api/v1/leaves/"+id, nil)
	if err != nil || status != 200 {
		t.Fatalf("GET leave %s: %d %s %v", id, status, body, err)
	}
	if err := json.Unmarshal(body, &v.read); err != nil {
		t.Fatal(err)
	}
	for _, e := range items(t, as.must(t, "GET", "/api/v1/processes/"+id+"/timeline", nil, 200)) {
		v.actions = append(v.actions, fmt.Sprint(e["action"]))
	}
	return v
}

// decisionsOf lists a step's decisions as "party=decision".
func raceDecisions(l workflows.Leave, step string) []string {
	var out []string
	for _, s := range l.Steps {
		if s.Name == step {
			for _, d := range s.Decisions {
				out = append(out, d.Party+"="+d.Decision)
			}
		}
	}
	return out
}

// agree checks that the three views show the same outcome, want.
func (v leaveViews) agree(t *testing.T, id, want string) {
	t.Helper()
	if v.temporal.Status != want || v.read.Status != want {
		t.Errorf("leave %s: Temporal says %s, read model %s, want %s", id, v.temporal.Status, v.read.Status, want)
	}
	if tv, rv := fmt.Sprint(raceDecisions(v.temporal, workflows.StepApproval)), fmt.Sprint(raceDecisions(v.read, workflows.StepApproval)); tv != rv {
		t.Errorf("leave %s: approval decisions differ: Temporal %s, read model %s", id, tv, rv)
	}
	if v.count(want) != 1 {
		t.Errorf("leave %s: %d %q events in the timeline %v, want 1", id, v.count(want), want, v.actions)
	}
}

func raceSubmit(t *testing.T, m *apiAt, start, end int, reason string) string {
	t.Helper()
	l := m.must(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(start), "end_date": day(end), "reason": reason}, 201)
	return l["id"].(string)
}

// TestRaceIdempotencyKeyThousand: 1,000 submissions with one Idempotency-Key
// from 100 concurrent clients make exactly one leave, and every answer is
// that leave.
func TestRaceIdempotencyKeyThousand(t *testing.T) {
	const n, workers = 1000, 100
	ctx := context.Background()
	m := raceAPI(H.Login(t, "m15"))
	d := raceDays(3)
	key := fmt.Sprintf("race-%d", time.Now().UnixNano())
	body := map[string]any{"kind": "personal", "start_date": day(d), "end_date": day(d + 1), "reason": "一千次提交"}
	countRows := func(sql string, args ...any) int {
		var c int
		if err := H.Pool.QueryRow(ctx, sql, args...).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := countRows(`SELECT count(*) FROM processes WHERE member_id = 'm15' AND kind = 'leave'`)
	t0 := time.Now()

	results := make([]raceResult, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				st, b, err := m.do("POST", "/api/v1/leaves", body, "Idempotency-Key", key)
				results[i] = raceResult{st, b, err}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	took := time.Since(t0)

	statuses := map[int]int{}
	ids := map[string]int{}
	for i, r := range results {
		if r.err != nil || (r.status != 200 && r.status != 201) {
			t.Errorf("submission %d: %v", i, r)
			continue
		}
		statuses[r.status]++
		var l workflows.Leave
		if err := json.Unmarshal(r.body, &l); err != nil || l.ID == "" {
			t.Errorf("submission %d: no leave in %s", i, r.body)
			continue
		}
		ids[l.ID]++
		if l.MemberID != "m15" || l.StartDate != day(d) || l.Status != workflows.LeavePending {
			t.Errorf("submission %d answered another leave: %+v", i, l)
		}
	}
	if len(ids) != 1 || statuses[201] != 1 || statuses[201]+statuses[200] != n {
		t.Fatalf("%d submissions: statuses %v, leave ids %v; want one 201, the rest 200, one id", n, statuses, ids)
	}
	var id string
	for id = range ids {
	}

	created := countRows(`SELECT count(*) FROM processes WHERE member_id = 'm15' AND kind = 'leave'`) - before
	periods := countRows(`SELECT count(*) FROM leave_periods WHERE member_id = 'm15' AND start_date = $1::date`, day(d))
	keys := countRows(`SELECT count(*) FROM idempotency_keys WHERE key = $1`, key)
	if created != 1 || periods != 1 || keys != 1 {
		t.Errorf("read model: %d processes created, %d periods, %d keys; want 1 each", created, periods, keys)
	}

	// Temporal: the one workflow runs, and no other leave workflow of m15
	// started during the burst (visibility is asynchronous: wait until it
	// lists the one we know of).
	desc, err := H.Temporal.DescribeWorkflowExecution(ctx, workflows.LeaveWorkflowID(id), "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.WorkflowExecutionInfo.Status.String(); st != "Running" {
		t.Errorf("the leave's workflow is %s", st)
	}
	query := fmt.Sprintf("WorkflowType = 'LeaveWorkflow' AND StartTime >= '%s'", t0.Add(-time.Second).UTC().Format(time.RFC3339Nano))
	var started []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		started = started[:0]
		var token []byte
		for {
			resp, err := H.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
			if err != nil {
				t.Fatalf("list workflows: %v", err)
			}
			for _, ex := range resp.Executions {
				started = append(started, ex.Execution.WorkflowId)
			}
			if token = resp.NextPageToken; len(token) == 0 {
				break
			}
		}
		known := false
		for _, w := range started {
			known = known || w == workflows.LeaveWorkflowID(id)
		}
		if known || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	workflowsOfMember := 0
	for _, wid := range started {
		q, err := H.Temporal.QueryWorkflow(ctx, wid, "", workflows.LeaveQuery)
		if err != nil {
			t.Fatalf("query %s: %v", wid, err)
		}
		var l workflows.Leave
		if err := q.Get(&l); err != nil {
			t.Fatal(err)
		}
		if l.MemberID == "m15" {
			workflowsOfMember++
		}
	}
	if workflowsOfMember != 1 {
		t.Errorf("Temporal: %d leave workflows of m15 started during the burst (%v), want 1", workflowsOfMember, started)
	}
	msg := fmt.Sprintf("duplicate submissions sent: %d (%d concurrent clients, %s), answered 201: %d, 200: %d, processes created: %d, workflows started: %d",
		n, workers, took.Round(time.Millisecond), statuses[201], statuses[200], created, workflowsOfMember)
	figure(t, msg)
}

// TestRaceDoubleClickedDecision: the same approval sent twice at once is
// taken once; the second click gets 409.
func TestRaceDoubleClickedDecision(t *testing.T) {
	const rounds = 5
	m := raceAPI(H.Login(t, "m16"))
	committee := raceAPI(H.Login(t, m.me["township_id"].(string)+"-committee"))
	for i := 0; i < rounds; i++ {
		d := raceDays(4) // two days apart: consecutive leaves would be routed together
		id := raceSubmit(t, m, d, d, fmt.Sprint("双击 ", i))
		approve := map[string]any{"decision": "approve", "comment": "同意"}
		rs := raceAtOnce(raceCall(committee, "POST", "/api/v1/leaves/"+id+"/decision", approve),
			raceCall(committee, "POST", "/api/v1/leaves/"+id+"/decision", approve))
		got := []int{rs[0].status, rs[1].status}
		sort.Ints(got)
		if got[0] != 200 || got[1] != 409 {
			t.Errorf("round %d: double click answered %v / %v, want one 200 and one 409", i, rs[0], rs[1])
		}
		v := raceViews(t, m, id)
		v.agree(t, id, workflows.LeaveApproved)
		if n := len(raceDecisions(v.temporal, workflows.StepApproval)); n != 1 {
			t.Errorf("round %d: %d decisions recorded, want 1", i, n)
		}
	}
	msg := fmt.Sprintf("double-clicked decisions: %d pairs sent, each taken once, the other 409", rounds)
	figure(t, msg)
}

// TestRaceJointApproveAndRefuse: on the joint route two approvers decide at
// the same instant, one approving and one refusing. The refusal always
// wins; the approval is either taken before it (200) or comes after it
// (409), and Temporal, the read model and the timeline agree.
func TestRaceJointApproveAndRefuse(t *testing.T) {
	const rounds = 10
	m := raceAPI(H.Login(t, "m17"))
	county := m.me["county_id"].(string)
	org := raceAPI(H.Login(t, county+"-org"))
	bureau := raceAPI(H.Login(t, county+"-bureau"))
	head := raceAPI(H.Login(t, m.me["unit_id"].(string)+"-head"))
	approvedFirst, refusedFirst := 0, 0
	for i := 0; i < rounds; i++ {
		d := raceDays(10)
		id := raceSubmit(t, m, d, d+8, fmt.Sprint("联审竞态 ", i))
		rs := raceAtOnce(
			raceCall(org, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}),
			raceCall(bureau, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "refuse", "comment": "不同意"}))
		approve, refuse := rs[0], rs[1]
		if refuse.status != 200 {
			t.Errorf("round %d: the refusal answered %v, want 200", i, refuse)
		}
		v := raceViews(t, m, id)
		v.agree(t, id, workflows.LeaveRefused)
		switch approve.status {
		case 200: // taken before the refusal
			approvedFirst++
			if v.count("approved") != 1 || raceIndex(v.actions, "approved") > raceIndex(v.actions, "refused") {
				t.Errorf("round %d: approval answered 200 but the timeline is %v", i, v.actions)
			}
		case 409: // came after the refusal: the loser
			refusedFirst++
			if v.count("approved") != 0 {
				t.Errorf("round %d: approval answered 409 but the timeline is %v", i, v.actions)
			}
		default:
			t.Errorf("round %d: the approval answered %v, want 200 or 409", i, approve)
		}
		if want := map[int]int{200: 2, 409: 1}[approve.status]; len(raceDecisions(v.temporal, workflows.StepApproval)) != want {
			t.Errorf("round %d: decisions %v", i, raceDecisions(v.temporal, workflows.StepApproval))
		}
		// Whoever comes later finds it decided.
		if st, b, _ := head.do("POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}); st != 409 {
			t.Errorf("round %d: the unit head after the refusal: %d %s, want 409", i, st, b)
		}
	}
	msg := fmt.Sprintf("joint approve/refuse races: %d, refused in all three views every time; approval first %d, refusal first %d (approval 409)",
		rounds, approvedFirst, refusedFirst)
	figure(t, msg)
}

// TestRaceWithdrawWhileApproving: on the township route the member
// withdraws while the committee approves: exactly one of them wins (200),
// the other gets 409, and the three views agree on the winner's outcome.
func TestRaceWithdrawWhileApproving(t *testing.T) {
	const rounds = 10
	m := raceAPI(H.Login(t, "m18"))
	committee := raceAPI(H.Login(t, m.me["township_id"].(string)+"-committee"))
	wins := map[string]int{}
	for i := 0; i < rounds; i++ {
		d := raceDays(4) // two days apart: consecutive leaves would be routed together
		id := raceSubmit(t, m, d, d+1, fmt.Sprint("撤回竞态 ", i))
		rs := raceAtOnce(
			raceCall(m, "POST", "/api/v1/leaves/"+id+"/withdraw", nil),
			raceCall(committee, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve"}))
		withdraw, approve := rs[0], rs[1]
		var want, lost string
		switch {
		case withdraw.status == 200 && approve.status == 409:
			want, lost = workflows.LeaveWithdrawn, "approved"
		case approve.status == 200 && withdraw.status == 409:
			want, lost = workflows.LeaveApproved, "withdrawn"
		default:
			t.Errorf("round %d: withdraw %v, approve %v; want exactly one 200 and one 409", i, withdraw, approve)
			continue
		}
		wins[want]++
		v := raceViews(t, m, id)
		v.agree(t, id, want)
		if v.count(lost) != 0 {
			t.Errorf("round %d: %s won but the timeline has %q: %v", i, want, lost, v.actions)
		}
	}
	msg := fmt.Sprintf("withdraw/approve races: %d, one winner each (withdrawn %d, approved %d), the loser 409, three views agree",
		rounds, wins[workflows.LeaveWithdrawn], wins[workflows.LeaveApproved])
	figure(t, msg)
}

func raceIndex(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
