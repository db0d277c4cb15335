package wecom

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn/grid"
)

// Places finds the cell a place written in words names.
type Places interface {
	// Find returns the cell of township that text names, if any.
	Find(ctx context.Context, township grid.CellID, text string) (grid.CellID, bool)
}

// TreePlaces finds places by the names of a grid's cells: the active cell
// of the township whose name text contains, the longest name winning, so
// that "马园一组" names the villager group rather than the 马园 community,
// and of equal names the deeper cell.
type TreePlaces struct {
	// Tree returns the grid as it stands: each Find reads the tree it
	// returns then, so that a grid that changes is followed.
	Tree func() *grid.Tree
}

// Find returns the cell of township text names; see TreePlaces.
func (p TreePlaces) Find(ctx context.Context, township grid.CellID, text string) (grid.CellID, bool) {
	tree := p.Tree()
	root, err := tree.Cell(township)
	if err != nil {
		return "", false
	}
	cells, err := tree.Descendants(township)
	if err != nil {
		return "", false
	}
	var best grid.Cell
	bestLen := 0
	for _, c := range append(cells, root) {
		n := utf8.RuneCountInString(c.Name)
		if c.Retired || n == 0 || !strings.Contains(text, c.Name) {
			continue
		}
		if n > bestLen || n == bestLen && c.Level() > best.Level() {
			best, bestLen = c, n
		}
	}
	return best.ID, bestLen > 0
}
