package memstore

import (
	"context"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Hazards keeps safety hazards and their timelines in memory. It implements
// hazard.Store and is safe for concurrent use; updates of all hazards are
// serialized.
type Hazards struct {
	t *table[hazard.Hazard, *hazard.Hazard]
}

var _ hazard.Store = (*Hazards)(nil)

// NewHazards returns an empty hazard store.
func NewHazards() *Hazards {
	return &Hazards{t: newTable("hazard",
		func(h *hazard.Hazard) string { return string(h.ID) },
		func(h *hazard.Hazard) *int64 { return &h.Version },
		func(*hazard.Hazard) string { return "" }, // hazards have no tracking code
	)}
}

// Create stores a new hazard and its first events; see hazard.Store.
func (s *Hazards) Create(ctx context.Context, h *hazard.Hazard, events []timeline.Event, key work.IdempotencyKey) (*hazard.Hazard, error) {
	return s.t.create(ctx, h, events, key.Scope, key.Key, key.Fingerprint)
}

// Get returns hazard id. Returns NotFound if there is none.
func (s *Hazards) Get(ctx context.Context, id hazard.ID) (*hazard.Hazard, error) {
	return s.t.get(ctx, string(id))
}

// Update changes hazard id through fn; see hazard.Store.
func (s *Hazards) Update(ctx context.Context, id hazard.ID, version int64, fn func(*hazard.Hazard) ([]timeline.Event, error)) (*hazard.Hazard, error) {
	return s.t.update(ctx, string(id), version, fn)
}

// List returns the hazards matching f, newest first; see hazard.Store.
func (s *Hazards) List(ctx context.Context, f hazard.Filter) (hazard.Page, error) {
	if err := f.Validate(); err != nil {
		return hazard.Page{}, err
	}
	hazards, next, err := s.t.list(ctx, string(f.Before), f.PageSize(), f.Matches)
	return hazard.Page{Hazards: hazards, Next: hazard.ID(next)}, err
}

// Events returns the timeline of hazard id. Returns NotFound if there is
// none.
func (s *Hazards) Events(ctx context.Context, id hazard.ID) ([]timeline.Event, error) {
	return s.t.timeline(ctx, string(id))
}
