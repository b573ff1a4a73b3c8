package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"zhucun/engine"
	"zhucun/internal/seal"
	"zhucun/workflows"
)

// The codec endpoint answers its own callers (office accounts only), as
// the API's routes do: it is not a page.
func init() {
	publicRoutes["POST /codec/decode"] = true
	publicRoutes["OPTIONS /codec/decode"] = true
}

// plainClient dials the embedded frontend as an outsider would: no keys,
// no codec, nothing of zhucun's.
func plainClient(t *testing.T) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: H.App.Engine.HostPort(), Namespace: "default", Logger: engine.SDKLogger(zap.NewNop())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// sealLeave submits a leave of m26's far enough ahead to overlap nothing.
func sealLeave(t *testing.T, reason string, offset int) (id string, approver *Client) {
	t.Helper()
	m := H.Login(t, "m26")
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(offset), "end_date": day(offset), "reason": reason}, 201)
	return leave["id"].(string), m
}

// TestSealForgedDecideRefused is issue 18's attack: a program that reaches
// Temporal's port sends the decide update with a made-up actor, and a
// leave's start in another member's name. Both are refused, and the read
// model shows no trace of either.
func TestSealForgedDecideRefused(t *testing.T) {
	id, m := sealLeave(t, "家中有事", 60)
	before := timelineActions(t, m, id)
	c := plainClient(t)
	forged := workflows.DecideArgs{Decision: "approve", Comment: "伪造",
		Actor: workflows.Actor{UserID: "xiping-org", Name: "县委组织部", Party: workflows.Party{Role: "county_org_dept", OfficeID: "xiping"}}}
	send := func(ctx context.Context, updateID string) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.LeaveWorkflowID(id), UpdateID: updateID,
			UpdateName: workflows.LeaveDecide, Args: []any{forged}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		return err
	}
	// Unsigned, then signed with a key that is not zhucun's.
	if err := send(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "seal.unsigned") {
		t.Fatalf("unsigned decide: %v, want refused as unsigned", err)
	}
	other, _ := seal.NewKeys()
	ctx, _ := other.SignUpdate(context.Background(), workflows.LeaveWorkflowID(id), workflows.LeaveDecide, "forged-1", forged)
	c2, err := client.Dial(client.Options{HostPort: H.App.Engine.HostPort(), Logger: engine.SDKLogger(zap.NewNop()),
		ContextPropagators: []workflow.ContextPropagator{seal.Propagator()}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c = c2
	if err := send(ctx, "forged-1"); err == nil || !strings.Contains(err.Error(), "seal.bad_signature") {
		t.Fatalf("decide signed with another key: %v, want refused", err)
	}
	if got := timelineActions(t, m, id); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Errorf("timeline after forged decides: %v, want %v", got, before)
	}
	if l := m.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 200); l["status"] != "pending" {
		t.Errorf("leave after forged decides: %v", l["status"])
	}

	// A forged start (a leave in m01's name): its workflow fails at once,
	// before it writes anything.
	fake := "00000000-0000-4000-8000-0000000018f0"
	in := workflows.LeaveInput{ID: fake, MemberID: "forged", Kind: "personal", StartDate: day(61), EndDate: day(61),
		Route:       workflows.Route{Days: 1, Approvers: []workflows.Party{{Role: "county_org_dept", OfficeID: "xiping"}}},
		SubmittedBy: workflows.Actor{UserID: "m01"}, SubmittedAt: time.Now()}
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: workflows.LeaveWorkflowID(fake),
		TaskQueue: workflows.TaskQueue}, workflows.LeaveWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "seal.unsigned") {
		t.Fatalf("forged start: %v, want failed as unsigned", err)
	}
	var n int
	if err := H.Pool.QueryRow(context.Background(), "SELECT count(*) FROM processes WHERE id = $1", fake).Scan(&n); err != nil || n != 0 {
		t.Errorf("forged start in the read model: %d rows (%v)", n, err)
	}
}

// TestSealHistoryEncrypted reads a leave's history straight from Temporal:
// its reason is nowhere in it; the codec opens it again.
func TestSealHistoryEncrypted(t *testing.T) {
	reason := "机密理由-" + time.Now().Format("150405.000")
	id, _ := sealLeave(t, reason, 62)
	hist := rawHistory(t, workflows.LeaveWorkflowID(id), "")
	b, _ := proto.Marshal(hist)
	if bytes.Contains(b, []byte(reason)) {
		t.Fatal("the reason is in Temporal's history in plain text")
	}
	input := hist.Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	if len(input) != 1 || string(input[0].Metadata["encoding"]) != seal.EncodingEncrypted {
		t.Fatalf("start input: %v", input)
	}
	open, err := H.App.Keys.Codec().Decode(input)
	if err != nil || !bytes.Contains(open[0].Data, []byte(reason)) {
		t.Fatalf("decoded input has no reason: %v", err)
	}

	// The Temporal UI's codec endpoint: offices of a county or the city
	// read it, no one else.
	body, _ := json.Marshal(map[string]any{"payloads": []map[string]any{{
		"metadata": map[string]string{"encoding": base64.StdEncoding.EncodeToString(input[0].Metadata["encoding"]),
			seal.MetaKeyID: base64.StdEncoding.EncodeToString(input[0].Metadata[seal.MetaKeyID])},
		"data": base64.StdEncoding.EncodeToString(input[0].Data)}}})
	decode := func(token string) (int, []byte) {
		req, _ := http.NewRequest("POST", H.URL+"/codec/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Namespace", "default")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		return resp.StatusCode, out.Bytes()
	}
	if code, _ := decode(""); code != 401 {
		t.Errorf("anonymous decode: %d, want 401", code)
	}
	for _, who := range []string{"m27", "m01", "zhuantan-committee"} {
		if code, out := decode(H.Login(t, who).Token); code != 403 || bytes.Contains(out, []byte(reason)) {
			t.Errorf("%s decode: %d, want 403", who, code)
		}
	}
	for _, who := range []string{"shangcai-org", "zhumadian-bureau"} {
		code, out := decode(H.Login(t, who).Token)
		var got struct {
			Payloads []struct{ Data []byte } `json:"payloads"`
		}
		if code != 200 || json.Unmarshal(out, &got) != nil || len(got.Payloads) != 1 || !bytes.Contains(got.Payloads[0].Data, []byte(reason)) {
			t.Errorf("%s decode: %d %s, want the input with its reason", who, code, out)
		}
	}
}

// rawHistory is a run's history as Temporal holds it (payloads sealed).
func rawHistory(t *testing.T, wid, run string) *historypb.History {
	t.Helper()
	it := H.Temporal.GetWorkflowHistory(context.Background(), wid, run, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}
