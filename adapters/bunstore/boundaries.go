package bunstore

import (
	"context"
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// Boundaries is the SQL store of the cells' boundaries. It implements
// geo.Store and is safe for concurrent use.
type Boundaries struct {
	db *DB
}

var _ geo.Store = Boundaries{}

// Boundaries returns the database's store of cell boundaries.
func (db *DB) Boundaries() Boundaries { return Boundaries{db: db} }

// Boundaries returns the boundaries of township's cells, by cell ID.
func (s Boundaries) Boundaries(ctx context.Context, township grid.CellID) ([]geo.Boundary, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT cell, geojson FROM cell_boundaries WHERE township = ? ORDER BY cell", string(township))
	if err != nil {
		return nil, fmt.Errorf("bunstore: list boundaries: %w", err)
	}
	defer rows.Close()
	var out []geo.Boundary
	for rows.Next() {
		var b geo.Boundary
		var data string
		if err := rows.Scan(&b.Cell, &data); err != nil {
			return nil, fmt.Errorf("bunstore: list boundaries: %w", err)
		}
		if b.Shape, err = geo.Parse([]byte(data)); err != nil {
			return nil, fmt.Errorf("bunstore: boundary of %s: %w", b.Cell, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: list boundaries: %w", err)
	}
	return out, nil
}

// PutBoundary creates or replaces the boundary of b.Cell.
func (s Boundaries) PutBoundary(ctx context.Context, township grid.CellID, b geo.Boundary) error {
	if err := b.Shape.Validate(); err != nil {
		return err
	}
	data, err := b.Shape.MarshalJSON()
	if err != nil {
		return fmt.Errorf("bunstore: boundary of %s: %w", b.Cell, err)
	}
	_, err = s.db.write.ExecContext(ctx,
		"INSERT INTO cell_boundaries (township, cell, geojson) VALUES (?, ?, ?) ON CONFLICT (township, cell) DO UPDATE SET geojson = excluded.geojson",
		string(township), string(b.Cell), string(data))
	if err != nil {
		return fmt.Errorf("bunstore: put boundary of %s: %w", b.Cell, err)
	}
	return nil
}
