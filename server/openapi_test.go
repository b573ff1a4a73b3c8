package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
)

// outsideAPI are the routes outside /api/v1 the document describes; the
// rest outside it (/metrics, the pages at /) are not the JSON API.
var outsideAPI = map[string]bool{"/healthz": true, "/readyz": true}

// TestOpenAPIRoutes holds openapi.json to the router: it is a valid
// OpenAPI 3.1 document, every route under /api/v1 (and those of
// outsideAPI) is in it with its method, and every operation in it is a
// route. To add a route, add its path and operation under "paths" in
// openapi.json (reusing the components: ProcessID, Comment, Leave,
// the error responses).
func TestOpenAPIRoutes(t *testing.T) {
	doc, err := LoadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	routes := map[string]bool{}
	h := New(Config{}).Handler()
	err = chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		route = strings.TrimSuffix(route, "/") // chi reports a subrouter's root with a slash
		if route == "" {
			route = "/"
		}
		if strings.HasPrefix(route, "/api/v1/") || outsideAPI[route] {
			routes[method+" "+route] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s is not in openapi.json", r)
	}
	for _, d := range extra {
		t.Errorf("openapi.json documents %s, which is no route", d)
	}
	if len(routes) < 30 {
		t.Errorf("only %d routes walked: is the router's shape what this test expects?", len(routes))
	}
	msg := fmt.Sprintf("openapi: %d routes of the router checked against %d documented operations", len(routes), len(documented))
	t.Log(msg)
	fmt.Println(msg)
}

// TestOpenAPIServed: the document is served as it is kept, to anyone.
func TestOpenAPIServed(t *testing.T) {
	w := httptest.NewRecorder()
	New(Config{}).Handler().ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if !bytes.Equal(w.Body.Bytes(), OpenAPI) {
		t.Errorf("the served document is not openapi.json")
	}
}

// LoadOpenAPI parses and validates the document as OpenAPI 3.1.
func LoadOpenAPI() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
}
