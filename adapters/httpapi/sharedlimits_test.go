package httpapi_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// With Config.Limits, two API handlers — two instances behind a load
// balancer, each with its own handle on one database — count a client's
// requests together: the burst of the progress lookup is spent through
// both, and then refused through both; another client keeps its own.
func TestSharedLimitsAcrossInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "limits.db")
	instance := func() *env {
		db, err := bunstore.Open(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return newEnv(t, func(c *httpapi.Config) { c.PublicRate, c.PublicBurst, c.Limits = 0.001, 4, db.Limits() })
	}
	a, b := instance(), instance()
	for i, e := range []*env{a, b, a, b} {
		res := e.anonymous().from("203.0.113.40:4000").get("/api/v1/track/NOSUCHCODE")
		require.Equal(t, http.StatusNotFound, res.Code, "lookup %d is within the burst: %s", i+1, res)
	}
	for name, e := range map[string]*env{"the first": a, "the second": b} {
		res := e.anonymous().from("203.0.113.40:4001").get("/api/v1/track/NOSUCHCODE")
		assert.Equal(t, http.StatusTooManyRequests, res.Code, "%s instance refuses past the shared burst", name)
	}
	res := b.anonymous().from("198.51.100.40:4000").get("/api/v1/track/NOSUCHCODE")
	assert.Equal(t, http.StatusNotFound, res.Code, "another client is not held back")
}
