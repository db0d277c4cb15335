package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/fourplusn/fourplusn"
	fgeo "github.com/fourplusn/fourplusn/grid/geo"
)

// square is the closed ring of the square [x0,x1]×[y0,y1], anticlockwise.
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}.ToRing()
}

func TestContains(t *testing.T) {
	// A 4×4 square with a 2×2 hole in its middle, and a second polygon,
	// a triangle, apart from it.
	holed := orb.Polygon{square(0, 0, 4, 4), square(1, 1, 3, 3)}
	triangle := orb.Polygon{{{10, 0}, {14, 0}, {12, 4}, {10, 0}}}
	shape := fgeo.Shape{holed, triangle}
	tests := []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"inside the ring, outside the hole", orb.Point{0.5, 0.5}, true},
		{"on an outer edge", orb.Point{2, 0}, true},
		{"on a vertical outer edge", orb.Point{4, 2}, true},
		{"on an outer vertex", orb.Point{0, 0}, true},
		{"on the far outer vertex", orb.Point{4, 4}, true},
		{"inside the hole", orb.Point{2, 2}, false},
		{"on the hole's edge", orb.Point{1, 2}, false}, // the hole's ring holds it, so the polygon does not
		{"on the hole's vertex", orb.Point{3, 3}, false},
		{"just outside the outer edge", orb.Point{4.000001, 2}, false},
		{"level with a vertex, outside", orb.Point{-1, 0}, false},
		{"in the second polygon", orb.Point{12, 1}, true},
		{"on the second polygon's slanted edge", orb.Point{11, 2}, true},
		{"on the second polygon's apex", orb.Point{12, 4}, true},
		{"between the polygons", orb.Point{7, 1}, false},
		{"level with the apex, beside it", orb.Point{11, 4}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shape.Contains(tt.p); got != tt.want {
				t.Errorf("Contains(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	good := []struct{ name, json string }{
		{"polygon", `{"type":"Polygon","coordinates":[[[114,32],[114.1,32],[114.1,32.1],[114,32],[114,32]]]}`},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[114,32],[114.1,32],[114.1,32.1],[114,32]]],[[[115,32],[115.1,32],[115.1,32.1],[115,32]]]]}`},
		{"feature", `{"type":"Feature","properties":{"name":"马园"},"geometry":{"type":"Polygon","coordinates":[[[114,32],[114.1,32],[114.1,32.1],[114,32]]]}}`},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fgeo.Parse([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if !s.Contains(orb.Point{114.08, 32.01}) {
				t.Error("the parsed shape does not hold a point inside it")
			}
		})
	}
	bad := []struct{ name, json, field string }{
		{"not JSON", `{"type":`, "geometry"},
		{"a point", `{"type":"Point","coordinates":[114,32]}`, "geometry"},
		{"a feature of a line", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[114,32],[115,33]]}}`, "geometry"},
		{"a feature without geometry", `{"type":"Feature","geometry":null}`, "geometry"},
		{"coordinates of the wrong depth", `{"type":"Polygon","coordinates":[[114,32],[115,33]]}`, "geometry"},
		{"an open ring", `{"type":"Polygon","coordinates":[[[114,32],[114.1,32],[114.1,32.1],[114,32.1]]]}`, "coordinates"},
		{"a ring of three", `{"type":"Polygon","coordinates":[[[114,32],[114.1,32],[114,32]]]}`, "coordinates"},
		{"latitude and longitude swapped past 90", `{"type":"Polygon","coordinates":[[[32,114],[32,114.1],[32.1,114.1],[32,114]]]}`, "coordinates"},
		{"no polygons", `{"type":"MultiPolygon","coordinates":[]}`, "coordinates"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fgeo.Parse([]byte(tt.json))
			if fourplusn.ErrorCode(err) != fourplusn.Invalid || fourplusn.ErrorField(err) != tt.field {
				t.Errorf("Parse = %v, want Invalid naming %q", err, tt.field)
			}
		})
	}
}

func TestShapeJSONRoundTrip(t *testing.T) {
	for _, s := range []fgeo.Shape{
		{orb.Polygon{square(0, 0, 4, 4), square(1, 1, 3, 3)}},
		{orb.Polygon{square(0, 0, 1, 1)}, orb.Polygon{square(2, 2, 3, 3)}},
	} {
		data, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := fgeo.Parse(data)
		if err != nil {
			t.Fatalf("Parse(%s): %v", data, err)
		}
		if !orb.Equal(orb.MultiPolygon(back), orb.MultiPolygon(s)) {
			t.Errorf("%s read back as %v", data, back)
		}
	}
}

func TestGCJ02KnownPosition(t *testing.T) {
	// The published algorithm's reference position, in Beijing: WGS-84
	// 39.915 N 116.404 E is GCJ-02 39.91640428150164 N 116.41024449916938 E.
	g := fgeo.ToGCJ02(orb.Point{116.404, 39.915})
	if math.Abs(g.Lon()-116.41024449916938) > 1e-12 || math.Abs(g.Lat()-39.91640428150164) > 1e-12 {
		t.Errorf("ToGCJ02 = %.14f, %.14f", g.Lon(), g.Lat())
	}
	// The offset is some hundreds of metres: what converting corrects.
	if d := geo.Distance(orb.Point{116.404, 39.915}, g); d < 100 || d > 1000 {
		t.Errorf("offset %.0f m", d)
	}
	outside := orb.Point{2.35, 48.85} // Paris: GCJ-02 leaves it as it is
	if fgeo.ToGCJ02(outside) != outside || fgeo.FromGCJ02(outside) != outside {
		t.Error("a position outside China was moved")
	}
}

func TestGCJ02RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 2))
	worst := 0.0
	for range 10_000 {
		// A position in China taken as WGS-84 there and back, and as
		// GCJ-02 back and there.
		p := orb.Point{73 + rng.Float64()*62, 18 + rng.Float64()*35}
		worst = max(worst, geo.Distance(p, fgeo.FromGCJ02(fgeo.ToGCJ02(p))))
		worst = max(worst, geo.Distance(p, fgeo.ToGCJ02(fgeo.FromGCJ02(p))))
	}
	if worst > 1 {
		t.Errorf("worst round trip %.3f m, want within 1 m", worst)
	}
	t.Logf("worst round trip over 10000 positions: %.2g m", worst)
}
