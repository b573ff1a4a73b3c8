package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"zhucun/metrics"
)

// TestMetricsToken: with a metrics token set, /metrics answers only the
// bearer of it; without one it answers anyone. Requests are counted under
// their route pattern.
func TestMetricsToken(t *testing.T) {
	m := metrics.New()
	h := New(Config{Metrics: m, MetricsToken: "s3cret"}).Handler()
	get := func(auth string) (int, string) {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	if code, _ := get(""); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := get("Bearer wrong"); code != 401 {
		t.Errorf("wrong token: %d, want 401", code)
	}
	code, body := get("Bearer s3cret")
	if code != 200 || !strings.Contains(body, `zhucun_http_requests_total{method="GET",route="/metrics",status="401"} 2`) {
		t.Errorf("right token: %d, want 200 and the two refusals counted under the route:\n%.2000s", code, body)
	}
	open := New(Config{Metrics: metrics.New()}).Handler()
	w := httptest.NewRecorder()
	open.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 200 {
		t.Errorf("no token set: %d, want 200", w.Code)
	}
	w = httptest.NewRecorder()
	open.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/leaves/3b241101-e2bb-4255-8caf-4136c566a962", nil))
	w = httptest.NewRecorder()
	open.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(w.Body.String(), `route="/api/v1/leaves/{id}"`) || strings.Contains(w.Body.String(), "3b241101") {
		t.Errorf("a request is not counted under its route pattern:\n%.3000s", w.Body.String())
	}
}
