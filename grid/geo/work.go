package geo

import (
	"context"

	"github.com/fourplusn/fourplusn/grid"
)

// OpenWork counts township's open cases or hazards, as w keeps them, by
// cell: each is counted in the cell that handles it and in every cell
// above, so that a cell on the map shows the open work of its subtree.
func OpenWork(ctx context.Context, township grid.CellID, w grid.Work) (map[grid.CellID]int, error) {
	items, err := w.OpenWork(ctx, township, grid.WorkQuery{Within: grid.RootPath(township)})
	if err != nil {
		return nil, err
	}
	counts := map[grid.CellID]int{}
	for _, it := range items {
		for l := grid.Level(1); l <= it.Handling.Level(); l++ {
			counts[it.Handling.At(l)]++
		}
	}
	return counts, nil
}
