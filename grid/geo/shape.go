package geo

import (
	"encoding/json"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/fourplusn/fourplusn"
)

// Shape is a cell's boundary: one or more polygons, each an outer ring and
// the holes cut out of it, in WGS-84 longitude and latitude.
type Shape orb.MultiPolygon

// maxVertices bounds the vertices of one shape: a township's cells are
// traced by hand, and a shape this large is a mistake, not a boundary.
const maxVertices = 100_000

// Parse reads a boundary from GeoJSON: a Polygon or MultiPolygon geometry,
// or a Feature holding one. Returns Invalid naming "geometry" for JSON
// that is no such GeoJSON and "coordinates" for rings that bound nothing
// (see Validate).
func Parse(data []byte) (Shape, error) {
	var probe struct {
		Type     string          `json:"type"`
		Geometry json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fourplusn.FieldError("geometry", "not GeoJSON: %v", err)
	}
	var g orb.Geometry
	switch probe.Type {
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			return nil, fourplusn.FieldError("geometry", "not a GeoJSON feature: %v", err)
		}
		g = f.Geometry
	case "Polygon", "MultiPolygon":
		gg, err := geojson.UnmarshalGeometry(data)
		if err != nil {
			return nil, fourplusn.FieldError("geometry", "not a GeoJSON geometry: %v", err)
		}
		g = gg.Geometry()
	default:
		return nil, fourplusn.FieldError("geometry", "a boundary is a Polygon, a MultiPolygon or a Feature of one, not %q", probe.Type)
	}
	var s Shape
	switch g := g.(type) {
	case orb.Polygon:
		s = Shape{g}
	case orb.MultiPolygon:
		s = Shape(g)
	default:
		return nil, fourplusn.FieldError("geometry", "a boundary is a Polygon or a MultiPolygon")
	}
	return s, s.Validate()
}

// Validate checks that s bounds something on the earth: at least one
// polygon; every ring closed, of four positions or more; every position a
// longitude within ±180 and a latitude within ±90. Returns Invalid naming
// "coordinates".
func (s Shape) Validate() error {
	if len(s) == 0 {
		return fourplusn.FieldError("coordinates", "a boundary has at least one polygon")
	}
	n := 0
	for i, p := range s {
		if len(p) == 0 {
			return fourplusn.FieldError("coordinates", "polygon %d has no rings", i)
		}
		for j, r := range p {
			if len(r) < 4 || !r.Closed() {
				return fourplusn.FieldError("coordinates", "ring %d of polygon %d is not closed by four positions or more", j, i)
			}
			for _, pt := range r {
				if pt.Lon() < -180 || pt.Lon() > 180 || pt.Lat() < -90 || pt.Lat() > 90 {
					return fourplusn.FieldError("coordinates", "position %v of polygon %d is not a longitude and latitude", pt, i)
				}
			}
			n += len(r)
		}
	}
	if n > maxVertices {
		return fourplusn.FieldError("coordinates", "more than %d positions", maxVertices)
	}
	return nil
}

// Contains reports whether p lies in s: inside an outer ring and not in
// one of its holes. A point on a ring, a hole's included, is in.
func (s Shape) Contains(p orb.Point) bool {
	return planar.MultiPolygonContains(orb.MultiPolygon(s), p)
}

// Bound returns the smallest rectangle holding s.
func (s Shape) Bound() orb.Bound { return orb.MultiPolygon(s).Bound() }

// MarshalJSON writes s as a GeoJSON geometry: a Polygon when it is one, a
// MultiPolygon otherwise.
func (s Shape) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.Geometry())
}

// Geometry returns s as a GeoJSON geometry: a Polygon when it is one, a
// MultiPolygon otherwise.
func (s Shape) Geometry() *geojson.Geometry {
	if len(s) == 1 {
		return geojson.NewGeometry(s[0])
	}
	return geojson.NewGeometry(orb.MultiPolygon(s))
}

// Map applies f to every position of s, in a new shape.
func (s Shape) Map(f func(orb.Point) orb.Point) Shape {
	out := make(Shape, len(s))
	for i, p := range s {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, pt := range r {
				out[i][j][k] = f(pt)
			}
		}
	}
	return out
}

// Clone returns a copy of s that shares no positions with it.
func (s Shape) Clone() Shape { return s.Map(func(p orb.Point) orb.Point { return p }) }
