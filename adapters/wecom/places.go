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
// and of equal names the deeper cell. The tree must not change while
// TreePlaces is in use.
type TreePlaces struct {
	Tree *grid.Tree
}

// Find returns the cell of township text names; see TreePlaces.
func (p TreePlaces) Find(ctx context.Context, township grid.CellID, text string) (grid.CellID, bool) {
	root, err := p.Tree.Cell(township)
	if err != nil {
		return "", false
	}
	cells, err := p.Tree.Descendants(township)
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
