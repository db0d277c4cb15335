package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// documented returns the operations of the OpenAPI document e serves, as
// "METHOD /path".
func documented(t *testing.T, e *env) []string {
	t.Helper()
	res := e.anonymous().get("/api/v1/openapi.json")
	require.Equal(t, http.StatusOK, res.Code, res)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	res.decode(t, &doc)
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), "an OpenAPI 3 document")
	var ops []string
	for p, item := range doc.Paths {
		for method := range item {
			ops = append(ops, strings.ToUpper(method)+" "+p)
		}
	}
	slices.Sort(ops)
	return ops
}

// TestOpenAPIMatchesRoutes checks that every route registered is
// documented and every documented route is registered, with every part
// of the API and with the optional parts left out.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []option
	}{
		{"full", nil},
		{"without the optional parts", []option{func(c *httpapi.Config) {
			c.Hazards, c.Stats, c.Outbox, c.Inbox, c.Rosters, c.Accounts, c.Geo = nil, nil, nil, nil, nil, nil, nil
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			e.validate = tc.opts == nil // the shared validator knows the full document
			routes := slices.Clone(routesOf(e))
			slices.Sort(routes)
			require.NotEmpty(t, routes)
			assert.Equal(t, routes, documented(t, e))
			if tc.opts != nil {
				for _, r := range routes {
					assert.NotContains(t, r, "/hazards")
					assert.NotContains(t, r, "/stats/")
					assert.NotContains(t, r, "/notifications/")
					assert.NotContains(t, r, "/inbox")
					assert.NotContains(t, r, "/grid/roster")
					assert.NotContains(t, r, "geojson")
					assert.NotContains(t, r, "/boundary")
					assert.NotContains(t, r, "/tokens")
					assert.NotContains(t, r, "/password")
				}
			}
		})
	}
}

// TestOpenAPIRoutesExist sends a request to every documented operation and
// checks that the router knows it: the answer is never "no such route" or
// 405, whatever else it is.
func TestOpenAPIRoutesExist(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "agreed")
	h := e.seedHazard(t, "open")
	for _, op := range documented(t, e) {
		method, path, _ := strings.Cut(op, " ")
		id := string(c.ID)
		if strings.Contains(path, "/hazards/") {
			id = string(h.ID)
		}
		if strings.Contains(path, "/grid/cells/") {
			id = "mayuan"
		}
		path = strings.NewReplacer("{id}", id, "{code}", c.TrackingCode).Replace(path)
		res := e.as("gc-secretary").do(method, path, nil)
		assert.NotEqual(t, http.StatusMethodNotAllowed, res.Code, op)
		if res.Code == http.StatusNotFound {
			assert.NotContains(t, string(res.Body), "no such route", op)
		}
	}
}

// TestOpenAPIDocumentIsValid loads the document with kin-openapi and
// validates it as OpenAPI 3.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, _ := spec(t)
	assert.NotEmpty(t, doc.Paths.Map())
	assert.Contains(t, doc.Components.Schemas, "Case")
	assert.Contains(t, doc.Components.Schemas, "Error")
}

// TestUnknownRouteAndMethod checks the error shape of the router's own
// refusals.
func TestUnknownRouteAndMethod(t *testing.T) {
	e := newEnv(t)
	res := e.as("gc-secretary").get("/api/v1/nothing")
	assert.Equal(t, http.StatusNotFound, res.Code)
	assert.Equal(t, "not_found", res.errorCode())
	res = e.as("gc-secretary").do(http.MethodDelete, "/api/v1/cases", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, res.Code)
	assert.Equal(t, "method_not_allowed", res.errorCode())
}
