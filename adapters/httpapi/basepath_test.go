package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// TestBasePathValidated: New takes a base path only if it is clean,
// starts with "/", does not end with one and holds no character bunrouter
// or a URL would read otherwise.
func TestBasePathValidated(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"", true},
		{"/township", true},
		{"/township/api", true},
		{"/a-b_c.d~e/f2", true},
		{"township", false},
		{"/", false},
		{"/township/", false},
		{"//township", false},
		{"/township//api", false},
		{"/township/./api", false},
		{"/township/..", false},
		{"/township/:id", false},
		{"/township/*", false},
		{"/town ship", false},
		{"/town%20ship", false},
		{"/town?ship", false},
		{"/古城", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			e := newEnv(t)
			cfg := httpapi.Config{Cases: e.cases, Grid: e.grid, Auth: e.auth, BasePath: tc.path}
			_, err := httpapi.New(cfg)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, "BasePath")
			}
		})
	}
}

// TestBasePath serves the API below a base path: every route is there and
// nowhere else, answers name locations below it, the route list is the
// same as without it, and the OpenAPI document names it as its server,
// with the same paths as ever.
func TestBasePath(t *testing.T) {
	const base = "/township/api"
	plain := newEnv(t)
	e := newEnv(t, func(c *httpapi.Config) { c.BasePath = base })
	e.validate = false // the shared validator knows the document without a base path

	assert.Equal(t, http.StatusOK, e.anonymous().get(base+"/healthz").Code)
	for _, p := range []string{"/healthz", "/api/v1/openapi.json", "/api/v1/cases", base, base + "/api/v1/nothing"} {
		res := e.as("mayuan-1-head").get(p)
		assert.Equal(t, http.StatusNotFound, res.Code, p)
		assert.Equal(t, "not_found", res.errorCode(), p)
	}

	res := e.as("mayuan-1-head").post(base+"/api/v1/cases", valid)
	require.Equal(t, http.StatusCreated, res.Code, res)
	loc := res.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, base+"/api/v1/cases/"), loc)
	got := e.as("mayuan-1-head").get(loc)
	assert.Equal(t, http.StatusOK, got.Code, got)
	assert.Equal(t, res.Header.Get("ETag"), got.Header.Get("ETag"))

	assert.Equal(t, routesOf(plain), routesOf(e))

	var doc struct {
		Servers []struct{ URL string }
		Paths   map[string]any
	}
	e.anonymous().get(base+"/api/v1/openapi.json").decode(t, &doc)
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, base, doc.Servers[0].URL)
	assert.Contains(t, doc.Paths, "/api/v1/cases/{id}")
	assert.Contains(t, doc.Paths, "/healthz")

	doc.Servers = nil
	plain.anonymous().get("/api/v1/openapi.json").decode(t, &doc)
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, "/", doc.Servers[0].URL)
}
