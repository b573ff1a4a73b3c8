package server

import (
	"math"
	"net/http"
	"strconv"

	"go.uber.org/zap"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/internal/reqlog"
)

// handler is a JSON handler: decode, call an action, encode; any error is
// returned to handle, the one place that answers errors.
type handler func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handler: its error becomes the API's error answer.
func (s *Server) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fail answers err in the API's error shape: its code's status and its
// Chinese message. What is not the request's fault (a 500, a service
// down) is logged with its detail, which the answer never carries.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, known := actions.Explain(err)
	l := reqlog.From(r.Context(), s.log) // names the request_id
	log := l.Debug
	if !known {
		log = l.Error
	}
	log("request failed", zap.String("path", r.URL.Path), zap.String("code", string(e.Code)), zap.Error(err))
	if d, ok := actions.RetryAfterOf(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	writeJSON(w, errs.Status(e.Code), map[string]any{"error": e})
}
