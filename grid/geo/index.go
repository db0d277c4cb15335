package geo

import (
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/fourplusn/fourplusn/grid"
)

// Boundary is the boundary of one cell.
type Boundary struct {
	Cell  grid.CellID
	Shape Shape
}

// entry is a cell of an index: its level, for choosing the lowest of the
// cells containing a point, and its shape.
type entry struct {
	cell  grid.CellID
	level grid.Level
	shape Shape
}

// Index answers which cell of a township lies lowest under a point. It
// keeps the rectangles bounding the cells' polygons in an R-tree, so that
// a point is tested against the few polygons whose rectangle holds it,
// not against every cell. An Index is immutable and safe for concurrent
// use; a changed boundary builds a new one.
type Index struct {
	entries []entry
	tree    rtree.RTreeG[int32]
}

// NewIndex indexes the boundaries of cells of tree. A boundary of a cell
// the tree does not have, or has retired, is left out: no new case is
// routed to a retired cell.
func NewIndex(tree *grid.Tree, bounds []Boundary) *Index {
	ix := &Index{entries: make([]entry, 0, len(bounds))}
	for _, b := range bounds {
		c, err := tree.Cell(b.Cell)
		if err != nil || c.Retired {
			continue
		}
		i := int32(len(ix.entries))
		ix.entries = append(ix.entries, entry{cell: c.ID, level: c.Level(), shape: b.Shape})
		// One rectangle per polygon: the parts of a multipolygon lie
		// apart, and the rectangle around all of them would hold much
		// that is in none.
		for _, p := range b.Shape {
			r := p.Bound()
			ix.tree.Insert(r.Min, r.Max, i)
		}
	}
	return ix
}

// Len returns the number of cells indexed.
func (ix *Index) Len() int { return len(ix.entries) }

// Locate returns the lowest cell whose boundary contains p, a WGS-84
// longitude and latitude, and whether there is one. Of cells at one level
// that both contain it (p on the edge they share), the one whose ID sorts
// first.
func (ix *Index) Locate(p orb.Point) (grid.CellID, bool) {
	best := -1
	ix.tree.Search(p, p, func(_, _ [2]float64, i int32) bool {
		e := &ix.entries[i]
		if best >= 0 && !e.better(&ix.entries[best]) {
			return true
		}
		if e.shape.Contains(p) {
			best = int(i)
		}
		return true
	})
	if best < 0 {
		return "", false
	}
	return ix.entries[best].cell, true
}

// better reports whether e is chosen over other when both contain a
// point: it is deeper, or of one level and its ID sorts first.
func (e *entry) better(other *entry) bool {
	if e.level != other.level {
		return e.level > other.level
	}
	return e.cell < other.cell
}
