package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// What operators rely on: logs that follow a request into its workflow,
// and the metrics at /metrics. The process's log is captured in Logs (see
// runMain).

// logField is an entry's field as a string ("" when it has none).
func logField(e observer.LoggedEntry, key string) string {
	v, ok := e.ContextMap()[key]
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

// TestLogsFollowALeave: m05 submits a leave and its committee approves it.
// Every line logged for a request names its request_id; the request's
// access line names the workflow it started or updated; the activities'
// lines for that workflow name it too, so one grep of the workflow ID
// follows the leave from HTTP to the workflow and back.
func TestLogsFollowALeave(t *testing.T) {
	m := H.Login(t, "m05")
	committee := H.Login(t, m.User["township_id"].(string)+"-committee")
	submitID, decideID := fmt.Sprintf("ops-submit-%d", time.Now().UnixNano()), fmt.Sprintf("ops-decide-%d", time.Now().UnixNano())
	status, hdr, out, err := request(http.DefaultClient, H.URL, "POST", "/api/v1/leaves", m.Token,
		map[string]any{"kind": "personal", "start_date": "2033-05-02", "end_date": "2033-05-03", "reason": "日志测试"}, "X-Request-Id", submitID)
	if err != nil || status != 201 {
		t.Fatalf("submit: %d %s %v", status, out, err)
	}
	// The server makes the request id; the client's goes in its own field.
	submitRID := hdr.Get("X-Request-Id")
	if submitRID == "" || submitRID == submitID {
		t.Errorf("the answer's X-Request-Id is %q: want one the server made, not the client's %q", submitRID, submitID)
	}
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(string(out))[1]
	wid := "leave/" + id
	status, hdr, out, err = request(http.DefaultClient, H.URL, "POST", "/api/v1/leaves/"+id+"/decision", committee.Token,
		map[string]any{"decision": "approve", "comment": "同意"}, "X-Request-Id", decideID)
	if err != nil || status != 200 {
		t.Fatalf("decide: %d %s %v", status, out, err)
	}
	decideRID := hdr.Get("X-Request-Id")
	// The approval's record is written by the activity a moment later.
	pollUntil(t, 30*time.Second, "the approval recorded in the log", func() (bool, string) {
		for _, e := range Logs.FilterField(zap.String("workflow_id", wid)).All() {
			if e.LoggerName == "activity" && logField(e, "status") == "approved" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d lines name %s", Logs.FilterField(zap.String("workflow_id", wid)).Len(), wid)
	})

	for i, rid := range []string{submitRID, decideRID} {
		if n := Logs.FilterField(zap.String("request_id", []string{submitID, decideID}[i])).Len(); n > 0 {
			t.Errorf("%d log lines take the client's X-Request-Id for the request id", n)
		}
		lines := Logs.FilterField(zap.String("request_id", rid)).All()
		var access *observer.LoggedEntry
		for i, e := range lines {
			if e.Message == "http" {
				access = &lines[i]
			}
		}
		if access == nil {
			t.Fatalf("no access line for request %s", rid)
		}
		if got := logField(*access, "workflow_id"); got != wid {
			t.Errorf("request %s: access line names workflow %q, want %q", rid, got, wid)
		}
		if got := logField(*access, "client_request_id"); got != []string{submitID, decideID}[i] {
			t.Errorf("request %s: access line's client_request_id %q, want the client's %q", rid, got, []string{submitID, decideID}[i])
		}
		if got := logField(*access, "route"); !strings.HasPrefix(got, "/api/v1/leaves") {
			t.Errorf("request %s: access line route %q", rid, got)
		}
	}
	var recorded []string
	for _, e := range Logs.FilterField(zap.String("workflow_id", wid)).All() {
		if e.LoggerName == "activity" {
			recorded = append(recorded, logField(e, "status"))
		}
	}
	if len(recorded) < 2 {
		t.Errorf("activity lines of %s: %v, want its submission and approval recorded", wid, recorded)
	}

	// No line of the whole run so far breaks the rule: every line the
	// HTTP side logged names its request, every activity line its
	// workflow.
	for _, e := range Logs.All() {
		switch {
		case strings.HasPrefix(e.LoggerName, "http") && logField(e, "request_id") == "":
			t.Errorf("http log line without request_id: %s %v", e.Message, e.ContextMap())
		case e.LoggerName == "activity" && logField(e, "workflow_id") == "":
			t.Errorf("activity log line without workflow_id: %s %v", e.Message, e.ContextMap())
		}
	}
}

// scrape reads /metrics into its families.
func scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	status, hdr, out, err := request(http.DefaultClient, H.URL, "GET", "/metrics", "", nil)
	if err != nil || status != 200 {
		t.Fatalf("GET /metrics: %d %v", status, err)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics: Content-Type %q", ct)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(out)))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus's text format: %v", err)
	}
	return fams
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// value is the value of the family's sample with all the labels given
// (-1 when there is none).
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		got := labels(m)
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestMetrics: /metrics holds the HTTP API's requests by route pattern,
// the Temporal SDK's and the embedded server's metrics, and the business
// figures, after a leave has gone through.
func TestMetrics(t *testing.T) {
	m := H.Login(t, "m05")
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": "2033-06-06", "end_date": "2033-06-07", "reason": "指标测试"}, 201)
	id := leave["id"].(string)
	m.JSON(t, "GET", "/api/v1/leaves/"+id, nil, 200)
	m.JSON(t, "GET", "/api/v1/leaves/00000000-0000-4000-8000-000000000000", nil, 404)
	// The document is served to anyone, as kept (and as every exchange is
	// checked against).
	if st, _, doc, err := request(http.DefaultClient, H.URL, "GET", "/api/v1/openapi.json", "", nil); err != nil || st != 200 ||
		!strings.Contains(string(doc), `"openapi": "3.1.0"`) {
		t.Errorf("GET /api/v1/openapi.json: %d %v", st, err)
	}

	var fams map[string]*dto.MetricFamily
	// The business figures are read at most every 10 s.
	pollUntil(t, 30*time.Second, "the open leave counted and recorded", func() (bool, string) {
		fams = scrape(t)
		open := value(fams, "zhucun_processes_open", map[string]string{"kind": "leave", "county": "xiping"})
		recorded := value(fams, "zhucun_read_model_lag_seconds", nil)
		tasks := value(fams, "temporal_workflow_task_execution_latency_seconds", nil)
		return open >= 1 && recorded >= 1 && tasks >= 1,
			fmt.Sprintf("zhucun_processes_open{kind=leave,county=xiping} = %v, read-model writes %v, workflow tasks %v", open, recorded, tasks)
	})
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"zhucun_http_requests_total", map[string]string{"route": "/api/v1/leaves", "method": "POST", "status": "201"}},
		{"zhucun_http_requests_total", map[string]string{"route": "/api/v1/leaves/{id}", "method": "GET", "status": "200"}},
		{"zhucun_http_requests_total", map[string]string{"route": "/api/v1/leaves/{id}", "method": "GET", "status": "404"}},
		{"zhucun_http_request_duration_seconds", map[string]string{"route": "/api/v1/leaves", "method": "POST"}},
		{"zhucun_processes_overdue", map[string]string{"kind": "leave", "county": "xiping"}},
		{"zhucun_overdue_oldest_seconds", map[string]string{"kind": "leave", "county": "xiping"}},
		{"zhucun_outbox_backlog", nil},
		{"zhucun_outbox_send_failures_total", nil},
		{"zhucun_read_model_lag_seconds", nil},
		{"zhucun_business_metrics_up", nil},
		{"temporal_request_total", map[string]string{"operation": "StartWorkflowExecution"}}, // the SDK's
		{"temporal_workflow_task_execution_latency_seconds", nil},                            // the SDK worker's
		{"temporal_server_service_requests_total", nil},                                      // the embedded server's
		{"temporal_server_persistence_requests_total", nil},
	} {
		if v := value(fams, c.name, c.labels); v < 0 {
			t.Errorf("%s%v: no sample", c.name, c.labels)
		}
	}
	if v := value(fams, "zhucun_read_model_lag_seconds", nil); v < 1 {
		t.Errorf("zhucun_read_model_lag_seconds counted %v writes", v)
	}
	if v := value(fams, "zhucun_business_metrics_up", nil); v != 1 {
		t.Errorf("zhucun_business_metrics_up = %v", v)
	}
	checkDashboard(t, fams)
	// Routes are patterns, never raw paths: no series per process id.
	uuid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`)
	for _, name := range []string{"zhucun_http_requests_total", "zhucun_http_request_duration_seconds"} {
		for _, s := range fams[name].GetMetric() {
			if r := labels(s)["route"]; uuid.MatchString(r) || r == "" {
				t.Errorf("%s has route label %q", name, r)
			}
		}
	}
}

// eventOnly are metrics that exist only once what they count has
// happened at least once (a failure), so a quiet run may lack them.
var eventOnly = map[string]bool{"temporal_request_failure_total": true, "zhucun_outbox_send_failures_total": true,
	"temporal_server_service_error_with_type_total": true,
	// a regular activity (ReportAbsence, ApplyRosterChange) has run; a
	// leave's are local
	"temporal_activity_execution_latency_seconds_bucket": true}

// checkDashboard holds the Grafana dashboard (deploy/grafana) to /metrics:
// every zhucun_ and temporal_ metric one of its panels queries is one
// this process exposes.
func checkDashboard(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	b, err := os.ReadFile("../deploy/grafana/dashboards/zhucun.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	name := regexp.MustCompile(`\b(zhucun|temporal)_[a-z_]+`)
	queried := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				queried++
				fam := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_sum"), "_count")
				if fams[fam] == nil && fams[n] == nil && !eventOnly[n] {
					t.Errorf("dashboard panel %q queries %s, which /metrics does not expose", p.Title, n)
				}
			}
		}
	}
	if queried < 20 {
		t.Errorf("the dashboard queries only %d metrics", queried)
	}
	prom, err := os.ReadFile("../deploy/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"zhucun-api:8080", "zhucun-worker:9090"} {
		if !strings.Contains(string(prom), target) {
			t.Errorf("deploy/prometheus.yml does not scrape %s", target)
		}
	}
}
