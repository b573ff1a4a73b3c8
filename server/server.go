// Package server is the chi HTTP front end: it authenticates, checks who
// may act, starts, updates and queries workflows, and reads lists from the
// PostgreSQL read model. One typed error maps to HTTP statuses in one place.
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

	"zhucun/store"
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
}

// Server holds the handlers' dependencies.
type Server struct {
	store     *store.Store
	pool      *pgxpool.Pool
	tc        client.Client
	namespace string
	log       *zap.Logger
	now       func() time.Time
	tokenTTL  time.Duration
	cfg       Config
}

// New builds the server.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 12 * time.Hour
	}
	if cfg.LoginPerMinute == 0 {
		cfg.LoginPerMinute = 30
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	return &Server{store: store.New(cfg.Pool), pool: cfg.Pool, tc: cfg.Temporal, namespace: cfg.Namespace, log: cfg.Log,
		now: cfg.Now, tokenTTL: cfg.TokenTTL, cfg: cfg}
}

// Handler is the HTTP handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.accessLog, s.recoverer, securityHeaders, middleware.Timeout(30*time.Second))
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			req.Body = http.MaxBytesReader(w, req.Body, s.cfg.MaxBodyBytes)
			next.ServeHTTP(w, req)
		})
	})
	r.Use(s.requestText)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) { s.fail(w, req, errf(CodeNotFound, "no such route")) })
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": Error{Code: "method_not_allowed", Message: "method not allowed"}})
	})
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	r.Get("/readyz", s.readyz)

	r.Route("/api/v1", func(r chi.Router) {
		r.With(s.loginLimitByAddress()).Post("/login", s.loginHandler())
		r.Group(func(r chi.Router) {
			r.Use(s.authenticate)
			r.Post("/logout", s.logout)
			r.Get("/me", s.me)
			r.Get("/inbox", s.inbox)
			r.Get("/processes", s.listProcesses)
			r.Get("/processes/{id}/timeline", s.timeline)
			s.leaveRoutes(r)
			s.policyRoutes(r)
			s.absenceRoutes(r)
			s.rosterRoutes(r)
			r.Get("/members/{id}/record", s.memberRecord)
		})
	})
	return r
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": Error{Code: CodeUnavailable, Message: "PostgreSQL does not answer"}})
		return
	}
	if _, err := s.tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": Error{Code: CodeUnavailable, Message: "Temporal does not answer"}})
		return
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
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
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.Info("http", zap.String("request_id", middleware.GetReqID(r.Context())),
			zap.String("method", r.Method), zap.String("path", r.URL.Path),
			zap.Int("status", ww.Status()), zap.Int("bytes", ww.BytesWritten()),
			zap.Duration("took", time.Since(start)))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				s.log.Error("panic", zap.Any("panic", v), zap.Stack("stack"),
					zap.String("request_id", middleware.GetReqID(r.Context())))
				writeJSON(w, 500, map[string]any{"error": Error{Code: CodeInternal, Message: "internal error"}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
