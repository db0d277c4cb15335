package mediation

import (
	"context"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
)

// Store keeps cases and their timelines under the contract of work.Store,
// numbers them, lists them, and finds them by tracking code and by number.
// adapters/storetest checks an implementation against the contract.
//
// Create numbers the case it stores: it keeps the Prefix and Year of its
// Number as given and sets Seq, whatever it was, to the next of the
// case's township and that year — 1 for the first — in the same atomic
// write that stores the case, so that a township's numbers of a year are
// unique and gapless however many Creates run at once. A Create that
// stores nothing, refused or returning the case an idempotency key
// created, uses up no number. A case whose Number, once given its Seq, is
// not whole (Number.Validate) is refused as Invalid. Update keeps the
// number Create gave, whatever fn does to it.
type Store interface {
	work.Store[*Case, ID]
	// GetByTrackingCode returns the case with the given tracking code.
	// Returns NotFound if there is none.
	GetByTrackingCode(ctx context.Context, code string) (*Case, error)
	// GetByNumber returns township's case numbered n: its prefix, year
	// and sequence all as given. Returns NotFound if there is none.
	GetByNumber(ctx context.Context, township grid.CellID, n Number) (*Case, error)
	// ByApplicantPhone returns, newest first, up to work.MaxPage cases one of
	// whose applicants gave phone, a mobile number in normal form (see
	// fourplusn.ParsePhone), in any township: what a lost tracking code
	// is sent again by. None is not an error.
	ByApplicantPhone(ctx context.Context, phone string) ([]*Case, error)
	// List returns the cases matching f, newest first, a page at a time.
	List(ctx context.Context, f Filter) (Page, error)
	// Nearby returns, newest first, the newest q.Limit of the cases that
	// answer q (NearbyQuery.Nearby), or all of them if fewer: those that
	// may be duplicates of one or more cases. A Limit above work.MaxPage
	// is honoured, not cut: the service asks for many cases' candidates at
	// once. None is not an error.
	Nearby(ctx context.Context, q NearbyQuery) ([]*Case, error)
}

// Filter selects cases for List. A case matches when it lies in one of the
// Within subtrees (by its handling cell or its location) or, when
// FirstResponder is set, was first received by that actor, and it passes
// every other criterion that is set.
type Filter struct {
	Township       grid.CellID // required: lists never cross townships
	Within         []grid.Path
	FirstResponder string
	Owner          string  // only the cases this resident applied for
	States         []State // any of these states
	Grade          work.Grade
	Channel        work.Channel
	Category       Category
	Cell           grid.Path // only cases handled or arisen in this cell's subtree
	RegisteredFrom time.Time // only cases registered at or after this time
	RegisteredTo   time.Time // only cases registered before this time
	OverdueAt      time.Time // only cases past a deadline at this time
	// Query is a search: what ParseSearch reads, and Search says matches.
	Query string
	// Personal are the subtrees in whose handling cells the viewer sees
	// the parties unmasked: only the cases handled there match a Query by
	// a phone number. Service.List sets it from the viewer's posts.
	Personal []grid.Path
	Before   ID  // the cursor: only cases older than this one
	Limit    int // 1 to MaxPage; 0 means DefaultPage
}

// Page is one page of a listing. Next is the cursor for the following page,
// or "" when this is the last.
type Page struct {
	Cases []*Case
	Next  ID
}

// Matches reports whether c passes f, apart from the cursor and the limit.
// Stores that filter in memory use it; SQL stores express the same test in
// their queries.
func (f *Filter) Matches(c *Case) bool {
	switch {
	case !f.scope().Holds(c.subject()),
		len(f.States) > 0 && !slices.Contains(f.States, c.State),
		f.Grade != 0 && c.Grade != f.Grade,
		f.Channel != 0 && c.Channel != f.Channel,
		f.Category != "" && c.Category != f.Category,
		!f.Cell.IsZero() && !f.Cell.Contains(c.Handling) && !f.Cell.Contains(c.Location),
		!f.RegisteredFrom.IsZero() && c.RegisteredAt.Before(f.RegisteredFrom),
		!f.RegisteredTo.IsZero() && !c.RegisteredAt.Before(f.RegisteredTo),
		!f.OverdueAt.IsZero() && !c.Overdue(f.OverdueAt):
		return false
	}
	if f.Query == "" {
		return true
	}
	s, err := ParseSearch(f.Query)
	return err == nil && s.matches(c, f.Personal)
}

// scope is the part of f that says whose cases it holds.
func (f *Filter) scope() kernel.Scope {
	return kernel.Scope{Township: f.Township, Within: f.Within, Taker: f.FirstResponder, Owner: f.Owner}
}

// Validate checks the filter's fields, naming the one at fault.
func (f *Filter) Validate() error {
	if err := kernel.CheckListing(f.Township, f.Grade, f.Limit, f.States); err != nil {
		return err
	}
	if f.Channel != 0 && !f.Channel.Valid() {
		return invalid("channel", "unknown channel %d", f.Channel)
	}
	if !f.RegisteredFrom.IsZero() && !f.RegisteredTo.IsZero() && !f.RegisteredFrom.Before(f.RegisteredTo) {
		return invalid("registered_to", "must be after registered_from")
	}
	if f.Query != "" {
		if _, err := ParseSearch(f.Query); err != nil {
			return err
		}
	}
	return nil
}

// PageSize returns the number of cases a page holds under f.
func (f *Filter) PageSize() int { return kernel.PageSize(f.Limit) }
