package hazard

import (
	"context"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
)

// Store keeps hazards and their timelines under the contract of
// work.Store, and lists them. adapters/storetest checks an implementation
// against the contract.
type Store interface {
	work.Store[*Hazard, ID]
	// List returns the hazards matching f, newest first, a page at a time.
	List(ctx context.Context, f Filter) (Page, error)
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
