package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn/grid"
	fgeo "github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// township is the ground the random grid's first township covers: about
// 11 km by 11 km near Gucheng.
var township = orb.Bound{Min: orb.Point{114.0, 32.9}, Max: orb.Point{114.1, 33.0}}

// randomGrid is a random grid of n cells in one township with a boundary
// for every cell.
func randomGrid(n int) (*grid.Tree, []fgeo.Boundary) {
	tree := gridtest.RandomTree(20, n, 1)
	return tree, gridtest.Boundaries(tree, "t0", township)
}

// bruteForce is the lowest cell containing p found by testing every
// boundary, with the same tie-break as the index.
func bruteForce(tree *grid.Tree, bounds []fgeo.Boundary, p orb.Point) (grid.CellID, bool) {
	var best grid.Cell
	found := false
	for _, b := range bounds {
		if !b.Shape.Contains(p) {
			continue
		}
		c := tree.MustCell(b.Cell)
		if !found || c.Level() > best.Level() || c.Level() == best.Level() && c.ID < best.ID {
			best, found = c, true
		}
	}
	return best.ID, found
}

func TestIndexAgreesWithBruteForce(t *testing.T) {
	tree, bounds := randomGrid(2000)
	ix := fgeo.NewIndex(tree, bounds)
	if ix.Len() != tree.Len() {
		t.Fatalf("indexed %d cells of %d", ix.Len(), tree.Len())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	levels := map[grid.Level]int{}
	for range 20_000 {
		// A little beyond the township too, where no cell is.
		p := orb.Point{113.99 + rng.Float64()*0.12, 32.89 + rng.Float64()*0.12}
		want, wantOK := bruteForce(tree, bounds, p)
		got, ok := ix.Locate(p)
		if got != want || ok != wantOK {
			t.Fatalf("Locate(%v) = %q, %v; brute force %q, %v", p, got, ok, want, wantOK)
		}
		if ok {
			levels[tree.MustCell(got).Level()]++
		}
	}
	// The test means something only if points land at every level.
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		if levels[l] == 0 {
			t.Errorf("no point routed to level %d: %v", l, levels)
		}
	}
}

func TestIndexSharedEdgesAndRetiredCells(t *testing.T) {
	tree, err := grid.Build(grid.DefaultTitles, []grid.Spec{
		{ID: "t", Name: "镇", Level: 1},
		{ID: "a", Parent: "t", Name: "甲", Level: 2},
		{ID: "b", Parent: "t", Name: "乙", Level: 2},
		{ID: "a1", Parent: "a", Name: "甲一", Level: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	rect := func(x0, y0, x1, y1 float64) fgeo.Shape { return fgeo.Shape{orb.Polygon{square(x0, y0, x1, y1)}} }
	bounds := []fgeo.Boundary{
		{Cell: "t", Shape: rect(0, 0, 2, 1)},
		{Cell: "b", Shape: rect(1, 0, 2, 1)}, // b and a share the edge x = 1
		{Cell: "a", Shape: rect(0, 0, 1, 1)},
		{Cell: "a1", Shape: rect(0, 0, 0.5, 0.5)},
		{Cell: "gone", Shape: rect(0, 0, 9, 9)}, // no such cell
	}
	tests := []struct {
		p    orb.Point
		want grid.CellID
	}{
		{orb.Point{1, 0.7}, "a"},      // on the shared edge: the ID first
		{orb.Point{0.5, 0.5}, "a1"},   // on a1's corner: the deepest
		{orb.Point{1.5, 0.5}, "b"},    // inside b
		{orb.Point{2, 1}, "b"},        // on b's and the township's corner
		{orb.Point{0.25, 0.25}, "a1"}, // inside a1
	}
	ix := fgeo.NewIndex(tree, bounds)
	for _, tt := range tests {
		if got, _ := ix.Locate(tt.p); got != tt.want {
			t.Errorf("Locate(%v) = %q, want %q", tt.p, got, tt.want)
		}
	}
	if got, ok := ix.Locate(orb.Point{5, 5}); ok {
		t.Errorf("a point outside every cell routed to %q", got)
	}
	if err := tree.Retire("a1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := fgeo.NewIndex(tree, bounds).Locate(orb.Point{0.25, 0.25}); got != "a" {
		t.Errorf("with a1 retired, Locate = %q, want its parent a", got)
	}
}

// BenchmarkLocate measures routing a point in a township of 2,000 cells,
// every one with a boundary: the issue asks for 10 µs or less.
func BenchmarkLocate(b *testing.B) {
	tree, bounds := randomGrid(2000)
	ix := fgeo.NewIndex(tree, bounds)
	rng := rand.New(rand.NewPCG(3, 4))
	points := make([]orb.Point, 4096)
	for i := range points {
		points[i] = orb.Point{township.Min[0] + rng.Float64()*0.1, township.Min[1] + rng.Float64()*0.1}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Locate(points[i%len(points)])
		i++
	}
}
