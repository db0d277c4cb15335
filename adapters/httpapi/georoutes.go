package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/paulmach/orb"
	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// geoJSONType is GeoJSON's media type (RFC 7946).
const geoJSONType = "application/geo+json"

func (s *server) routeGeo(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/grid/cells.geojson", s.cellsGeoJSON)
	s.handle(g, http.MethodPut, "/grid/cells/:id/boundary", s.putBoundary)
}

// featureJSON is a cell on the map: its boundary, always written as a
// MultiPolygon so that every feature reads alike, and what it is.
type featureJSON struct {
	Type       string           `json:"type"`
	ID         string           `json:"id"`
	Geometry   multiPolygonJSON `json:"geometry"`
	Properties cellPropsJSON    `json:"properties"`
}

// multiPolygonJSON is a GeoJSON MultiPolygon: polygons of rings of
// [longitude, latitude] positions in WGS-84.
type multiPolygonJSON struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"`
}

// cellPropsJSON is what a feature says of its cell: the open cases and
// hazards handled in its subtree, the cell's own included.
type cellPropsJSON struct {
	Name        string `json:"name"`
	Level       int    `json:"level"`
	Parent      string `json:"parent,omitempty"`
	OpenCases   int    `json:"open_cases"`
	OpenHazards int    `json:"open_hazards"`
}

// featureCollectionJSON is the township's map.
type featureCollectionJSON struct {
	Type     string        `json:"type"`
	Features []featureJSON `json:"features"`
}

// cellsGeoJSON is GET /grid/cells.geojson: the actor's township's cells
// that have a boundary, as a GeoJSON FeatureCollection. Staff only.
func (s *server) cellsGeoJSON(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	ctx := req.Context()
	bounds, err := s.cfg.Geo.Boundaries(ctx, actor.Township)
	if err != nil {
		return err
	}
	cases, err := geo.OpenWork(ctx, actor.Township, s.cfg.Cases)
	if err != nil {
		return err
	}
	var hazards map[grid.CellID]int
	if s.cfg.Hazards != nil {
		if hazards, err = geo.OpenWork(ctx, actor.Township, s.cfg.Hazards); err != nil {
			return err
		}
	}
	tree := s.cfg.Grid.Directory().Tree()
	out := featureCollectionJSON{Type: "FeatureCollection", Features: []featureJSON{}}
	for _, b := range bounds {
		c, err := tree.Cell(b.Cell)
		if err != nil || c.Retired {
			continue
		}
		out.Features = append(out.Features, featureJSON{
			Type: "Feature", ID: string(c.ID), Geometry: multiPolygonOf(b.Shape),
			Properties: cellPropsJSON{
				Name: c.Name, Level: int(c.Level()), Parent: string(c.Parent()),
				OpenCases: cases[c.ID], OpenHazards: hazards[c.ID],
			},
		})
	}
	w.Header().Set("Content-Type", geoJSONType)
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(out)
}

func multiPolygonOf(s geo.Shape) multiPolygonJSON {
	m := multiPolygonJSON{Type: "MultiPolygon", Coordinates: make([][][][]float64, len(s))}
	for i, p := range s {
		m.Coordinates[i] = make([][][]float64, len(p))
		for j, r := range p {
			m.Coordinates[i][j] = make([][]float64, len(r))
			for k, pt := range r {
				m.Coordinates[i][j][k] = []float64{pt.Lon(), pt.Lat()}
			}
		}
	}
	return m
}

// putBoundary is PUT /grid/cells/{id}/boundary: the cell's boundary, a
// GeoJSON Polygon or MultiPolygon or a Feature of one, in WGS-84 or, with
// ?coords=gcj02, in the GCJ-02 of Chinese web maps, converted. Needs
// ManageGrid at the township, as the grid's other administration does.
func (s *server) putBoundary(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := s.townshipManager(req)
	if err != nil {
		return err
	}
	_, c, err := cellOf(s.cfg.Grid.Directory(), req)
	if err != nil {
		return err
	}
	var convert func(orb.Point) orb.Point
	switch req.URL.Query().Get("coords") {
	case "", "wgs84":
	case "gcj02":
		convert = geo.FromGCJ02
	default:
		return fourplusn.FieldError("coords", "coordinates are wgs84 or gcj02")
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != geoJSONType && mt != "application/json" {
		return errMediaType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return fourplusn.Errorf(fourplusn.Invalid, "the body could not be read")
	}
	shape, err := geo.Parse(body)
	if err != nil {
		return err
	}
	if convert != nil {
		shape = shape.Map(convert)
	}
	if err := s.cfg.Geo.SetBoundary(req.Context(), actor, geo.Boundary{Cell: c.ID, Shape: shape}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
