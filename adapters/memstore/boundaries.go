package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// Boundaries keeps the cells' boundaries in memory. It implements
// geo.Store and is safe for concurrent use.
type Boundaries struct {
	mu     sync.RWMutex
	shapes map[grid.CellID]map[grid.CellID]geo.Shape // by township, then cell
}

var _ geo.Store = (*Boundaries)(nil)

// NewBoundaries returns an empty store of boundaries.
func NewBoundaries() *Boundaries {
	return &Boundaries{shapes: map[grid.CellID]map[grid.CellID]geo.Shape{}}
}

// Boundaries returns the boundaries of township's cells, by cell ID.
func (s *Boundaries) Boundaries(ctx context.Context, township grid.CellID) ([]geo.Boundary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]geo.Boundary, 0, len(s.shapes[township]))
	for id, shape := range s.shapes[township] {
		out = append(out, geo.Boundary{Cell: id, Shape: shape.Clone()})
	}
	slices.SortFunc(out, func(a, b geo.Boundary) int { return cmp.Compare(a.Cell, b.Cell) })
	return out, nil
}

// PutBoundary creates or replaces the boundary of b.Cell.
func (s *Boundaries) PutBoundary(ctx context.Context, township grid.CellID, b geo.Boundary) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.Shape.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shapes[township] == nil {
		s.shapes[township] = map[grid.CellID]geo.Shape{}
	}
	s.shapes[township][b.Cell] = b.Shape.Clone()
	return nil
}
