package engine

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	otelmetric "go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"

	zmetrics "zhucun/metrics"
)

// MetricsPrefix starts the name of every metric of the embedded server,
// apart from the SDK's (temporal_...) and zhucun's own (zhucun_...): the
// server's internal SDK clients report under the SDK's names too.
const MetricsPrefix = "temporal_server"

// serverMetrics is the embedded server's metrics handler, registered on
// reg (served on zhucun's /metrics), and the function that stops it.
func serverMetrics(reg prometheus.Registerer, log tlog.Logger) (metrics.Handler, func(), error) {
	if reg == nil {
		return metrics.NoopMetricsHandler, func() {}, nil
	}
	mp, err := zmetrics.MeterProvider(reg, MetricsPrefix, histogramViews()...)
	if err != nil {
		return nil, nil, fmt.Errorf("temporal server metrics: %w", err)
	}
	h, err := metrics.NewOtelMetricsHandler(log, otelProvider{mp.Meter("temporal")}, metrics.ClientConfig{}, true)
	if err != nil {
		return nil, nil, fmt.Errorf("temporal server metrics: %w", err)
	}
	return h, func() { _ = mp.Shutdown(context.Background()) }, nil
}

// otelProvider is the server's view of a meter provider.
type otelProvider struct{ meter otelmetric.Meter }

func (p otelProvider) GetMeter() otelmetric.Meter { return p.meter }
func (otelProvider) Stop(tlog.Logger)             {}

// histogramViews are the server's default buckets per unit (its metrics
// package applies them only to the providers it builds itself), timers in
// seconds.
func histogramViews() []sdkmetric.View {
	ms := []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000}
	secs := make([]float64, len(ms))
	for i, b := range ms {
		secs[i] = b / 1000
	}
	per := map[string][]float64{
		metrics.Dimensionless: {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000},
		metrics.Milliseconds:  ms,
		metrics.Seconds:       secs,
		metrics.Bytes:         {1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216},
	}
	var views []sdkmetric.View
	for unit, b := range per {
		views = append(views, sdkmetric.NewView(
			sdkmetric.Instrument{Kind: sdkmetric.InstrumentKindHistogram, Unit: unit},
			sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: b}}))
	}
	return views
}
