package geo

import (
	"context"

	"github.com/fourplusn/fourplusn/grid"
)

// Store keeps the cells' boundaries, a township's apart from another's.
// Implementations must be safe for concurrent use; adapters/storetest
// checks one against this contract.
type Store interface {
	// Boundaries returns the boundaries of township's cells, by cell ID.
	Boundaries(ctx context.Context, township grid.CellID) ([]Boundary, error)
	// PutBoundary creates or replaces the boundary of b.Cell, a cell of
	// township. Returns Invalid naming "coordinates" for a shape that
	// fails Validate, storing nothing.
	PutBoundary(ctx context.Context, township grid.CellID, b Boundary) error
}
