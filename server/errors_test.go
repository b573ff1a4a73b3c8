package server

import (
	"unicode"
	"zhucun/actions"

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

	"zhucun/errs"
	"zhucun/store"
	"zhucun/workflows"
)

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   errs.Code
	}{
		{errs.Field("end_date", errs.MsgDate), 400, errs.Invalid},
		{errs.New(errs.Forbidden, errs.MsgLeaveNotOwn), 403, errs.Forbidden},
		{temporal.NewApplicationError(string(errs.MsgLeaveNotApprover), workflows.ErrForbidden, []string{}), 403, errs.Forbidden},
		{fmt.Errorf("update: %w", temporal.NewApplicationError("an old English refusal", workflows.ErrConflict)), 409, errs.Conflict},
		{temporal.NewApplicationError(string(errs.MsgLeaveExtendAfterEnd), workflows.ErrInvalid, []string{"2027-03-03"}), 400, errs.Invalid},
		{serviceerror.NewNotFound("workflow not found"), 404, errs.NotFound},
		{store.ErrNotFound, 404, errs.NotFound},
		{serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", ""), 409, errs.Conflict},
		{serviceerror.NewUnavailable("down"), 503, errs.Unavailable},
		{serviceerror.NewDeadlineExceeded("no frontend answered"), 503, errs.Unavailable},
		{context.DeadlineExceeded, 503, errs.Unavailable},
		{errors.New("pq: secret table xyz exploded"), 500, errs.Internal},
		{temporal.NewApplicationError("odd", "SomethingElse"), 500, errs.Internal},
	}
	s := New(Config{Log: zap.NewNop()})
	for _, c := range cases {
		w := httptest.NewRecorder()
		s.fail(w, httptest.NewRequest("GET", "/x", nil), c.err)
		var body struct {
			Error errs.Error `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: body %q", c.err, w.Body.String())
		}
		if w.Code != c.status || body.Error.Code != c.code {
			t.Errorf("%v: %d %s, want %d %s", c.err, w.Code, body.Error.Code, c.status, c.code)
		}
		if c.status == 500 && body.Error.Message != errs.Text(errs.MsgInternal) {
			t.Errorf("a 500 leaks its detail: %q", body.Error.Message)
		}
		if !hasHan(body.Error.Message) {
			t.Errorf("%v: a person reads %q, not Chinese", c.err, body.Error.Message)
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
		var e *errs.Error
		if err := decode(r, &v); !errors.As(err, &e) || e.Fields[field] == "" {
			t.Errorf("%s: %v", body, err)
		}
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"kind":"x"}`))
	r.Header.Set("Content-Type", "text/plain")
	var e *errs.Error
	if err := decode(r, &v); !errors.As(err, &e) || e.Code != errs.Unsupported {
		t.Errorf("wrong content type: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("{\"kind\":\"\xff\"}"))
	if err := decode(r, &v); !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// A workflow's refusal reaches the person in Chinese, with its arguments
// and the field it concerns.
func TestWorkflowRefusalIsChinese(t *testing.T) {
	err := temporal.NewApplicationError(string(errs.MsgLeaveExtendAfterEnd), workflows.ErrInvalid, []string{"2027-03-03"})
	e, known := actions.Explain(err)
	if !known || e.Code != errs.Invalid || e.Fields["end_date"] != errs.Text(errs.MsgLeaveExtendAfterEnd, "2027-03-03") {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(e.Fields["end_date"], "2027-03-03") {
		t.Errorf("the argument is lost: %q", e.Fields["end_date"])
	}
}
