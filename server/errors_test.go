package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"zhucun/store"
	"zhucun/workflows"
)

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{fieldErr(map[string]string{"end_date": "bad"}), 400, CodeInvalid},
		{errf(CodeForbidden, "no"), 403, CodeForbidden},
		{temporal.NewApplicationError("not yours", workflows.ErrForbidden), 403, CodeForbidden},
		{fmt.Errorf("update: %w", temporal.NewApplicationError("twice", workflows.ErrConflict)), 409, CodeConflict},
		{temporal.NewApplicationError("bad", workflows.ErrInvalid), 400, CodeInvalid},
		{serviceerror.NewNotFound("workflow not found"), 404, CodeNotFound},
		{store.ErrNotFound, 404, CodeNotFound},
		{serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", ""), 409, CodeConflict},
		{serviceerror.NewUnavailable("down"), 503, CodeUnavailable},
		{serviceerror.NewDeadlineExceeded("no frontend answered"), 503, CodeUnavailable},
		{context.DeadlineExceeded, 503, CodeUnavailable},
		{errors.New("pq: secret table xyz exploded"), 500, CodeInternal},
		{temporal.NewApplicationError("odd", "SomethingElse"), 500, CodeInternal},
	}
	s := New(Config{Log: zap.NewNop()})
	for _, c := range cases {
		w := httptest.NewRecorder()
		s.fail(w, httptest.NewRequest("GET", "/x", nil), c.err)
		var body struct {
			Error Error `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: body %q", c.err, w.Body.String())
		}
		if w.Code != c.status || body.Error.Code != c.code {
			t.Errorf("%v: %d %s, want %d %s", c.err, w.Code, body.Error.Code, c.status, c.code)
		}
		if c.status == 500 && body.Error.Message != "internal error" {
			t.Errorf("a 500 leaks its detail: %q", body.Error.Message)
		}
	}
}

func TestDecodeNamesTheField(t *testing.T) {
	var v struct {
		Kind string `json:"kind"`
	}
	for body, field := range map[string]string{`{"kind":5}`: "kind", `{"knd":"x"}`: "knd"} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var e *Error
		if err := decode(r, &v); !errors.As(err, &e) || e.Fields[field] == "" {
			t.Errorf("%s: %v", body, err)
		}
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"kind":"x"}`))
	r.Header.Set("Content-Type", "text/plain")
	var e *Error
	if err := decode(r, &v); !errors.As(err, &e) || e.Code != CodeUnsupported {
		t.Errorf("wrong content type: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("{\"kind\":\"\xff\"}"))
	if err := decode(r, &v); !errors.As(err, &e) || e.Code != CodeInvalid {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
