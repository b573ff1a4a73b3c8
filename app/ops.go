package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"zhucun/engine"
)

// portSetting is an address a process listens on and the setting that
// moves it.
type portSetting struct {
	addr, env, flag, what string
}

// ports are the addresses mode listens on, in the order they are taken.
func (cfg Config) ports(mode Mode) []portSetting {
	var ps []portSetting
	if mode.API {
		ps = append(ps, portSetting{cfg.Addr, "ZHUCUN_ADDR", "--addr", "HTTP API"})
	} else if cfg.MetricsAddr != "" {
		ps = append(ps, portSetting{cfg.MetricsAddr, "ZHUCUN_METRICS_ADDR", "--metrics-addr", "metrics"})
	}
	if cfg.TemporalAddress == "" && mode.API && mode.Worker {
		ps = append(ps, cfg.temporalPorts()...)
	}
	return ps
}

// temporalPorts are the embedded Temporal server's: its frontend and its
// Web UI.
func (cfg Config) temporalPorts() []portSetting {
	ps := []portSetting{{cfg.EmbeddedAddr, "ZHUCUN_TEMPORAL_LISTEN", "--embedded-temporal", "embedded Temporal frontend"}}
	if cfg.UIAddr != "" {
		ps = append(ps, portSetting{cfg.UIAddr, "ZHUCUN_UI_LISTEN", "--ui-listen", "Temporal Web UI"})
	}
	return ps
}

// CheckPorts finds a busy port before anything is created: each address
// is listened on and let go. The error is one line naming the setting
// that moves it.
func CheckPorts(ps []portSetting) error {
	for _, p := range ps {
		if err := engine.CheckFree(p.addr); err != nil {
			hint := "a free address"
			if p.env == "ZHUCUN_UI_LISTEN" {
				hint = "a free address, or to nothing to serve no UI"
			}
			return fmt.Errorf("%s: %v; set %s (or %s) to %s", p.what, err, p.env, p.flag, hint)
		}
	}
	return nil
}

// TemporalPortsFree is CheckPorts for `zhucun temporal`: the frontend, the
// UI and the metrics address.
func (cfg Config) TemporalPortsFree() error {
	ps := cfg.temporalPorts()
	if cfg.MetricsAddr != "" {
		ps = append(ps, portSetting{cfg.MetricsAddr, "ZHUCUN_METRICS_ADDR", "--metrics-addr", "metrics"})
	}
	return CheckPorts(ps)
}

// UIURL is the embedded Temporal Web UI's address, empty when none is
// served.
func (a *App) UIURL() string {
	if a.Engine == nil {
		return ""
	}
	return a.Engine.UIURL()
}

// ServeMetrics serves h at /metrics on addr until ctx is done, for a
// process without the HTTP API. It returns once it listens.
func ServeMetrics(ctx context.Context, addr string, h http.Handler, log *zap.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %v; set ZHUCUN_METRICS_ADDR (or --metrics-addr) to a free address", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", zap.Error(err))
		}
	}()
	log.Info("metrics served", zap.String("url", "http://"+ln.Addr().String()+"/metrics"))
	return func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(c)
		<-done
	}, nil
}
