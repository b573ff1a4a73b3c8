// Package metrics is what zhucun tells Prometheus: one registry per
// process holding the HTTP API's requests (by chi route pattern), the
// Temporal SDK's metrics, the embedded Temporal server's, and the
// business figures operators watch — open and overdue processes by kind
// and county, the oldest overdue, the notification outbox, and how far the
// read model trails the workflows. Served at /metrics (see server and app).
package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.uber.org/zap"

	"zhucun/store"
)

// Metrics is one process's registry and zhucun's own instruments. A nil
// *Metrics records nothing, so the parts that record accept none (tests).
type Metrics struct {
	Registry *prometheus.Registry

	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec
	outboxSent     prometheus.Counter
	outboxFailures prometheus.Counter
	readModelLag   prometheus.Histogram
	sdk            *sdkmetric.MeterProvider
}

// New is a registry with Go's and the process's collectors and zhucun's
// instruments on it.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhucun_http_requests_total",
			Help: "HTTP requests answered, by chi route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zhucun_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by chi route pattern, method and status.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		outboxSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zhucun_outbox_sent_total",
			Help: "Notifications delivered by this process's outbox sender.",
		}),
		outboxFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "zhucun_outbox_send_failures_total",
			Help: "Notification deliveries that failed (each is retried later).",
		}),
		readModelLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "zhucun_read_model_lag_seconds",
			Help:    "From a workflow scheduling a read-model write to the write being committed.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}),
	}
	reg.MustRegister(m.httpRequests, m.httpDuration, m.outboxSent, m.outboxFailures, m.readModelLag)
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// HTTP records one answered request; route is chi's pattern, never the
// raw path (which would make a series per process id).
func (m *Metrics) HTTP(route, method, status string, took time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, status).Inc()
	m.httpDuration.WithLabelValues(route, method, status).Observe(took.Seconds())
}

// OutboxDelivery records one notification delivered or failed.
func (m *Metrics) OutboxDelivery(ok bool) {
	if m == nil {
		return
	}
	if ok {
		m.outboxSent.Inc()
	} else {
		m.outboxFailures.Inc()
	}
}

// ReadModelWrite records how long after its scheduling a read-model write
// was committed.
func (m *Metrics) ReadModelWrite(lag time.Duration) {
	if m == nil {
		return
	}
	m.readModelLag.Observe(lag.Seconds())
}

// SDKHandler is the Temporal SDK's metrics handler for a client of this
// process, its metrics (temporal_...) on the registry.
func (m *Metrics) SDKHandler(log *zap.Logger) (client.MetricsHandler, error) {
	if m.sdk == nil {
		secs := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
		mp, err := MeterProvider(m.Registry, "", sdkmetric.NewView(
			sdkmetric.Instrument{Kind: sdkmetric.InstrumentKindHistogram, Unit: "s"},
			sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: secs}}))
		if err != nil {
			return nil, err
		}
		m.sdk = mp
	}
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                m.sdk.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError:              func(err error) { log.Warn("temporal sdk metric", zap.Error(err)) },
	}), nil
}

// Close stops the SDK's meter provider.
func (m *Metrics) Close() {
	if m != nil && m.sdk != nil {
		_ = m.sdk.Shutdown(context.Background())
	}
}

// RegisterBusiness adds the figures read from the database at each scrape
// (at most once every cacheFor; the last good reading between).
func (m *Metrics) RegisterBusiness(st *store.Store, log *zap.Logger) {
	m.Registry.MustRegister(&business{st: st, log: log})
}

const cacheFor = 10 * time.Second

var (
	descOpen = prometheus.NewDesc("zhucun_processes_open",
		"Open processes in the read model, by kind and county.", []string{"kind", "county"}, nil)
	descOverdue = prometheus.NewDesc("zhucun_processes_overdue",
		"Open processes past a deadline, by kind and county.", []string{"kind", "county"}, nil)
	descOldest = prometheus.NewDesc("zhucun_overdue_oldest_seconds",
		"How long the longest overdue open process has been past its due time, by kind and county (0: none overdue).", []string{"kind", "county"}, nil)
	descBacklog = prometheus.NewDesc("zhucun_outbox_backlog",
		"Notifications written and not yet delivered.", nil, nil)
	descFailing = prometheus.NewDesc("zhucun_outbox_failing",
		"Undelivered notifications whose delivery failed at least once.", nil, nil)
	descBacklogAge = prometheus.NewDesc("zhucun_outbox_oldest_seconds",
		"Age of the oldest undelivered notification (0: none).", nil, nil)
	descProvisional = prometheus.NewDesc("zhucun_read_model_provisional",
		"Processes the read model holds ahead of their workflow's first record (normally 0).", nil, nil)
	descProvisionalAge = prometheus.NewDesc("zhucun_read_model_provisional_oldest_seconds",
		"Age of the oldest such process (0: none); one older than a minute is released by the sweep.", nil, nil)
	descUp = prometheus.NewDesc("zhucun_business_metrics_up",
		"1 if the last reading of the business figures from PostgreSQL succeeded.", nil, nil)
)

// business reads the figures from the read model at scrape time.
type business struct {
	st  *store.Store
	log *zap.Logger

	mu   sync.Mutex
	at   time.Time
	last store.MetricsSnapshot
	ok   bool
}

func (b *business) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOpen, descOverdue, descOldest, descBacklog, descFailing,
		descBacklogAge, descProvisional, descProvisionalAge, descUp} {
		ch <- d
	}
}

func (b *business) Collect(ch chan<- prometheus.Metric) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Sub(b.at) >= cacheFor {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		snap, err := b.st.Metrics(ctx)
		cancel()
		b.at, b.ok = now, err == nil
		if err != nil {
			b.log.Warn("metrics: reading the business figures", zap.Error(err))
		} else {
			b.last = snap
		}
	}
	up := 0.0
	if b.ok {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up)
	age := func(t time.Time) float64 {
		if t.IsZero() || now.Before(t) {
			return 0
		}
		return now.Sub(t).Seconds()
	}
	for _, p := range b.last.Processes {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(p.Open), p.Kind, p.County)
		ch <- prometheus.MustNewConstMetric(descOverdue, prometheus.GaugeValue, float64(p.Overdue), p.Kind, p.County)
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age(p.OldestOverdue), p.Kind, p.County)
	}
	o := b.last.Outbox
	ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(o.Backlog))
	ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, float64(o.Failing))
	ch <- prometheus.MustNewConstMetric(descBacklogAge, prometheus.GaugeValue, age(o.OldestBacklog))
	ch <- prometheus.MustNewConstMetric(descProvisional, prometheus.GaugeValue, float64(b.last.Provisional))
	ch <- prometheus.MustNewConstMetric(descProvisionalAge, prometheus.GaugeValue, age(b.last.OldestProvisional))
}

// MeterProvider is an OpenTelemetry meter provider whose readings are
// collected by reg at each scrape, every name starting with namespace.
// Neither target_info nor scope labels are added, so several providers
// can share one registry.
func MeterProvider(reg prometheus.Registerer, namespace string, views ...sdkmetric.View) (*sdkmetric.MeterProvider, error) {
	opts := []otelprom.Option{otelprom.WithRegisterer(reg), otelprom.WithoutTargetInfo(), otelprom.WithoutScopeInfo()}
	if namespace != "" { // an empty one would still add its "_"
		opts = append(opts, otelprom.WithNamespace(namespace))
	}
	exp, err := otelprom.New(opts...)
	if err != nil {
		return nil, err
	}
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithView(views...)), nil
}
