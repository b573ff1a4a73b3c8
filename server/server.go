// Package server is the chi HTTP front end for programs (JSON): it
// authenticates, rate-limits logins, decodes requests, calls the actions
// (package actions, where every rule lives) and encodes their answers.
// Errors go to one adapter (errors.go) that maps each code to its status
// and Chinese message.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/internal/reqlog"
	"zhucun/metrics"
	"zhucun/web"
)

// Config wires the server to its dependencies.
type Config struct {
	Pool     *pgxpool.Pool
	Temporal client.Client
	// Namespace is the processes' Temporal namespace (default "default"),
	// for the calls that take it outright.
	Namespace string
	Log       *zap.Logger
	// Now is the clock for request-side checks (dates in the future...).
	Now      func() time.Time
	TokenTTL time.Duration
	// LoginPerMinute limits login attempts per client address.
	LoginPerMinute int
	// LoginPerUserPerMinute limits login attempts per username (those that
	// fail; see loginHandler); zero means DefaultLoginPerUserPerMinute.
	LoginPerUserPerMinute int
	MaxBodyBytes          int64
	// Metrics, when set, counts requests and is served at /metrics;
	// MetricsToken, when set, is the bearer token /metrics asks for.
	Metrics      *metrics.Metrics
	MetricsToken string
}

// Server holds the handlers' dependencies.
type Server struct {
	act   *actions.Actions
	pages *web.Pages
	log   *zap.Logger
	cfg   Config
}

// New builds the server.
func New(cfg Config) *Server {
	if cfg.LoginPerMinute == 0 {
		cfg.LoginPerMinute = 30
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	act := actions.New(actions.Config{Pool: cfg.Pool, Temporal: cfg.Temporal, Namespace: cfg.Namespace,
		Log: cfg.Log, Now: cfg.Now, TokenTTL: cfg.TokenTTL})
	pages, err := web.New(act, cfg.Log)
	if err != nil {
		// The templates are in the binary: a template that does not parse
		// is a bug no deployment can mend.
		panic("zhucun pages: " + err.Error())
	}
	return &Server{act: act, pages: pages, log: cfg.Log, cfg: cfg}
}

// Actions are the use cases the server calls, for the other faces (the
// pages) and the sweep.
func (s *Server) Actions() *actions.Actions { return s.act }

// Handler is the HTTP handler with every route and middleware: the JSON
// API under /api/v1, the pages for people at /, and the probes.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.accessLog, s.instrument, s.recoverer, middleware.Timeout(30*time.Second))
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			req.Body = http.MaxBytesReader(w, req.Body, s.cfg.MaxBodyBytes)
			next.ServeHTTP(w, req)
		})
	})
	r.With(securityHeaders).Get("/healthz", s.handle(func(w http.ResponseWriter, _ *http.Request) error {
		return writeJSON(w, 200, map[string]string{"status": "ok"})
	}))
	r.With(securityHeaders).Get("/readyz", s.handle(s.readyz))
	r.With(securityHeaders).Get("/metrics", s.metrics)
	r.Route("/api/v1", s.apiRoutes)
	if s.pages != nil {
		r.Group(func(r chi.Router) {
			r.Use(middleware.Compress(5))
			s.pages.Routes(r)
		})
		r.NotFound(s.pages.NotFound)
	}
	return r
}

// apiRoutes is the JSON API: every route answers JSON, errors included.
func (s *Server) apiRoutes(r chi.Router) {
	r.Use(securityHeaders, s.requestText)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.fail(w, req, errs.New(errs.NotFound, errs.MsgNoRoute))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) { s.fail(w, req, errs.Generic(errs.MethodNotAllowed)) })
	r.With(s.loginLimitByAddress()).Post("/login", s.loginHandler())
	r.Get("/openapi.json", s.openAPI)
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		r.Post("/logout", s.handle(s.logout))
		s.readRoutes(r)
		s.leaveRoutes(r)
		s.policyRoutes(r)
		s.absenceRoutes(r)
		s.rosterRoutes(r)
		s.accountRoutes(r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.act.Ready(ctx); err != nil {
		return err
	}
	return writeJSON(w, 200, map[string]string{"status": "ready"})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// accessLog logs one line per request; never the body, never the token.
// It gives the request a logger naming its request_id (reqlog), which
// every line logged while serving it uses, and adds what the request
// noted (reqlog.Note: the workflow it started or updated) to its line.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		id := middleware.GetReqID(r.Context())
		w.Header().Set("X-Request-Id", id) // to quote when reporting a problem
		log := s.log.With(zap.String("request_id", id))
		ctx, notes := reqlog.WithNotes(reqlog.With(r.Context(), log))
		next.ServeHTTP(ww, r.WithContext(ctx))
		fields := []zap.Field{zap.String("method", r.Method), zap.String("path", r.URL.Path)}
		if rc := chi.RouteContext(ctx); rc != nil && rc.RoutePattern() != "" {
			fields = append(fields, zap.String("route", rc.RoutePattern()))
		}
		fields = append(fields, zap.Int("status", ww.Status()), zap.Int("bytes", ww.BytesWritten()),
			zap.Duration("took", time.Since(start)))
		log.Info("http", append(fields, notes.Fields()...)...)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				reqlog.From(r.Context(), s.log).Error("panic", zap.Any("panic", v), zap.Stack("stack"))
				s.fail(w, r, errs.Generic(errs.Internal))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
