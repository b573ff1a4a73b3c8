package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/engine"
	"zhucun/metrics"
	"zhucun/store"
)

// temporalCmd runs the embedded Temporal server alone: the engine of a
// split deployment, which `worker` and `api` processes reach through
// TEMPORAL_ADDRESS. It is the same server code as `serve` runs, with the
// same settings.
func temporalCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, _, err := parseConfig("temporal", args)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Debug)
	defer log.Sync()
	if err := cfg.TemporalPortsFree(); err != nil {
		return err
	}
	eo, err := cfg.EngineOptions(log)
	if err != nil {
		return err
	}
	m := metrics.New()
	defer m.Close()
	eo.Metrics = m.Registry
	where := "SQLite in " + cfg.DataDir
	if eo.PostgresURL != "" {
		where = fmt.Sprintf("PostgreSQL %s (+_temporal, +_temporal_visibility), %d history shards", store.MaskURL(eo.PostgresURL), eo.HistoryShards)
	}
	log.Info("starting the Temporal server", zap.String("version", version), zap.String("store", where))
	started := time.Now()
	srv, err := engine.Start(ctx, eo)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stopMetrics, err := app.ServeMetrics(ctx, cfg.MetricsAddr, m.Handler(), log)
		if err != nil {
			_ = srv.Stop()
			return err
		}
		defer stopMetrics()
	}
	log.Info("temporal is up", zap.String("address", srv.HostPort()), zap.String("namespace", srv.Namespace()),
		zap.String("temporal_ui", srv.UIURL()), zap.Duration("took", time.Since(started)))
	// One line on stdout that scripts wait for and read the address from.
	fmt.Fprintf(stdout, "zhucun temporal: serving at %s, namespace %s, %s\n", srv.HostPort(), srv.Namespace(), where)
	if ui := srv.UIURL(); ui != "" {
		fmt.Fprintf(stdout, "zhucun temporal: Temporal Web UI (read-only) at %s\n", ui)
	}
	if cfg.TLSDir != "" {
		fmt.Fprintf(stdout, "zhucun temporal: mutual TLS, clients need a certificate of %s\n", cfg.TLSDir)
	}
	<-ctx.Done()
	log.Info("shutting down")
	if err := srv.Stop(); err != nil {
		return fmt.Errorf("temporal server stop: %w", err)
	}
	return nil
}
