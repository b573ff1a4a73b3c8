package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"zhucun/server"
)

// The OpenAPI document (server/openapi.json) is the exact contract, so
// every request the end-to-end tests make and every answer they get is
// checked against it (request calls checkContract):
//
//   - the answer must be as documented for its route, method and status
//     (status, content type, body schema);
//   - a request the document calls invalid must have been refused (4xx): a
//     document stricter than the server is as wrong as a looser one;
//   - a request to a path or method the document does not have must have
//     been answered 404 or 405, in the error shape.
//
// Only paths under /api/v1 and /healthz, /readyz are the JSON API's;
// others (/metrics, the pages) are not checked here.

var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
	mu     sync.Mutex // validation is serialised: the schema compiler caches as it goes
	// counts, for the summary
	checked, invalidRefused, unknown int
	operations                       map[string]bool
}

// contractSummary says what was checked, for the run's output.
func contractSummary() string {
	contract.mu.Lock()
	defer contract.mu.Unlock()
	total := 0
	if contract.doc != nil {
		for _, item := range contract.doc.Paths.Map() {
			total += len(item.Operations())
		}
	}
	return fmt.Sprintf("openapi: %d requests and answers checked against openapi.json, covering %d of its %d operations; "+
		"%d requests it calls invalid were refused, %d to paths or methods it lacks answered 404/405",
		contract.checked, len(contract.operations), total, contract.invalidRefused, contract.unknown)
}

func loadContract() error {
	contract.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(server.OpenAPI)
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err != nil {
			contract.err = fmt.Errorf("openapi.json: %w", err)
			return
		}
		contract.doc = doc
		contract.router, contract.err = gorillamux.NewRouter(doc)
	})
	return contract.err
}

func inContract(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || path == "/healthz" || path == "/readyz"
}

// bearerAuth checks what the document's bearer scheme asks of a request:
// an Authorization: Bearer header.
func bearerAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") && strings.TrimSpace(h[7:]) != "" {
		return nil
	}
	return errors.New("no bearer token")
}

// checkContract checks one exchange against the document; nil when it
// holds.
func checkContract(req *http.Request, body []byte, status int, header http.Header, answer []byte) error {
	if !inContract(req.URL.Path) {
		return nil
	}
	if err := loadContract(); err != nil {
		return err
	}
	contract.mu.Lock()
	defer contract.mu.Unlock()
	what := req.Method + " " + req.URL.Path
	ctx := context.Background()
	vreq := req.Clone(ctx)
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := contract.router.FindRoute(vreq)
	contract.checked++
	if err != nil {
		contract.unknown++
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("openapi: %s is not in openapi.json (%v), yet it was answered %d", what, err, status)
		}
		var v any
		if jerr := json.Unmarshal(answer, &v); jerr != nil {
			return fmt.Errorf("openapi: %s answered %d, not JSON: %v", what, status, jerr)
		}
		if verr := contract.doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); verr != nil {
			return fmt.Errorf("openapi: %s answered %d, not in the error shape: %v", what, status, verr)
		}
		return nil
	}
	opts := &openapi3filter.Options{AuthenticationFunc: bearerAuth, IncludeResponseStatus: true,
		RejectWhenRequestBodyNotSpecified: true}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if contract.operations == nil {
		contract.operations = map[string]bool{}
	}
	contract.operations[route.Method+" "+route.Path] = true
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	if reqErr != nil && status < 400 {
		return fmt.Errorf("openapi: %s: the document calls the request invalid, yet it was answered %d: %v", what, status, reqErr)
	}
	if reqErr != nil {
		contract.invalidRefused++
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(answer)), Options: opts}
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		return fmt.Errorf("openapi: %s answered %d, not as openapi.json says: %v", what, status, err)
	}
	return nil
}
