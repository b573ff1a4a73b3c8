//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/engine"
	"zhucun/internal/pgtest"
	"zhucun/internal/seal"
	"zhucun/workflows"
)

// Faults: the serve process killed with SIGKILL, PostgreSQL gone in the
// middle of a process. Each test runs its own zhucun on its own database
// and data folder, so any member may be used.

// loginAPIAt logs in against the server at base.
func loginAPIAt(t *testing.T, base, username string) *apiAt {
	t.Helper()
	anon := &apiAt{base: base, user: username}
	body := anon.must(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": "zhucun-demo"}, 200)
	u, _ := body["user"].(map[string]any)
	return &apiAt{base: base, token: body["token"].(string), user: username, me: u}
}

// pollUntil calls check until it reports done or the wait is over.
func pollUntil(t *testing.T, wait time.Duration, what string, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(wait)
	delay := 50 * time.Millisecond
	for {
		ok, state := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, still not %s: %s", wait, what, state)
		}
		time.Sleep(delay)
		delay = min(2*delay, time.Second)
	}
}

// leaveAt reads a leave from the read model, whatever the status.
func leaveAt(a *apiAt, id string) (int, workflows.Leave, string) {
	var l workflows.Leave
	st, body, err := a.do("GET", "/api/v1/leaves/"+id, nil)
	if err != nil {
		return 0, l, err.Error()
	}
	if st == 200 {
		_ = json.Unmarshal(body, &l)
	}
	return st, l, fmt.Sprintf("%d %s", st, body)
}

func stepOf(l workflows.Leave, name string) *workflows.Step {
	for i := len(l.Steps) - 1; i >= 0; i-- {
		if l.Steps[i].Name == name {
			return &l.Steps[i]
		}
	}
	return nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// buildZhucun builds cmd/zhucun into a temporary folder.
func buildZhucun(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		t.Fatalf("cannot find the module root: %v %q", err, out)
	}
	bin := filepath.Join(t.TempDir(), "zhucun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/zhucun")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/zhucun: %v\n%s", err, out)
	}
	return bin
}

// serveProc is a zhucun child process (`serve`, `temporal`, `api`...).
type serveProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	url  string // of its HTTP API, if it has one
}

// startServe runs `zhucun serve --demo` listening on addr.
func startServe(t *testing.T, bin, dbURL, dataDir, addr, temporalAddr, logPath, store string) *serveProc {
	t.Helper()
	p := startZhucun(t, bin, logPath, []string{"DATABASE_URL=" + dbURL, "TEMPORAL_ADDRESS=", "ZHUCUN_TEMPORAL_STORE=" + store},
		"serve", "--demo", "--data-dir", dataDir, "--addr", addr, "--embedded-temporal", temporalAddr)
	p.url = "http://" + addr
	return p
}

// startZhucun runs the binary with args and env (over this process's
// environment), logging to logPath; the process is killed when the test
// ends, whatever happened.
func startZhucun(t *testing.T, bin, logPath string, env []string, args ...string) *serveProc {
	t.Helper()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	// The Temporal UI on a port of its own, so processes never collide.
	cmd.Env = append(append(os.Environ(), "ZHUCUN_DEBUG=", "ZHUCUN_UI_LISTEN=127.0.0.1:0"), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Dies with the test binary even if it is killed (a test timeout).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serveProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
	}
}

// stop asks the process to shut down (SIGTERM), killing it if it lingers.
func (p *serveProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
}

// waitReady polls /readyz until it answers 200.
func (p *serveProc) waitReady(t *testing.T, wait time.Duration) {
	t.Helper()
	anon := &apiAt{base: p.url}
	pollUntil(t, wait, "ready", func() (bool, string) {
		select {
		case <-p.done:
			t.Fatalf("%s exited before it was ready: %v", p.cmd.Args, p.cmd.ProcessState)
		default:
		}
		st, body, err := anon.do("GET", "/readyz", nil)
		return st == 200, fmt.Sprintf("%d %s %v", st, body, err)
	})
}

func tailOf(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// TestFaultKillNineAndRestart: `zhucun serve` is killed with SIGKILL the
// moment a decision has been answered 200, and the filing deadline passes
// while it is down. Restarted on the same data folder, every decision
// answered 200 is there, the process goes on, and the deadline that passed
// fires on restart.
func TestFaultKillNineAndRestart(t *testing.T) {
	bin := buildZhucun(t)
	for _, store := range []string{"postgres", "sqlite"} {
		t.Run(store, func(t *testing.T) { killNineAndRestart(t, bin, store) })
	}
}

// killNineAndRestart is the kill -9 test with the embedded Temporal
// persisted to store: postgres (serve's default) or sqlite.
func killNineAndRestart(t *testing.T, bin, store string) {
	dbURL := pgtest.URL(t, "kill9")
	dir := t.TempDir()
	logPath := filepath.Join(dir, "serve.log")
	addr, temporalAddr := freeAddr(t), freeAddr(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log (tail):\n%s", tailOf(logPath, 6000))
		}
	})
	t.Cleanup(func() { dropSiblings(t, dbURL, "_temporal", "_temporal_visibility") })
	proc := startServe(t, bin, dbURL, dir, addr, temporalAddr, logPath, store)
	proc.waitReady(t, 3*time.Minute)

	// Filing due 3 seconds after approval, for shangcai.
	city := loginAPIAt(t, proc.url, "zhumadian-org")
	pol := city.must(t, "GET", "/api/v1/policies/shangcai", nil, 200)
	rules := pol["rules"].(map[string]any)
	rules["leave"].(map[string]any)["filing_due"] = "3s"
	city.must(t, "PUT", "/api/v1/policies/shangcai", map[string]any{"rules": rules}, 200)

	type decided struct {
		id     string
		member *apiAt
		by     string
	}
	var done []decided
	var lastApprovedAt time.Time
	members := []string{"m15", "m16", "m17"}
	for i, user := range members {
		m := loginAPIAt(t, proc.url, user)
		committee := loginAPIAt(t, proc.url, m.me["township_id"].(string)+"-committee")
		l := m.must(t, "POST", "/api/v1/leaves", map[string]any{
			"kind": "personal", "start_date": day(30 + 3*i), "end_date": day(31 + 3*i), "reason": "kill -9"}, 201)
		id := l["id"].(string)
		if l["route"] != "township" {
			t.Fatalf("route %v, want township", l["route"])
		}
		got := committee.must(t, "POST", "/api/v1/leaves/"+id+"/decision", map[string]any{"decision": "approve", "comment": "同意"}, 200)
		lastApprovedAt = time.Now()
		if got["status"] != "approved" {
			t.Fatalf("decision answered 200 with status %v", got["status"])
		}
		done = append(done, decided{id, m, committee.user})
	}
	// A submission answered 201 just before the kill: its opening and its
	// workflow were written at the same moment, and both must be there.
	sub := loginAPIAt(t, proc.url, "m18")
	freshID := sub.must(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(50), "end_date": day(50), "reason": "kill -9 after 201"}, 201)["id"].(string)
	// Killed the moment the last decision was answered.
	proc.kill()
	killedAt := time.Now()
	last := done[len(done)-1]

	// While it is down: the last leave is approved in the read model and its
	// filing is not overdue yet.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var detail []byte
	err = conn.QueryRow(ctx, `SELECT detail FROM processes WHERE id = $1`, last.id).Scan(&detail)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var before workflows.Leave
	if err := json.Unmarshal(detail, &before); err != nil {
		t.Fatal(err)
	}
	if before.Status != workflows.LeaveApproved || stepOf(before, workflows.StepFiling) == nil {
		t.Fatalf("before restart the read model has %s, steps %+v", before.Status, before.Steps)
	}
	if stepOf(before, workflows.StepFiling).Overdue {
		t.Fatalf("the filing went overdue before the kill (%s after the decision): the machine is too slow for this test", killedAt.Sub(lastApprovedAt))
	}
	// Let the 3 s filing deadline pass while nothing runs.
	if wait := time.Until(lastApprovedAt.Add(3*time.Second + 500*time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}

	restartAt := time.Now()
	proc = startServe(t, bin, dbURL, dir, addr, temporalAddr, logPath, store)
	proc.waitReady(t, 3*time.Minute)
	readyIn := time.Since(restartAt)

	// The deadline fires on restart.
	var after workflows.Leave
	pollUntil(t, 60*time.Second, "overdue after restart", func() (bool, string) {
		st, l, state := leaveAt(last.member, last.id)
		after = l
		return st == 200 && stepOf(l, workflows.StepFiling) != nil && stepOf(l, workflows.StepFiling).Overdue, state
	})
	overdueSeen := time.Since(restartAt)
	var overdueAt time.Time
	for _, e := range items(t, last.member.must(t, "GET", "/api/v1/processes/"+last.id+"/timeline", nil, 200)) {
		if e["action"] == "overdue" && e["step"] == workflows.StepFiling {
			overdueAt, _ = time.Parse(time.RFC3339Nano, fmt.Sprint(e["at"]))
		}
	}
	if !overdueAt.After(killedAt) {
		t.Errorf("the filing's overdue event is at %v, not after the kill at %v", overdueAt, killedAt)
	}
	if !after.Overdue {
		t.Errorf("leave not overdue after restart: %+v", after)
	}

	// Nothing answered 200 is lost: every decision is in the read model and
	// in Temporal.
	// Its payloads are encrypted with the keys serve made in its data folder.
	keys, err := seal.Load(filepath.Join(dir, seal.KeysFile))
	if err != nil {
		t.Fatal(err)
	}
	tc, err := client.Dial(client.Options{HostPort: temporalAddr, Namespace: "default", Logger: engine.SDKLogger(zap.NewNop()),
		DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	lost := 0
	for _, d := range done {
		_, l, state := leaveAt(d.member, d.id)
		var inTemporal workflows.Leave
		q, err := tc.QueryWorkflow(ctx, workflows.LeaveWorkflowID(d.id), "", workflows.LeaveQuery)
		if err == nil {
			err = q.Get(&inTemporal)
		}
		approval := stepOf(l, workflows.StepApproval)
		if err != nil || l.Status != workflows.LeaveApproved || inTemporal.Status != workflows.LeaveApproved ||
			approval == nil || len(approval.Decisions) != 1 || approval.Decisions[0].Decision != "approve" {
			lost++
			t.Errorf("decision on %s lost: read model %s, Temporal %s (%v)", d.id, state, inTemporal.Status, err)
		}
	}

	// The submission answered just before the kill has its workflow: its
	// approver can decide it, and the read model shows the decision.
	subCommittee := loginAPIAt(t, proc.url, sub.me["township_id"].(string)+"-committee")
	if got := subCommittee.must(t, "POST", "/api/v1/leaves/"+freshID+"/decision", map[string]any{"decision": "approve"}, 200); got["status"] != "approved" {
		lost++
		t.Errorf("the leave submitted before the kill: decision answered status %v", got["status"])
	}

	// The process goes on: both county offices acknowledge the filing.
	for _, office := range []string{"shangcai-org", "shangcai-bureau"} {
		loginAPIAt(t, proc.url, office).must(t, "POST", "/api/v1/leaves/"+last.id+"/filing", nil, 200)
	}
	_, l, _ := leaveAt(last.member, last.id)
	if f := stepOf(l, workflows.StepFiling); f == nil || f.DoneAt == nil {
		t.Errorf("filing not done after both acknowledgements: %+v", f)
	}
	proc.stop()

	msg := fmt.Sprintf("kill -9 ("+store+" store): faults injected: 1 (SIGKILL right after a 201 and a 200), submissions answered 201: %d, decisions answered 200: %d, records lost: %d; ready %s after restart, overdue deadline fired %s after restart",
		len(done)+1, len(done), lost, readyIn.Round(time.Millisecond), overdueSeen.Round(time.Millisecond))
	figure(t, msg)
}

// wantUnavailable checks a 503 in the API's error shape.
func wantUnavailable(t *testing.T, what string, st int, body []byte, err error) string {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return ""
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if st != 503 || json.Unmarshal(body, &e) != nil || e.Error.Code != "unavailable" || e.Error.Message == "" {
		t.Errorf("%s: %d %s, want 503 {\"error\":{\"code\":\"unavailable\",...}}", what, st, body)
	}
	return e.Error.Message
}

// TestFaultPostgresDown: PostgreSQL goes away under a running zhucun,
// first between requests and then in the middle of recording a decision.
// Reads answer 503 with a clear error; a decision that reached the
// workflow is recorded once the database is back (the record activity
// retries); nothing is lost and nothing is written twice.
func TestFaultPostgresDown(t *testing.T) {
	proxy := startPGProxy(t)
	dbURL := pgtest.URL(t, "pgdown")
	cfg := serveConfig(proxy.URL(t, dbURL), t.TempDir())
	ctx := context.Background()
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs %s", time.Since(began).Seconds(), what) }
	a, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		proxy.Up() // let anything still retrying finish
		a.Stop()
		phase("stopped")
	})
	phase("started")
	m := loginAPIAt(t, a.URL, "m01")
	committee := loginAPIAt(t, a.URL, m.me["township_id"].(string)+"-committee")
	leave := m.must(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": day(40), "end_date": day(41), "reason": "数据库停机"}, 201)
	id := leave["id"].(string)
	records := 1 // the submission, answered 201
	approve := map[string]any{"decision": "approve", "comment": "同意"}

	// 1. Down between requests: reads and the decision answer 503; the
	// decision never reached the workflow.
	phase("submitted; down")
	proxy.Down()
	st, body, err := m.do("GET", "/api/v1/leaves/"+id, nil)
	wantUnavailable(t, "GET /leaves/{id} while down", st, body, err)
	st, body, err = m.do("GET", "/api/v1/processes", nil)
	wantUnavailable(t, "GET /processes while down", st, body, err)
	st, body, err = m.do("GET", "/api/v1/processes/"+id+"/timeline", nil)
	wantUnavailable(t, "GET timeline while down", st, body, err)
	st, body, err = committee.do("POST", "/api/v1/leaves/"+id+"/decision", approve)
	wantUnavailable(t, "decision while down", st, body, err)
	phase("up")
	proxy.Up()
	var l workflows.Leave
	pollUntil(t, 30*time.Second, "readable again", func() (bool, string) {
		st, got, state := leaveAt(m, id)
		l = got
		return st == 200, state
	})
	if l.Status != workflows.LeavePending {
		t.Fatalf("a decision answered 503 before reaching the workflow changed the leave: %s", l.Status)
	}

	// 2. Down in the middle of recording a decision: the workflow has
	// taken it, the read model write fails and retries.
	phase("readable again")
	proxy.DownOn(`"status":"approved"`)
	sent := time.Now()
	st, body, err = committee.do("POST", "/api/v1/leaves/"+id+"/decision", approve)
	answeredIn := time.Since(sent)
	msg := wantUnavailable(t, "decision while the database goes down under it", st, body, err)
	// The workflow takes the decision before the record fails, and the
	// answer says so.
	if !strings.Contains(msg, "已受理") {
		t.Errorf("the 503 does not tell what became of the decision: %q", msg)
	}
	if !proxy.IsDown() {
		t.Fatal("the proxy never saw the decision's record")
	}
	records++ // accepted by the workflow: it must not be lost
	st, body, err = m.do("GET", "/api/v1/leaves/"+id, nil)
	wantUnavailable(t, "GET /leaves/{id} while down (2)", st, body, err)
	// Temporal has the decision already.
	q, err := a.Temporal.QueryWorkflow(ctx, workflows.LeaveWorkflowID(id), "", workflows.LeaveQuery)
	if err != nil {
		t.Fatal(err)
	}
	var inTemporal workflows.Leave
	if err := q.Get(&inTemporal); err != nil || inTemporal.Status != workflows.LeaveApproved {
		t.Fatalf("while down, Temporal has %s (%v), want approved", inTemporal.Status, err)
	}
	upAt := time.Now()
	phase("up again")
	proxy.Up()

	// 3. Back: the read model catches up.
	pollUntil(t, 2*time.Minute, "approved in the read model", func() (bool, string) {
		st, got, state := leaveAt(m, id)
		l = got
		return st == 200 && got.Status == workflows.LeaveApproved, state
	})
	caughtUp := time.Since(upAt)
	phase("caught up")
	timeline := items(t, m.must(t, "GET", "/api/v1/processes/"+id+"/timeline", nil, 200))
	counts := map[string]int{}
	for i, e := range timeline {
		counts[fmt.Sprint(e["action"])]++
		if seq, _ := e["seq"].(float64); int(seq) != i+1 {
			t.Errorf("timeline seq %v at position %d: %v", e["seq"], i+1, timeline)
		}
	}
	if counts["submitted"] != 1 || counts["approved"] != 1 {
		t.Errorf("timeline %v: want one submitted and one approved", counts)
	}
	twice := 0
	for _, n := range counts {
		twice += max(0, n-1)
	}
	lost := 0
	if counts["submitted"] < 1 {
		lost++
	}
	if counts["approved"] < 1 || l.Status != workflows.LeaveApproved {
		lost++
	}
	approval := stepOf(l, workflows.StepApproval)
	if approval == nil || len(approval.Decisions) != 1 {
		t.Errorf("approval decisions in the read model: %+v", approval)
	}
	if f := stepOf(l, workflows.StepFiling); f == nil || len(f.WaitingOn) != 2 {
		t.Errorf("the filing step did not open: %+v", f)
	}
	var notices int
	if err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE process_id = $1 AND recipient = 'member:m01' AND text LIKE '%已批准'`, id).Scan(&notices); err != nil {
		t.Fatal(err)
	}
	if notices != 1 {
		t.Errorf("the member was told of the approval %d times, want 1", notices)
	}
	// The click repeated now finds it decided.
	if st, body, _ := committee.do("POST", "/api/v1/leaves/"+id+"/decision", approve); st != 409 {
		t.Errorf("decision repeated after recovery: %d %s, want 409", st, body)
	}
	// And the process goes on.
	m.must(t, "GET", "/api/v1/processes", nil, 200)

	out := fmt.Sprintf("postgres down: faults injected: %d, records lost: %d of %d; accepted decision answered 503 in %s, read model caught up %s after the database came back; timeline events written twice: %d",
		proxy.Faults(), lost, records, answeredIn.Round(time.Millisecond), caughtUp.Round(time.Millisecond), twice)
	figure(t, out)
}

// TestFaultTemporalDownReleasesReservation: a submission whose workflow
// cannot be started (Temporal is down) answers 503 and does not keep the
// member's dates or its Idempotency-Key: once Temporal can say the
// workflow never started, both are given back and the same submission goes
// through.
func TestFaultTemporalDownReleasesReservation(t *testing.T) {
	dbURL := pgtest.URL(t, "temporaldown")
	dir := t.TempDir()
	cfg := serveConfig(dbURL, dir)
	ctx := context.Background()
	a, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	m := loginAPIAt(t, a.URL, "m02")
	body := map[string]any{"kind": "personal", "start_date": day(20), "end_date": day(21), "reason": "Temporal 停机"}
	key := "temporal-down-1"
	held := func() (periods, keys int) {
		if err := a.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM leave_periods WHERE member_id = 'm02'),
			(SELECT count(*) FROM idempotency_keys WHERE key = $1)`, key).Scan(&periods, &keys); err != nil {
			t.Fatal(err)
		}
		return periods, keys
	}

	hostPort := a.Engine.HostPort()
	if err := a.Engine.Stop(); err != nil {
		t.Fatal(err)
	}
	st, out, err := m.do("POST", "/api/v1/leaves", body, "Idempotency-Key", key)
	wantUnavailable(t, "submission while Temporal is down", st, out, err)

	eng, err := engine.Start(ctx, engine.Options{DataDir: dir, FrontendAddr: hostPort, Namespace: "default", Log: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	a.Engine = eng // stopped with the app
	pollUntil(t, time.Minute, "released", func() (bool, string) {
		p, k := held()
		return p == 0 && k == 0, fmt.Sprintf("%d periods, %d keys still held", p, k)
	})
	var l map[string]any
	pollUntil(t, time.Minute, "submitted again", func() (bool, string) {
		st, out, err := m.do("POST", "/api/v1/leaves", body, "Idempotency-Key", key)
		if st == 201 {
			_ = json.Unmarshal(out, &l)
		}
		return st == 201, fmt.Sprintf("%d %s %v", st, out, err)
	})
	if p, k := held(); p != 1 || k != 1 || l["status"] != "pending" {
		t.Errorf("after the resubmission: %d periods, %d keys, leave %v", p, k, l)
	}
	msg := "temporal down: faults injected: 1, reservation of the failed submission released, resubmission 201; records lost: 0"
	figure(t, msg)
}
