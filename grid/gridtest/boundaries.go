package gridtest

import (
	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// Boundaries returns rectangles for township's cells of tree: the township
// is r, and each cell's children divide it into strips, across at one
// level and down at the next, each drawn a tenth of its width in from its
// neighbours so that some ground of every cell lies in none of its
// children. They make a map that shows something, and points whose
// lowest cell is known, for demonstrations and tests.
func Boundaries(tree *grid.Tree, township grid.CellID, r orb.Bound) []geo.Boundary {
	var out []geo.Boundary
	var lay func(id grid.CellID, r orb.Bound, across bool)
	lay = func(id grid.CellID, r orb.Bound, across bool) {
		out = append(out, geo.Boundary{Cell: id, Shape: geo.Shape{orb.Polygon{r.ToRing()}}})
		children, _ := tree.Children(id)
		n := float64(len(children))
		for i, c := range children {
			cr := r
			if across {
				w := (r.Max[0] - r.Min[0]) / n
				cr.Min[0], cr.Max[0] = r.Min[0]+float64(i)*w+w/20, r.Min[0]+float64(i+1)*w-w/20
			} else {
				h := (r.Max[1] - r.Min[1]) / n
				cr.Min[1], cr.Max[1] = r.Min[1]+float64(i)*h+h/20, r.Min[1]+float64(i+1)*h-h/20
			}
			lay(c.ID, cr, !across)
		}
	}
	lay(township, r, true)
	return out
}
