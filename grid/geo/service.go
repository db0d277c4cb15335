package geo

import (
	"context"
	"fmt"
	"sync"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// Service keeps the townships' boundaries and routes points to cells. It
// holds one index per township in memory, built on first use and again
// when a boundary is set or the grid has changed, since a point is routed
// with every case that carries one and the boundaries change rarely.
type Service struct {
	store Store
	grid  *grid.Service

	mu      sync.Mutex
	indexes map[grid.CellID]built
	// gens counts the boundaries set per township, so that an index built
	// from what the store held before one was set is not kept as current.
	gens map[grid.CellID]uint64
}

// built is a township's index and the tree it was built from: a tree
// changed since (a cell retired or moved) makes it stale.
type built struct {
	tree  *grid.Tree
	gen   uint64
	index *Index
}

// NewService returns the service of the boundaries kept in store, of the
// cells of g.
func NewService(store Store, g *grid.Service) *Service {
	return &Service{store: store, grid: g, indexes: map[grid.CellID]built{}, gens: map[grid.CellID]uint64{}}
}

// Boundaries returns the boundaries of township's cells, by cell ID.
func (s *Service) Boundaries(ctx context.Context, township grid.CellID) ([]Boundary, error) {
	return s.store.Boundaries(ctx, township)
}

// SetBoundary creates or replaces the boundary of a cell of the actor's
// township. The actor must be one who may manage the township's grid.
// Returns Forbidden for any other, NotFound for a cell the township does
// not have, and Invalid naming "coordinates" for a shape that bounds
// nothing.
func (s *Service) SetBoundary(ctx context.Context, actor grid.Actor, b Boundary) error {
	policy := s.grid.Policy()
	if err := policy.Can(actor, grid.ManageGrid, grid.Target{Cell: grid.RootPath(actor.Township)}); err != nil {
		return err
	}
	c, err := s.grid.Cell(ctx, b.Cell)
	if err != nil || c.Path.Township() != actor.Township {
		return fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", b.Cell)
	}
	if err := b.Shape.Validate(); err != nil {
		return err
	}
	if err := s.store.PutBoundary(ctx, actor.Township, b); err != nil {
		return fmt.Errorf("geo: set boundary of %s: %w", b.Cell, err)
	}
	s.mu.Lock()
	s.gens[actor.Township]++
	s.mu.Unlock()
	return nil
}

// Locate returns the lowest cell of township whose boundary contains p, a
// WGS-84 longitude and latitude. Returns NotFound when none does.
func (s *Service) Locate(ctx context.Context, township grid.CellID, p orb.Point) (grid.CellID, error) {
	ix, err := s.index(ctx, township)
	if err != nil {
		return "", err
	}
	if id, ok := ix.Locate(p); ok {
		return id, nil
	}
	return "", fourplusn.Errorf(fourplusn.NotFound, "no cell of the township contains the point %.6f, %.6f", p.Lat(), p.Lon())
}

// index returns township's index, building it if it is missing or stale.
func (s *Service) index(ctx context.Context, township grid.CellID) (*Index, error) {
	tree := s.grid.Directory().Tree()
	s.mu.Lock()
	b, ok := s.indexes[township]
	gen := s.gens[township]
	s.mu.Unlock()
	if ok && b.tree == tree && b.gen == gen {
		return b.index, nil
	}
	bounds, err := s.store.Boundaries(ctx, township)
	if err != nil {
		return nil, fmt.Errorf("geo: boundaries of %s: %w", township, err)
	}
	ix := NewIndex(tree, bounds)
	s.mu.Lock()
	s.indexes[township] = built{tree: tree, gen: gen, index: ix}
	s.mu.Unlock()
	return ix, nil
}
