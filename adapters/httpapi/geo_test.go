package httpapi_test

import (
	"math"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid/geo"
)

// mayuanSquare is a boundary for 马园 in WGS-84.
const mayuanSquare = `{"type":"Polygon","coordinates":[[[114.00,32.90],[114.02,32.90],[114.02,32.92],[114.00,32.92],[114.00,32.90]]]}`

func TestPutBoundary(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-admin")
	put := func(c *client, path, body string) *response {
		return c.do(http.MethodPut, path, raw{contentType: "application/geo+json", body: []byte(body)})
	}
	res := put(admin, "/api/v1/grid/cells/mayuan/boundary", mayuanSquare)
	require.Equal(t, http.StatusNoContent, res.Code, res)

	for _, tt := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"not GeoJSON", "/api/v1/grid/cells/mayuan/boundary", `{"type":`, 400, "geometry"},
		{"a point", "/api/v1/grid/cells/mayuan/boundary", `{"type":"Point","coordinates":[114,32]}`, 400, "geometry"},
		{"an open ring", "/api/v1/grid/cells/mayuan/boundary", `{"type":"Polygon","coordinates":[[[114,32],[114.1,32],[114.1,32.1],[114,32.1]]]}`, 400, "coordinates"},
		{"an unknown datum", "/api/v1/grid/cells/mayuan/boundary?coords=bd09", mayuanSquare, 400, "coords"},
		{"an unknown cell", "/api/v1/grid/cells/nowhere/boundary", mayuanSquare, 404, ""},
		{"another township's cell", "/api/v1/grid/cells/lz-qiaotou/boundary", mayuanSquare, 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := put(admin, tt.path, tt.body)
			assert.Equal(t, tt.status, res.Code, res)
			assert.Equal(t, tt.field, res.errorField(), res)
		})
	}
	t.Run("only the township's grid managers", func(t *testing.T) {
		for _, who := range []string{"mayuan-head", "gc-mediator", "gc-duty-1"} {
			assert.Equal(t, http.StatusForbidden, put(e.as(who), "/api/v1/grid/cells/mayuan/boundary", mayuanSquare).Code, who)
		}
		assert.Equal(t, http.StatusUnauthorized, put(e.anonymous(), "/api/v1/grid/cells/mayuan/boundary", mayuanSquare).Code)
		// Another township's manager does not see the cell at all.
		assert.Equal(t, http.StatusNotFound, put(e.as("lz-secretary"), "/api/v1/grid/cells/mayuan/boundary", mayuanSquare).Code)
	})
	t.Run("not sent as JSON", func(t *testing.T) {
		res := admin.do(http.MethodPut, "/api/v1/grid/cells/mayuan/boundary", raw{contentType: "text/plain", body: []byte(mayuanSquare)})
		assert.Equal(t, http.StatusUnsupportedMediaType, res.Code, res)
	})
}

// mapOf reads the township's map as c sees it.
func mapOf(t *testing.T, c *client) map[string]featureOut {
	t.Helper()
	res := c.get("/api/v1/grid/cells.geojson")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "application/geo+json", res.Header.Get("Content-Type"))
	var fc struct {
		Type     string       `json:"type"`
		Features []featureOut `json:"features"`
	}
	res.decode(t, &fc)
	require.Equal(t, "FeatureCollection", fc.Type)
	out := map[string]featureOut{}
	for _, f := range fc.Features {
		out[f.ID] = f
	}
	return out
}

type featureOut struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates [][][][]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		Name        string `json:"name"`
		Level       int    `json:"level"`
		OpenCases   int    `json:"open_cases"`
		OpenHazards int    `json:"open_hazards"`
	} `json:"properties"`
}

func TestCellsGeoJSON(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-admin")
	for _, id := range []string{"gucheng", "mayuan", "honggoumiao"} {
		res := admin.do(http.MethodPut, "/api/v1/grid/cells/"+id+"/boundary", raw{contentType: "application/json", body: []byte(mayuanSquare)})
		require.Equal(t, http.StatusNoContent, res.Code, res)
	}
	e.seedCase(t, "registered")
	e.seedHazard(t, "open")
	m := mapOf(t, e.as("gc-secretary"))
	require.Len(t, m, 3)
	mayuan := m["mayuan"]
	assert.Equal(t, "Feature", mayuan.Type)
	assert.Equal(t, "马园村委", mayuan.Properties.Name)
	assert.Equal(t, 3, mayuan.Properties.Level)
	assert.Equal(t, "MultiPolygon", mayuan.Geometry.Type)
	assert.Equal(t, []float64{114.02, 32.92}, mayuan.Geometry.Coordinates[0][0][2])
	// The seeded case and hazard are handled within 马园 or above it: the
	// township counts every open one, 洪沟庙 none of 马园's.
	assert.Equal(t, 1, m["gucheng"].Properties.OpenCases)
	assert.Equal(t, 1, m["gucheng"].Properties.OpenHazards)
	assert.Zero(t, m["honggoumiao"].Properties.OpenCases)
	// The neighbouring township sees none of Gucheng's cells.
	assert.Empty(t, mapOf(t, e.as("lz-secretary")))
	assert.Equal(t, http.StatusUnauthorized, e.anonymous().get("/api/v1/grid/cells.geojson").Code)
}

func TestPutBoundaryConvertsGCJ02(t *testing.T) {
	e := newEnv(t)
	res := e.as("gc-admin").do(http.MethodPut, "/api/v1/grid/cells/mayuan/boundary?coords=gcj02", raw{contentType: "application/geo+json", body: []byte(mayuanSquare)})
	require.Equal(t, http.StatusNoContent, res.Code, res)
	got := mapOf(t, e.as("gc-secretary"))["mayuan"].Geometry.Coordinates[0][0][2]
	want := geo.FromGCJ02(orb.Point{114.02, 32.92})
	assert.InDelta(t, want.Lon(), got[0], 1e-12)
	assert.InDelta(t, want.Lat(), got[1], 1e-12)
	// The offset corrected is hundreds of metres: about 0.005° here.
	assert.Greater(t, math.Abs(got[0]-114.02), 0.001)
}
