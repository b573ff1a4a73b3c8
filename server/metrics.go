package server

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"zhucun/errs"
)

// instrument counts every request and its time in Prometheus, labelled by
// the chi route pattern it matched (never the raw path, which would make a
// series per process id), its method and status. A request that matched
// no route is labelled "unmatched".
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Metrics == nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		ww, ok := w.(middleware.WrapResponseWriter)
		if !ok {
			ww = middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		}
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.cfg.Metrics.HTTP(route, r.Method, strconv.Itoa(status), time.Since(start))
	})
}

// metrics serves GET /metrics: Prometheus's text format. With
// Config.MetricsToken set it asks for that bearer token.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Metrics == nil {
		s.fail(w, r, errs.New(errs.NotFound, errs.MsgNoRoute))
		return
	}
	if t := s.cfg.MetricsToken; t != "" && subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(t)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		s.fail(w, r, errs.Generic(errs.Unauthenticated))
		return
	}
	s.cfg.Metrics.Handler().ServeHTTP(w, r)
}
