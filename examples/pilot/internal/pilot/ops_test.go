package pilot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/deadlines"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// apiCall sends an API request with a bearer token and a JSON body (nil
// for none).
func apiCall(t *testing.T, base, token, method, path string, body any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// walkIn is a dispute a duty officer registers as received at the station.
func walkIn(facts string) map[string]any {
	return map[string]any{
		"channel": "walk_in", "category": "neighbour", "facts": facts, "location": "mayuan-1",
		"applicants":  []map[string]any{{"name": "王某某", "phone": "13900001111"}},
		"respondents": []map[string]any{{"name": "张某某"}},
	}
}

// dutyToken issues an API token for the first duty officer.
func dutyToken(t *testing.T, app *pilot.App) string {
	t.Helper()
	tok, _, err := app.IssueToken(context.Background(), "gc-duty-1", "test", time.Hour)
	require.NoError(t, err)
	return tok
}

// scrape reads /metrics as Prometheus does.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// sample returns the metric of family name whose labels are labels, if any.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) (*dto.Metric, bool) {
	f, ok := families[name]
	if !ok {
		return nil, false
	}
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		if fmt.Sprint(got) == fmt.Sprint(labels) {
			return m, true
		}
	}
	return nil, false
}

// TestMetrics makes a few requests of the pages and the API and reads
// them back from /metrics: counted by the route pattern, never the raw
// path, with the status class and the latency; beside them the outbox's
// backlog, the database pools and the deadline runner's lag.
func TestMetrics(t *testing.T) {
	app, ts := newPilot(t)
	app.DB.EnableOutbox(mediation.Notices, hazard.Notices) // notifications are written, and nothing delivers them
	token := dutyToken(t, app)
	c := newClient(t, ts.URL)
	c.get("/login")
	c.get("/cases/C20221101-XYZ")
	c.get("/no/such/page")
	created := apiCall(t, ts.URL, token, http.MethodPost, "/api/v1/cases", walkIn("两家因排水沟堵塞互相指责。"))
	require.Equal(t, http.StatusCreated, created.StatusCode)
	id := strings.TrimPrefix(created.Header.Get("Location"), "/api/v1/cases/")
	require.NotEmpty(t, id)
	apiCall(t, ts.URL, token, http.MethodGet, "/api/v1/cases/"+id, nil)
	apiCall(t, ts.URL, token, http.MethodGet, "/api/v1/cases/C-nothing", nil)
	apiCall(t, ts.URL, token, http.MethodGet, "/api/v1/nothing", nil)

	families := scrape(t, ts.URL)
	for name := range families {
		assert.True(t, strings.HasPrefix(name, "fourplusn_"), "%s is the pilot's", name)
	}
	for _, tc := range []struct {
		route, status string
		count         float64
	}{
		{"GET /login", "2xx", 1},
		{"GET /cases/{id}", "3xx", 1},
		{"/", "4xx", 1}, // no page of the pilot's: the Chinese 404
		{"POST /api/v1/cases", "2xx", 1},
		{"GET /api/v1/cases/:id", "2xx", 1},
		{"GET /api/v1/cases/:id", "4xx", 1},
		{"/api/", "4xx", 1}, // no route of the API's: the pages' mount
	} {
		m, ok := sample(families, "fourplusn_http_requests_total", map[string]string{"route": tc.route, "status": tc.status})
		if assert.True(t, ok, "%s %s counted", tc.route, tc.status) {
			assert.Equal(t, tc.count, m.GetCounter().GetValue(), "%s %s", tc.route, tc.status)
		}
	}
	for _, m := range families["fourplusn_http_requests_total"].Metric {
		for _, l := range m.Label {
			assert.NotContains(t, l.GetValue(), id, "no case ID in a label")
			assert.NotContains(t, l.GetValue(), "XYZ", "no raw path in a label")
		}
	}
	m, ok := sample(families, "fourplusn_http_request_duration_seconds", map[string]string{"route": "POST /api/v1/cases"})
	require.True(t, ok)
	assert.Equal(t, uint64(1), m.GetHistogram().GetSampleCount())
	assert.Positive(t, m.GetHistogram().GetSampleSum())

	m, ok = sample(families, "fourplusn_outbox_pending_deliveries", map[string]string{})
	require.True(t, ok)
	assert.Positive(t, m.GetGauge().GetValue(), "the registration's notifications wait")
	m, ok = sample(families, "fourplusn_outbox_failed_deliveries", map[string]string{})
	require.True(t, ok)
	assert.Zero(t, m.GetGauge().GetValue())
	for pool, max := range map[string]float64{"write": 1, "read": 0} {
		m, ok := sample(families, "fourplusn_db_max_open_connections", map[string]string{"pool": pool})
		require.True(t, ok, pool)
		if max > 0 {
			assert.Equal(t, max, m.GetGauge().GetValue(), "SQLite writes through one connection")
		}
		m, ok = sample(families, "fourplusn_db_open_connections", map[string]string{"pool": pool})
		require.True(t, ok, pool)
		assert.Positive(t, m.GetGauge().GetValue(), pool)
		_, ok = sample(families, "fourplusn_db_wait_duration_seconds_total", map[string]string{"pool": pool})
		assert.True(t, ok, pool)
	}
	m, ok = sample(families, "fourplusn_deadline_lag_seconds", map[string]string{})
	require.True(t, ok)
	assert.Zero(t, m.GetGauge().GetValue(), "no runner, no lag")
	_, ok = sample(families, "fourplusn_go_goroutines", map[string]string{})
	assert.True(t, ok, "the runtime's own, under the pilot's prefix")
}

// The deadline runner's ticks are measured, and a runner that stops
// keeping time shows as a lag that grows.
func TestMetricsDeadlineLag(t *testing.T) {
	app, ts := newPilot(t)
	var townships []grid.CellID
	for _, r := range app.Grid.Directory().Townships() {
		townships = append(townships, r.ID)
	}
	r := deadlines.New(app.Cases, app.Hazards, app.DB.DeadlineActions(), app.DB.Outbox(), townships...)
	r.Interval, r.Log = 20*time.Millisecond, slog.New(slog.DiscardHandler)
	app.Metrics.WatchDeadlines(r)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	metric := func(name string) *dto.Metric {
		m, ok := sample(scrape(t, ts.URL), name, map[string]string{})
		require.True(t, ok, name)
		return m
	}
	require.Eventually(t, func() bool {
		return metric("fourplusn_deadline_tick_duration_seconds").GetHistogram().GetSampleCount() >= 2
	}, 10*time.Second, 10*time.Millisecond, "the ticks are measured")
	assert.Less(t, metric("fourplusn_deadline_lag_seconds").GetGauge().GetValue(), 1.0, "a runner that keeps time")
	assert.Zero(t, metric("fourplusn_deadline_tick_errors_total").GetCounter().GetValue())

	stop()
	require.ErrorIs(t, <-done, context.Canceled)
	require.Eventually(t, func() bool {
		return metric("fourplusn_deadline_lag_seconds").GetGauge().GetValue() > 0.05
	}, 10*time.Second, 10*time.Millisecond, "a runner that stopped falls behind")
}

// /readyz answers 200 while the database answers and 503, with
// Retry-After, once it is closed or the server is shutting down; /healthz
// touches nothing and stays 200. Neither waits for the setup of a first
// start.
func TestReadyz(t *testing.T) {
	read := func(t *testing.T, u string) (*http.Response, string) {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	t.Run("database closed", func(t *testing.T) {
		app, ts := newPilot(t)
		resp, body := read(t, ts.URL+"/readyz")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.JSONEq(t, `{"status":"ok"}`, body)
		require.NoError(t, app.DB.Close())
		resp, body = read(t, ts.URL+"/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Equal(t, httpapi.RetryUnavailable, resp.Header.Get("Retry-After"))
		assert.JSONEq(t, `{"status":"unavailable"}`, body)
		resp, _ = read(t, ts.URL+"/healthz")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "alive all the same")
	})
	t.Run("shutting down, and before the setup", func(t *testing.T) {
		app, _, err := pilot.Open(context.Background(), filepath.Join(t.TempDir(), "pilot.db"), slog.New(slog.DiscardHandler), pilot.Options{PasswordCost: bcrypt.MinCost})
		require.NoError(t, err)
		defer app.Close()
		require.True(t, app.NeedsSetup())
		srv, err := pilot.NewServer(app, pilot.ServerOptions{})
		require.NoError(t, err)
		ts := httptest.NewServer(srv)
		defer ts.Close()
		for _, p := range []string{"/readyz", "/metrics"} {
			resp, _ := read(t, ts.URL+p)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "%s is no page to set up first", p)
			assert.Empty(t, resp.Cookies(), "%s sets no cookie", p)
		}
		resp, err := http.Post(ts.URL+"/readyz", "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
		srv.Shutdown()
		resp, _ = read(t, ts.URL+"/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	})
}

// A full disk — a real SQLite file that may grow no further
// (max_page_count) — answers the API's registrations and a resident's
// application page 503 with Retry-After, and the page says so in
// Chinese; nothing of the refused writes is stored, every timeline still
// verifies, and once there is room again the writes go through.
func TestFullDisk(t *testing.T) {
	app, ts := newPilot(t)
	token := dutyToken(t, app)
	db := app.DB.Bun()
	var pages, before int
	require.NoError(t, db.QueryRow("PRAGMA page_count").Scan(&pages))
	_, err := db.Exec("PRAGMA max_page_count = ?", pages)
	require.NoError(t, err)

	var refused *http.Response
	for i := range 500 {
		if resp := apiCall(t, ts.URL, token, http.MethodPost, "/api/v1/cases", walkIn(fmt.Sprintf("第 %d 件。", i))); resp.StatusCode != http.StatusCreated {
			refused = resp
			break
		}
	}
	require.NotNil(t, refused, "the database filled up")
	assert.Equal(t, http.StatusServiceUnavailable, refused.StatusCode)
	assert.Equal(t, httpapi.RetryUnavailable, refused.Header.Get("Retry-After"))
	require.NoError(t, db.QueryRow("SELECT count(*) FROM cases").Scan(&before))

	c := newClient(t, ts.URL)
	form := url.Values{
		"csrf": {c.csrf()}, "key": {"full-disk-form-0001"}, "name": {"测试申请人"}, "phone": {"13912345678"},
		"respondent": {"测试对方"}, "consent": {mediation.CurrentPrivacyNotice.Version}, "category": {"debt"}, "location": {"nanguan-1"}, "facts": {"借款未还。"},
	}
	resp, body := c.post("/apply", form)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, httpapi.RetryUnavailable, resp.Header.Get("Retry-After"))
	assert.Contains(t, body, "系统暂时无法保存，请稍后再试。")
	var after int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM cases").Scan(&after))
	assert.Equal(t, before, after, "nothing of the refused writes is stored")
	checked, broken, err := app.VerifyAll(context.Background())
	require.NoError(t, err)
	assert.Empty(t, broken, "of %d timelines", checked)

	_, err = db.Exec("PRAGMA max_page_count = 1000000")
	require.NoError(t, err)
	resp, body = c.post("/apply", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.NotNil(t, trackingCode.FindStringSubmatch(body), "with room again, the application is registered")
	assert.Equal(t, http.StatusCreated, apiCall(t, ts.URL, token, http.MethodPost, "/api/v1/cases", walkIn("又一件。")).StatusCode)
}

// benchServer returns the pilot's handler on the demo township.
func benchServer(b *testing.B) http.Handler {
	app, _, err := pilot.Open(context.Background(), filepath.Join(b.TempDir(), "pilot.db"), slog.New(slog.DiscardHandler), pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost})
	require.NoError(b, err)
	b.Cleanup(func() { app.Close() })
	srv, err := pilot.NewServer(app, pilot.ServerOptions{})
	require.NoError(b, err)
	return srv
}

// BenchmarkMeasuredRequest is the cheapest request of the pages' mux,
// /healthz, through every layer of the pilot: measured by its pattern,
// routed to the API, measured there by its route.
func BenchmarkMeasuredRequest(b *testing.B) {
	srv := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkScrape is one scrape of /metrics after requests of a few
// routes: the registry gathered and written, the pools read, and the
// outbox counted twice.
func BenchmarkScrape(b *testing.B) {
	srv := benchServer(b)
	for _, p := range []string{"/healthz", "/login", "/apply", "/track?code=x", "/nothing"} {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
