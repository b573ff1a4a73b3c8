package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"zhucun/actions"
	"zhucun/demo"
	"zhucun/engine"
	"zhucun/internal/seal"
	"zhucun/metrics"
	"zhucun/notify"
	"zhucun/server"
	"zhucun/store"
	"zhucun/worker"
	"zhucun/workflows"
)

// Mode says which parts a process runs.
type Mode struct {
	API, Worker bool
}

var (
	ModeServe  = Mode{API: true, Worker: true}
	ModeAPI    = Mode{API: true}
	ModeWorker = Mode{Worker: true}
)

// App is a running zhucun process.
type App struct {
	Pool        *pgxpool.Pool
	Temporal    client.Client
	Engine      *engine.Server // nil against an external Temporal
	URL         string         // http://host:port once the API listens
	Metrics     *metrics.Metrics
	Keys        *seal.Keys
	log         *zap.Logger
	ln          net.Listener // the API's, taken first
	stopMetrics func()
	stopping    atomic.Bool // the SDK's complaints about shutting down go to debug
	http        *http.Server
	act         *actions.Actions
	worker      sdkworker.Worker
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

// Start brings up the parts of mode and returns once they serve.
func Start(ctx context.Context, cfg Config, mode Mode, log *zap.Logger) (*App, error) {
	a := &App{log: log}
	if err := a.start(ctx, cfg, mode, log); err != nil {
		a.Stop() // whatever did start
		return nil, err
	}
	return a, nil
}

func (a *App) start(ctx context.Context, cfg Config, mode Mode, log *zap.Logger) (err error) {
	// Every port first, before anything is created; the API's is kept.
	if err = CheckPorts(cfg.ports(mode)); err != nil {
		return err
	}
	if mode.API {
		if a.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
	}
	a.Metrics = metrics.New()
	if a.Pool, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	st := store.New(a.Pool)
	if err = st.EnsureDefaultPolicy(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		if err = demo.Seed(ctx, a.Pool); err != nil {
			return fmt.Errorf("demo organisation: %w", err)
		}
	}
	if a.Keys, err = cfg.Keys(); err != nil {
		return err
	}
	hostPort := cfg.TemporalAddress
	if hostPort == "" {
		if !(mode.API && mode.Worker) {
			return errors.New("api and worker run against an external Temporal: set TEMPORAL_ADDRESS")
		}
		eo, err := cfg.EngineOptions(log)
		if err != nil {
			return err
		}
		eo.Metrics = a.Metrics.Registry
		if eo.CodecEndpoint == "" && a.ln != nil {
			eo.CodecEndpoint = listenURL(a.ln) + "/codec"
		}
		a.Engine, err = engine.Start(ctx, eo)
		if err != nil {
			return err
		}
		hostPort = a.Engine.HostPort()
	}
	sdkMetrics, err := a.Metrics.SDKHandler(log)
	if err != nil {
		return fmt.Errorf("temporal sdk metrics: %w", err)
	}
	copts, err := cfg.ClientOptions(hostPort, a.Keys)
	if err != nil {
		return err
	}
	copts.Logger = engine.SDKLogger(engine.Phased(log.Named("sdk"), a.stopping.Load))
	copts.MetricsHandler = sdkMetrics
	a.Temporal, err = client.Dial(copts)
	if err != nil {
		return fmt.Errorf("temporal at %s: %w", hostPort, err)
	}
	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	if mode.Worker {
		a.worker = worker.New(a.Temporal, a.Pool, log, a.Metrics, a.Keys)
		if err = a.worker.Start(); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		if err = worker.EnsureSchedules(ctx, a.Temporal, workflows.Schedules(), cfg.PauseSchedules, log.Named("schedules")); err != nil {
			return err
		}
		sender := &notify.Sender{Pool: a.Pool, Deliverer: deliverer(cfg, log), Log: log.Named("notify"), Metrics: a.Metrics,
			Keys: a.Keys, PublicURL: cfg.PublicURL, Client: &http.Client{Timeout: 10 * time.Second}}
		if cfg.PublicURL == "" {
			log.Info("ZHUCUN_PUBLIC_URL is not set: notices go out without a link to their item")
		}
		a.wg.Add(1)
		go func() { defer a.wg.Done(); _ = sender.Run(bg) }()
	}
	if mode.API {
		if err = a.listen(bg, cfg, log); err != nil {
			return err
		}
	} else if cfg.MetricsAddr != "" {
		if a.stopMetrics, err = ServeMetrics(bg, cfg.MetricsAddr, a.Metrics.Handler(), log); err != nil {
			return err
		}
	}
	return nil
}

// EngineOptions are the embedded Temporal server's options from cfg, for
// `serve` and for `temporal` (the server alone, for a split deployment).
func (cfg Config) EngineOptions(log *zap.Logger) (engine.Options, error) {
	eo := engine.Options{DataDir: cfg.DataDir, FrontendAddr: cfg.EmbeddedAddr,
		Namespace: cfg.Namespace, Log: log, Synchronous: cfg.Synchronous, UIAddr: cfg.UIAddr,
		TLSDir: cfg.TLSDir, CodecEndpoint: cfg.CodecEndpoint}
	switch cfg.TemporalStore {
	case "", "sqlite":
	case "postgres":
		eo.PostgresURL, eo.HistoryShards = cfg.DatabaseURL, cfg.HistoryShards
	default:
		return eo, fmt.Errorf("--temporal-store %q: must be sqlite or postgres", cfg.TemporalStore)
	}
	return eo, nil
}

// ClientOptions are how api and worker processes dial Temporal: payloads
// encrypted with keys' data key, starts and updates carrying their signed
// proofs, and with TLSDir the client certificate.
func (cfg Config) ClientOptions(hostPort string, keys *seal.Keys) (client.Options, error) {
	o := client.Options{HostPort: hostPort, Namespace: cfg.Namespace, DataConverter: keys.DataConverter(),
		ContextPropagators: []workflow.ContextPropagator{seal.Propagator()}}
	if cfg.TLSDir != "" {
		host, _, err := net.SplitHostPort(hostPort)
		if err != nil {
			return o, fmt.Errorf("temporal address %q: %w", hostPort, err)
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && (ip.IsUnspecified() || ip.IsLoopback()) {
			host = "localhost"
		}
		if o.ConnectionOptions.TLS, err = seal.TLSDir(cfg.TLSDir).ClientConfig(host); err != nil {
			return o, err
		}
	}
	return o, nil
}

// listenURL is the http URL of a listener as this machine reaches it.
func listenURL(ln net.Listener) string {
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

func deliverer(cfg Config, log *zap.Logger) notify.Deliverer {
	if cfg.WebhookURL != "" {
		return &notify.WebhookDeliverer{URL: cfg.WebhookURL, Kind: cfg.WebhookKind, Secret: cfg.WebhookSecret,
			Client: &http.Client{Timeout: 10 * time.Second}}
	}
	return &notify.LogDeliverer{Log: log.Named("notify")}
}

func (a *App) listen(bg context.Context, cfg Config, log *zap.Logger) error {
	srv := server.New(server.Config{Pool: a.Pool, Temporal: a.Temporal, Namespace: cfg.Namespace, Log: log.Named("http"),
		TokenTTL: cfg.TokenTTL, LoginPerMinute: cfg.LoginPerMinute, LoginPerUserPerMinute: cfg.LoginPerUserPerMinute,
		Metrics: a.Metrics, MetricsToken: cfg.MetricsToken, BodyTimeout: cfg.BodyTimeout, Keys: a.Keys, UIOrigins: a.uiOrigins(cfg)})
	a.Metrics.RegisterBusiness(store.New(a.Pool), log.Named("metrics"))
	ln := a.ln
	a.wg.Add(1)
	go func() { defer a.wg.Done(); srv.Actions().SweepUnstarted(bg, time.Minute, time.Minute) }()
	if !cfg.NoCaches {
		a.wg.Add(1)
		go func() { defer a.wg.Done(); srv.Actions().Listen(bg) }()
	}
	a.http = srv.HTTPServer()
	a.act = srv.Actions()
	a.URL = listenURL(ln)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", zap.Error(err))
		}
	}()
	return nil
}

// uiOrigins may call /codec/decode: cfg's, and the embedded UI's own.
func (a *App) uiOrigins(cfg Config) []string {
	o := append([]string{}, cfg.UIOrigins...)
	if a.Engine != nil && a.Engine.UIURL() != "" {
		o = append(o, a.Engine.UIURL())
		if strings.Contains(a.Engine.UIURL(), "://localhost:") {
			o = append(o, strings.Replace(a.Engine.UIURL(), "://localhost:", "://127.0.0.1:", 1))
		} else if strings.Contains(a.Engine.UIURL(), "://127.0.0.1:") {
			o = append(o, strings.Replace(a.Engine.UIURL(), "://127.0.0.1:", "://localhost:", 1))
		}
	}
	return o
}

// Actions are the API's use cases (nil in a mode without the API).
func (a *App) Actions() *actions.Actions { return a.act }

// Stop shuts everything down in order: stop taking requests, let the worker
// finish its tasks, then the engine and the database.
func (a *App) Stop() {
	a.stopping.Store(true)
	if a.Engine != nil {
		a.Engine.Quiesce() // pollers and peers going away are expected now
	}
	if a.http == nil && a.ln != nil {
		a.ln.Close() // taken, never served
	}
	if a.stopMetrics != nil {
		a.stopMetrics()
	}
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = a.http.Shutdown(ctx)
		cancel()
	}
	if a.cancel != nil {
		a.cancel()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	a.wg.Wait()
	if a.Temporal != nil {
		a.Temporal.Close()
	}
	if a.Engine != nil {
		if err := a.Engine.Stop(); err != nil {
			a.log.Warn("temporal server stop", zap.Error(err))
		}
	}
	if a.Pool != nil {
		a.Pool.Close()
	}
	a.Metrics.Close()
}
