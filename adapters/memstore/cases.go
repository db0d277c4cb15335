package memstore

import (
	"context"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Cases keeps dispute cases and their timelines in memory. It implements
// mediation.Store and is safe for concurrent use; updates of all cases are
// serialized.
type Cases struct {
	t *table[mediation.Case, *mediation.Case]
}

var _ mediation.Store = (*Cases)(nil)

// NewCases returns an empty case store.
func NewCases() *Cases {
	return &Cases{t: newTable("case",
		func(c *mediation.Case) string { return string(c.ID) },
		func(c *mediation.Case) *int64 { return &c.Version },
		func(c *mediation.Case) string { return c.TrackingCode },
	)}
}

// Create stores a new case and its first events; see mediation.Store.
func (s *Cases) Create(ctx context.Context, c *mediation.Case, events []timeline.Event, key work.IdempotencyKey) (*mediation.Case, error) {
	return s.t.create(ctx, c, events, key.Scope, key.Key, key.Fingerprint)
}

// Get returns case id. Returns NotFound if there is none.
func (s *Cases) Get(ctx context.Context, id mediation.ID) (*mediation.Case, error) {
	return s.t.get(ctx, string(id))
}

// GetByTrackingCode returns the case with the tracking code. Returns
// NotFound if there is none.
func (s *Cases) GetByTrackingCode(ctx context.Context, code string) (*mediation.Case, error) {
	return s.t.getByCode(ctx, code)
}

// Update changes case id through fn; see mediation.Store.
func (s *Cases) Update(ctx context.Context, id mediation.ID, version int64, fn func(*mediation.Case) ([]timeline.Event, error)) (*mediation.Case, error) {
	return s.t.update(ctx, string(id), version, fn)
}

// List returns the cases matching f, newest first; see mediation.Store.
func (s *Cases) List(ctx context.Context, f mediation.Filter) (mediation.Page, error) {
	if err := f.Validate(); err != nil {
		return mediation.Page{}, err
	}
	cases, next, err := s.t.list(ctx, string(f.Before), f.PageSize(), f.Matches)
	return mediation.Page{Cases: cases, Next: mediation.ID(next)}, err
}

// Events returns the timeline of case id. Returns NotFound if there is none.
func (s *Cases) Events(ctx context.Context, id mediation.ID) ([]timeline.Event, error) {
	return s.t.timeline(ctx, string(id))
}

// Grid serves the grid's cells from a tree, for work.Cells. The tree
// must not change while the Grid is in use.
type Grid struct {
	Tree *grid.Tree
}

// Cell returns the cell id. Returns NotFound if there is none.
func (g Grid) Cell(ctx context.Context, id grid.CellID) (grid.Cell, error) {
	if err := ctx.Err(); err != nil {
		return grid.Cell{}, err
	}
	return g.Tree.Cell(id)
}
