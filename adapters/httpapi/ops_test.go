package httpapi_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// observation is one call of Config.Observe.
type observation struct {
	method, route string
	status        int
	took          time.Duration
}

// observer records what Config.Observe is told.
type observer struct {
	mu   sync.Mutex
	seen []observation
}

func (o *observer) option(c *httpapi.Config) {
	c.Observe = func(r *http.Request, route string, status int, took time.Duration) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.seen = append(o.seen, observation{r.Method, route, status, took})
	}
}

// last returns the latest observation.
func (o *observer) last(t *testing.T) observation {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	require.NotEmpty(t, o.seen, "Observe was called")
	return o.seen[len(o.seen)-1]
}

// Observe is told of every request once, by its route pattern — never
// the raw path, which holds IDs — with the status answered.
func TestObserve(t *testing.T) {
	var o observer
	e := newEnv(t, o.option)
	duty := e.as("gc-duty-1")
	created := duty.post("/api/v1/cases", walkIn())
	require.Equal(t, http.StatusCreated, created.Code, created)
	id, _ := created.object(t)["id"].(string)
	require.NotEmpty(t, id)
	for _, tc := range []struct {
		name, method, target, route string
		status                      int
	}{
		{"registered", http.MethodPost, "", "/api/v1/cases", http.StatusCreated},
		{"a case", http.MethodGet, "/api/v1/cases/" + id, "/api/v1/cases/:id", http.StatusOK},
		{"its timeline", http.MethodGet, "/api/v1/cases/" + id + "/timeline", "/api/v1/cases/:id/timeline", http.StatusOK},
		{"no such case", http.MethodGet, "/api/v1/cases/C999999999", "/api/v1/cases/:id", http.StatusNotFound},
		{"no such route", http.MethodGet, "/api/v1/nothing/here", "", http.StatusNotFound},
		{"anonymous", http.MethodGet, "/api/v1/cases", "/api/v1/cases", http.StatusUnauthorized},
		{"health", http.MethodGet, "/healthz", "/healthz", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			switch {
			case tc.target == "":
			case tc.status == http.StatusUnauthorized:
				e.anonymous().get(tc.target)
			default:
				duty.do(tc.method, tc.target, nil)
			}
			got := o.last(t)
			assert.Equal(t, tc.method, got.method)
			assert.Equal(t, tc.route, got.route)
			assert.Equal(t, tc.status, got.status)
			assert.Positive(t, got.took)
		})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	assert.Len(t, o.seen, 7, "once per request")
}

// A registration the store has no room for is a 503 with Retry-After,
// in the one error shape the OpenAPI document describes; once there is
// room again the same request, under the same Idempotency-Key, is
// registered. The database is a real SQLite file, made full by
// max_page_count on the writer's connection.
func TestFullDiskAnswers503(t *testing.T) {
	db, err := bunstore.Open(ctx, filepath.Join(t.TempDir(), "full.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	var o observer
	e := newEnvOn(t, bunStores(db), o.option)
	duty := e.as("gc-duty-1")
	require.Equal(t, http.StatusCreated, duty.post("/api/v1/cases", walkIn()).Code)
	var pages int
	require.NoError(t, db.Bun().QueryRow("PRAGMA page_count").Scan(&pages))
	_, err = db.Bun().Exec("PRAGMA max_page_count = ?", pages)
	require.NoError(t, err)

	var refused *response
	var key string
	for i := range 500 {
		key = fmt.Sprintf("full-disk-%d", i)
		if res := duty.post("/api/v1/cases", walkIn(), "Idempotency-Key", key); res.Code != http.StatusCreated {
			refused = res
			break
		}
	}
	require.NotNil(t, refused, "the database filled up")
	assert.Equal(t, http.StatusServiceUnavailable, refused.Code, refused)
	assert.Equal(t, "unavailable", refused.errorCode())
	assert.Equal(t, httpapi.RetryUnavailable, refused.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusServiceUnavailable, o.last(t).status, "observed as answered")
	assert.Contains(t, e.logs.String(), "database or disk is full", "the log tells the operator why")
	listed := duty.get("/api/v1/cases?limit=100")
	require.Equal(t, http.StatusOK, listed.Code, "reads go on")
	var page struct{ Cases []map[string]any }
	listed.decode(t, &page)
	stored := len(page.Cases)

	_, err = db.Bun().Exec("PRAGMA max_page_count = 1000000")
	require.NoError(t, err)
	again := duty.post("/api/v1/cases", walkIn(), "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, again.Code, again)
	duty.get("/api/v1/cases?limit=100").decode(t, &page)
	assert.Len(t, page.Cases, stored+1, "the refused registration had left nothing; now it is one case")
}
