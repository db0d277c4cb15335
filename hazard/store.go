package hazard

import (
	"context"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Store keeps hazards and their timelines. Implementations must be safe for
// concurrent use, and must save a hazard and the events of the same change
// in one atomic write: a hazard is never stored without its events, nor
// events without their hazard. Every hazard and event a store returns is
// the caller's to change. It is mediation.Store's contract, for hazards.
type Store interface {
	// Create stores a new hazard and its first events. With a non-empty
	// key, a second Create under the same key stores nothing: it returns
	// the hazard the first created if the fingerprints match, and a
	// Conflict error if they do not (the key was reused for another
	// request).
	Create(ctx context.Context, h *Hazard, events []timeline.Event, key work.IdempotencyKey) (*Hazard, error)
	// Get returns the hazard id. Returns NotFound if there is none.
	Get(ctx context.Context, id ID) (*Hazard, error)
	// Update loads hazard id, and calls fn with a copy of it. If fn returns
	// an error, nothing is stored and Update returns that error. Otherwise
	// the store saves the changed hazard with its version raised by one,
	// together with the events fn returned, and returns the saved hazard.
	// A version other than 0 must equal the stored hazard's version, or
	// Update returns a Conflict error without calling fn. Updates of one
	// hazard are serialized: fn always sees the latest version, so no
	// update is lost. Returns NotFound if there is no hazard id.
	Update(ctx context.Context, id ID, version int64, fn func(*Hazard) ([]timeline.Event, error)) (*Hazard, error)
	// List returns the hazards matching f, newest first, a page at a time.
	List(ctx context.Context, f Filter) (Page, error)
	// Events returns the timeline of hazard id, in order. Returns NotFound
	// if there is no hazard id.
	Events(ctx context.Context, id ID) ([]timeline.Event, error)
}

// Filter selects hazards for List. A hazard matches when it lies in one of
// the Within subtrees (by its handling cell or its location) or, when
// Reporter is set, was reported by that actor, and it passes every other
// criterion that is set.
type Filter struct {
	Township  grid.CellID // required: lists never cross townships
	Within    []grid.Path
	Reporter  string
	Owner     string  // only the hazards this resident reported
	States    []State // any of these states
	Category  Category
	Grade     work.Grade
	OverdueAt time.Time // only hazards past a deadline at this time
	Before    ID        // the cursor: only hazards older than this one
	Limit     int       // 1 to MaxPage; 0 means DefaultPage
}

// Page is one page of a listing. Next is the cursor for the following page,
// or "" when this is the last.
type Page struct {
	Hazards []*Hazard
	Next    ID
}

// Matches reports whether h passes f, apart from the cursor and the limit.
// Stores that filter in memory use it; SQL stores express the same test in
// their queries.
func (f *Filter) Matches(h *Hazard) bool {
	switch {
	case !f.scope().Holds(h.subject()),
		len(f.States) > 0 && !slices.Contains(f.States, h.State),
		f.Category != "" && h.Category != f.Category,
		f.Grade != 0 && h.Grade != f.Grade,
		!f.OverdueAt.IsZero() && !h.Overdue(f.OverdueAt):
		return false
	}
	return true
}

// scope is the part of f that says whose hazards it holds.
func (f *Filter) scope() kernel.Scope {
	return kernel.Scope{Township: f.Township, Within: f.Within, Taker: f.Reporter, Owner: f.Owner}
}

// Validate checks the filter's fields, naming the one at fault.
func (f *Filter) Validate() error {
	if err := kernel.CheckListing(f.Township, f.Grade, f.Limit, f.States); err != nil {
		return err
	}
	if len(f.Category) > maxKey {
		return invalid("category", "longer than %d bytes", maxKey)
	}
	return nil
}

// PageSize returns the number of hazards a page holds under f.
func (f *Filter) PageSize() int { return kernel.PageSize(f.Limit) }
