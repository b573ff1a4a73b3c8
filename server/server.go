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
	"zhucun/internal/seal"
	"zhucun/internal/upload"
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
	// LoginPerMinute limits login attempts per client address (on the
	// API), and failed ones (on the API and the pages) unless
	// Login.PerAddress says otherwise.
	LoginPerMinute int
	// LoginPerUserPerMinute limits failed logins on one username from one
	// address; zero means DefaultLoginPerUserPerMinute.
	LoginPerUserPerMinute int
	// Login are the rest of the login guard's limits (actions.LoginLimits).
	Login        actions.LoginLimits
	MaxBodyBytes int64
	// Metrics, when set, counts requests and is served at /metrics;
	// MetricsToken, when set, is the bearer token /metrics asks for.
	Metrics      *metrics.Metrics
	MetricsToken string
	// BodyTimeout bounds reading a request, headers and body (default
	// 15s); IdleTimeout closes a keep-alive connection left unused
	// (default 2m). See HTTPServer.
	BodyTimeout, IdleTimeout time.Duration
	// Keys sign what the actions send into workflows and decode payloads
	// for the Temporal Web UI at /codec/decode (seal).
	Keys *seal.Keys
	// UIOrigins may call /codec/decode from a browser.
	UIOrigins []string
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
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = 15 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	if cfg.Login.PerAddress == 0 {
		cfg.Login.PerAddress = cfg.LoginPerMinute
	}
	if cfg.Login.PerUserAddress == 0 {
		cfg.Login.PerUserAddress = cfg.LoginPerUserPerMinute
	}
	act := actions.New(actions.Config{Pool: cfg.Pool, Temporal: cfg.Temporal, Namespace: cfg.Namespace,
		Log: cfg.Log, Now: cfg.Now, TokenTTL: cfg.TokenTTL, Login: cfg.Login, Keys: cfg.Keys})
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

// HTTPServer is the http.Server to serve Handler with. A request must
// arrive whole, body included, within BodyTimeout: a client that sends
// its body a byte at a time is cut off rather than holding a connection
// (and a goroutine and a file) for ever, which the handler's own timeout
// cannot do while it waits in a read. Bodies are small (MaxBodyBytes), so
// the bound costs no honest client anything. Answers have no write
// deadline: a long download (the ledger's spreadsheet) may take its time.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{Handler: s.Handler(), ReadHeaderTimeout: min(10*time.Second, s.cfg.BodyTimeout),
		ReadTimeout: s.cfg.BodyTimeout, IdleTimeout: s.cfg.IdleTimeout}
}

// Handler is the HTTP handler with every route and middleware: the JSON
// API under /api/v1, the pages for people at /, and the probes.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(requestID, s.accessLog, s.instrument, s.recoverer, middleware.Timeout(30*time.Second))
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			upload.Allow(w, req, s.cfg.MaxBodyBytes) // files (附件) may be larger
			next.ServeHTTP(w, req)
		})
	})
	r.With(securityHeaders).Get("/healthz", s.handle(func(w http.ResponseWriter, _ *http.Request) error {
		return writeJSON(w, 200, map[string]string{"status": "ok"})
	}))
	r.With(securityHeaders).Get("/readyz", s.handle(s.readyz))
	r.With(securityHeaders).Get("/metrics", s.metrics)
	r.Route("/api/v1", s.apiRoutes)
	s.codecRoutes(r)
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
		s.presenceRoutes(r)
		s.obligationRoutes(r)
		s.accountRoutes(r)
		s.robotRoutes(r)
		s.attachmentRoutes(r)
		s.delegationRoutes(r)
		s.accountabilityRoutes(r)
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
		if c := clientRequestID(r); c != "" {
			log = log.With(zap.String("client_request_id", c))
		}
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
