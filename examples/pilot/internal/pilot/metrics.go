package pilot

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/deadlines"
	"github.com/fourplusn/fourplusn/adapters/outbox"
)

// Metrics are the pilot's measurements, served at /metrics in the
// Prometheus text format. They live in a registry of their own, not
// Prometheus's global one, so that each App — and each test — has its
// own. Every name starts with fourplusn_:
//
//   - fourplusn_http_requests_total{route,status} and
//     fourplusn_http_request_duration_seconds{route}: requests by the
//     pattern that served them — "GET /cases/{id}" of the pages,
//     "GET /api/v1/cases/:id" of the API, "unmatched" for none — never
//     the raw path, so that the labels stay few; status is the class,
//     "2xx" to "5xx";
//   - fourplusn_outbox_pending_deliveries and
//     fourplusn_outbox_failed_deliveries: the notifications waiting to go
//     out, and those given up on, which the duty officers must see to;
//   - fourplusn_deadline_lag_seconds: how far behind its schedule the
//     deadline runner is — how long past the moment its next tick was due
//     it is now, 0 while it keeps time — with
//     fourplusn_deadline_tick_duration_seconds and
//     fourplusn_deadline_tick_errors_total;
//   - fourplusn_watch_leader: 1 while this process holds the watch's
//     lease and runs the deadline runner and the dispatcher, 0 while
//     another pilot on the database does;
//   - fourplusn_db_*_connections{pool} and fourplusn_db_wait_*{pool}: each
//     database pool's connections and the waits for one;
//   - fourplusn_go_* and fourplusn_process_*: the Go runtime's and the
//     process's own (memory, goroutines, open files).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	ticks    prometheus.Histogram
	tickErrs prometheus.Counter
	leader   prometheus.Gauge
	// lastTick is when the latest tick the runner finished began, in Unix
	// nanoseconds, and interval its schedule; both are set by
	// WatchDeadlines.
	lastTick atomic.Int64
	interval atomic.Int64
	handler  http.Handler
}

// unmatched is the route label of a request no pattern served.
const unmatched = "unmatched"

// scrapeTimeout bounds the database's questions of one scrape, so that a
// database that hangs fails the scrape instead of piling scrapes up.
const scrapeTimeout = 2 * time.Second

// NewMetrics returns the pilot's metrics of db; scrape errors go to
// logger.
func NewMetrics(db *bunstore.DB, logger *slog.Logger) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fourplusn_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status class.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fourplusn_http_request_duration_seconds",
			Help:    "How long HTTP requests took to answer, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		ticks: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fourplusn_deadline_tick_duration_seconds",
			Help:    "How long the deadline runner's ticks took.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 8),
		}),
		tickErrs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fourplusn_deadline_tick_errors_total",
			Help: "Ticks of the deadline runner that failed on some case or hazard.",
		}),
	}
	m.leader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "fourplusn_watch_leader",
		Help: "1 while this process holds the watch's lease and runs the deadline runner and the notification dispatcher, 0 otherwise.",
	})
	reg.MustRegister(m.requests, m.latency, m.ticks, m.tickErrs, m.leader, storeCollector{db})
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "fourplusn_deadline_lag_seconds",
		Help: "How long past the moment the deadline runner's next tick was due it is now; 0 while it keeps time, or when it does not run.",
	}, m.deadlineLag))
	prefixed := prometheus.WrapRegistererWithPrefix("fourplusn_", reg)
	prefixed.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// What could be read is served: the pools' figures still show
		// when the database does not answer the outbox's counts.
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

// ServeHTTP serves the metrics in the Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }

// statusClasses are the status labels by the status's first digit.
var statusClasses = [...]string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

// request counts one request answered by route with status in took.
func (m *Metrics) request(route string, status int, took time.Duration) {
	if route == "" {
		route = unmatched
	}
	class := statusClasses[0]
	if c := status / 100; c > 0 && c < len(statusClasses) {
		class = statusClasses[c]
	}
	m.requests.WithLabelValues(route, class).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// WatchDeadlines measures r's ticks. Call it before r runs: the runner is
// on schedule from now, its first tick due at once.
func (m *Metrics) WatchDeadlines(r *deadlines.Runner) {
	m.interval.Store(int64(r.Interval))
	m.lastTick.Store(r.Now().Add(-r.Interval).UnixNano())
	r.Ticked = func(began, ended time.Time, err error) {
		m.lastTick.Store(began.UnixNano())
		m.ticks.Observe(ended.Sub(began).Seconds())
		if err != nil {
			m.tickErrs.Inc()
		}
	}
}

// WatchLeader records whether this process runs the watch now. While it
// does not, the deadline lag is 0: the runner that keeps time is
// another's.
func (m *Metrics) WatchLeader(leading bool) {
	if leading {
		m.leader.Set(1)
		return
	}
	m.leader.Set(0)
	m.lastTick.Store(0)
}

// deadlineLag is how long past due the runner's next tick is: the time
// since the latest finished tick began, less the interval. A tick that
// hangs, or a runner that stopped, shows as a lag that grows.
func (m *Metrics) deadlineLag() float64 {
	last := m.lastTick.Load()
	if last == 0 {
		return 0
	}
	lag := time.Since(time.Unix(0, last)) - time.Duration(m.interval.Load())
	return max(0, lag.Seconds())
}

// storeCollector reads the database's figures at each scrape: the pools'
// statistics and the outbox's backlog.
type storeCollector struct{ db *bunstore.DB }

var (
	poolLabels      = []string{"pool"}
	maxOpenDesc     = prometheus.NewDesc("fourplusn_db_max_open_connections", "The most connections the pool opens.", poolLabels, nil)
	openDesc        = prometheus.NewDesc("fourplusn_db_open_connections", "Connections open, in use or idle.", poolLabels, nil)
	inUseDesc       = prometheus.NewDesc("fourplusn_db_in_use_connections", "Connections in use.", poolLabels, nil)
	idleDesc        = prometheus.NewDesc("fourplusn_db_idle_connections", "Connections idle.", poolLabels, nil)
	waitCountDesc   = prometheus.NewDesc("fourplusn_db_wait_count_total", "Times a query waited for a connection.", poolLabels, nil)
	waitSecondsDesc = prometheus.NewDesc("fourplusn_db_wait_duration_seconds_total", "Time spent waiting for a connection.", poolLabels, nil)
	pendingDesc     = prometheus.NewDesc("fourplusn_outbox_pending_deliveries", "Notifications waiting for their first or next attempt.", nil, nil)
	failedDesc      = prometheus.NewDesc("fourplusn_outbox_failed_deliveries", "Notifications given up on, for the duty officers to see to.", nil, nil)
)

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{maxOpenDesc, openDesc, inUseDesc, idleDesc, waitCountDesc, waitSecondsDesc, pendingDesc, failedDesc} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.db.PoolStats() {
		ch <- prometheus.MustNewConstMetric(maxOpenDesc, prometheus.GaugeValue, float64(p.MaxOpenConnections), p.Pool)
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(p.OpenConnections), p.Pool)
		ch <- prometheus.MustNewConstMetric(inUseDesc, prometheus.GaugeValue, float64(p.InUse), p.Pool)
		ch <- prometheus.MustNewConstMetric(idleDesc, prometheus.GaugeValue, float64(p.Idle), p.Pool)
		ch <- prometheus.MustNewConstMetric(waitCountDesc, prometheus.CounterValue, float64(p.WaitCount), p.Pool)
		ch <- prometheus.MustNewConstMetric(waitSecondsDesc, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Pool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, s := range []struct {
		state outbox.State
		desc  *prometheus.Desc
	}{{outbox.Pending, pendingDesc}, {outbox.Failed, failedDesc}} {
		n, err := c.db.Outbox().Count(ctx, s.state)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(s.desc, err)
			continue
		}
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, float64(n))
	}
}
